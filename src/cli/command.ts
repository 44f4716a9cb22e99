import type { Argv } from 'yargs';
import type { ExitCode } from '../core/errors.js';

/** One entry of the command table: yargs metadata, and a handler that returns the exit code. */
export interface CommandDef<A> {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<unknown>;
  handler: (args: A) => Promise<ExitCode>;
}
