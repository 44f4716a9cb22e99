import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin, call } from '../helpers/http.js';

/** The burst window and the daily budget, with a test clock so recovery needs no waiting. */

let emu: RunningEmulator;
let clock = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  emu = await startEmulator({ port: 0, now: () => clock });
});
afterAll(async () => emu.close());
beforeEach(async () => {
  await admin(emu, 'POST', '/reset', { rateLimit: { max: 100, intervalMs: 10_000, dailyLimit: 200_000, retryAfter: true } });
});

const RATE_HEADERS = [
  'x-ratelimit-limit-daily',
  'x-ratelimit-daily-remaining',
  'x-ratelimit-interval-milliseconds',
  'x-ratelimit-max',
  'x-ratelimit-remaining',
  'x-ratelimit-daily-reset',
];

const get = () => call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=a%40example.com`);

describe('burst window', () => {
  it('gives exactly one 429 for 101 requests inside one window, with the headers, then recovers', async () => {
    const results = await Promise.all(Array.from({ length: 101 }, () => get()));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body).toMatchObject({ statusCode: 429, message: 'Too Many Requests', error: 'Too Many Requests' });
    for (const h of RATE_HEADERS) expect(limited.headers.get(h), h).not.toBeNull();
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-max')).toBe('100');
    expect(limited.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
    expect(limited.headers.get('retry-after')).toBe('10');

    clock += 9_999;
    expect((await get()).status).toBe(429);
    clock += 1;
    const recovered = await get();
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('x-ratelimit-remaining')).toBe('99');
  });

  it('counts down X-RateLimit-Remaining on every response', async () => {
    const a = await get();
    const b = await get();
    for (const h of RATE_HEADERS) expect(a.headers.get(h), h).not.toBeNull();
    expect(a.headers.get('x-ratelimit-remaining')).toBe('99');
    expect(b.headers.get('x-ratelimit-remaining')).toBe('98');
    expect(Number(a.headers.get('x-ratelimit-daily-remaining')) - Number(b.headers.get('x-ratelimit-daily-remaining'))).toBe(1);
  });

  it('slides: requests leave the window one by one', async () => {
    for (let i = 0; i < 100; i++) {
      expect((await get()).status).toBe(200);
      clock += 50;
    }
    // The first request was 5,000 ms ago; at 10,000 ms after it, one slot frees.
    expect((await get()).status).toBe(429);
    clock += 5_000;
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(429);
  });

  it('omits Retry-After when switched off', async () => {
    await admin(emu, 'PATCH', '/config', { rateLimit: { max: 1, retryAfter: false } });
    await get();
    const r = await get();
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBeNull();
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('keeps separate budgets per token and location', async () => {
    const other = await admin(emu, 'POST', '/locations', { country: 'US' });
    const tok = await admin(emu, 'POST', '/tokens', { locationId: other.location.id });
    await admin(emu, 'PATCH', '/config', { rateLimit: { max: 2 } });
    await get();
    await get();
    expect((await get()).status).toBe(429);
    const r = await call({ url: emu.url, token: tok.token }, 'GET', `/contacts/search/duplicate?locationId=${other.location.id}&email=a%40b.co`);
    expect(r.status).toBe(200);
  });
});

describe('daily budget', () => {
  it('stops at the daily limit, says when it resets, and an admin day reset restores it', async () => {
    await admin(emu, 'PATCH', '/config', { rateLimit: { max: 0, dailyLimit: 3 } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    const r = await get();
    expect(r.status).toBe(429);
    expect(r.headers.get('x-ratelimit-daily-remaining')).toBe('0');
    expect(Number(r.headers.get('x-ratelimit-daily-reset'))).toBe(24 * 3600 * 1000);
    expect(Number(r.headers.get('retry-after'))).toBe(24 * 3600);
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.dailyLimited).toBe(1);
    await admin(emu, 'POST', '/daily-reset');
    expect((await get()).status).toBe(200);
  });

  it('resets by itself 24 h after the first request of the day', async () => {
    await admin(emu, 'PATCH', '/config', { rateLimit: { max: 0, dailyLimit: 1 } });
    expect((await get()).status).toBe(200);
    clock += 3_600_000;
    const r = await get();
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('x-ratelimit-daily-reset'))).toBe(23 * 3600 * 1000);
    clock += 23 * 3_600_000;
    expect((await get()).status).toBe(200);
  });
});
