import { ConfigError } from '../core/errors.js';

/** One thing wrong with a pipeline file. */
export interface ConfigProblem {
  /** Dotted path of the setting (`mapping.email.transform[1]`); empty for the file as a whole. */
  readonly path: string;
  /** The whole sentence, starting with the path where there is one. */
  readonly message: string;
  /** 1-based position in the file, when the problem has one. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * Every problem of one pipeline file at once, one per line:
 *
 *     Invalid pipeline file pipelines/x.yaml (2 problems):
 *       line 4, column 3: Unknown setting 'mapping.emial' (did you mean 'email'?)
 *       line 7, column 16: mapping.phone.transform: expected one of trim, ..., got 'phone'
 *
 * `path` is the first problem's path.
 */
export class PipelineConfigError extends ConfigError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(formatProblems(file, problems));
    this.file = file;
    this.problems = problems;
    // ConfigError appends " (at path)" to the message when given a path; a list
    // of problems carries its paths per line, so the first is set afterwards.
    Object.defineProperty(this, 'path', { value: problems[0]?.path, enumerable: true });
  }
}

/** The name a command built from flags alone gives the parser instead of a file name. */
export const COMMAND_LINE = 'command line';

/** Flags that set a pipeline setting, for problems of a command run without a pipeline file. */
const FLAG_OF: Readonly<Record<string, string>> = {
  location: '--location',
  locations: '--location',
  'source.file': 'the CSV file argument',
  mode: '--mode',
  reportDir: '--report-dir',
  maxErrors: '--max-errors',
  'export.out': '--out',
  'export.filter': '--filter',
  'export.columns': '--columns',
  'export.since': '--since',
  'export.state': '--state',
  'export.overlap': '--overlap',
  'export.extras': '--extras',
};

function flagOf(path: string): string | undefined {
  for (let p = path; p !== ''; p = p.replace(/(\.[^.[]+|\[\d+\])$/, '') || '') {
    if (FLAG_OF[p]) return FLAG_OF[p];
    if (!/[.[]/.test(p)) break;
  }
  return undefined;
}

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  if (file === COMMAND_LINE) {
    const lines = problems.map((p) => {
      const flag = flagOf(p.path);
      return `  ${p.message}${!flag ? '' : p.message.startsWith('Missing') ? ` (give ${flag})` : ` (from ${flag})`}`;
    });
    return [`Invalid command line (${count}):`, ...lines].join('\n');
  }
  const lines = problems.map((p) => `  ${p.line !== undefined ? `line ${p.line}, column ${p.column ?? 1}: ` : ''}${p.message}`);
  return [`Invalid pipeline file ${file} (${count}):`, ...lines].join('\n');
}
