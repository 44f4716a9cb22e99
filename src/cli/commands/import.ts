import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadPipeline, parsePipeline, type ImportPipeline, type PipelineOverrides } from '../../config/index.js';
import { UsageError, type ExitCode } from '../../core/errors.js';
import { count } from '../../core/plural.js';
import type { ImportSummary } from '../../writers/import-run.js';
import type { CommandDef } from '../command.js';
import { connect, stderrLines, withConnectionOptions, type ConnectionArgs } from '../connection-options.js';
import { onInterrupt } from '../interrupt.js';
import { progressReporter } from '../progress.js';

export interface ImportArgs extends ConnectionArgs {
  file?: string;
  pipeline?: string;
  mode?: 'upsert' | 'create' | 'update';
  'dry-run': boolean;
  resume?: string;
  'report-dir'?: string;
  'max-errors'?: number;
  'create-missing-fields'?: boolean;
  'strict-columns'?: boolean;
  concurrency: number;
}

export function printSummary(s: ImportSummary, out: (line: string) => void): void {
  const c = s.counts;
  if (s.dryRun) {
    // Contacts the run would write or find unchanged: a cluster failed by the collision policy is among the failing rows, not here.
    out(`Dry run of ${count(s.rows, 'row')}: ${count(c.created + c.updated + c.unchanged, 'contact')} (${c.created} to create, ${c.updated} to update, ${c.unchanged} unchanged), ${count(c.merged, 'row')} merged in the file, ${count(c.failed, 'row')} failing, ${count(s.collisions ?? 0, 'collision')} (email and phone of two different contacts).`);
    if (s.fieldsToCreate.length > 0) {
      out(`The real run would first create ${count(s.fieldsToCreate.length, 'custom field')}: ${s.fieldsToCreate.map((f) => `${f.key ?? f.name} (${f.dataType})`).join(', ')}.`);
    }
    out(`The real run would spend about ${count(s.plannedRequests ?? 0, 'request')}: ${estimate(s.plannedRequests ?? 0, s.rateLimit)}. Nothing was written.`);
  } else {
    out(`Imported ${count(s.rows, 'row')}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.merged} merged into another row, ${c.failed} failed.`);
    if (s.fieldsCreated?.length) out(`Created ${count(s.fieldsCreated.length, 'custom field')} first: ${s.fieldsCreated.map((f) => `${f.key} (${f.dataType})`).join(', ')}.`);
    out(`${count(s.requests, 'request')} (${count(s.retries, 'retry', 'retries')}, ${s.rateLimited} answered 429) in ${(s.elapsedMs / 1000).toFixed(1)} s: ${s.requestsPerSecond} requests/s.`);
  }
  if (s.unusedColumns.length > 0) out(`Not imported (no setting reads them): ${s.unusedColumns.map((u) => u.column).join(', ')}; see summary.json (unusedColumns) for the lines that would map them.`);
  out(`Report: ${s.runDir} (${s.files.join(', ')}); run id ${s.runId}`);
}

/** How long `requests` take at the limit the location reported on the dry run's reads, else at the documented one. */
export function estimate(requests: number, limit: { max: number; intervalMs: number } | undefined): string {
  const perSecond = limit && limit.max > 0 && limit.intervalMs > 0 ? limit.max / (limit.intervalMs / 1000) : 10;
  const minutes = (requests / perSecond / 60).toFixed(1);
  if (!limit) return `${minutes} min at the platform's documented 100 requests per 10 s (the location reported no limit)`;
  return `${minutes} min at this location's ${limit.max} requests per ${limit.intervalMs / 1000} s`;
}

/**
 * `--resume <id>` alone is enough: the file, the pipeline, the location, the
 * mode and --max-errors the run was started with come from its journal
 * (anything given on the command line is kept, and the run checks it is the
 * same). The report folder is the one given, else the default.
 */
export async function withResumedArgs(args: ImportArgs): Promise<ImportArgs> {
  if (!args.resume) {
    if (!args.file && !args.pipeline) throw new UsageError('name the CSV file to import, or a pipeline that names it (or continue a run with --resume <run-id>)', 'file');
    return args;
  }
  const reportDir = args['report-dir'] ?? (args.pipeline ? undefined : 'hoop-etl-runs');
  if (reportDir === undefined) return args;
  const journalFile = join(reportDir, args.resume, 'journal.sqlite');
  if (!existsSync(journalFile)) {
    if (args.file) return args;
    throw new UsageError(`no import run ${args.resume} in ${reportDir} (looked for ${journalFile}; pass --report-dir if the run's reports are elsewhere)`, '--resume');
  }
  const { RunJournal } = await import('../../writers/run-journal.js');
  const journal = RunJournal.open(journalFile);
  const meta = journal.meta();
  journal.close();
  return {
    ...args,
    file: args.file ?? meta.file,
    pipeline: args.pipeline ?? (meta.pipelineFile || undefined),
    location: args.location ?? meta.locationId!,
    mode: args.mode ?? (meta.mode as ImportArgs['mode']),
    'max-errors': args['max-errors'] ?? (meta.maxErrors ? Number(meta.maxErrors) : undefined),
    'report-dir': reportDir,
  };
}

