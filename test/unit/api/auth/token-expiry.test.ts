import { describe, expect, it } from 'vitest';
import { expiresAtOf, MAX_SKEW_MS, needsRefresh, refreshSkewMs } from '../../../../src/api/auth/token-expiry.js';

describe('expiresAtOf', () => {
  it.each<[unknown, number | undefined]>([
    [86399, 1_000 + 86_399_000],
    ['3', 1_000 + 3_000],
    [0.5, 1_000 + 500],
    [0, undefined],
    [-5, undefined],
    ['soon', undefined],
    [undefined, undefined],
    [Number.NaN, undefined],
  ])('expires_in %j answered at 1000 -> %j', (given, want) => {
    expect(expiresAtOf(1_000, given)).toBe(want);
  });
});

describe('refreshSkewMs', () => {
  it.each<[number, number]>([
    [86_399_000, MAX_SKEW_MS],
    [300_000, MAX_SKEW_MS],
    [3_000, 300],
    [1_000, 100],
    [0, 0],
    [-1, 0],
  ])('a token living %d ms is refreshed %d ms before its end', (lifetime, skew) => {
    expect(refreshSkewMs(lifetime)).toBe(skew);
  });
});

describe('needsRefresh', () => {
  const day = { expiresAt: 100_000_000, lifetimeMs: 86_399_000 };
  const short = { expiresAt: 10_000, lifetimeMs: 3_000 };
  it.each<[string, { expiresAt?: number; lifetimeMs?: number }, number, boolean]>([
    ['a day token long before its end', day, 100_000_000 - 30_001, false],
    ['a day token 30 s before its end', day, 100_000_000 - 30_000, true],
    ['a day token after its end', day, 100_000_001, true],
    ['a 3 s token 301 ms before its end', short, 9_699, false],
    ['a 3 s token 300 ms before its end', short, 9_700, true],
    ['a token without expiry', {}, Number.MAX_SAFE_INTEGER, false],
    ['an expiry without lifetime uses the 30 s skew', { expiresAt: 100_000 }, 70_000, true],
    ['an expiry without lifetime, 31 s before', { expiresAt: 100_000 }, 69_000, false],
  ])('%s', (_name, token, now, want) => {
    expect(needsRefresh(token, now)).toBe(want);
  });
});
