import type { ContinueBy } from '../core/errors.js';

/**
 * The exact command that continues a stopped run: the command line the user
 * typed, without any `--resume` it had, plus `--resume <runId>`, quoted for a
 * POSIX shell. Pure, so the stop message can say what to type.
 */

const PLAIN = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** One word for a POSIX shell: as it is when plain, else in single quotes. */
export function shellWord(word: string): string {
  if (word !== '' && PLAIN.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Flags of a dedup apply that its run already holds: a resume takes none of them. */
const APPLY_FLAGS_WITH_VALUE = ['--apply', '--decisions', '--skip', '--pipeline', '--resume'];
const APPLY_FLAGS_BARE = ['--yes', '-y', '--delete', '--no-delete'];

/** `argv` without the flags named (as `--flag value` or `--flag=value`, or bare). */
function withoutFlags(argv: readonly string[], withValue: readonly string[], bare: readonly string[] = []): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (withValue.includes(a)) {
      i++;
      continue;
    }
    if (withValue.some((f) => a.startsWith(`${f}=`)) || bare.includes(a) || bare.some((f) => a.startsWith(`${f}=`))) continue;
    kept.push(a);
  }
  return kept;
}

/**
 * The command that continues a stopped run. `prefix` starts it (already quoted
 * for the shell: see invocation.ts). `continueBy`: `resume` adds `--resume
 * <id>` to the command as typed; `resume-only` keeps the command and its
 * connection flags but none of the apply's inputs; `again` repeats the command
 * as typed (a dedup undo continues by being run again).
 */
export function resumeCommand(argv: readonly string[], runId: string, prefix = 'hoop-etl', continueBy: ContinueBy = 'resume'): string {
  const words =
    continueBy === 'again'
      ? [...argv]
      : continueBy === 'resume-only'
        ? [...withoutFlags(argv, APPLY_FLAGS_WITH_VALUE, APPLY_FLAGS_BARE), '--resume', runId]
        : [...withoutFlags(argv, ['--resume']), '--resume', runId];
  return [prefix, ...words.map(shellWord)].join(' ');
}
