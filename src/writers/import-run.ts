import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import PQueue from 'p-queue';
import type { ContactsApi } from '../api/endpoints.js';
import { DuplicateContactError, HoopApiError, whenToContinue } from '../api/errors.js';
import type { ContactWrite, CustomFieldDefinition, CustomFieldInput } from '../api/types.js';
import { checkPipelineColumns, COMMAND_LINE, STANDARD_FIELDS, type ImportPipeline, type Mapping } from '../config/index.js';
import { ConfigError, EXIT, HoopError, RunStoppedError, type ExitCode } from '../core/errors.js';
import { newRunId } from '../core/run-id.js';
import type { Logger } from '../core/logger.js';
import type { SourceItem } from '../core/row.js';
import { matchKeys } from '../dedup/match-keys.js';
import { mergeRows, type MappedRow } from '../dedup/merge-rows.js';
import { StreamingClusters } from '../dedup/union-find.js';
import { isExportHeaders } from '../exporter/columns.js';
import { readCsvHeader, readCsvRows } from '../sources/read-csv-rows.js';
import { mappingFromHeaders, type MappedContact, type MappedNote, type MappedTask } from '../transforms/map-row.js';
import { columnsRead, describeUnusedColumns, findUnusedColumns, type UnusedColumn } from './column-usage.js';
import { createCustomFields } from './create-fields.js';
import { describeFieldToCreate } from './custom-field-plan.js';
import { settleImportFields } from './import-fields.js';
import { writeOutcomeFiles, writeSummary } from './outcome-files.js';
import { spillEntry, spillPart } from './import-row.js';
import { RowMapper, type PreparedRow } from './row-mapper.js';
import { RowSpill } from './row-spill.js';
import { RunJournal, type JournalMeta, type RowRecord } from './run-journal.js';
import { TagBatcher } from './tag-batcher.js';
import { judge, LocationSnapshot, wouldChangeNothing } from './location-snapshot.js';
import { decideCluster, duplicateMessage, NOT_FOUND_MESSAGE, notesAndTasksPresent, predictWrite, refusalOf, sameNote, sameTask, type ClusterDecision } from './cluster-decision.js';

/**
 * The import job: CSV -> mapping -> in-file dedup -> writes, journaled.
 *
 * Two passes keep memory flat: the first reads and maps every row, spills
 * each mapped row to a file in the run folder (RowSpill) and clusters rows
 * that are the same person (by normalised email and phone, transitively) in
 * typed arrays (StreamingClusters); the second reads the spilled rows back in
 * order and writes each cluster once its last row is reached, fetching the
 * cluster's earlier rows from the spill. Nothing per row stays in the heap.
 * Each write is recorded in the journal before and after it happens, so
 * `--resume` skips what is done and looks up what was left in doubt.
 */

export interface ImportOptions {
  pipeline: ImportPipeline;
  api: ContactsApi;
  /** Folder for `<run-id>/` (journal and outcome files). */
  reportDir: string;
  /** Continue this run. */
  resume?: string;
  /** The pipeline file the settings came from, if any: kept in the journal so that `--resume <id>` alone is enough. */
  pipelineFile?: string;
  dryRun?: boolean;
  /** Contacts written at once; the rate governor paces the requests. @default 8 */
  concurrency?: number;
  logger?: Logger;
  now?: () => number;
  /** What the user must read before the run writes (columns not imported, fields to create), as text for stderr. */
  notice?: (text: string) => void;
  /** Rows done so far, of `total` (known once the first pass has counted them), with the run id and rows failed so far. */
  onProgress?: (done: number, total: number, detail: { runId: string; failed: number; resumed: number }) => void;
  /**
   * Map and normalise rows on a second thread while this one reads the CSV
   * (RowMapper); `false` does both here.
   * @default true
   */
  mapInWorker?: boolean;
  /**
   * Aborted by Ctrl-C or a stop signal: no new contact is started, the writes
   * in flight finish and are journalled, and the run stops with its reason
   * (resumable like any stopped run).
   */
  signal?: AbortSignal;
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
  /** Columns of the file no setting reads: nothing of them is imported. */
  unusedColumns: UnusedColumn[];
  /** Custom fields the run creates first (createMissingFields); a dry run lists them and creates none. */
  fieldsToCreate: Array<{ key?: string; name: string; dataType: string; typeFrom: string; source: string; setting: string }>;
  /** The fields a real run created, with their ids. */
  fieldsCreated?: Array<{ id: string; key: string; name: string; dataType: string }>;
  /** The limit the platform reported on this run's own requests (X-RateLimit-Max per -Interval-Milliseconds), when it reported one. */
  rateLimit?: { max: number; intervalMs: number };
  /** The files written in runDir, by name. */
  files: string[];
  exitCode: ExitCode;
}

