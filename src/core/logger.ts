import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The one logger factory. Logs go to stderr (stdout may carry CSV). Anything
 * that could hold a credential is redacted by path, compiled once.
 */

export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  /** @default 'info' */
  level?: string;
  /** @default stderr: pretty lines on a terminal, JSON lines otherwise */
  destination?: DestinationStream;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One JSON log line as a person reads it: `12:00:01 WARN  message key=value`. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, ...rest } = o;
  const t = typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${t} ${(LEVELS[level as number] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${extra ? `  ${extra}` : ''}\n`;
}

function prettyStderr(): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) process.stderr.write(prettyLine(line));
      cb();
    },
  });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination ?? (process.stderr.isTTY ? prettyStderr() : pino.destination({ fd: 2, sync: true })),
  );
}

export type { Logger };
