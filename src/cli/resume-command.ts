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

export function resumeCommand(argv: readonly string[], runId: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--resume') {
      i++;
      continue;
    }
    if (a.startsWith('--resume=')) continue;
    kept.push(a);
  }
  return ['hoop-etl', ...kept, '--resume', runId].map(shellWord).join(' ');
}