/** A run that stopped before the end; says how to continue. */
export class ImportStoppedError extends RunStoppedError {
  constructor(runId: string, cause: Error) {
    super('IMPORT_STOPPED', runId, `Import stopped: ${cause.message}. Nothing is lost: continue with --resume ${runId}${whenToContinue(cause)}`, 'resume', cause);
  }
}

/** API errors that end the run (it can be resumed), not just one row. */
const RUN_LEVEL = new Set(['UNAUTHORIZED', 'FORBIDDEN_LOCATION', 'MISSING_SCOPE', 'DAILY_BUDGET_EXHAUSTED', 'UNAVAILABLE', 'RATE_LIMITED']);

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Why a resume cannot continue the run its journal describes (the file, the pipeline or the settings differ), or undefined. */
export function whatChanged(
  meta: Partial<JournalMeta>,
  now: { sourceHash: string; pipelineHash: string; pipelineFile: string; configHash: string; file: string },
): string | undefined {
  if (meta.file !== undefined && resolve(meta.file) !== resolve(now.file)) return `it imported ${meta.file}, not ${resolve(now.file)}`;
  if (meta.sourceHash && meta.sourceHash !== now.sourceHash) return `${now.file} changed since the run started (its contents differ); resume with the file as it was, or start a new run`;
  if (meta.pipelineFile !== undefined && meta.pipelineFile !== now.pipelineFile) {
    return meta.pipelineFile ? `it was started with the pipeline ${meta.pipelineFile}${now.pipelineFile ? `, not ${now.pipelineFile}` : ''}` : `it was started without a pipeline, not with ${now.pipelineFile}`;
  }
  if (meta.pipelineHash && meta.pipelineHash !== now.pipelineHash) return `${now.pipelineFile} changed since the run started; resume with the pipeline as it was, or start a new run`;
  if (meta.configHash && meta.configHash !== now.configHash) return 'it was started with other settings (--mode, --max-errors, --location or the mapping); resume with the same ones';
  return undefined;
}

function rawOf(item: SourceItem, headers: readonly string[]): Record<string, string> {
  if (item.kind === 'row') return { ...item.row.values };
  return headers.length ? { [headers[0]!]: item.raw } : {};
}

const STANDARD_WRITE_FIELDS: ReadonlySet<string> = new Set(STANDARD_FIELDS);

/**
 * A hoop-etl export imported without a mapping is read back completely, as
 * the emulator's seed reads it: its `tags` column as tags, its custom-field
 * columns by their headers, its cells unescaped (the export's `'` before a
 * formula-like cell). Other files without a mapping map standard fields only.
 */
