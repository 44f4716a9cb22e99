import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY,
  parseRetryAfter,
  type Outcome,
  type RetryDecision,
  type RetryOptions,
  type Safety,
} from '../../../src/api/retry-policy.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const half = (): number => 0.5;

/** Options with small round numbers: backoff ceilings 100, 200, 400, 800, 1000 (cap). */
const OPTS: RetryOptions = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

function res(status: number, headers: Record<string, string | string[] | undefined> = {}): Outcome {
  return { kind: 'response', status, headers };
}
function net(code: string, sent: boolean): Outcome {
  return { kind: 'network', code, sent };
}

describe('decideRetry', () => {
  it.each<{ name: string; attempt: number; outcome: Outcome; safety: Safety; expected: RetryDecision }>([
    // 429 with Retry-After: wait as told, plus 0..99 ms of jitter (random 0.5 → 50).
    {
      name: '429, Retry-After in seconds',
      attempt: 1,
      outcome: res(429, { 'retry-after': '2' }),
      safety: 'unsafe',
      expected: { action: 'retry', delayMs: 2050, reason: '429, Retry-After 2000 ms' },
    },
    {
      name: '429, Retry-After as an array (first value wins)',
      attempt: 1,
      outcome: res(429, { 'retry-after': ['3', '9'] }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 3050, reason: '429, Retry-After 3000 ms' },
    },
    {
      name: '429, Retry-After as an HTTP date',
      attempt: 2,
      outcome: res(429, { 'retry-after': new Date(NOW + 4000).toUTCString() }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 4050, reason: '429, Retry-After 4000 ms' },
    },
    {
      name: '429, Retry-After as an HTTP date in the past',
      attempt: 1,
      outcome: res(429, { 'retry-after': new Date(NOW - 60_000).toUTCString() }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 50, reason: '429, Retry-After 0 ms' },
    },
    {
      name: '429, Retry-After exactly maxRetryAfterMs',
      attempt: 1,
      outcome: res(429, { 'retry-after': '5' }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 5050, reason: '429, Retry-After 5000 ms' },
    },
    {
      name: '429, Retry-After beyond maxRetryAfterMs',
      attempt: 1,
      outcome: res(429, { 'retry-after': '6' }),
      safety: 'safe',
      expected: { action: 'fail', reason: '429 asks to wait 6 s, more than 5 s' },
    },
    // 429 without Retry-After, with the rate headers: half the window plus jitter over the other half.
    {
      name: '429, no Retry-After, window headers and Remaining 0',
      attempt: 1,
      outcome: res(429, { 'x-ratelimit-interval-milliseconds': '800', 'x-ratelimit-remaining': '0', 'x-ratelimit-max': '100' }),
      safety: 'unsafe',
      expected: { action: 'retry', delayMs: 600, reason: '429, window of 800 ms' },
    },
    {
      name: '429, no Retry-After, window longer than maxDelayMs is capped',
      attempt: 1,
      outcome: res(429, { 'x-ratelimit-interval-milliseconds': '10000', 'x-ratelimit-remaining': '0' }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 750, reason: '429, window of 10000 ms' },
    },
    {
      name: '429, no Retry-After, Remaining not 0: backoff',
      attempt: 3,
      outcome: res(429, { 'x-ratelimit-interval-milliseconds': '10000', 'x-ratelimit-remaining': '5' }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 200, reason: '429, backoff' },
    },
    {
      name: '429, no Retry-After, interval not a number: backoff',
      attempt: 1,
      outcome: res(429, { 'x-ratelimit-interval-milliseconds': 'soon', 'x-ratelimit-remaining': '0' }),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 50, reason: '429, backoff' },
    },
    {
      name: '429, empty Retry-After and no rate headers: backoff',
      attempt: 2,
      outcome: res(429, { 'retry-after': '' }),
      safety: 'unsafe',
      expected: { action: 'retry', delayMs: 100, reason: '429, backoff' },
    },
    {
      name: '429, no headers at all: backoff',
      attempt: 1,
      outcome: res(429),
      safety: 'unsafe',
      expected: { action: 'retry', delayMs: 50, reason: '429, backoff' },
    },
    // 429 failures.
    {
      name: '429 with X-RateLimit-Daily-Remaining 0',
      attempt: 1,
      outcome: res(429, { 'x-ratelimit-daily-remaining': '0', 'retry-after': '1' }),
      safety: 'safe',
      expected: { action: 'fail', reason: 'daily budget used up (429 with X-RateLimit-Daily-Remaining: 0)' },
    },
    {
      name: '429 on the last attempt',
      attempt: 4,
      outcome: res(429, { 'retry-after': '1' }),
      safety: 'safe',
      expected: { action: 'fail', reason: '429 on attempt 4 of 4' },
    },
    {
      name: '429 with daily 0 on the last attempt names the daily budget',
      attempt: 4,
      outcome: res(429, { 'x-ratelimit-daily-remaining': '0' }),
      safety: 'safe',
      expected: { action: 'fail', reason: 'daily budget used up (429 with X-RateLimit-Daily-Remaining: 0)' },
    },
    // 5xx.
    {
      name: '503 on a safe operation',
      attempt: 1,
      outcome: res(503),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 50, reason: 'HTTP 503' },
    },
    {
      name: '500 on an unsafe operation',
      attempt: 2,
      outcome: res(500),
      safety: 'unsafe',
      expected: { action: 'reconcile', delayMs: 100, reason: 'HTTP 500 after the request was sent' },
    },
    {
      name: '520 on an unsafe operation',
      attempt: 3,
      outcome: res(520),
      safety: 'unsafe',
      expected: { action: 'reconcile', delayMs: 200, reason: 'HTTP 520 after the request was sent' },
    },
    {
      name: '502 on the last attempt',
      attempt: 4,
      outcome: res(502),
      safety: 'safe',
      expected: { action: 'fail', reason: 'HTTP 502 on attempt 4 of 4' },
    },
    {
      name: '500 past the last attempt',
      attempt: 5,
      outcome: res(500),
      safety: 'unsafe',
      expected: { action: 'fail', reason: 'HTTP 500 on attempt 5 of 4' },
    },
    // Other statuses: never retried, whatever the attempt.
    { name: '400', attempt: 1, outcome: res(400), safety: 'safe', expected: { action: 'fail', reason: 'HTTP 400 is not retried' } },
    { name: '401', attempt: 1, outcome: res(401), safety: 'safe', expected: { action: 'fail', reason: 'HTTP 401 is not retried' } },
    { name: '403', attempt: 1, outcome: res(403), safety: 'unsafe', expected: { action: 'fail', reason: 'HTTP 403 is not retried' } },
    { name: '404', attempt: 2, outcome: res(404), safety: 'safe', expected: { action: 'fail', reason: 'HTTP 404 is not retried' } },
    { name: '422', attempt: 1, outcome: res(422), safety: 'unsafe', expected: { action: 'fail', reason: 'HTTP 422 is not retried' } },
    {
      name: '400 with rate headers and Retry-After',
      attempt: 1,
      outcome: res(400, { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-interval-milliseconds': '10000' }),
      safety: 'safe',
      expected: { action: 'fail', reason: 'HTTP 400 is not retried' },
    },
    // Network failures.
    { name: 'ECONNRESET, safe, sent', attempt: 1, outcome: net('ECONNRESET', true), safety: 'safe', expected: { action: 'retry', delayMs: 50, reason: 'ECONNRESET' } },
    {
      name: 'ECONNRESET, unsafe, sent',
      attempt: 1,
      outcome: net('ECONNRESET', true),
      safety: 'unsafe',
      expected: { action: 'reconcile', delayMs: 50, reason: 'ECONNRESET after the request was sent' },
    },
    {
      name: 'ETIMEDOUT, unsafe, sent',
      attempt: 2,
      outcome: net('ETIMEDOUT', true),
      safety: 'unsafe',
      expected: { action: 'reconcile', delayMs: 100, reason: 'ETIMEDOUT after the request was sent' },
    },
    { name: 'ETIMEDOUT, unsafe, not sent', attempt: 2, outcome: net('ETIMEDOUT', false), safety: 'unsafe', expected: { action: 'retry', delayMs: 100, reason: 'ETIMEDOUT' } },
    { name: 'ECONNREFUSED, unsafe, not sent', attempt: 1, outcome: net('ECONNREFUSED', false), safety: 'unsafe', expected: { action: 'retry', delayMs: 50, reason: 'ECONNREFUSED' } },
    { name: 'ECONNREFUSED, safe, not sent', attempt: 3, outcome: net('ECONNREFUSED', false), safety: 'safe', expected: { action: 'retry', delayMs: 200, reason: 'ECONNREFUSED' } },
    { name: 'ENOTFOUND, unsafe, not sent', attempt: 1, outcome: net('ENOTFOUND', false), safety: 'unsafe', expected: { action: 'retry', delayMs: 50, reason: 'ENOTFOUND' } },
    { name: 'EAI_AGAIN, unsafe, not sent', attempt: 1, outcome: net('EAI_AGAIN', false), safety: 'unsafe', expected: { action: 'retry', delayMs: 50, reason: 'EAI_AGAIN' } },
    {
      name: 'UND_ERR_SOCKET, unsafe, sent',
      attempt: 1,
      outcome: net('UND_ERR_SOCKET', true),
      safety: 'unsafe',
      expected: { action: 'reconcile', delayMs: 50, reason: 'UND_ERR_SOCKET after the request was sent' },
    },
    {
      name: 'ERR_STREAM_PREMATURE_CLOSE, safe, sent',
      attempt: 1,
      outcome: net('ERR_STREAM_PREMATURE_CLOSE', true),
      safety: 'safe',
      expected: { action: 'retry', delayMs: 50, reason: 'ERR_STREAM_PREMATURE_CLOSE' },
    },
    { name: 'ECONNRESET on the last attempt', attempt: 4, outcome: net('ECONNRESET', true), safety: 'safe', expected: { action: 'fail', reason: 'ECONNRESET on attempt 4 of 4' } },
    {
      name: 'ECONNREFUSED on the last attempt',
      attempt: 4,
      outcome: net('ECONNREFUSED', false),
      safety: 'unsafe',
      expected: { action: 'fail', reason: 'ECONNREFUSED on attempt 4 of 4' },
    },
    { name: 'non-retryable code, safe', attempt: 1, outcome: net('ERR_TLS_CERT_ALTNAME_INVALID', false), safety: 'safe', expected: { action: 'fail', reason: 'ERR_TLS_CERT_ALTNAME_INVALID is not retried' } },
    { name: 'non-retryable code, unsafe, sent', attempt: 1, outcome: net('ERR_INVALID_URL', true), safety: 'unsafe', expected: { action: 'fail', reason: 'ERR_INVALID_URL is not retried' } },
    { name: 'non-retryable code on the last attempt', attempt: 4, outcome: net('UNKNOWN', true), safety: 'safe', expected: { action: 'fail', reason: 'UNKNOWN is not retried' } },
  ])('$name', ({ attempt, outcome, safety, expected }) => {
    expect(decideRetry({ attempt, outcome, safety, options: OPTS, random: half, now: NOW })).toEqual(expected);
  });

  it.each([
    // random 0 → the shortest wait each branch allows; 0.999 → just under the longest.
    [0, res(429, { 'retry-after': '1' }), 1000],
    [0.999, res(429, { 'retry-after': '1' }), 1099],
    [0, res(429, { 'x-ratelimit-interval-milliseconds': '800', 'x-ratelimit-remaining': '0' }), 400],
    [0.999, res(429, { 'x-ratelimit-interval-milliseconds': '800', 'x-ratelimit-remaining': '0' }), 799],
    [0, res(503), 0],
    [0.999, res(503), 99],
  ])('random %s on %o waits %i ms', (r, outcome, delayMs) => {
    const d = decideRetry({ attempt: 1, outcome, safety: 'safe', options: OPTS, random: () => r, now: NOW });
    expect(d.action).toBe('retry');
    expect(d.action !== 'fail' && d.delayMs).toBe(delayMs);
  });

  it('the defaults allow 6 attempts and waits of up to 120 s', () => {
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 });
    const base = { safety: 'safe' as const, options: DEFAULT_RETRY, random: half, now: NOW };
    expect(decideRetry({ ...base, attempt: 5, outcome: res(503) })).toEqual({ action: 'retry', delayMs: 4000, reason: 'HTTP 503' });
    expect(decideRetry({ ...base, attempt: 6, outcome: res(503) })).toEqual({ action: 'fail', reason: 'HTTP 503 on attempt 6 of 6' });
    expect(decideRetry({ ...base, attempt: 1, outcome: res(429, { 'retry-after': '120' }) })).toEqual({ action: 'retry', delayMs: 120_050, reason: '429, Retry-After 120000 ms' });
    expect(decideRetry({ ...base, attempt: 1, outcome: res(429, { 'retry-after': '121' }) })).toEqual({ action: 'fail', reason: '429 asks to wait 121 s, more than 120 s' });
  });
});

