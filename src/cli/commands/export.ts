import type { Argv } from 'yargs';
import { HoopClient } from '../../api/client.js';
import type { TokenProvider } from '../../api/auth/token-provider.js';
import { baseUrlSource, resolveBaseUrl } from '../../api/credentials.js';
import type { Logger } from '../../core/logger.js';
import { ContactsApi } from '../../api/endpoints.js';
import { loadPipeline, parsePipeline, type ExportPipeline, type PipelineOverrides } from '../../config/index.js';
import { UsageError, type ExitCode } from '../../core/errors.js';
import type { CustomFieldDefinition } from '../../api/types.js';
import { runExport, type ExportSummary } from '../../exporter/export-run.js';
import { writeFileAtomic } from '../../exporter/output.js';
import type { CommandDef } from '../command.js';
import { credentialsFor, loggerFor, stderrLines, withConnectionOptions, type ConnectionArgs } from '../connection-options.js';
import { onInterrupt } from '../interrupt.js';
import { count } from '../../core/plural.js';
import { progressReporter } from '../progress.js';

export interface ExportArgs extends ConnectionArgs {
  pipeline?: string;
  out?: string;
  filter?: string;
  columns?: string;
  since?: string;
  state?: string;
  overlap?: string;
  extras?: string;
  gzip?: boolean;
  bom?: boolean;
  'escape-formulas'?: boolean;
  'report-dir'?: string;
  'fields-out'?: string;
}

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

