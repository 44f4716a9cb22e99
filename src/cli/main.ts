#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { describeFailure, EXIT, UsageError, type ExitCode } from '../core/errors.js';
import type { CommandDef } from './command.js';
import { apiCommand } from './commands/api.js';
import { dedupCommand } from './commands/dedup.js';
import { demoCommand } from './commands/demo.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { runCommand } from './commands/run.js';

/** The command table: every command hoop-etl has, in the order `--help` lists them. */
export const COMMANDS: ReadonlyArray<CommandDef<never>> = [importCommand, exportCommand, dedupCommand, runCommand, apiCommand, emulatorCommand, demoCommand] as ReadonlyArray<CommandDef<never>>;

/**
 * Runs the CLI and resolves to the exit code. The only top-level catch in
 * hoop-etl: every failure becomes one line on stderr and an exit code from
 * PRODUCT.md, never a stack trace.
 */
export async function runCli(argv: string[], io: { stderr: (s: string) => void } = { stderr: (s) => process.stderr.write(s) }): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  let parser = yargs(argv)
    .scriptName('hoop-etl')
    .usage('$0 <command> [options]\n\nMove contacts in and out of the HoopAI Platform in bulk.')
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of COMMANDS) {
    parser = parser.command(c.command, c.describe, c.builder, async (args) => {
      exitCode = await c.handler(args as never);
    });
  }
  try {
    await parser.parseAsync();
  } catch (err) {
    const { exitCode: code, message } = describeFailure(err);
    io.stderr(`hoop-etl: ${message}\n`);
    if (err instanceof UsageError && !err.path) io.stderr('Run hoop-etl --help for usage.\n');
    return code;
  }
  return exitCode;
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // A reader that closes the pipe early (`| head`) is not a failure of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  runCli(hideBin(process.argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`hoop-etl: ${describeFailure(err).message}\n`);
      process.exitCode = EXIT.incomplete;
    },
  );
}
