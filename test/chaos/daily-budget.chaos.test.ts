import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { essence as dedupEssence, expectMergedState, seededEmulator } from './dedup-fixture.js';
import { expectComplete, pipeline as exportPipeline, readRows, seedContacts, tmpFiles, yesterdayAndChanges } from './export-fixture.js';
import { chaosSettings, everyFault, killableEmulator, resumeToEnd } from './harness.js';
import { csvOf, essence as importEssence, expected, expectNoDuplicates, expectOutcomes, pipeline as importPipeline, rows, seededLocation } from './import-fixture.js';

/**
 * Chaos: the daily request budget runs out half-way through a job, with every
 * fault on. The job stops cleanly (exit 1) and says how to go on and when the
 * day resets; after the emulator's day resets (its admin route), going on
 * finishes with the same end state as an uninterrupted run.
 */

const h = e2eHarness('chaos-daily');
const settings = chaosSettings();

/** Gives the location a daily budget that ends `more` requests from now. */
async function budgetEndsIn(emu: RunningEmulator, more: number): Promise<void> {
  const used = emu.state.routed;
  await admin(emu, 'PATCH', '/config', { rateLimit: { dailyLimit: used + more } });
}

function expectDailyStop(stderr: string): void {
  expect(stderr).not.toContain('\n    at ');
  expect(stderr).toContain('daily request budget');
  // When the day resets, as an ISO time.
  expect(stderr).toMatch(/the day resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\n]*after the reset/);
}

describe(`chaos: the daily budget runs out mid-job (seed ${settings.seed})`, () => {
  it('import: exit 1 with the --resume command; after the day resets, the resumed run ends as an uninterrupted one', async () => {
    const list = rows();
    const dir = h.freshDir('daily-import');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, csvOf(list));

    // The uninterrupted run, for its end state and its request count.
    const base = (await killableEmulator(h, { faults: everyFault(settings.seed + 10) })).emu;
    await seededLocation(base);
    writeFileSync(join(dir, 'base.yaml'), importPipeline(csv, base.locationId));
    const whole = await runCli(['import', csv, '--pipeline', join(dir, 'base.yaml'), '--report-dir', join(dir, 'base-runs')], envFor(base), 180_000);
    expect(whole.status, whole.stderr).toBe(3);
    const baseline = await importEssence(base);
    expect(baseline).toEqual(expected(list));

    const emu = (await killableEmulator(h, { faults: everyFault(settings.seed + 11) })).emu;
    await seededLocation(emu);
    await budgetEndsIn(emu, Math.floor(base.state.routed * 0.6));
    writeFileSync(join(dir, 'import.yaml'), importPipeline(csv, emu.locationId));
    const reports = join(dir, 'runs');
    const args = ['import', csv, '--pipeline', join(dir, 'import.yaml'), '--report-dir', reports];
    const stopped = await runCli(args, envFor(emu), 180_000);
    expect(stopped.status, stopped.stderr).toBe(1);
    expectDailyStop(stopped.stderr);
    const runId = readdirSync(reports);
    expect(runId).toHaveLength(1);
    expect(stopped.stderr).toContain(`continue with --resume ${runId[0]} after the reset`);
    // The whole command to type, as it was run plus --resume.
    // npx: the tests run from the project folder, where a fresh clone has no hoop-etl on PATH.
    expect(stopped.stderr).toContain(`To continue: npx hoop-etl ${args.join(' ')} --resume ${runId[0]}\n`);
    expectNoDuplicates(await importEssence(emu));

    await admin(emu, 'POST', '/daily-reset');
    const resumed = await resumeToEnd([...args, '--resume', runId[0]!], envFor(emu));
    expect(resumed.status, resumed.stderr).toBe(3);
    expect(await importEssence(emu)).toEqual(baseline);
    expectOutcomes(reports);
  }, 300_000);

  it('dedup apply: exit 1 with the --resume command; after the day resets, the resumed apply ends as an uninterrupted one', async () => {
    const dir = h.freshDir('daily-dedup');
    const plan = join(dir, 'plan.json');
    const { emu: base } = await seededEmulator(h);
    const planned = await runCli(['dedup', '--location', base.locationId, '--plan', plan, '--report-dir', join(dir, 'base-runs')], envFor(base));
    expect(planned.status, planned.stderr).toBe(0);
    await admin(base, 'PATCH', '/config', { faults: everyFault(settings.seed + 12) });
    const before = base.state.routed;
    const whole = await runCli(['dedup', '--apply', plan, '--report-dir', join(dir, 'base-runs')], envFor(base), 180_000);
    expect(whole.status, whole.stdout + whole.stderr).toBe(0);
    const applyRequests = base.state.routed - before;
    const baseline = await dedupEssence(base);
    expectMergedState(baseline);

    const { emu } = await seededEmulator(h, { faults: everyFault(settings.seed + 13) });
    const own = join(dir, 'own-plan.json');
    copyFileSync(plan, own);
    await budgetEndsIn(emu, Math.floor(applyRequests * 0.6));
    const reports = join(dir, 'runs');
    const stopped = await runCli(['dedup', '--apply', own, '--report-dir', reports], envFor(emu), 180_000);
    expect(stopped.status, stopped.stdout + stopped.stderr).toBe(1);
    expectDailyStop(stopped.stderr);
    const runId = readdirSync(reports);
    expect(runId).toHaveLength(1);
    expect(stopped.stderr).toContain(`continue with dedup --resume ${runId[0]}`);
    expect(stopped.stderr).toContain(`To continue: npx hoop-etl dedup --report-dir ${reports} --resume ${runId[0]}\n`);

    await admin(emu, 'POST', '/daily-reset');
    const resumed = await resumeToEnd(['dedup', '--resume', runId[0]!, '--report-dir', reports], envFor(emu));
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(await dedupEssence(emu)).toEqual(baseline);
  }, 300_000);

  it('export: exit 1 saying when to run again, yesterday\'s file and state untouched; after the day resets, the next run is complete', async () => {
    const { emu } = await killableEmulator(h);
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: seedContacts() });
    const dir = h.freshDir('daily-export');
    const { updated, added } = await yesterdayAndChanges(emu, dir);
    const yesterdayFile = readFileSync(join(dir, 'contacts.csv'));
    const yesterdayState = readFileSync(join(dir, 'contacts.state.json'));
    await admin(emu, 'PATCH', '/config', { faults: everyFault(settings.seed + 14) });
    writeFileSync(join(dir, 'export.yaml'), exportPipeline(emu.locationId, 'incremental', dir));
    // An incremental night asks a few pages (pageLimit 100): the budget ends after two.
    await budgetEndsIn(emu, 2);
    const args = ['export', '--pipeline', join(dir, 'export.yaml')];
    const stopped = await runCli(args, envFor(emu), 180_000);
    expect(stopped.status, stopped.stderr).toBe(1);
    expectDailyStop(stopped.stderr);
    expect(stopped.stderr).toMatch(/run the export again after the reset/i);
    expect(readFileSync(join(dir, 'contacts.csv')).equals(yesterdayFile)).toBe(true);
    expect(readFileSync(join(dir, 'contacts.state.json')).equals(yesterdayState)).toBe(true);
    expect(tmpFiles(dir)).toEqual([]);

    await admin(emu, 'POST', '/daily-reset');
    const next = await resumeToEnd(args, envFor(emu));
    expect(next.status, next.stderr).toBe(0);
    await expectComplete(emu, join(dir, 'contacts.csv'), new Set([...updated, ...added]));
    expect(readRows(join(dir, 'contacts.csv')).length).toBe(updated.size + added.size);
  }, 300_000);
});
