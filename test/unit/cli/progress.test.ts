import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, progressReporter, RecentRate } from '../../../src/cli/progress.js';

describe('formatProgress: the one line a run shows on a terminal', () => {
  it.each([
    [{ unit: 'rows', done: 10, total: 100, detail: {} }, '10/100 rows'],
    [{ unit: 'rows', done: 10, total: 100, detail: { runId: 'R1', failed: 2 }, rate: 5 }, 'run R1  10/100 rows  2 failed  5.0 rows/s  ETA 18 s'],
    [{ unit: 'rows', done: 50, total: 4050, detail: { runId: 'R1' }, rate: 10, counters: { paced: 7, rateLimited: 1 } }, 'run R1  50/4050 rows  10.0 rows/s  7 paced by the rate limit  1 answered 429  ETA 6 min 40 s'],
    [{ unit: 'clusters', done: 3, detail: {}, rate: 1 }, '3 clusters  1.0 clusters/s'],
    [{ unit: 'rows', done: 100, total: 100, detail: {}, rate: 3 }, '100/100 rows  3.0 rows/s'],
  ])('%j', (state, line) => {
    expect(formatProgress(state)).toBe(line);
  });

  it.each([
    [0.2, '1 s'],
    [59, '59 s'],
    [61, '1 min 1 s'],
    [7325, '2 h 2 min'],
  ])('formatDuration(%d) = %s', (s, text) => expect(formatDuration(s)).toBe(text));
});

describe('RecentRate: the ETA follows the recent rate, not the average since the start', () => {
  it('gives no rate until the samples span 3 s', () => {
    const r = new RecentRate(20_000, 3_000);
    r.add(0, 0);
    r.add(2_000, 100);
    expect(r.rate()).toBeUndefined();
    r.add(4_000, 200);
    expect(r.rate()).toBe(50);
  });

  it('forgets samples older than the window, so a slow start does not weigh on a fast middle', () => {
    const r = new RecentRate(10_000, 1_000);
    for (let t = 0; t <= 30_000; t += 1_000) r.add(t, t < 20_000 ? t / 1000 : 20 + ((t - 20_000) / 1000) * 10);
    // Last 10 s: 10 rows/s.
    expect(r.rate()).toBeCloseTo(10, 5);
  });
});

describe('progressReporter', () => {
  it('leaves out of the rate the rows a resumed run found done (no "1,147 rows/s, ETA 2 s" after a resume)', () => {
    let t = 0;
    const lines: string[] = [];
    const p = progressReporter({ isTTY: true, write: (s: string) => void lines.push(s) }, { now: () => t });
    // A resume: 4,000 of 5,000 rows were done by the first attempt and are counted at once.
    for (let i = 0; i <= 40; i++) {
      t = i * 10;
      p.update(i * 100, 5000, { runId: 'R', resumed: i * 100 });
    }
    // Then 10 rows/s for 10 s.
    for (let s = 1; s <= 10; s++) {
      t = 400 + s * 1000;
      p.update(4000 + s * 10, 5000, { runId: 'R', resumed: 4000 });
    }
    const last = lines[lines.length - 1]!;
    const m = /^\rrun R {2}4100\/5000 rows {2}([\d.]+) rows\/s {2}ETA 1 min (\d+) s/.exec(last);
    expect(m, last).not.toBeNull();
    // About 10 rows/s (the window holds the short pause before the first write), not thousands.
    expect(Number(m![1])).toBeGreaterThan(9);
    expect(Number(m![1])).toBeLessThanOrEqual(10);
    p.done();
    expect(lines[lines.length - 1]).toBe('\n');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const lines: string[] = [];
    const p = progressReporter({ isTTY: false, write: (s: string) => void lines.push(s) });
    p.update(1, 2);
    p.done();
    expect(lines).toEqual([]);
  });
});
