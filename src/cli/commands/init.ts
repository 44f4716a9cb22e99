import { existsSync, statSync, writeFileSync } from 'node:fs';
import { hoopEtl } from '../invocation.js';
import { count } from '../../core/plural.js';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, HoopError, UsageError, type ExitCode } from '../../core/errors.js';
import type { CommandDef } from '../command.js';

export interface InitArgs {
  file: string;
  out?: string;
  force: boolean;
  sample: number;
}

/** How many data rows `init` reads to decide what each column holds. */
export const DEFAULT_INIT_SAMPLE = 200;

const ENCODING_NAMES: Readonly<Record<string, string>> = { utf8: 'utf-8', utf16le: 'utf-16le', utf16be: 'utf-16be', windows1252: 'windows-1252', latin1: 'latin1' };

/** A pipeline `init` wrote that its own loader refuses: a bug of ours, not a bad input. */
class InitSelfCheckError extends HoopError {
  constructor(message: string) {
    super('INIT_SELF_CHECK', `The pipeline init wrote does not load, so it was not written (please report this): ${message}`, EXIT.incomplete);
  }
}

const posix = (p: string): string => p.split(sep).join('/');

export async function runInit(args: InitArgs, io: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<ExitCode> {
  // Loaded here: the other commands never pay for the CSV reader and the phone metadata.
  const [{ readCsvHeader, readCsvRows }, { planPipeline }, { pipelineYaml }, { parsePipeline, checkPipelineColumns }] = await Promise.all([
    import('../../sources/read-csv-rows.js'),
    import('../../init/plan-pipeline.js'),
    import('../../init/pipeline-yaml.js'),
    import('../../config/index.js'),
  ]);
  if (!Number.isInteger(args.sample) || args.sample < 1) throw new UsageError(`Expected \`sample\` to be an integer >= 1, got \`${String(args.sample)}\``, '--sample');
  const csv = resolve(args.file);
  const out = args.out === undefined || args.out === '-' ? undefined : resolve(args.out);
  if (out && existsSync(out)) {
    if (statSync(out).isDirectory()) throw new UsageError(`${args.out} is a folder; name the pipeline file to write`, '--out');
    if (!args.force) throw new UsageError(`${args.out} exists; init never overwrites a file unless given --force`, '--out');
  }

  const header = await readCsvHeader(args.file);
  const rows: Array<Record<string, string>> = [];
  for await (const item of readCsvRows(args.file, { encoding: header.encoding.encoding, delimiter: header.delimiter.delimiter })) {
    if (item.kind === 'row') rows.push({ ...item.row.values });
    if (rows.length >= args.sample) break;
  }

  const enc = header.encoding;
  const bom = enc.source === 'bom';
  const encodingName = ENCODING_NAMES[enc.encoding] ?? 'auto';
  const plan = planPipeline({
    headers: header.headers,
    rows,
    source: {
      file: posix(relative(out ? dirname(out) : process.cwd(), csv)),
      // With a byte order mark, auto reads the mark and skips it; without, the detected encoding is written down.
      encoding: bom ? 'auto' : encodingName,
      encodingWhy: bom ? `detected: ${encodingName} with a byte order mark` : enc.encoding === 'utf8' ? 'detected: UTF-8' : `detected: not UTF-8, and every byte reads as ${encodingName}`,
      delimiter: header.delimiter.delimiter,
      delimiterWhy: header.delimiter.source === 'default' ? 'one column: no delimiter splits the header' : 'detected from the first lines',
    },
  });
  const pipelineFile = out ? posix(relative(process.cwd(), out)) : '-';
  const text = pipelineYaml(plan, { pipelineFile: /^\.\.?\//.test(pipelineFile) || pipelineFile.startsWith('/') ? pipelineFile : pipelineFile, csvFile: args.file });

  // What is written must load: the schema, the rules between settings, and the columns against the file.
  try {
    const p = parsePipeline(text, out ?? 'init-pipeline.yaml', {}, { overrides: { location: 'init-check' }, baseDir: out ? dirname(out) : process.cwd() });
    if (p.job !== 'import') throw new Error(`a ${p.job} pipeline`);
    checkPipelineColumns(p, header.headers, args.file);
  } catch (err) {
    throw new InitSelfCheckError((err as Error).message);
  }

  if (!out) {
    io.stdout(text);
    io.stderr(summaryLine(plan, undefined));
    return EXIT.ok;
  }
  try {
    writeFileSync(out, text, { flag: args.force ? 'w' : 'wx', mode: 0o644 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${args.out} exists; init never overwrites a file unless given --force`, '--out');
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code ?? 'write failed';
    throw new UsageError(`Cannot write ${args.out}: ${why}`, '--out');
  }
  io.stderr(summaryLine(plan, pipelineFile));
  return EXIT.ok;
}

function summaryLine(plan: import('../../init/plan-pipeline.js').PipelinePlan, file: string | undefined): string {
  const counts = `${count(plan.mapping.length, 'contact field')}, ${count(plan.customFields.length, 'custom field')}, ${count(plan.tags?.columns.length ?? 0, 'tag column')}, ${count(plan.notes.length, 'note column')}, ${count(plan.leftOut.length, 'column')} left out (from ${count(plan.sampled, 'sample row')})`;
  const next = `${hoopEtl()} import --pipeline ${file ?? '<file>'} --location <id> --dry-run`;
  return file ? `Wrote ${file}: ${counts}.\nReview it, then: ${next}\n` : `${counts}.\nSave it to a file, review it, then: ${next}\n`;
}

export const initCommand: CommandDef<InitArgs> = {
  command: 'init <file>',
  describe: "Write a commented import pipeline for a CSV, guessed from its header and content (HighLevel's mapping preview, as a file)",
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'CSV file to write the pipeline for', demandOption: true })
      .option('out', { type: 'string', describe: 'Pipeline file to write (default: print it on stdout)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out if it exists' })
      .option('sample', { type: 'number', default: DEFAULT_INIT_SAMPLE, describe: 'Data rows read to decide what each column holds' })
      .example('$0 init export.csv --out export.pipeline.yaml', 'Write a pipeline to review')
      .example('$0 import --pipeline export.pipeline.yaml --location LOC --dry-run', 'Then plan the import with it') as Argv<unknown>,
  handler(args) {
    return runInit(args, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
  },
};