function readingExport(pipeline: ImportPipeline, headers: readonly string[]): ImportPipeline {
  if (!(pipeline.tags.columns.length === 0 && headers.includes('tags'))) return { ...pipeline, customFieldsByHeader: true };
  // The tags column is read like a pipeline's tags.columns, and listed among the columns read (no "not imported" for it).
  const tags = { ...pipeline.tags, columns: ['tags'] };
  return { ...pipeline, tags, customFieldsByHeader: true, columnRefs: [...pipeline.columnRefs, { path: 'tags.columns[0]', column: 'tags' }] };
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const { api } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const file = options.pipeline.source.file;
  const readOpts = {
    encoding: options.pipeline.source.encoding === 'auto' ? undefined : options.pipeline.source.encoding,
    delimiter: options.pipeline.source.delimiter === 'auto' ? undefined : options.pipeline.source.delimiter,
  };
  const header = await readCsvHeader(file, readOpts);
  checkPipelineColumns(options.pipeline, header.headers, file);
  const fromExport = !options.pipeline.mapping && isExportHeaders(header.headers);
  const pipeline = fromExport ? readingExport(options.pipeline, header.headers) : options.pipeline;
  const mapping: Mapping = pipeline.mapping ?? mappingFromHeaders(header.headers);

  const runId = options.resume ?? newRunId(started);
  const runDir = join(options.reportDir, runId);
  if (options.resume && !existsSync(join(runDir, 'journal.sqlite'))) {
    throw new ConfigError(`No run ${options.resume} to resume in ${options.reportDir}`, '--resume');
  }
  // A resume continues the run its journal describes, or nothing: checked before any request.
  const configHash = createHash('sha256').update(JSON.stringify({ pipeline, mapping })).digest('hex').slice(0, 16);
  const sourceHash = options.dryRun ? '' : await sha256OfFile(file);
  const pipelineHash = options.pipelineFile && !options.dryRun ? await sha256OfFile(options.pipelineFile) : '';
  if (options.resume) {
    const earlier = RunJournal.open(join(runDir, 'journal.sqlite'));
    const changed = whatChanged(earlier.meta(), { sourceHash, pipelineHash, pipelineFile: options.pipelineFile ?? '', configHash, file });
    earlier.close();
    if (changed) throw new ConfigError(`Run ${runId} cannot continue: ${changed}`, '--resume');
  }

  // Everything a configuration error can come from is settled before the run folder exists and before any write:
  // the custom fields (every missing one reported at once) and the columns nothing reads.
  const fields = await settleImportFields(pipeline, api, header.headers, mapping, readOpts);
  // The definitions the writes are checked against before sending (already read, so no request); a field created below is left to the platform.
  const defs = pipeline.customFields.length > 0 || pipeline.customFieldsByHeader ? new Map(await api.customFieldMap()) : new Map<string, CustomFieldDefinition>();
  const unusedColumns = findUnusedColumns(header.headers, columnsRead(pipeline, mapping, fields.byHeader), pipeline, mapping);
  if (unusedColumns.length > 0) {
    const text = describeUnusedColumns(unusedColumns, file, pipeline.strictColumns, pipeline.pipelineFile === COMMAND_LINE);
    if (pipeline.strictColumns) throw new ConfigError(`${text}\n`, 'strictColumns');
    options.notice?.(text);
  }
  const fieldsToCreate = fields.toCreate.map((f) => ({ ...(f.key !== undefined && { key: f.key }), name: f.name, dataType: f.dataType, typeFrom: f.typeFrom, source: f.source, setting: f.path }));
  if (fieldsToCreate.length > 0) {
    const verb = options.dryRun ? 'The real run would create' : 'Creating';
    options.notice?.(`${verb} ${fieldsToCreate.length === 1 ? '1 custom field' : `${fieldsToCreate.length} custom fields`} before the first contact write (createMissingFields):\n${fields.toCreate.map((f) => `  ${describeFieldToCreate(f, options.dryRun ? 'would be created' : 'created')}`).join('\n')}`);
  }

  // What the location holds now: collisions and unchanged rows are found before anything is written.
  const snapshot = await LocationSnapshot.load(api);
  options.logger?.info({ contacts: snapshot.size, requests: snapshot.requests }, 'location snapshot read');

  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const journal = options.dryRun ? undefined : RunJournal.open(join(runDir, 'journal.sqlite'));
  if (journal) {
    const meta = journal.meta();
    if (!meta.runId) {
      journal.setMeta({
        runId,
        file: resolve(file),
        locationId: api.locationId,
        mode: pipeline.mode,
        configHash,
        startedAt: new Date(started).toISOString(),
        pipelineFile: options.pipelineFile ?? '',
        sourceHash,
        pipelineHash,
        maxErrors: pipeline.maxErrors === undefined ? '' : String(pipeline.maxErrors),
      });
    }
  }

  const cfIds = fields.ids;
  let fieldsCreated: Array<{ id: string; key: string; name: string; dataType: string }> | undefined;
  if (journal && fields.toCreate.length > 0) {
    // Before the first contact write; the created definitions are used as answered (the field list may lag).
    try {
      const created = await createCustomFields(api, fields.toCreate);
      created.forEach((d, i) => cfIds.set(fields.toCreateNames[i]!, d.id));
      fieldsCreated = created.map((d) => ({ id: d.id, key: d.fieldKey, name: d.name, dataType: d.dataType }));
    } catch (e) {
      journal.close();
      throw e;
    }
  }
  const mapped: ImportPipeline = { ...pipeline, customFields: fields.customFields };

  // Tasks due `+Nd` count from the run's first start, so that a resumed run maps
  // every row as the first attempt did (and finds a task left in doubt by a kill).
  const firstStart = journal ? Date.parse(journal.meta().startedAt ?? '') : Number.NaN;
  const ctx = { runStartedAt: Number.isFinite(firstStart) ? firstStart : started };

  const spill = RowSpill.create(join(runDir, 'rows.spill'));
  try {
    return await importRows();
  } finally {
    spill.close();
    // The dry run's rows were kept on disk only to write its outcome files.
    if (!journal) for (const f of ['dry-run.sqlite', 'dry-run.sqlite-wal', 'dry-run.sqlite-shm']) rmSync(join(runDir, f), { force: true });
  }

  async function importRows(): Promise<ImportSummary> {
    // Every row's outcome: the run's journal, or for the dry run a scratch one, so that both write the same outcome files.
    const outcomes = journal ?? RunJournal.open(join(runDir, 'dry-run.sqlite'), { durable: false });
    try {
      return await importInto(outcomes);
    } finally {
      if (!journal) outcomes.close();
    }
  }

  async function importInto(outcomes: RunJournal): Promise<ImportSummary> {
    // The real run records each outcome as it happens (a resume reads them); the dry run's, which nothing resumes from, a thousand at a time.
    const planned: RowRecord[] = [];
    const flushPlanned = (): void => {
      if (planned.length) outcomes.recordRows(planned.splice(0));
    };
    const record = (list: RowRecord[]): void => {
      if (journal) return journal.recordRows(list);
      planned.push(...list);
      if (planned.length >= 1000) flushPlanned();
    };
    let rows = 0;
    let failedRead = 0;
    // Rows that fail to read or map are recorded as they come, a batch at a time; a resumed run keeps what it recorded before.
    const failedBatch: RowRecord[] = [];
    const flushFailed = (): void => {
      if (failedBatch.length) outcomes.recordRows(failedBatch.filter((r) => !outcomes.hasRow(r.record)));
      failedBatch.length = 0;
    };
    const failRead = (r: RowRecord): void => {
      failedRead++;
      options.logger?.trace({ row: r.record, line: r.line, code: r.code, reason: r.message }, 'row failed');
      failedBatch.push(r);
      if (failedBatch.length >= 1000) flushFailed();
    };

    // Pass 1: map (on the mapping worker), fail what cannot be mapped, spill and cluster the rest.
    const clusters = new StreamingClusters({ holds: (record, key) => (JSON.parse(spillPart(spill.read(record), 0)) as string[]).includes(key) });
    const accept = (prepared: PreparedRow[]): void => {
      for (const { row, result } of prepared) {
        if (!result.ok) {
          failRead({ record: row.record, line: row.line, outcome: 'failed', code: result.code, message: result.message, raw: { ...row.values } });
          continue;
        }
        spill.append(row.record, spillEntry(result.head, row.values));
        clusters.add(row.record, result.keys);
      }
    };
    const mapper = new RowMapper({ pipeline: mapped, mapping, map: ctx, unescapeFormulas: fromExport, country: api.country ?? 'US' }, header.headers, { inThread: options.mapInWorker === false });
    try {
      for await (const item of readCsvRows(file, readOpts)) {
        if (options.signal?.aborted) break;
        rows++;
        if (item.kind === 'bad-row') {
          failRead({ record: item.record, line: item.line, outcome: 'failed', code: item.problem.code, message: item.problem.message, raw: rawOf(item, header.headers) });
          continue;
        }
        accept(await mapper.push(item.row));
      }
      accept(await mapper.drain());
    } finally {
      await mapper.close();
    }
    flushFailed();
    spill.flush();
    clusters.finish();

    // Pass 2: write each cluster once its last row has been read.
    let plannedRequests = 0;
    const plannedTagSets = new Map<string, number>();
    let done = failedRead;
    const queue = new PQueue({ concurrency: options.concurrency ?? 8 });
    const batcher = new TagBatcher(api);
    let stop: Error | undefined;
    // Stopped while reading: the rows not read yet are left for --resume, so the run must not look finished.
    if (options.signal?.aborted) stop = options.signal.reason as Error;
    let failedSoFar = failedRead;
    // Rows a resumed run finds done by an earlier attempt: the progress line's rate leaves them out.
    let resumedRows = 0;
    if (pipeline.maxErrors !== undefined && failedSoFar > pipeline.maxErrors && !options.dryRun) {
      stop = new HoopError('TOO_MANY_ERRORS', `more than ${pipeline.maxErrors} rows failed to read or map (--max-errors); see failed.csv`);
    }
    let dryCollisions = 0;

    /** Plans (dry run) or writes one cluster. */
    const writeCluster = (root: number, members: MappedContact[]): Promise<void> | undefined => {
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
      const onlyNotesAndTasks = followers.length === 0 && !pipeline.workflow && !pipeline.campaign && !business;
      const unit = `c${root}`;
      const fresh = !journal || journal.step(unit, 'contact') === undefined;
      // Matched as the platform matches: the phone is in the form it stores (import-row.ts put it so).
      const phoneKey = phone;
      const verdict = judge(snapshot, email, phoneKey);
      const sameFields = verdict.kind === 'update' && wouldChangeNothing(verdict.contact, write, customFields, result.row.tags);

      const finishRows = (contactId: string | undefined, action: 'created' | 'updated' | 'unchanged') => {
        const key = matchKeys({ email, phone })[0];
        options.logger?.trace({ row: carrier, line: carrierRow.line, key, contactId, action, merged: result.merged.length }, journal ? 'row written' : 'row planned');
        record([
          { record: carrier, line: carrierRow.line, outcome: action, contactId, key },
          ...result.merged.map((m) => ({ record: m.record, line: members.find((x) => x.record === m.record)!.line, outcome: 'merged' as const, contactId, key, mergedInto: m.mergedInto })),
        ]);
      };
      const failRows = (code: string, message: string) => {
        options.logger?.trace({ rows: members.map((m) => m.line), code, reason: message }, journal ? 'rows failed' : 'rows would fail');
        record(
          members.map((m) => ({ record: m.record, line: m.line, outcome: 'failed' as const, code, message, raw: JSON.parse(spillPart(spill.read(m.record), 2)) as Record<string, string> })),
        );
        failedSoFar += members.length;
        if (journal && pipeline.maxErrors !== undefined && failedSoFar > pipeline.maxErrors) {
          stop ??= new HoopError('TOO_MANY_ERRORS', `more than ${pipeline.maxErrors} rows failed (--max-errors); see failed.csv`);
        }
      };
      const rowsDone = () => {
        done += members.length;
        options.onProgress?.(done, rows, { runId, failed: failedSoFar, resumed: resumedRows });
      };
      /** Before any write, the same in the dry run and the real run; reads the contact's notes and tasks only when nothing else would change. */
      // A promise only when it has to read (most clusters are decided at once, which keeps a large dry run fast).
      const decide = (): ClusterDecision | Promise<ClusterDecision> => {
        const refusal = refusalOf(pipeline.mode, write, api, defs);
        const needsLook = !refusal && verdict.kind === 'update' && sameFields && onlyNotesAndTasks && (notes.length > 0 || tasks.length > 0) && pipeline.mode !== 'create';
        const decideWith = (present: boolean) => decideCluster({ refusal, verdict, collisions: pipeline.collisions, sameFields, onlyNotesAndTasks, notesAndTasksPresent: present, mode: pipeline.mode });
        if (!needsLook) return decideWith(notes.length === 0 && tasks.length === 0);
        return notesAndTasksPresent(api, (verdict as { contact: { id: string } }).contact.id, notes, tasks).then(decideWith);
      };

      if (!journal) {
        // Dry run: the real run's decisions, the platform's answers predicted from the snapshot, nothing sent.
        if (verdict.kind === 'collision') dryCollisions++;
        const plan = (decision: ClusterDecision): void => {
          if (decision.kind === 'fail') failRows(decision.code, decision.message);
          else if (decision.kind === 'unchanged') finishRows(decision.contactId, 'unchanged');
          else {
            const predicted = predictWrite(pipeline.mode, verdict, snapshot, email, phoneKey);
            if (predicted.kind === 'fail') failRows(predicted.code, predicted.message);
            else {
              finishRows(predicted.contactId, predicted.kind);
              plannedRequests += requests;
              if (result.row.tags.length) {
                const setKey = JSON.stringify([...result.row.tags].sort());
                plannedTagSets.set(setKey, (plannedTagSets.get(setKey) ?? 0) + 1);
              }
            }
          }
          rowsDone();
        };
        const decision = decide();
        if (decision instanceof Promise) return decision.then(plan);
        plan(decision);
        return undefined;
      }
      return (async (): Promise<void> => {
        try {
          if (fresh) {
            const decision = await decide();
            if (decision.kind === 'fail') return failRows(decision.code, decision.message);
            if (decision.kind === 'unchanged') return finishRows(decision.contactId, 'unchanged');
          }
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
                    failRows('DUPLICATE', duplicateMessage(e.contactId, e.matchingField));
                    return;
                  }
                  throw e;
                }
              }
              action = 'created';
            } else {
              const existing = await api.findDuplicate({ email: w.email ?? undefined, phone: w.phone ?? undefined });
              if (!existing) {
                failRows('NOT_FOUND', NOT_FOUND_MESSAGE);
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
          // A contact this run did not create may already carry these notes and tasks (an
          // earlier import of the same file): look once, write only what is missing. One this
          // run created holds only what the journal says this run wrote, so a resume reads
          // nothing for it; a step left begun by a crash is looked up on its own below.
          const existed = action === 'updated';
          const pending = (kind: 'note' | 'task', list: readonly unknown[]) => list.some((_, i) => journal.step(unit, `${kind}:${i}`)?.state !== 'done');
          const haveNotes = existed && pending('note', notes) ? (await api.listNotes(contactId)).notes : [];
          const haveTasks = existed && pending('task', tasks) ? (await api.listTasks(contactId)).tasks : [];
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
          rowsDone();
        }
      })();
    };

    for (const [record, entry] of spill.entries()) {
      if (!stop && options.signal?.aborted) stop = options.signal.reason as Error;
      if (stop) break;
      if (!clusters.isLast(record)) continue;
      const root = clusters.rootOf(record);
      const records = clusters.members(record);
      if (journal && options.resume && records.every((r) => journal.hasRow(r))) {
        done += records.length;
        resumedRows += records.length;
        options.onProgress?.(done, rows, { runId, failed: failedSoFar, resumed: resumedRows });
        continue;
      }
      const members = records.map((r) => JSON.parse(spillPart(r === record ? entry : spill.read(r), 1)) as MappedContact);
      if (!journal) {
        // Dry run: planned in order (it reads at most a contact's notes and tasks), so no queue.
        try {
          const pending = writeCluster(root, members);
          if (pending) await pending;
        } catch (e) {
          stop ??= e as Error;
        }
        continue;
      }
      await queue.onSizeLessThan((options.concurrency ?? 8) * 2);
      queue.add(() => writeCluster(root, members)!).catch((e: unknown) => {
        stop ??= e as Error;
      });
    }
    await queue.onIdle();
    await batcher.flush();
    for (const n of plannedTagSets.values()) plannedRequests += Math.ceil(n / 100);
    plannedRequests += fields.toCreate.length;

    const elapsedMs = now() - started;
    const stats = api.client.stats;
    flushFailed();
    flushPlanned();
    const counts: ImportSummary['counts'] = outcomes.counts();
    const written = await writeOutcomeFiles(outcomes.rows(), { dir: runDir, headers: header.headers, dryRun: !journal });
    journal?.close();
    // An estimate from the limit the location reported on this run's own reads, not an assumed one.
    const rateLimit = options.dryRun ? await api.client.governor.limit(api.locationId) : undefined;
    const failed = counts.failed;
    const summary: ImportSummary = {
      runId,
      runDir,
      rows,
      counts,
      contacts: clusters.clusters,
      requests: stats.requests,
      retries: stats.retries,
      rateLimited: stats.rateLimited,
      elapsedMs,
      requestsPerSecond: elapsedMs > 0 ? Math.round((stats.requests / elapsedMs) * 10_000) / 10 : 0,
      dryRun: Boolean(options.dryRun),
      ...(options.dryRun ? { plannedRequests, collisions: dryCollisions, ...(rateLimit ? { rateLimit } : {}) } : {}),
      files: [...written.files, 'summary.json'],
      unusedColumns,
      fieldsToCreate,
      ...(fieldsCreated && { fieldsCreated }),
      exitCode: stop ? EXIT.incomplete : failed > 0 ? EXIT.rowsFailed : EXIT.ok,
    };
    await writeSummary(runDir, { ...summary, stopped: stop ? stop.message : undefined, file, locationId: api.locationId, mode: pipeline.mode });
    if (stop) throw new ImportStoppedError(runId, stop);
    return summary;
  }
}
