#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { describeFailure, EXIT, RunStoppedError, UsageError, type ExitCode } from '../core/errors.js';
import { maskPii } from '../core/logger.js';
import type { CommandDef } from './command.js';
import { apiCommand } from './commands/api.js';
import { authCommand } from './commands/auth.js';
import { dedupCommand } from './commands/dedup.js';
import { demoCommand } from './commands/demo.js';
import { emulatorCommand } from './commands/emulator.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { runCommand } from './commands/run.js';
import { hoopEtl } from './invocation.js';
import { resumeCommand } from './resume-command.js';

/** The command table: every command hoop-etl has, in the order `--help` lists them. */
export const COMMANDS: ReadonlyArray<CommandDef<never>> = [importCommand, initCommand, exportCommand, dedupCommand, runCommand, authCommand, apiCommand, emulatorCommand, demoCommand] as ReadonlyArray<CommandDef<never>>;

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
    io.stderr(failureLine(argv, message));
    if (err instanceof UsageError && !err.path) io.stderr(`Run ${hoopEtl()} --help for usage.\n`);
    // A stopped run of any job: the whole command to type, not only the run id.
    if (err instanceof RunStoppedError) io.stderr(maskedIfAsked(argv, `To continue: ${resumeCommand(argv, err.runId, hoopEtl(), err.continueBy)}\n`));
    return code;
  }
  return exitCode;
}

/**
 * Whether `argv` asks for `--mask-pii`, read the way yargs reads the flag
 * (`--mask-pii`, `--mask-pii=true`, `--maskPii`, `--no-mask-pii`). The final
 * error line needs it even when the command's own parse failed before the
 * flag was read (a bad `--mode` quoting an email, an unknown option).
 */
export function asksToMaskPii(argv: readonly string[]): boolean {
  try {
    const parsed = yargs([...argv]).option('mask-pii', { type: 'boolean' }).help(false).version(false).exitProcess(false).parseSync();
    return parsed['mask-pii'] === true;
  } catch {
    // An argv yargs cannot read at all: mask if the flag is anywhere in it.
    return argv.some((a) => /^--(mask-pii|maskPii)(=true)?$/.test(a));
  }
}

/** The line a failure ends with, masked like the logs when `--mask-pii` is on: messages quote values (a setting, a cell, a flag). */
function failureLine(argv: readonly string[], message: string): string {
  return maskedIfAsked(argv, `hoop-etl: ${message}\n`);
}

function maskedIfAsked(argv: readonly string[], line: string): string {
  return asksToMaskPii(argv) ? maskPii(line) : line;
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
      process.stderr.write(failureLine(hideBin(process.argv), describeFailure(err).message));
      process.exitCode = EXIT.incomplete;
    },
  );
}
