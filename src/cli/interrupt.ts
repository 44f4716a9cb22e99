import { InterruptedError } from '../core/errors.js';

/**
 * Ctrl-C and SIGTERM for a command that runs a job: the first signal aborts
 * the job's signal (the job stops taking new work, lets the requests in
 * flight settle and be journalled, writes its reports and throws its stopped
 * error, which says how to continue); a second Ctrl-C quits at once, which
 * the journal makes as safe as a crash.
 */

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Removes the handlers; call when the job has ended. */
  dispose(): void;
}

export interface InterruptOptions {
  /** Where the "Stopping" line goes. @default stderr */
  say?: (line: string) => void;
  /** @default process.exit */
  exit?: (code: number) => void;
  /** @default process */
  emitter?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export function onInterrupt(options: InterruptOptions = {}): Interrupt {
  const say = options.say ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const emitter = options.emitter ?? process;
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      const again = new InterruptedError(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
      say(`\nQuitting at once (${signal} again): the run's journal lets --resume pick up every request it had sent.`);
      exit(again.exitCode);
      return;
    }
    say(`\nStopping (${signal}): no new rows are started; the requests in flight finish and are recorded. Press Ctrl-C again to quit at once.`);
    controller.abort(new InterruptedError(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'));
  };
  emitter.on('SIGINT', handler);
  emitter.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      emitter.off('SIGINT', handler);
      emitter.off('SIGTERM', handler);
    },
  };
}
