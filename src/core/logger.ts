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
  /** Mask emails and phones in every line (`--mask-pii`). @default false */
  maskPii?: boolean;
  /** @default stderr: pretty lines on a terminal, JSON lines otherwise */
  destination?: DestinationStream;
}

// An email, or one URL-encoded in a query string (`%40`): the first character of the mailbox is kept, and the domain.
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*(@|%40)((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;
// A phone: international (`+` or `%2B`, then digits with separators), national with separators (`(415) 555-0101`, `020 7946 0958`),
// or a bare run of 10 to 15 digits. Dates (`2026-11-28`), times and IP addresses do not match.
const PHONE = /(?:(?:\+|%2B)\d(?:[\s().-]?\d){6,16}|(?<![\w.+-])\(?\d{2,5}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}|(?<![\w.+-])\d{10,15})(?![\w])/g;

function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').length - (/^%2B/i.test(phone) ? 1 : 0);
  const keepFirst = digits >= 11 ? 4 : digits === 10 ? 3 : 0;
  let seen = 0;
  let skip = /^%2B/i.test(phone) ? 1 : 0; // the 2 of %2B is not a digit of the number
  return phone.replace(/\d/g, (d) => {
    if (skip) return skip--, d;
    seen++;
    return seen <= keepFirst || seen > digits - 2 ? d : '*';
  });
}

/** Emails and phones in `text` masked: `ada@example.com` -> `a***@example.com`, `+14155550101` -> `+1415*****01`. */
export function maskPii(text: string): string {
  return text.replace(EMAIL, (_m, first: string, at: string, domain: string) => `${first}***${at}${domain}`).replace(PHONE, maskPhone);
}

function maskValues(v: unknown): unknown {
  if (typeof v === 'string') return maskPii(v);
  if (Array.isArray(v)) return v.map(maskValues);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskValues(x)]));
  return v;
}

/** One JSON log line with every string value masked (numbers such as `time` are left alone); a line that is not JSON is masked as text. */
export function maskLogLine(line: string): string {
  const nl = line.endsWith('\n') ? '\n' : '';
  try {
    return `${JSON.stringify(maskValues(JSON.parse(line)))}${nl}`;
  } catch {
    return maskPii(line);
  }
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
      ...(options.maskPii && { hooks: { streamWrite: maskLogLine } }),
    },
    options.destination ?? (process.stderr.isTTY ? prettyStderr() : pino.destination({ fd: 2, sync: true })),
  );
}

export type { Logger };
