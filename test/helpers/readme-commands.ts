import { readFileSync } from 'node:fs';

/**
 * The shell commands of README.md's code blocks, as a user would paste them:
 * continuation lines joined, comments dropped, one entry per command with the
 * line it starts on. Pure, so the README test can read what the README says.
 */

export interface ReadmeCommand {
  /** The command as written (continuations joined, comment dropped). */
  text: string;
  /** 1-based line in README.md where it starts. */
  line: number;
}

/** Drops a trailing `# comment` outside quotes. */
export function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const out: ReadmeCommand[] = [];
  let inShell = false;
  let pending: ReadmeCommand | undefined;
  lines.forEach((raw, i) => {
    if (/^```/.test(raw)) {
      inShell = !inShell && /^```(sh|bash|shell)\s*$/.test(raw);
      pending = undefined;
      return;
    }
    if (!inShell) return;
    const line = withoutComment(raw);
    if (pending) {
      pending.text += ` ${line.replace(/\\$/, '').trim()}`;
      if (!line.endsWith('\\')) (out.push(pending), (pending = undefined));
      return;
    }
    if (!line.trim()) return;
    const cmd = { text: line.replace(/\\$/, '').trim(), line: i + 1 };
    if (line.endsWith('\\')) pending = cmd;
    else out.push(cmd);
  });
  return out;
}

/** Splits a command into words as a POSIX shell would for the quoting README uses (single and double quotes, no expansions). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** A hoop-etl command: the environment assignments before it and its arguments; undefined for other commands (npm, curl, export). */
export function hoopEtlInvocation(text: string): { env: Record<string, string>; args: string[]; redirect?: string } | undefined {
  const words = shellWords(text);
  const env: Record<string, string> = {};
  let i = 0;
  while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]!)) {
    const w = words[i++]!;
    const eq = w.indexOf('=');
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  if (words[i] === 'npx') i++;
  if (words[i] !== 'hoop-etl') return undefined;
  const args = words.slice(i + 1);
  const gt = args.indexOf('>');
  if (gt >= 0) return { env, args: args.slice(0, gt), redirect: args[gt + 1] };
  return { env, args };
}

export function readReadme(file = 'README.md'): ReadmeCommand[] {
  return readmeCommands(readFileSync(file, 'utf8'));
}
