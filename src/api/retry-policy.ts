/**
 * When to try a request again, and after how long: a pure function of the
 * attempt, what happened, and the operation's safety. No I/O, no clock.
 *
 * - 429: the request was refused, so it is always safe to send again; wait as
 *   the answer says (`Retry-After`, else the rate window), else back off.
 * - 5xx, timeouts, dropped connections: a safe operation is sent again after
 *   an exponential backoff with full jitter. An unsafe one (create contact,
 *   note, task) may have happened: the client must look before it writes
 *   again (`reconcile`). A connection refused before anything was sent is not
 *   ambiguous and is retried like a safe one.
 * - any other 4xx: never retried.
 */

export type Safety = 'safe' | 'unsafe';

export type Outcome =
  | { kind: 'response'; status: number; headers: Readonly<Record<string, string | string[] | undefined>> }
  /** `sent`: whether the request may have reached the server. */
  | { kind: 'network'; code: string; sent: boolean };

export interface RetryOptions {
  /** Attempts in all, the first included. @default 6 */
  maxAttempts: number;
  /** @default 500 */
  baseDelayMs: number;
  /** Upper bound of one backoff. @default 30000 */
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is not waited for. @default 120000 */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

export type RetryDecision =
  | { action: 'retry'; delayMs: number; reason: string }
  /** Unsafe operation, ambiguous failure: look whether the write happened, then retry if it did not. */
  | { action: 'reconcile'; delayMs: number; reason: string }
  | { action: 'fail'; reason: string };

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Retry-After` in seconds or as an HTTP date, in ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))). */
export function backoffDelay(attempt: number, opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

const NETWORK_RETRYABLE = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

export interface RetryInput {
  /** The attempt that just ended, 1 for the first. */
  attempt: number;
  outcome: Outcome;
  safety: Safety;
  options: RetryOptions;
  random: () => number;
  now: number;
}

export function decideRetry(input: RetryInput): RetryDecision {
  const { attempt, outcome, safety, options, random, now } = input;
  const last = attempt >= options.maxAttempts;

  if (outcome.kind === 'response') {
    const { status, headers } = outcome;
    if (status === 429) {
      if (header(headers, 'x-ratelimit-daily-remaining') === '0') return { action: 'fail', reason: 'daily budget used up (429 with X-RateLimit-Daily-Remaining: 0)' };
      if (last) return { action: 'fail', reason: `429 on attempt ${attempt} of ${options.maxAttempts}` };
      const after = parseRetryAfter(header(headers, 'retry-after'), now);
      if (after !== undefined) {
        if (after > options.maxRetryAfterMs) return { action: 'fail', reason: `429 asks to wait ${Math.round(after / 1000)} s, more than ${Math.round(options.maxRetryAfterMs / 1000)} s` };
        // A little jitter after the wait, so that callers told the same time do not return in one burst.
        return { action: 'retry', delayMs: after + Math.floor(random() * 100), reason: `429, Retry-After ${Math.round(after)} ms` };
      }
      const interval = Number(header(headers, 'x-ratelimit-interval-milliseconds'));
      if (Number.isFinite(interval) && interval > 0 && header(headers, 'x-ratelimit-remaining') === '0') {
        const wait = Math.min(interval, options.maxDelayMs);
        return { action: 'retry', delayMs: Math.floor(wait / 2 + random() * (wait / 2)), reason: `429, window of ${interval} ms` };
      }
      return { action: 'retry', delayMs: backoffDelay(attempt, options, random), reason: '429, backoff' };
    }
    if (status >= 500) {
      if (last) return { action: 'fail', reason: `HTTP ${status} on attempt ${attempt} of ${options.maxAttempts}` };
      const delayMs = backoffDelay(attempt, options, random);
      return safety === 'safe'
        ? { action: 'retry', delayMs, reason: `HTTP ${status}` }
        : { action: 'reconcile', delayMs, reason: `HTTP ${status} after the request was sent` };
    }
    return { action: 'fail', reason: `HTTP ${status} is not retried` };
  }

  if (!NETWORK_RETRYABLE.has(outcome.code)) return { action: 'fail', reason: `${outcome.code} is not retried` };
  if (last) return { action: 'fail', reason: `${outcome.code} on attempt ${attempt} of ${options.maxAttempts}` };
  const delayMs = backoffDelay(attempt, options, random);
  if (safety === 'safe' || !outcome.sent) return { action: 'retry', delayMs, reason: outcome.code };
  return { action: 'reconcile', delayMs, reason: `${outcome.code} after the request was sent` };
}
