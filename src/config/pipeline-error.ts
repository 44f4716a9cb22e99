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

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => `  ${p.line !== undefined ? `line ${p.line}, column ${p.column ?? 1}: ` : ''}${p.message}`);
  return [`Invalid pipeline file ${file} (${count}):`, ...lines].join('\n');
}
