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
  /** Stopped by Ctrl-C (SIGINT), as shells report it: 128 + 2. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
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

/** Ctrl-C or a stop signal: the run stops taking new work and lets what is in flight finish. */
export class InterruptedError extends HoopError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super('INTERRUPTED', `interrupted by ${signal}`, signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
  }
}

/**
 * How a stopped run continues: `resume` adds `--resume <id>` to the command as
 * typed; `resume-only` keeps only `--resume <id>` and the connection flags
 * (a dedup apply, whose plan and decisions the run already holds); `again`
 * runs the same command again (an undo).
 */
export type ContinueBy = 'resume' | 'resume-only' | 'again';

/**
 * A run that stopped before its end and can continue where it stopped: every
 * job's stop error is one of these, so the CLI prints the command that
 * continues any of them. Interrupted runs keep the signal's exit code.
 */
export class RunStoppedError extends HoopError {
  constructor(
    code: string,
    readonly runId: string,
    message: string,
    readonly continueBy: ContinueBy,
    cause: Error,
  ) {
    super(code, message, cause instanceof InterruptedError ? cause.exitCode : EXIT.incomplete, { cause });
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
