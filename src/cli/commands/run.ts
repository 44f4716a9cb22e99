import type { Argv } from 'yargs';
import { loadPipeline } from '../../config/index.js';
import { UsageError } from '../../core/errors.js';
import type { CommandDef } from '../command.js';
import { withConnectionOptions } from '../connection-options.js';
import { executeDedupJob } from './dedup.js';
import { executeExport } from './export.js';
import { executeImport, type ImportArgs } from './import.js';

export interface RunArgs extends ImportArgs {
  pipelineFile: string;
}

/** `hoop-etl run <pipeline.yaml>`: the job the file describes, with the same flags as the job's own command. */
export const runCommand: CommandDef<RunArgs> = {
  command: 'run <pipelineFile>',
  describe: 'Run the job a pipeline file describes (import, export, or a dedup plan)',
  builder: (y: Argv) =>
    withConnectionOptions(
      y
        .positional('pipelineFile', { type: 'string', describe: 'Pipeline file (YAML), e.g. pipelines/hubspot-migration.yaml' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Plan only, write nothing' })
        .option('resume', { type: 'string', describe: 'Continue the run with this id' })
        .option('report-dir', { type: 'string', describe: "Folder for the run reports (default: the pipeline's reportDir, else hoop-etl-runs)" })
        .option('mode', { choices: ['upsert', 'create', 'update'] as const, describe: "Import jobs: write mode (default: the pipeline's, else upsert)" })
        .option('max-errors', { type: 'number', describe: 'Import jobs: stop after this many failed rows' })
        .option('create-missing-fields', { type: 'boolean', describe: 'Import jobs: create the custom fields the location lacks (pipeline: createMissingFields)' })
        .option('strict-columns', { type: 'boolean', describe: 'Import jobs: a column no setting reads is an error (pipeline: strictColumns)' })
        .option('concurrency', { type: 'number', default: 8, describe: 'Contacts written at once' })
        .example('HOOPAI_LOCATION=LOC $0 run pipelines/hubspot-migration.yaml --dry-run', 'Plan the HubSpot migration'),
      false,
    ),
  async handler(args) {
    const locations = args.location ? String(args.location).split(',').map((l) => l.trim()).filter(Boolean) : [];
    const overrides = {
      ...(locations.length > 1 ? { locations } : locations.length === 1 ? { location: locations[0] } : {}),
      ...(args['report-dir'] !== undefined ? { reportDir: args['report-dir'] } : {}),
    };
    let pipeline = await loadPipeline(args.pipelineFile, process.env, { overrides });
    const importOnly = {
      ...(args.mode !== undefined ? { mode: args.mode } : {}),
      ...(args['max-errors'] !== undefined ? { maxErrors: args['max-errors'] } : {}),
      ...(args['create-missing-fields'] !== undefined ? { createMissingFields: args['create-missing-fields'] } : {}),
      ...(args['strict-columns'] !== undefined ? { strictColumns: args['strict-columns'] } : {}),
    };
    if (Object.keys(importOnly).length) {
      if (pipeline.job !== 'import') {
        const flag = args.mode !== undefined ? 'mode' : args['max-errors'] !== undefined ? 'max-errors' : args['create-missing-fields'] !== undefined ? 'create-missing-fields' : 'strict-columns';
        throw new UsageError(`--${flag} applies to import jobs; ${args.pipelineFile} is a${pipeline.job === 'export' ? 'n' : ''} ${pipeline.job} job`, `--${flag}`);
      }
      pipeline = await loadPipeline(args.pipelineFile, process.env, { overrides: { ...overrides, ...importOnly } });
    }
    if (pipeline.job === 'export') return executeExport(pipeline, args);
    // A dedup job plans only: the merge waits for a review (hoop-etl dedup --apply).
    if (pipeline.job === 'dedup') return executeDedupJob(pipeline, args);
    return executeImport(pipeline, args, args.pipelineFile);
  },
};
