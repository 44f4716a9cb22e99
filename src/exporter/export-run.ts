/**
 * One export run: for each location (concurrently, each on its own client and
 * rate budget) the custom-field definitions, then the search pages, each hit
 * flattened into a CSV row and written as the next page is being fetched.
 *
 *   state file ──> lower bound ─┐
 *   definitions ─> filters, columns ─> search pages ─> rows ─> output (tmp) ─> commit ─> state file
 *
 * The output is put in place only when every location finished; only then is
 * the state written. A failure anywhere leaves the previous file and state.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import PQueue from 'p-queue';
import type { ContactsApi } from '../api/endpoints.js';
import { DailyBudgetExhaustedError, HoopApiError } from '../api/errors.js';
import type { CustomFieldDefinition } from '../api/types.js';
import type { ExportExtra, ExportPipeline, SearchFilter } from '../config/pipeline-types.js';
import { ConfigError, EXIT, HoopError, type ExitCode } from '../core/errors.js';
import { newRunId } from '../core/run-id.js';
import type { Logger } from '../core/logger.js';
import { planColumns, type Column, type Hit, type RowSource } from './columns.js';
import { namesCustomField, resolveFilters } from './filters.js';
import { csvLine, openOutput, writeFileAtomic, type Output } from './output.js';
import { searchPages, type PageQuery } from './pager.js';
import { splitRange } from './partitions.js';
import { openSpill } from './spill.js';
import { EMPTY_STATE, lowerBound, parseState, WatermarkTracker, type ExportState, type LocationWatermark } from './watermark.js';

export interface RunExportOptions {
  readonly pipeline: ExportPipeline;
  /** The client of one location (each location its own rate budget). */
  readonly apiFor: (locationId: string) => ContactsApi;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Lines for the user (estimates, warnings), e.g. to stderr. */
  readonly say?: (line: string) => void;
  readonly onProgress?: (p: { exported: number; total: number | undefined }) => void;
  readonly stdout?: Writable;
  /** Aborting stops the run as a failure: the previous file and state stay. */
  readonly signal?: AbortSignal;
  /** Ranges of one location walked at the same time (the governor paces them). @default 4 */
  readonly parallel?: number;
  /** Concurrent extras requests per location (the governor paces them). @default 8 */
  readonly extrasConcurrency?: number;
}

export interface LocationSummary {
  readonly locationId: string;
  readonly out: string;
  readonly exported: number;
  /** Hits left out because an earlier run exported them unchanged (incremental mode). */
  readonly alreadyExported: number;
  /** What the first search page counted; undefined when the location had no page. */
  readonly total: number | undefined;
  /** Set when exported + alreadyExported differs from total. */
  readonly totalMismatch?: string;
  readonly pages: number;
  readonly requests: number;
  readonly retries: number;
  readonly rateLimited: number;
  readonly since?: string;
  readonly until?: string;
  readonly watermark?: string;
}

export interface ExportSummary {
  readonly runId: string;
  readonly runDir: string;
  readonly outputs: readonly string[];
  readonly state?: string;
  readonly exported: number;
  readonly requests: number;
  readonly elapsedMs: number;
  readonly contactsPerSecond: number;
  readonly locations: readonly LocationSummary[];
  readonly warnings: readonly string[];
  readonly exitCode: ExitCode;
}

/** The export could not finish; nothing was replaced. */
export class ExportFailedError extends HoopError {
  constructor(cause: Error, kept: string) {
    super(cause instanceof HoopError ? cause.code : 'EXPORT_FAILED', `Export failed: ${cause.message}. ${kept}`, cause instanceof HoopError && cause.exitCode === EXIT.usage ? EXIT.usage : EXIT.incomplete, { cause });
  }
}

const NOTE_SEPARATOR = '\n\n---\n\n';

/** Ranges walked at once in a location with more than four pages of contacts. */
const DEFAULT_PARALLEL = 4;

