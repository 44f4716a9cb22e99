import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eHarness, envFor } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { chaosSettings, killableEmulator, MB, sampleRss, spawnCli } from './harness.js';
import { csvOf, essence, expected, expectNoDuplicates, expectOutcomes, pipeline, rows, seededLocation } from './import-fixture.js';

/**
 * Soak: a long import (50,000 rows under `npm run test:chaos`) with 1% of
 * requests meeting each kind of fault, its RSS sampled from /proc as it runs.
 * Nothing may be lost or doubled, and memory must stay flat: the second half
 * of the run may not need more than the first half did (plus a margin for the
 * collector's timing; judged from 20,000 rows, see below), and the peak stays
 * under the import's 300 MB goal.
 */

const h = e2eHarness('chaos-soak');
const settings = chaosSettings();

/** Rows from which a run lasts long enough for its memory to reach a steady size. */
const STEADY_ROWS = 20_000;

/** 1% of requests for each kind of fault. */
const ONE_PERCENT = { failRate: 0.01, dropRate: 0.01, ambiguousRate: 0.01, rateLimitRate: 0.01, spikeRate: 0.01, spikeMs: 300, latencyMs: 1, latencyJitterMs: 4 };

describe(`chaos: soak, ${settings.soakRows} rows with 1% faults of every kind (seed ${settings.seed})`, () => {
  it('ends with every row accounted for, nothing doubled, and flat memory', async () => {
    // A forced 429 without Retry-After: the client waits for the 100 ms window it is told of,
    // so a thousand of them cost seconds, not the platform's ten seconds each.
    const { emu } = await killableEmulator(h, { faults: { ...ONE_PERCENT, seed: settings.seed }, rateLimit: { max: 0, intervalMs: 100, retryAfter: false } });
    await seededLocation(emu);
    const dir = h.freshDir('soak');
    const list = rows(settings.soakRows);
    const csv = join(dir, 'soak.csv');
    writeFileSync(csv, csvOf(list));
    writeFileSync(join(dir, 'soak.yaml'), pipeline(csv, emu.locationId));
    const reports = join(dir, 'runs');

    const run = spawnCli(h, ['import', csv, '--pipeline', join(dir, 'soak.yaml'), '--report-dir', reports], envFor(emu));
    const sampler = sampleRss(run.child.pid!, 200);
    const end = await run.exited;
    const samples = sampler.stop();
    expect(end.code, run.output().stderr).toBe(3);

    const stats = await admin(emu, 'GET', '/stats');
    for (const kind of ['status', 'drop', 'ambiguous', 'rateLimit'] as const) expect(stats.faults[kind], kind).toBeGreaterThan(0);
    expectOutcomes(reports, settings.soakRows);
    const state = await essence(emu);
    expectNoDuplicates(state);
    expect(state).toEqual(expected(list));

    // The RSS curve: ten slices of the run, each slice's maximum.
    expect(samples.length).toBeGreaterThan(10);
    const slices = Array.from({ length: 10 }, (_, i) => samples.slice(Math.floor((i * samples.length) / 10), Math.floor(((i + 1) * samples.length) / 10)));
    const curve = slices.map((s) => Math.max(...s.map((x) => x.rss)));
    const peak = Math.max(...curve);
    const firstHalf = Math.max(...curve.slice(0, 5));
    const secondHalf = Math.max(...curve.slice(5));
    console.log(
      `soak: ${settings.soakRows} rows, ${emu.state.routed} requests, ${(samples.at(-1)!.t / 1000).toFixed(1)} s; ` +
        `faults ${JSON.stringify(stats.faults)}; RSS curve (max per tenth, MB): ${curve.map((r) => (r / MB).toFixed(0)).join(' ')}; peak ${(peak / MB).toFixed(0)} MB`,
    );
    expect(peak).toBeLessThanOrEqual(300 * MB);
    // A run of a few thousand rows ends while V8 is still growing its heap towards its steady
    // size (the whole run is the ramp), so flatness is judged on long runs only (test:chaos).
    if (settings.soakRows >= STEADY_ROWS) expect(secondHalf, 'memory grows in the second half of the run').toBeLessThanOrEqual(firstHalf * 1.15 + 16 * MB);
    else console.log(`soak: ${settings.soakRows} rows is too short to judge flatness (${STEADY_ROWS} or more are); the peak bound holds`);
  }, 900_000);
});
