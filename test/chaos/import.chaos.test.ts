import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { csvOf, essence, expected, expectNoDuplicates, expectOutcomes, pipeline, rows, seededLocation } from './import-fixture.js';
import { chaosSettings, everyFault, killableEmulator, killPoints, requestAt, resumeToEnd, runAndKill } from './harness.js';

/**
 * Chaos: `hoop-etl import` killed with SIGKILL at seeded points while the
 * emulator injects 5xx, dropped connections, ambiguous writes, forced 429s
 * and latency spikes, then resumed. After each: every input row in exactly
 * one outcome file, no duplicate contact, note or task, no tag lost, and the
 * location in the state worked out by hand from the file.
 */

const h = e2eHarness('chaos-import');
const settings = chaosSettings();

describe(`chaos: import killed at ${settings.points} seeded points (seed ${settings.seed}) with every fault on, then resumed`, () => {
  const list = rows();
  const want = expected(list);
  let dir: string;
  let csv: string;
  let baselineRequests = 0;

  beforeAll(async () => {
    dir = h.freshDir('import');
    csv = join(dir, 'contacts.csv');
    writeFileSync(csv, csvOf(list));
    // The uninterrupted run under the same faults: how many requests a whole run takes.
    const { emu } = await killableEmulator(h, { faults: everyFault(settings.seed) });
    await seededLocation(emu);
    const yaml = join(dir, 'baseline.yaml');
    writeFileSync(yaml, pipeline(csv, emu.locationId));
    const reports = join(dir, 'baseline-reports');
    const run = await runCli(['import', csv, '--pipeline', yaml, '--report-dir', reports], envFor(emu), 180_000);
    expect(run.status, run.stderr).toBe(3);
    const state = await essence(emu);
    expect(state).toEqual(want);
    expectOutcomes(reports);
    const stats = await admin(emu, 'GET', '/stats');
    // The faults did happen, of every kind.
    expect(stats.faults.status).toBeGreaterThan(0);
    expect(stats.faults.drop).toBeGreaterThan(0);
    expect(stats.faults.ambiguous).toBeGreaterThan(0);
    expect(stats.faults.rateLimit).toBeGreaterThan(0);
    baselineRequests = emu.state.routed;
  }, 240_000);

  it.each(killPoints(settings.seed, settings.points))('$label', async (point) => {
    const { emu, killer } = await killableEmulator(h, { faults: everyFault(settings.seed + point.index) });
    await seededLocation(emu);
    const trial = h.freshDir(`point-${point.index}`);
    const yaml = join(trial, 'import.yaml');
    writeFileSync(yaml, pipeline(csv, emu.locationId));
    const reports = join(trial, 'reports');
    const args = ['import', csv, '--pipeline', yaml, '--report-dir', reports];
    const env = envFor(emu);

    const nth = requestAt(point.at, baselineRequests);
    const first = await runAndKill(h, killer, args, env, nth);
    expect(first.killed, `the run ended (exit ${first.code}) before its request ${nth}: ${first.stderr}`).toBe(true);
    expect(first.kill!.atRequest).toBeGreaterThan(0);
    const atKill = await essence(emu);
    expectNoDuplicates(atKill);

    const runId = readdirSync(reports);
    expect(runId).toHaveLength(1);
    const resumeArgs = [...args, '--resume', runId[0]!];
    if (point.again !== undefined) {
      const left = Math.max(2, baselineRequests - nth);
      const again = await runAndKill(h, killer, resumeArgs, env, requestAt(point.again, left));
      // A resume with little left may finish before its kill point; either way nothing may be doubled.
      if (!again.killed) expect(again.code, again.stderr).toBe(3);
      expectNoDuplicates(await essence(emu));
    }
    const resumed = await resumeToEnd(resumeArgs, env);
    expect(resumed.stderr).not.toContain('\n    at ');
    expect(resumed.status, resumed.stderr).toBe(3);
    expect(readdirSync(reports)).toEqual(runId);

    const state = await essence(emu);
    expectNoDuplicates(state);
    expect(state).toEqual(want);
    expectOutcomes(reports);
  }, 240_000);
});