async function loadState(path: string | undefined): Promise<ExportState> {
  if (!path) return EMPTY_STATE;
  // The state is written at the end, after the file: a folder it cannot be written to must stop the run now.
  try {
    await access(dirname(path), constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`Cannot write the state file ${path}: ${code === 'ENOENT' ? 'its folder does not exist' : 'permission denied'}`, 'export.state');
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw new ConfigError(`Cannot read the state file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'export.state');
  }
  const parsed = parseState(text);
  if ('problem' in parsed) {
    throw new ConfigError(`The state file ${path} is ${parsed.problem}; move it away to start over with a full export`, 'export.state');
  }
  return parsed;
}

/** The location's contact custom fields; without the scope to read them, custom columns are headed by id. */
async function definitionsOf(api: ContactsApi, say: (l: string) => void): Promise<{ defs: CustomFieldDefinition[]; readable: boolean }> {
  try {
    // Read again for every run: a long-lived process must see fields added since the last one.
    const map = await api.customFieldMap({ refresh: true });
    return { defs: [...map.values()].filter((d) => d.model === undefined || d.model === 'contact'), readable: true };
  } catch (e) {
    if (e instanceof HoopApiError && (e.status === 401 || e.status === 403)) {
      say(`Custom fields of ${api.locationId} are headed by id: the token cannot read their definitions (${e.message})`);
      return { defs: [], readable: false };
    }
    throw e;
  }
}

function columnsOf(pipeline: ExportPipeline, defs: CustomFieldDefinition[], locationColumn: boolean): Column[] {
  const e = pipeline.export;
  return planColumns({ definitions: defs, ...(e.columns && { selection: e.columns }), extras: e.extras, locationColumn });
}

function dateMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}

interface LocationPlan {
  readonly locationId: string;
  readonly api: ContactsApi;
  readonly columns: readonly Column[];
  readonly filters: SearchFilter[];
  readonly incremental: boolean;
  readonly since: number | undefined;
  /** The end of the range an incremental walk covers: the platform's clock when the run started. */
  readonly until: number;
  readonly tracker: WatermarkTracker;
}

export async function runExport(options: RunExportOptions): Promise<ExportSummary> {
  const { pipeline } = options;
  const settings = pipeline.export;
  const now = options.now ?? Date.now;
  const say = options.say ?? (() => undefined);
  const started = now();
  const runId = newRunId(started);
  const runDir = join(pipeline.reportDir, runId);
  const incremental = settings.state !== undefined || settings.since !== undefined;
  const state = await loadState(settings.state);
  const perLocationFiles = settings.out.includes('{location}');
  const shared = !perLocationFiles;
  const locationColumn = shared && pipeline.locations.length > 1;
  const warnings: string[] = [];
  const warn = (w: string): void => {
    warnings.push(w);
    say(w);
  };

  // 1. Everything that can be wrong with the settings is found before the first search.
  const plans: LocationPlan[] = [];
  for (const locationId of pipeline.locations) {
    const api = options.apiFor(locationId);
    const { defs, readable } = await definitionsOf(api, warn);
    if (!readable && namesCustomField(settings.filter)) {
      throw new ConfigError('filters on custom fields need their definitions, which this token cannot read (scope locations/customFields.readonly)', 'export.filter');
    }
    const columns = columnsOf(pipeline, defs, locationColumn);
    const filters = resolveFilters(settings.filter, defs, started);
    const prev = state.locations[locationId];
    const since = settings.since !== undefined ? Date.parse(settings.since) : settings.state !== undefined ? lowerBound(prev, settings.overlapMs) : undefined;
    // This machine's clock, unless it runs ahead of the platform's (the first answer's Date header,
    // whole seconds): then the platform's. A contact updated after the range's end is out of the
    // range, so it cannot come through twice; the next run has it.
    const answer = api.client.lastServerDate;
    const serverNow = answer !== undefined && answer.receivedAt >= started ? answer.date : undefined;
    const until = serverNow !== undefined && started > serverNow + 999 ? serverNow - 1 : started;
    plans.push({ locationId, api, columns, filters, incremental, since, until, tracker: new WatermarkTracker(settings.state ? prev : undefined, settings.overlapMs) });
  }

  // One file for all: the union of the locations' headers, in order of appearance.
  const sharedHeaders: string[] = [];
  if (shared) for (const p of plans) for (const c of p.columns) if (!sharedHeaders.includes(c.header)) sharedHeaders.push(c.header);

  const outputs = new Map<string, Output>();
  const openFor = async (locationId: string): Promise<Output> => {
    const path = perLocationFiles ? settings.out.replaceAll('{location}', locationId) : settings.out;
    let out = outputs.get(path);
    if (!out) {
      out = await openOutput(path, { gzip: settings.gzip, bom: settings.bom, ...(options.stdout && { stdout: options.stdout }) });
      outputs.set(path, out);
      const headers = shared ? sharedHeaders : plans.find((p) => p.locationId === locationId)!.columns.map((c) => c.header);
      await out.write(csvLine(headers, settings.escapeFormulas));
    }
    return out;
  };

  const progress = { exported: 0, total: 0, totalsKnown: 0 };
  const summaries: LocationSummary[] = [];
  try {
    for (const p of plans) await openFor(p.locationId);
    const results = await Promise.allSettled(plans.map((p) => exportLocation(p, p.until)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const r of results) if (r.status === 'fulfilled') summaries.push(r.value);
    for (const out of outputs.values()) await out.commit();
  } catch (e) {
    for (const out of outputs.values()) await out.abort();
    const what = `${outputs.size > 1 ? 'files' : 'file'}${settings.state ? ' and state' : ''}`;
    let kept = settings.out === '-' ? 'Part of the file may have been written to stdout; the state file is unchanged.' : `The previous ${what} ${what === 'file' ? 'is' : 'are'} untouched.`;
    if (e instanceof DailyBudgetExhaustedError) kept += ' Run the export again after the reset.';
    throw e instanceof ConfigError ? e : new ExportFailedError(e as Error, kept);
  }

  // 2. The output is in place: now the state may move on.
  if (settings.state) {
    const locations: Record<string, LocationWatermark> = { ...state.locations };
    const finished = now();
    for (const p of plans) locations[p.locationId] = p.tracker.result(p.until, finished);
    await writeFileAtomic(settings.state, `${JSON.stringify({ version: 1, locations } satisfies ExportState, null, 1)}\n`);
  }

  const elapsedMs = Math.max(1, now() - started);
  const exported = summaries.reduce((n, s) => n + s.exported, 0);
  const requests = summaries.reduce((n, s) => n + s.requests, 0);
  for (const s of summaries) if (s.totalMismatch) warnings.push(s.totalMismatch);
  const summary: ExportSummary = {
    runId,
    runDir,
    outputs: [...outputs.keys()],
    ...(settings.state && { state: settings.state }),
    exported,
    requests,
    elapsedMs,
    contactsPerSecond: Math.round((exported / elapsedMs) * 1000),
    locations: summaries,
    warnings,
    exitCode: EXIT.ok,
  };
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(runDir, 'summary.json'), `${JSON.stringify({ job: 'export', pipeline: pipeline.pipelineFile, ...summary }, null, 2)}\n`);
  return summary;

  async function exportLocation(plan: LocationPlan, untilMs: number): Promise<LocationSummary> {
    const { api, tracker } = plan;
    const out = await openFor(plan.locationId);
    const headerIndex = shared ? plan.columns.map((c) => sharedHeaders.indexOf(c.header)) : undefined;
    const width = shared ? sharedHeaders.length : plan.columns.length;
    const filters: SearchFilter[] = [...plan.filters];
    if (plan.incremental) {
      const range: Record<string, string> = { lte: new Date(untilMs).toISOString() };
      if (plan.since !== undefined) range.gte = new Date(plan.since).toISOString();
      filters.push({ field: 'dateUpdated', operator: 'range', value: range });
    }
    // Incremental runs walk in dateUpdated order, full ones in dateAdded order: both end with the id tie-break in the cursor.
    const sort = [{ field: plan.incremental ? 'dateUpdated' : 'dateAdded', direction: 'asc' as const }];
    const query: PageQuery = { pageLimit: settings.pageLimit, sort, ...(filters.length && { filters }) };

    const extras = settings.extras;
    if (extras.length) {
      const count = await api.searchContacts({ pageLimit: 1, ...(filters.length && { filters }) });
      const limit = await api.client.governor.limit(plan.locationId);
      const requests = count.total * extras.length;
      const rate = limit ? limit.max / limit.intervalMs : 10 / 1000;
      say(
        `${plan.locationId}: extras (${extras.join(', ')}) cost ${extras.length} request${extras.length > 1 ? 's' : ''} per contact: about ${requests} requests for ${count.total} contacts, ${formatDuration(requests / rate)} at ${limit ? `the location's limit of ${limit.max} per ${limit.intervalMs / 1000} s` : "the platform's 100 per 10 s"}.`,
      );
    }
    const queue = extras.length ? new PQueue({ concurrency: options.extrasConcurrency ?? 8 }) : undefined;

    const tracking = settings.state !== undefined;
    let pages = 0;
    /** Hits of one page -> CSV text; records them for the watermark and the counts. */
    const format = async (contacts: readonly Hit[]): Promise<string> => {
      const keep: Hit[] = [];
      const updatedAt: number[] = [];
      for (const hit of contacts) {
        // Only an incremental run reads the dates (the watermark); a full export passes hits straight through.
        const updated = tracking ? dateMs(hit.dateUpdated) : undefined;
        if (updated !== undefined && tracker.isRepeat(String(hit.id), updated)) continue;
        keep.push(hit);
        if (tracking) updatedAt.push(updated ?? NaN);
      }
      const extrasOf = queue ? await Promise.all(keep.map((hit) => queue.add(() => fetchExtras(api, String(hit.id), extras)))) : undefined;
      const lines = new Array<string>(keep.length);
      const cells = new Array<string>(width);
      for (let i = 0; i < keep.length; i++) {
        const hit = keep[i]!;
        const row: RowSource = { hit, locationId: plan.locationId, ...(extrasOf && { extras: extrasOf[i] }) };
        if (headerIndex) cells.fill('');
        for (let c = 0; c < plan.columns.length; c++) cells[headerIndex ? headerIndex[c]! : c] = plan.columns[c]!.read(row);
        lines[i] = csvLine(cells, settings.escapeFormulas);
        const updated = tracking ? updatedAt[i]! : NaN;
        if (!Number.isNaN(updated)) tracker.record(String(hit.id), updated);
        else tracker.exported++;
      }
      progress.exported += keep.length;
      options.onProgress?.({ exported: progress.exported, total: progress.totalsKnown === plans.length ? progress.total : undefined });
      return lines.join('');
    };
    const interrupted = (): void => {
      if (options.signal?.aborted) {
        const reason: unknown = options.signal.reason;
        throw reason instanceof HoopError ? reason : new HoopError('INTERRUPTED', String((reason as Error | undefined)?.message ?? 'interrupted'));
      }
    };
    const walk = async (pageQuery: PageQuery, write: (text: string) => Promise<void>, startAfter?: unknown[]): Promise<void> => {
      for await (const page of searchPages(api, pageQuery, startAfter)) {
        interrupted();
        pages++;
        const text = await format(page.contacts);
        if (text) await write(text);
      }
    };

    // The first page: the count, where the walk starts, and whether it is worth splitting.
    interrupted();
    const first = await api.searchContacts(query);
    pages++;
    const total = typeof first.total === 'number' ? first.total : Number(first.total ?? 0);
    progress.total += total;
    progress.totalsKnown++;
    const firstHits = first.contacts as unknown as Hit[];
    const firstText = await format(firstHits);
    if (firstText) await out.write(firstText);
    if (firstHits.length >= settings.pageLimit) {
      const sortField = sort[0]!.field;
      const cursor = firstHits[firstHits.length - 1]!.searchAfter as unknown[] | undefined;
      if (!Array.isArray(cursor)) throw new HoopError('SEARCH_CURSOR', 'The search answered hits without a searchAfter cursor; the export cannot page past them safely');
      const from = dateMs(firstHits[firstHits.length - 1]![sortField]);
      let bounds: number[] = [];
      if (from !== undefined && (options.parallel ?? DEFAULT_PARALLEL) > 1 && total > settings.pageLimit * 4) {
        // Where the walk ends: the last contact in sort order (one cheap request).
        const last = await api.searchContacts({ ...query, pageLimit: 1, sort: [{ field: sortField, direction: 'desc' }] });
        pages++;
        const to = dateMs((last.contacts[0] as unknown as Hit | undefined)?.[sortField]);
        if (to !== undefined) bounds = splitRange(from + 1, to, options.parallel ?? DEFAULT_PARALLEL);
      }
      const rangeQuery = (gte: number | undefined, lt: number | undefined): PageQuery => {
        const range: Record<string, string> = {};
        if (gte !== undefined) range.gte = new Date(gte).toISOString();
        if (lt !== undefined) range.lt = new Date(lt).toISOString();
        return { ...query, filters: [...filters, { field: sortField, operator: 'range', value: range }] };
      };
      if (bounds.length === 0) {
        await walk(query, (t) => out.write(t), cursor);
      } else {
        // The first range continues the first page's walk into the file; the others go to spill files, appended in order.
        const spills = await Promise.all(bounds.map(() => openSpill(out.path === '-' ? undefined : out.path)));
        try {
          await Promise.all([
            walk(rangeQuery(undefined, bounds[0]), (t) => out.write(t), cursor),
            ...bounds.map((b, i) => walk(rangeQuery(b, bounds[i + 1]), (t) => spills[i]!.write(t)).then(() => spills[i]!.close())),
          ]);
          for (const spill of spills) await spill.copyTo((t) => out.write(t));
        } finally {
          for (const spill of spills) await spill.discard();
        }
      }
    }

    const stats = api.client.stats;
    const counted = tracker.exported + tracker.repeats;
    const mismatch =
      total !== undefined && counted !== total
        ? `${plan.locationId}: the search counted ${total} contacts but ${counted} came through (${tracker.exported} exported${tracker.repeats ? `, ${tracker.repeats} already exported` : ''}): contacts were ${counted < total ? 'changed or deleted' : 'added'} during the run${plan.incremental ? '; the next incremental run picks up what changed' : ''}`
        : undefined;
    const result = tracker.result(untilMs, untilMs);
    return {
      locationId: plan.locationId,
      out: out.path,
      exported: tracker.exported,
      alreadyExported: tracker.repeats,
      total,
      ...(mismatch && { totalMismatch: mismatch }),
      pages,
      requests: stats.requests,
      retries: stats.retries,
      rateLimited: stats.rateLimited,
      ...(plan.since !== undefined && { since: new Date(plan.since).toISOString() }),
      ...(plan.incremental && { until: new Date(untilMs).toISOString() }),
      ...(result.watermark !== undefined && { watermark: result.watermark }),
    };
  }
}

async function fetchExtras(api: ContactsApi, id: string, extras: readonly ExportExtra[]): Promise<Partial<Record<ExportExtra, string>>> {
  const out: Partial<Record<ExportExtra, string>> = {};
  for (const extra of extras) {
    if (extra === 'notes') {
      const { notes } = await api.listNotes(id);
      out.notes = [...notes].sort((a, b) => a.dateAdded.localeCompare(b.dateAdded)).map((n) => n.body).join(NOTE_SEPARATOR);
    } else {
      const { tasks } = await api.listTasks(id);
      out.tasks = [...tasks]
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
        .map((t) => `${t.completed ? '[x]' : '[ ]'} ${t.title}${t.dueDate ? ` (due ${t.dueDate})` : ''}${t.body ? `: ${t.body}` : ''}`)
        .join('\n');
    }
  }
  return out;
}
