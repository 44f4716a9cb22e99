import { describe, expect, it } from 'vitest';
import { DAY_MS, RateLimiter } from '../../../src/emulator/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows max requests per sliding window and tells how long to wait', () => {
    const rl = new RateLimiter({ max: 3, intervalMs: 1000, dailyLimit: 0 });
    expect([0, 100, 200].map((t) => rl.take('k', t).allowed)).toEqual([true, true, true]);
    const refused = rl.take('k', 300);
    expect(refused).toMatchObject({ allowed: false, reason: 'burst', retryAfterSeconds: 1 });
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(rl.take('k', 999).allowed).toBe(false);
    expect(rl.take('k', 1000).allowed).toBe(true);
    expect(rl.take('k', 1001).allowed).toBe(false);
    expect(rl.take('k', 1100).allowed).toBe(true);
  });

  it('does not count refused requests', () => {
    const rl = new RateLimiter({ max: 1, intervalMs: 1000, dailyLimit: 10 });
    rl.take('k', 0);
    for (let i = 0; i < 5; i++) rl.take('k', 10);
    const ok = rl.take('k', 1000);
    expect(ok.allowed).toBe(true);
    expect(ok.headers['x-ratelimit-daily-remaining']).toBe('8');
  });

  it('reports the six headers', () => {
    const rl = new RateLimiter({ max: 100, intervalMs: 10_000, dailyLimit: 200_000 });
    expect(rl.take('k', 5).headers).toEqual({
      'x-ratelimit-limit-daily': '200000',
      'x-ratelimit-daily-remaining': '199999',
      'x-ratelimit-interval-milliseconds': '10000',
      'x-ratelimit-max': '100',
      'x-ratelimit-remaining': '99',
      'x-ratelimit-daily-reset': String(DAY_MS),
    });
  });

  it('keeps buckets apart', () => {
    const rl = new RateLimiter({ max: 1, intervalMs: 1000 });
    expect(rl.take('a', 0).allowed).toBe(true);
    expect(rl.take('b', 0).allowed).toBe(true);
    expect(rl.take('a', 1).allowed).toBe(false);
  });

  it('refuses past the daily budget until the rolling day ends or is reset', () => {
    const rl = new RateLimiter({ max: 0, dailyLimit: 2 });
    rl.take('k', 0);
    rl.take('k', 1);
    const r = rl.take('k', 1000);
    expect(r).toMatchObject({ allowed: false, reason: 'daily' });
    expect(r.headers['x-ratelimit-daily-reset']).toBe(String(DAY_MS - 1000));
    expect(rl.take('k', DAY_MS).allowed).toBe(true);
    rl.take('k', DAY_MS + 1);
    expect(rl.take('k', DAY_MS + 2).allowed).toBe(false);
    rl.resetDay(DAY_MS + 3);
    expect(rl.take('k', DAY_MS + 4).allowed).toBe(true);
  });

  it('omits Retry-After when configured so', () => {
    const rl = new RateLimiter({ max: 1, retryAfter: false });
    rl.take('k', 0);
    expect(rl.take('k', 1).headers['retry-after']).toBeUndefined();
  });
});