/** The pipeline the flags and the optional pipeline file describe together; flags win. */
export async function importPipeline(args: ImportArgs, env: NodeJS.ProcessEnv): Promise<ImportPipeline> {
  const overrides: PipelineOverrides = {
    job: 'import',
    location: args.location,
    ...(args.file ? { source: { file: args.file } } : {}),
    mode: args.mode,
    reportDir: args['report-dir'],
    maxErrors: args['max-errors'],
    // Only a given flag replaces the pipeline's setting.
    ...(args['create-missing-fields'] !== undefined && { createMissingFields: args['create-missing-fields'] }),
    ...(args['strict-columns'] !== undefined && { strictColumns: args['strict-columns'] }),
  };
  const p = args.pipeline ? await loadPipeline(args.pipeline, env, { overrides }) : parsePipeline('', 'command line', env, { overrides, baseDir: process.cwd() });
  if (p.job !== 'import') throw new UsageError(`${args.pipeline} is a ${p.job} pipeline, not an import`, '--pipeline');
  return p;
}

/** `pipelineFile`: the file the pipeline was read from, kept in the run's journal for `--resume`. */
export async function executeImport(pipeline: ImportPipeline, args: ImportArgs, pipelineFile = args.pipeline): Promise<ExitCode> {
  const { api, logger } = await connect({ ...args, location: pipeline.location });
  const progress = progressReporter(process.stderr, { unit: 'rows', counters: () => api.client.stats });
  const interrupt = onInterrupt();
  // Loaded here, not at start: the other commands never pay for the importer's modules (SQLite, CSV parser, phone metadata).
  const { runImport } = await import('../../writers/import-run.js');
  const summary = await runImport({
    pipeline,
    api,
    reportDir: pipeline.reportDir,
    resume: args.resume,
    pipelineFile: pipelineFile === undefined ? undefined : resolve(pipelineFile),
    dryRun: args['dry-run'],
    concurrency: args.concurrency,
    logger,
    // Plain lines on stderr, as the export's notices (masked with --mask-pii like them).
    notice: stderrLines(args),
    signal: interrupt.signal,
    onProgress: progress.update,
  }).finally(() => {
    progress.done();
    interrupt.dispose();
  });
  printSummary(summary, (l) => process.stdout.write(`${l}\n`));
  return summary.exitCode;
}

export const importCommand: CommandDef<ImportArgs> = {
  command: 'import [file]',
  describe: 'Import a CSV into a location: mapping, normalisation, in-file dedup, tag-safe writes, per-row reports',
  builder: (y: Argv) =>
    withConnectionOptions(
      y
        .positional('file', { type: 'string', describe: "CSV file to import (default: the pipeline's source.file)" })
        .option('pipeline', { type: 'string', describe: 'Pipeline file (YAML) with the mapping; without it, headers that name contact fields are mapped' })
        .option('mode', { choices: ['upsert', 'create', 'update'] as const, describe: 'Write mode (default: the pipeline\'s, else upsert)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Plan only: read, map, dedup and look up, write nothing' })
        .option('resume', { type: 'string', describe: 'Continue the run with this id after a crash or a stop' })
        .option('report-dir', { type: 'string', describe: 'Folder for the run reports (default hoop-etl-runs)' })
        .option('max-errors', { type: 'number', describe: 'Stop after this many failed rows' })
        .option('create-missing-fields', { type: 'boolean', describe: 'Create the custom fields the pipeline names and the location lacks, before the first write (pipeline: createMissingFields)' })
        .option('strict-columns', { type: 'boolean', describe: 'A column no setting reads is an error, before anything is written (pipeline: strictColumns)' })
        .option('concurrency', { type: 'number', default: 8, describe: 'Contacts written at once (the rate governor paces requests)' })
        .example('$0 import contacts.csv --location LOC --pipeline pipelines/hubspot-migration.yaml --dry-run', 'Plan a migration')
        .example('$0 import contacts.csv --location LOC --pipeline pipelines/hubspot-migration.yaml', 'Run it')
        .example('$0 import --resume 20261127T101500-ab12cd', 'Continue a stopped run (its file, pipeline and location come from its journal)'),
      false,
    ),
  async handler(args) {
    const resolved = await withResumedArgs(args);
    return executeImport(await importPipeline(resolved, process.env), resolved);
  },
};
