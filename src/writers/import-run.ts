import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { ContactsApi } from '../api/endpoints.js';
import { DuplicateContactError, HoopApiError } from '../api/errors.js';
import type { ContactWrite, CustomFieldDefinition, CustomFieldInput } from '../api/types.js';
import { checkPipelineColumns, STANDARD_FIELDS, type ImportPipeline, type Mapping } from '../config/index.js';
import { ConfigError, EXIT, HoopError, type ExitCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { SourceItem } from '../core/row.js';
import { matchKeys } from '../dedup/match-keys.js';
import { mergeRows, type MappedRow } from '../dedup/merge-rows.js';
import { UnionFind } from '../dedup/union-find.js';
import { readCsvHeader, readCsvRows } from '../sources/read-csv-rows.js';
import { mapRow, mappingFromHeaders, type MappedContact, type MappedNote, type MappedTask } from '../transforms/map-row.js';
import { writeOutcomeFiles, writeSummary } from './outcome-files.js';
import { RunJournal, type RowRecord } from './run-journal.js';
import { TagBatcher } from './tag-batcher.js';
import { judge, LocationSnapshot, wouldChangeNothing } from './location-snapshot.js';

/**
 * The import job: CSV -> mapping -> in-file dedup -> writes, journaled.
 *
 * Two passes over the file keep memory flat: the first maps every row and
 * clusters rows that are the same person (by normalised email and phone,
 * transitively); the second maps them again and writes each cluster as soon
 * as its last row is read. Each write is recorded in the journal before and
 * after it happens, so `--resume` skips what is done and looks up what was
 * left in doubt.
 */

export interface ImportOptions {
  pipeline: ImportPipeline;
  api: ContactsApi;
  /** Folder for `<run-id>/` (journal and outcome files). */
  reportDir: string;
  /** Continue this run. */
  resume?: string;
  dryRun?: boolean;
  /** Contacts written at once; the rate governor paces the requests. @default 8 */
  concurrency?: number;
  logger?: Logger;
  now?: () => number;
  /** Called as rows finish, for a progress display. */
  /** Rows done so far, of `total` (known once the first pass has counted them). */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  runId: string;
  runDir: string;
  rows: number;
  counts: Record<'created' | 'updated' | 'unchanged' | 'merged' | 'failed', number>;
  contacts: number;
  requests: number;
  retries: number;
  rateLimited: number;
  elapsedMs: number;
  requestsPerSecond: number;
  dryRun: boolean;
  /** Dry run: what the real run would spend, and the rows whose email and phone name two different contacts. */
  plannedRequests?: number;
  collisions?: number;
  exitCode: ExitCode;
}

/** A run that stopped before the end; says how to continue. */
export class ImportStoppedError extends HoopError {
  constructor(
    readonly runId: string,
    cause: Error,
  ) {
    super('IMPORT_STOPPED', `Import stopped: ${cause.message}. Nothing is lost: continue with --resume ${runId}`, EXIT.incomplete, { cause });
  }
}

/** API errors that end the run (it can be resumed), not just one row. */
const RUN_LEVEL = new Set(['UNAUTHORIZED', 'FORBIDDEN_LOCATION', 'MISSING_SCOPE', 'DAILY_BUDGET_EXHAUSTED', 'UNAVAILABLE', 'RATE_LIMITED']);

function newRunId(now: number): string {
  return `${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

function rawOf(item: SourceItem, headers: readonly string[]): Record<string, string> {
  if (item.kind === 'row') return { ...item.row.values };
  return headers.length ? { [headers[0]!]: item.raw } : {};
}

interface PlannedCluster {
  readonly records: number[];
  readonly last: number;
}

const STANDARD_WRITE_FIELDS: ReadonlySet<string> = new Set(STANDARD_FIELDS);

function resolveCustomField(target: string, defs: Map<string, CustomFieldDefinition>): CustomFieldDefinition | undefined {
  const [, kind, ...rest] = target.split(':');
  const wanted = rest.join(':');
  for (const d of defs.values()) {
    if (kind === 'key' && (d.fieldKey === wanted || d.fieldKey === `contact.${wanted}`)) return d;
    if (kind === 'name' && d.name.toLowerCase() === wanted.toLowerCase()) return d;
  }
  return undefined;
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const { pipeline, api } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const file = pipeline.source.file;
  const readOpts = {
    encoding: pipeline.source.encoding === 'auto' ? undefined : pipeline.source.encoding,
    delimiter: pipeline.source.delimiter === 'auto' ? undefined : pipeline.source.delimiter,
  };
  const header = await readCsvHeader(file, readOpts);
  checkPipelineColumns(pipeline, header.headers, file);
  const mapping: Mapping = pipeline.mapping ?? mappingFromHeaders(header.headers);

  const runId = options.resume ?? newRunId(started);
  const runDir = join(options.reportDir, runId);
  if (options.resume && !existsSync(join(runDir, 'journal.sqlite'))) {
    throw new ConfigError(`No run ${options.resume} to resume in ${options.reportDir}`, '--resume');
  }
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const journal = options.dryRun ? undefined : RunJournal.open(join(runDir, 'journal.sqlite'));
  const configHash = createHash('sha256').update(JSON.stringify({ pipeline, mapping })).digest('hex').slice(0, 16);
  if (journal) {
    const meta = journal.meta();
    if (options.resume && meta.configHash && meta.configHash !== configHash) {
      journal.close();
      throw new ConfigError(`Run ${runId} was started with another pipeline or file; resume it with the same ones`, '--resume');
    }
    if (!meta.runId) journal.setMeta({ runId, file, locationId: api.locationId, mode: pipeline.mode, configHash, startedAt: new Date(started).toISOString() });
  }

  // Custom-field definitions: every target must exist before anything is written.
  const defs = pipeline.customFields.length ? await api.customFieldMap() : new Map<string, CustomFieldDefinition>();
  const cfIds = new Map<string, string>();
  for (const [i, cf] of pipeline.customFields.entries()) {
    const name = 'key' in cf.target ? `cf:key:${cf.target.key}` : `cf:name:${cf.target.name}`;
    const def = resolveCustomField(name, defs);
    if (!def) {
      const what = 'key' in cf.target ? `key '${cf.target.key}'` : `name '${cf.target.name}'`;
      throw new ConfigError(`No custom field with ${what} in location ${api.locationId} (known: ${[...defs.values()].map((d) => d.fieldKey).join(', ') || 'none'})`, `customFields[${i}]`);
    }
    cfIds.set(name, def.id);
  }

  // Tasks due `+Nd` count from the run's first start, so that a resumed run maps
  // every row as the first attempt did (and finds a task left in doubt by a kill).
  const firstStart = journal ? Date.parse(journal.meta().startedAt ?? '') : Number.NaN;
  const ctx = { runStartedAt: Number.isFinite(firstStart) ? firstStart : started };
  // What the location holds now: collisions and unchanged rows are found before anything is written.
  const snapshot = await LocationSnapshot.load(api);
  options.logger?.info({ contacts: snapshot.size, requests: snapshot.requests }, 'location snapshot read');

  const failedNow: RowRecord[] = [];
  let rows = 0;

  // Pass 1: map, fail what cannot be mapped, cluster the rest.
  const keyOwner = new Map<string, number>();
  const recordKeys: Array<[number, string[]]> = [];
  for await (const item of readCsvRows(file, readOpts)) {
    rows++;
    if (item.kind === 'bad-row') {
      failedNow.push({ record: item.record, line: item.line, outcome: 'failed', code: item.problem.code, message: item.problem.message, raw: rawOf(item, header.headers) });
      continue;
    }
    const mapped = mapRow(item.row, pipeline, mapping, ctx);
    if (!mapped.ok) {
      const p = mapped.problem;
      failedNow.push({ record: item.row.record, line: item.row.line, outcome: 'failed', code: p.code, message: p.column ? `${p.message} (column '${p.column}')` : p.message, raw: rawOf(item, header.headers) });
      continue;
    }
    const f = mapped.contact.fields;
    if (pipeline.mode !== 'create' && !f.email && !f.phone) {
      failedNow.push({ record: item.row.record, line: item.row.line, outcome: 'failed', code: 'NO_EMAIL_OR_PHONE', message: `${pipeline.mode} needs an email or a phone to find the contact`, raw: rawOf(item, header.headers) });
      continue;
    }
    const keys = pipeline.dedup.inFile
      ? matchKeys({ email: pipeline.dedup.keys.includes('email') ? (f.email as string | undefined) : undefined, phone: pipeline.dedup.keys.includes('phone') ? (f.phone as string | undefined) : undefined })
      : [];
    recordKeys.push([item.row.record, keys]);
  }
  const uf = new UnionFind(rows + 1);
  for (const [record, keys] of recordKeys) {
    for (const k of keys) {
      const owner = keyOwner.get(k);
      if (owner === undefined) keyOwner.set(k, record);
      else uf.union(owner, record);
    }
  }
  const clusters = new Map<number, PlannedCluster>();
  const clusterOf = new Map<number, number>();
  for (const [record] of recordKeys) {
    const root = uf.find(record);
    let c = clusters.get(root);
    if (!c) clusters.set(root, (c = { records: [], last: record }));
    c.records.push(record);
    (c as { last: number }).last = record;
    clusterOf.set(record, root);
  }
  journal?.recordRows(failedNow.filter((r) => !journal.hasRow(r.record)));

  // Pass 2: write each cluster once its last row has been read.
  let plannedRequests = 0;
  const plannedTagSets = new Map<string, number>();
  let done = failedNow.length;
  const queue = new PQueue({ concurrency: options.concurrency ?? 8 });
  const batcher = new TagBatcher(api);
  let stop: Error | undefined;
  let failedSoFar = failedNow.length;
  if (pipeline.maxErrors !== undefined && failedSoFar > pipeline.maxErrors && !options.dryRun) {
    stop = new HoopError('TOO_MANY_ERRORS', `more than ${pipeline.maxErrors} rows failed to read or map (--max-errors); see failed.csv`);
  }
  const buffered = new Map<number, MappedContact[]>();
  const dryCounts = { created: 0, updated: 0, unchanged: 0, merged: 0, failed: failedNow.length, collisions: 0 };

  const writeCluster = async (root: number, members: MappedContact[]): Promise<void> => {
    const result = mergeRows(members as unknown as MappedRow[], pipeline.dedup.policy);
    const carrier = result.row.record;
    const carrierRow = members.find((m) => m.record === carrier)!;
    const fields = result.row.fields as Record<string, unknown>;
    const notes = result.row.notes.map((n) => JSON.parse(n) as MappedNote);
    const taskKeys = new Set<string>();
    const tasks: MappedTask[] = [];
    for (const m of members) for (const t of m.tasks) if (!taskKeys.has(JSON.stringify(t))) (taskKeys.add(JSON.stringify(t)), tasks.push(t));
    const write: Record<string, unknown> = {};
    const customFields: CustomFieldInput[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (STANDARD_WRITE_FIELDS.has(k)) write[k] = v;
      else if (k.startsWith('cf:')) customFields.push({ id: cfIds.get(k)!, field_value: v });
    }
    if (customFields.length) write.customFields = customFields;
    const followers = (fields.followers as string[] | undefined) ?? [];
    const business = fields.business as string | undefined;
    // Tags cost a share of a bulk call (up to 100 contacts with the same tag set): counted per set.
    const requests =
      1 + (pipeline.mode === 'update' ? 1 : 0) + notes.length + tasks.length + (followers.length ? 1 : 0) + (pipeline.workflow ? 1 : 0) + (pipeline.campaign ? 1 : 0) + (business ? 1 : 0);
    const mergedRows = result.merged.map((m) => m.record);

    const email = write.email as string | undefined;
    const phone = write.phone as string | undefined;
    const extras = notes.length + tasks.length + followers.length + (pipeline.workflow ? 1 : 0) + (pipeline.campaign ? 1 : 0) + (business ? 1 : 0);
    const unit = `c${root}`;
    const fresh = !journal || journal.step(unit, 'contact') === undefined;
    const verdict = judge(snapshot, email, phone);
    const unchanged = verdict.kind === 'update' && extras === 0 && wouldChangeNothing(verdict.contact, write, customFields, result.row.tags);
    if (!journal) {
      // Dry run: decided against the snapshot, nothing sent.
      if (verdict.kind === 'collision') dryCounts.collisions++;
      if (verdict.kind === 'collision' && pipeline.collisions === 'fail') dryCounts.failed += members.length;
      else {
        if (unchanged) dryCounts.unchanged++;
        else if (verdict.kind === 'create') dryCounts.created++;
        else dryCounts.updated++;
        dryCounts.merged += mergedRows.length;
        if (!unchanged) {
          plannedRequests += requests;
          if (result.row.tags.length) {
            const setKey = JSON.stringify([...result.row.tags].sort());
            plannedTagSets.set(setKey, (plannedTagSets.get(setKey) ?? 0) + 1);
          }
        }
      }
      done += members.length;
      options.onProgress?.(done, rows);
      return;
    }
    const finishRows = (contactId: string, action: 'created' | 'updated' | 'unchanged') => {
      const key = matchKeys({ email: write.email as string | undefined, phone: write.phone as string | undefined })[0];
      journal.recordRows([
        { record: carrier, line: carrierRow.line, outcome: action, contactId, key },
        ...result.merged.map((m) => ({ record: m.record, line: members.find((x) => x.record === m.record)!.line, outcome: 'merged' as const, contactId, key, mergedInto: m.mergedInto })),
      ]);
    };
    const failRows = (code: string, message: string) => {
      journal.recordRows(members.map((m) => ({ record: m.record, line: m.line, outcome: 'failed' as const, code, message, raw: rawValues.get(m.record) })));
      failedSoFar += members.length;
      if (pipeline.maxErrors !== undefined && failedSoFar > pipeline.maxErrors) {
        stop ??= new HoopError('TOO_MANY_ERRORS', `more than ${pipeline.maxErrors} rows failed (--max-errors); see failed.csv`);
      }
    };
    if (fresh && verdict.kind === 'collision' && pipeline.collisions === 'fail') {
      failRows(verdict.code, `Not written: ${verdict.message} (collisions: fail)`);
      done += members.length;
      options.onProgress?.(done, rows);
      return;
    }
    if (fresh && unchanged && verdict.kind === 'update' && pipeline.mode !== 'create') {
      finishRows(verdict.contact.id, 'unchanged');
      done += members.length;
      options.onProgress?.(done, rows);
      return;
    }
    try {
      let step = journal.step<{ contactId: string; action: 'created' | 'updated' }>(unit, 'contact');
      let contactId: string;
      let action: 'created' | 'updated';
      if (step?.state === 'done') ({ contactId, action } = step.result!);
      else {
        journal.begin(unit, 'contact');
        const w = write as ContactWrite;
        if (pipeline.mode === 'upsert') {
          const r = await api.upsertContact(w);
          contactId = r.contact.id;
          action = r.new ? 'created' : 'updated';
        } else if (pipeline.mode === 'create') {
          // A create left in doubt by a crash: look before writing again.
          const prior = step?.state === 'begun' ? await api.findDuplicate({ email: w.email ?? undefined, phone: w.phone ?? undefined }) : undefined;
          if (prior) contactId = prior.id;
          else {
            try {
              contactId = (await api.createContact(w)).contact.id;
            } catch (e) {
              if (e instanceof DuplicateContactError) {
                failRows('DUPLICATE', `The location already has this contact (${e.contactId}, same ${e.matchingField}); create mode does not update it`);
                return;
              }
              throw e;
            }
          }
          action = 'created';
        } else {
          const existing = await api.findDuplicate({ email: w.email ?? undefined, phone: w.phone ?? undefined });
          if (!existing) {
            failRows('NOT_FOUND', 'No contact with this email or phone; update mode does not create one');
            return;
          }
          contactId = (await api.updateContact(existing.id, w)).contact.id;
          action = 'updated';
        }
        journal.finish(unit, 'contact', { contactId, action });
      }
      const once = async (name: string, fn: () => Promise<unknown>, lookup?: () => Promise<boolean>) => {
        const s = journal.step(unit, name);
        if (s?.state === 'done') return;
        if (s?.state === 'begun' && lookup && (await lookup())) {
          journal.finish(unit, name);
          return;
        }
        journal.begin(unit, name);
        await fn();
        journal.finish(unit, name);
      };
      // A contact that existed before this run may already carry these notes and tasks
      // (an earlier import of the same file): look once, write only what is missing.
      const existed = verdict.kind !== 'create';
      const haveNotes = existed && notes.length ? (await api.listNotes(contactId)).notes : [];
      const haveTasks = existed && tasks.length ? (await api.listTasks(contactId)).tasks : [];
      for (const [i, n] of notes.entries()) {
        if (haveNotes.some((x) => x.body === n.body && (x.title ?? '') === (n.title ?? ''))) continue;
        await once(
          `note:${i}`,
          () => api.createNote(contactId, n),
          async () => (await api.listNotes(contactId)).notes.some((x) => x.body === n.body && (x.title ?? '') === (n.title ?? '')),
        );
      }
      for (const [i, t] of tasks.entries()) {
        if (haveTasks.some((x) => x.title === t.title && Date.parse(x.dueDate) === Date.parse(t.dueDate))) continue;
        await once(
          `task:${i}`,
          () => api.createTask(contactId, { title: t.title, dueDate: t.dueDate, completed: false, ...(t.body ? { body: t.body } : {}) }),
          async () => (await api.listTasks(contactId)).tasks.some((x) => x.title === t.title && Date.parse(x.dueDate) === Date.parse(t.dueDate)),
        );
      }
      if (followers.length) await once('followers', () => api.addFollowers(contactId, followers));
      if (pipeline.workflow) await once('workflow', () => api.addToWorkflow(contactId, pipeline.workflow!));
      if (pipeline.campaign) await once('campaign', () => api.addToCampaign(contactId, pipeline.campaign!));
      if (business) await once('business', () => api.setBusiness([contactId], business));
      // Tags last, as a delta batched with other contacts: the rows are done when their batch is.
      if (!result.row.tags.length || journal.step(unit, 'tags')?.state === 'done') finishRows(contactId, action);
      else {
        const id = contactId;
        const act = action;
        batcher.add({
          contactId: id,
          tags: result.row.tags,
          done: () => {
            journal.finish(unit, 'tags');
            finishRows(id, act);
          },
          failed: (e) => {
            if (e instanceof HoopApiError && !RUN_LEVEL.has(e.code)) failRows(e.code, e.message);
            else if (e instanceof HoopApiError) stop ??= e;
            else failRows('TAGS_NOT_ADDED', e.message);
          },
        });
      }
    } catch (e) {
      if (e instanceof HoopApiError && !RUN_LEVEL.has(e.code)) {
        failRows(e.code, e.message);
        return;
      }
      stop ??= e as Error;
    } finally {
      done += members.length;
      options.onProgress?.(done, rows);
    }
  };

  const rawValues = new Map<number, Record<string, string>>();
  for await (const item of readCsvRows(file, readOpts)) {
    if (stop) break;
    if (item.kind !== 'row') continue;
    const root = clusterOf.get(item.row.record);
    if (root === undefined) continue;
    const cluster = clusters.get(root)!;
    if (journal && options.resume && cluster.records.every((r) => journal.hasRow(r))) {
      if (item.row.record === cluster.last) {
        done += cluster.records.length;
        options.onProgress?.(done, rows);
      }
      continue;
    }
    const mapped = mapRow(item.row, pipeline, mapping, ctx);
    if (!mapped.ok) continue;
    rawValues.set(item.row.record, { ...item.row.values });
    let members = buffered.get(root);
    if (!members) buffered.set(root, (members = []));
    members.push(mapped.contact);
    if (item.row.record === cluster.last) {
      buffered.delete(root);
      const list = members;
      await queue.onSizeLessThan((options.concurrency ?? 8) * 2);
      queue
        .add(async () => {
          await writeCluster(root, list);
          for (const m of list) rawValues.delete(m.record);
        })
        .catch((e: unknown) => {
          stop ??= e as Error;
        });
    }
  }
  await queue.onIdle();
  await batcher.flush();
  for (const n of plannedTagSets.values()) plannedRequests += Math.ceil(n / 100);

  const elapsedMs = now() - started;
  const stats = api.client.stats;
  let counts: ImportSummary['counts'] = dryCounts;
  if (journal) {
    counts = journal.counts();
    await writeOutcomeFiles(journal.rows(), { dir: runDir, headers: header.headers });
    journal.close();
  }
  const failed = counts.failed;
  const summary: ImportSummary = {
    runId,
    runDir,
    rows,
    counts,
    contacts: clusters.size,
    requests: stats.requests,
    retries: stats.retries,
    rateLimited: stats.rateLimited,
    elapsedMs,
    requestsPerSecond: elapsedMs > 0 ? Math.round((stats.requests / elapsedMs) * 10_000) / 10 : 0,
    dryRun: Boolean(options.dryRun),
    ...(options.dryRun ? { plannedRequests, collisions: dryCounts.collisions } : {}),
    exitCode: stop ? EXIT.incomplete : failed > 0 ? EXIT.rowsFailed : EXIT.ok,
  };
  await writeSummary(runDir, { ...summary, stopped: stop ? stop.message : undefined, file, locationId: api.locationId, mode: pipeline.mode });
  if (stop) throw new ImportStoppedError(runId, stop);
  return summary;
}