describe('backoffDelay', () => {
  const opts = { baseDelayMs: 100, maxDelayMs: 1000 };

  it.each([
    // attempt, random, delay: the ceiling doubles from base, up to the cap.
    [0, 0.5, 50],
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [4, 0.5, 400],
    [5, 0.5, 500],
    [6, 0.5, 500],
    [50, 0.5, 500],
    [2000, 0.5, 500],
    [1, 0, 0],
    [4, 0, 0],
    [1, 0.999, 99],
    [4, 0.999, 799],
    [5, 0.999, 999],
    [10, 0.999, 999],
  ])('attempt %i, random %s → %i ms', (attempt, r, expected) => {
    expect(backoffDelay(attempt, opts, () => r)).toBe(expected);
  });

  it('uses the default 500 ms base and 30 s cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, DEFAULT_RETRY, half))).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });
});

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['0', 0],
    ['1', 1000],
    ['30', 30_000],
    [' 5 ', 5000],
    ['1.5', 1500],
    ['-3', 0],
    [new Date(NOW + 7000).toUTCString(), 7000],
    ['Wed, 01 Jan 2025 12:01:00 GMT', 60_000],
    ['Wed, 01 Jan 2025 11:59:00 GMT', 0],
    ['2025-01-01T12:00:10Z', 10_000],
    ['soon', undefined],
    ['Infinity', undefined],
    ['1s', undefined],
  ])('%o → %o', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