/** `--filter` as JSON: one filter, or a list of them. */
export function parseFilterFlag(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--filter is not valid JSON: ${(e as Error).message}. Example: --filter '[{"field":"tags","operator":"eq","value":"vip"}]'`, '--filter');
  }
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return [value];
  throw new UsageError('--filter must be a JSON filter object or a list of them', '--filter');
}

/** `email,phone,Colour=customFields.colour`: a field, or header=field to rename it. */
export function parseColumnsFlag(text: string): Array<string | { field: string; header: string }> {
  return list(text)!.map((c) => {
    const eq = c.indexOf('=');
    return eq > 0 ? { header: c.slice(0, eq).trim(), field: c.slice(eq + 1).trim() } : c;
  });
}

export function exportOverrides(args: ExportArgs): PipelineOverrides {
  const locations = args.location === undefined ? undefined : (Array.isArray(args.location) ? args.location : [args.location]).flatMap((l: string) => list(l) ?? []);
  return {
    job: 'export',
    ...(locations && locations.length === 1 ? { location: locations[0] } : locations ? { locations } : {}),
    reportDir: args['report-dir'],
    export: {
      out: args.out,
      ...(args.filter !== undefined && { filter: parseFilterFlag(args.filter) }),
      ...(args.columns !== undefined && { columns: parseColumnsFlag(args.columns) }),
      since: args.since,
      state: args.state,
      ...(args.overlap !== undefined && { overlap: /^\d+$/.test(args.overlap) ? Number(args.overlap) : args.overlap }),
      ...(args.extras !== undefined && { extras: list(args.extras) }),
      gzip: args.gzip,
      bom: args.bom,
      escapeFormulas: args['escape-formulas'],
    },
  };
}

export async function exportPipeline(args: ExportArgs, env: NodeJS.ProcessEnv): Promise<ExportPipeline> {
  const overrides = exportOverrides(args);
  const p = args.pipeline ? await loadPipeline(args.pipeline, env, { overrides }) : parsePipeline('', 'command line', env, { overrides, baseDir: process.cwd() });
  if (p.job !== 'export') throw new UsageError(`${args.pipeline} is a ${p.job} pipeline, not an export`, '--pipeline');
  return p;
}

export function printExportSummary(s: ExportSummary, out: (line: string) => void): void {
  for (const l of s.locations) {
    const since = l.since ? ` updated since ${l.since}` : '';
    const repeats = l.alreadyExported ? `, ${l.alreadyExported} left out as already exported unchanged` : '';
    out(`${l.locationId}: ${count(l.exported, 'contact')}${since} -> ${l.out}${repeats} (${count(l.pages, 'page')}, ${count(l.requests, 'request')}).`);
  }
  out(`Exported ${count(s.exported, 'contact')} in ${(s.elapsedMs / 1000).toFixed(1)} s (${s.contactsPerSecond} contacts/s)${s.state ? `; state saved to ${s.state}` : ''}.`);
  out(`Report: ${s.runDir}/summary.json`);
}

/**
 * The credential of each location, one model for every command (see
 * Credentials): HOOPAI_TOKEN_<locationId>, --token-file, the OAuth grant of
 * --auth-store, HOOPAI_TOKEN, the default store's grant. Each location then
 * gets its own client and rate budget.
 */
export async function resolveLocationTokens(locations: readonly string[], args: Omit<ConnectionArgs, 'location'>, env: NodeJS.ProcessEnv, logger?: Logger): Promise<Map<string, string | TokenProvider>> {
  const credentials = credentialsFor(args, env, logger);
  const out = new Map<string, string | TokenProvider>();
  for (const loc of locations) out.set(loc, await credentials.forLocation(loc));
  return out;
}

/** `--location all`: the locations the OAuth agency grant reaches, as a list for the pipeline; other values unchanged. */
export async function expandAllLocations<A extends { location?: string | string[] } & Omit<ConnectionArgs, 'location'>>(args: A, env: NodeJS.ProcessEnv): Promise<A> {
  const given = args.location === undefined ? [] : (Array.isArray(args.location) ? args.location : [args.location]).flatMap((l) => list(l) ?? []);
  if (!given.includes('all')) return args;
  if (given.length > 1) throw new UsageError(`--location all stands alone; got '${given.join(',')}'`, '--location');
  const ids = await credentialsFor(args, env, loggerFor(args as Pick<ConnectionArgs, 'log-level' | 'mask-pii'>)).allLocations();
  if (ids.length === 0) throw new UsageError('--location all: the agency grant reaches no location where the app is installed', '--location');
  return { ...args, location: ids.join(',') };
}

/**
 * `--fields-out`: the locations' contact custom-field definitions as the
 * Locations API gives them (`{customFields: [...]}`, each with its locationId),
 * for `hoop-etl emulator --seed-fields` to seed a copy with the same types.
 */
export async function writeFieldsFile(path: string, apis: ReadonlyMap<string, ContactsApi>): Promise<number> {
  const customFields: CustomFieldDefinition[] = [];
  for (const [loc, api] of apis) {
    // The export read them already: the cache answers without another request.
    const defs = [...(await api.customFieldMap()).values()].filter((d) => d.model === undefined || d.model === 'contact');
    defs.sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.name.localeCompare(b.name));
    customFields.push(...defs.map((d) => ({ ...d, locationId: d.locationId ?? loc })));
  }
  await writeFileAtomic(path, `${JSON.stringify({ customFields }, null, 2)}\n`);
  return customFields.length;
}

export async function executeExport(pipeline: ExportPipeline, args: ConnectionArgs & { 'fields-out'?: string }, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const logger = loggerFor(args);
  const tokens = await resolveLocationTokens(pipeline.locations, args, env, logger);
  const baseUrl = resolveBaseUrl(args['base-url'], env);
  const apis = new Map(pipeline.locations.map((loc) => [loc, new ContactsApi(new HoopClient({ baseUrl, baseUrlFrom: baseUrlSource(args['base-url'], env), token: tokens.get(loc)!, locationId: loc, logger }))]));
  const toStdout = pipeline.export.out === '-';
  const say = stderrLines(args);
  const tell = toStdout ? say : (line: string): void => void process.stdout.write(`${line}\n`);
  const progress = progressReporter(process.stderr, { unit: 'contacts' });
  // Ctrl-C or a stop signal: drop the temporary file, keep the previous file and state.
  const interrupt = onInterrupt();
  const summary = await runExport({
    pipeline,
    signal: interrupt.signal,
    apiFor: (loc) => apis.get(loc)!,
    logger,
    say,
    onProgress: (p) => progress.update(p.exported, p.total),
  }).finally(() => {
    progress.done();
    interrupt.dispose();
  });
  printExportSummary(summary, tell);
  const fieldsOut = args['fields-out'];
  if (fieldsOut) {
    const n = await writeFieldsFile(fieldsOut, apis);
    tell(`Custom field definitions: ${n} -> ${fieldsOut}`);
  }
  return summary.exitCode;
}

export const exportCommand: CommandDef<ExportArgs> = {
  command: 'export',
  describe: 'Export contacts to CSV through the search API: full or incremental (--state), readable custom-field headers, atomic output',
  builder: (y: Argv) =>
    withConnectionOptions(
      y
        .option('out', { type: 'string', nargs: 1, describe: 'Output file (.csv, .csv.gz with --gzip), or - for stdout; {location} names one file per location' })
        .option('pipeline', { type: 'string', describe: 'Pipeline file (YAML) of an export job; flags override its settings' })
        .option('filter', { type: 'string', describe: 'Search filters as JSON, e.g. \'[{"field":"tags","operator":"eq","value":"vip"}]\'' })
        .option('columns', { type: 'string', describe: 'Columns in order, comma-separated; Header=field renames (custom fields by name, key or id)' })
        .option('since', { type: 'string', describe: 'Only contacts updated at or after this ISO date or date-time' })
        .option('state', { type: 'string', describe: 'Incremental mode: the watermark file; each run exports what changed since the last' })
        .option('overlap', { type: 'string', describe: 'Incremental mode: look back this far before the watermark for the search lag (90s, 5m, 1h; default 5m)' })
        .option('extras', { type: 'string', describe: 'Per-contact extras as columns (one request per contact each): notes,tasks' })
        .option('gzip', { type: 'boolean', describe: 'Compress the output with gzip' })
        .option('bom', { type: 'boolean', describe: 'Start the file with a UTF-8 BOM (for Excel)' })
        .option('escape-formulas', { type: 'boolean', describe: "Prefix cells starting with = + - @ tab or CR with ' (default on; --no-escape-formulas to turn off)" })
        .option('report-dir', { type: 'string', describe: 'Folder for the run summary (default hoop-etl-runs)' })
        .option('fields-out', { type: 'string', nargs: 1, describe: "Also write the locations' custom field definitions (JSON) here, for emulator --seed-fields" })
        .conflicts('since', 'state')
        .example('$0 export --location LOC --out contacts.csv', 'Every contact of a location')
        .example('$0 export --location LOC --out nightly.csv.gz --gzip --state nightly.state.json', 'Only what changed since the last run')
        .example('$0 export --location LOC --out vip.csv --filter \'{"field":"tags","operator":"eq","value":"vip"}\' --columns firstName,lastName,email', 'A filtered selection')
        .example('$0 export --location A,B --out "contacts-{location}.csv"', 'Two locations, one file each'),
      false,
    ),
  async handler(args) {
    const expanded = await expandAllLocations(args, process.env);
    return executeExport(await exportPipeline(expanded, process.env), expanded);
  },
};
