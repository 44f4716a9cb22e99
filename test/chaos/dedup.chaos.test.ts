import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { essence, expectMergedState, seededEmulator, SINGLE_FIRST, type Essence } from './dedup-fixture.js';
import { chaosSettings, everyFault, killPoints, requestAt, resumeToEnd, runAndKill } from './harness.js';

/**
 * Chaos: `hoop-etl dedup --apply` killed with SIGKILL at seeded points while
 * the emulator injects every fault, then resumed with `--resume`. After each:
 * one contact left per cluster holding every tag, note and task of the
 * cluster once, nobody else touched, and the location exactly as after an
 * uninterrupted apply of the same plan.
 */

const h = e2eHarness('chaos-dedup');
const settings = chaosSettings();
const faultsOn = (emu: RunningEmulator, offset: number) => admin(emu, 'PATCH', '/config', { faults: everyFault(settings.seed + offset) });

function runIdOf(reports: string): string {
  const runs = readdirSync(reports);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe(`chaos: dedup --apply killed at ${settings.points} seeded points (seed ${settings.seed}) with every fault on, then resumed`, () => {
  let planFile: string;
  let baseline: Essence[];
  let baselineRequests = 0;

  beforeAll(async () => {
    const dir = h.freshDir('dedup-baseline');
    const { emu } = await seededEmulator(h);
    planFile = join(dir, 'plan.json');
    const env = envFor(emu);
    const plan = await runCli(['dedup', '--location', emu.locationId, '--plan', planFile, '--report-dir', join(dir, 'runs')], env);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`Read ${24 * 2 + 8 + SINGLE_FIRST.length} contacts of ${emu.locationId}: 24 duplicate clusters (24 by exact email or phone, 0 fuzzy), 56 contacts in them.`);
    // The uninterrupted apply under the faults.
    await faultsOn(emu, 0);
    const before = emu.state.routed;
    const apply = await runCli(['dedup', '--apply', planFile, '--report-dir', join(dir, 'runs')], env, 180_000);
    expect(apply.status, apply.stdout + apply.stderr).toBe(0);
    baselineRequests = emu.state.routed - before;
    baseline = await essence(emu);
    expectMergedState(baseline);
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.faults.status + stats.faults.drop + stats.faults.ambiguous + stats.faults.rateLimit).toBeGreaterThan(0);
  }, 240_000);

  it.each(killPoints(settings.seed + 1, settings.points))('$label', async (point) => {
    const { emu, killer } = await seededEmulator(h);
    await faultsOn(emu, point.index);
    const dir = h.freshDir(`dedup-point-${point.index}`);
    const plan = join(dir, 'plan.json');
    copyFileSync(planFile, plan);
    const reports = join(dir, 'runs');
    const env = envFor(emu);

    const nth = requestAt(point.at, baselineRequests);
    const first = await runAndKill(h, killer, ['dedup', '--apply', plan, '--report-dir', reports], env, nth);
    expect(first.killed, `the apply ended (exit ${first.code}) before its request ${nth}: ${first.stdout}${first.stderr}`).toBe(true);
    const runId = runIdOf(reports);
    const resumeArgs = ['dedup', '--resume', runId, '--report-dir', reports];
    if (point.again !== undefined) {
      const again = await runAndKill(h, killer, resumeArgs, env, requestAt(point.again, Math.max(2, baselineRequests - nth)));
      if (!again.killed) expect(again.code, again.stdout + again.stderr).toBe(0);
    }
    const resumed = await resumeToEnd(resumeArgs, env);
    expect(resumed.stderr).not.toContain('\n    at ');
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Applied 24 clusters: 24 merged, 0 skipped as changed since the plan, 0 failed; 32 contacts deleted');
    expect(readdirSync(reports)).toEqual([runId]);
    const summary = JSON.parse(readFileSync(join(reports, runId, 'summary.json'), 'utf8'));
    expect(summary.stopped ?? null).toBeNull();

    const state = await essence(emu);
    expectMergedState(state);
    expect(state).toEqual(baseline);
  }, 240_000);
});
