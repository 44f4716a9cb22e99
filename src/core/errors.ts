/**
 * One base error with a stable `code`, and the exit code each kind maps to
 * (PRODUCT.md): 0 all succeeded, 3 finished with failed rows, 2 usage or
 * configuration error, 1 the run could not finish.
 */

export const EXIT = {
  ok: 0,
  incomplete: 1,
  usage: 2,
  rowsFailed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class HoopError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode = EXIT.incomplete, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad flag or a bad setting; `path` names the setting (`mapping.email.transform`). */
export class UsageError extends HoopError {
  readonly path: string | undefined;

  constructor(message: string, path?: string) {
    super('USAGE', path ? `${message} (at ${path})` : message, EXIT.usage);
    this.path = path;
  }
}

export class ConfigError extends HoopError {
  readonly path: string | undefined;

  constructor(message: string, path?: string) {
    super('CONFIG', path ? `${message} (at ${path})` : message, EXIT.usage);
    this.path = path;
  }
}

/** Maps anything thrown to the exit code and the one line a user sees. */
export function describeFailure(err: unknown): { exitCode: ExitCode; message: string } {
  if (err instanceof HoopError) return { exitCode: err.exitCode, message: `${err.message}` };
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.code === 'EADDRINUSE') {
    return { exitCode: EXIT.usage, message: `Port already in use: ${e.message}` };
  }
  if (e && typeof e === 'object' && (e.code === 'ENOENT' || e.code === 'EACCES')) {
    return { exitCode: EXIT.usage, message: `${e.code === 'ENOENT' ? 'File not found' : 'Permission denied'}: ${e.path ?? e.message}` };
  }
  return { exitCode: EXIT.incomplete, message: `Unexpected failure: ${e instanceof Error ? e.message : String(e)}` };
}
