import { createInterface } from 'node:readline';

/**
 * The question a person at a terminal answers before contacts are deleted.
 * Scripts and CI (no terminal on stdin) are never asked: they either pass
 * `--yes` or run unattended by design, and a question would hang them.
 */

export interface ConfirmSituation {
  /** Contacts the run deletes (0 with --no-delete). */
  readonly toDelete: number;
  /** `--yes` was given. */
  readonly yes: boolean;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
}

/** Ask only a person at a terminal, only when something will be deleted, and never after `--yes`. */
export function needsConfirmation(s: ConfirmSituation): boolean {
  return s.toDelete > 0 && !s.yes && s.stdinIsTTY && s.stdoutIsTTY;
}

/** Only `yes` (any case, surrounding spaces ignored) goes ahead; `y`, an empty line or end of input do not. */
export function isYes(answer: string | undefined): boolean {
  return answer !== undefined && answer.trim().toLowerCase() === 'yes';
}

/** Asks `question` on `output` and resolves with the line typed on `input` (undefined at end of input or Ctrl-C). */
export function askLine(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: true });
    let answered = false;
    rl.question(question, (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    // Ctrl-C at the question is a no, like the end of input.
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) {
        output.write('\n');
        resolve(undefined);
      }
    });
  });
}
