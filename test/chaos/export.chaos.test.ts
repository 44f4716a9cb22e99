import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { expectComplete, pipeline, readRows, seedContacts, tmpFiles, yesterdayAndChanges, type Mode } from './export-fixture.js';
import { chaosSettings, everyFault, killableEmulator, killPoints, requestAt, resumeToEnd, runAndKill } from './harness.js';

/**
 * Chaos: `hoop-etl export` killed with SIGKILL at seeded points while the
 * emulator injects every fault, full and incremental runs in turn. After each
 * kill the output file and the state are yesterday's, byte for byte; the next
 * run writes the complete new file (every contact, or exactly what changed,
 * once each, as the location holds it now), leaves no temporary file behind,
 * and a run after it finds nothing new.
 */

const h = e2eHarness('chaos-export');
const settings = chaosSettings();

describe(`chaos: export killed at ${settings.points} seeded points (seed ${settings.seed}) with every fault on, full and incremental in turn`, () => {
  const requests: Record<Mode, number> = { full: 0, incremental: 0 };

  beforeAll(async () => {
    // How many requests a whole run of each kind takes under the faults.
    for (const mode of ['full', 'incremental'] as const) {
      const { emu } = await killableEmulator(h);
      await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: seedContacts() });
      const dir = h.freshDir(`export-baseline-${mode}`);
      const { updated, added } = await yesterdayAndChanges(emu, dir);
      await admin(emu, 'PATCH', '/config', { faults: everyFault(settings.seed) });
      writeFileSync(join(dir, 'export.yaml'), pipeline(emu.locationId, mode, dir));
      const before = emu.state.routed;
      const run = await runCli(['export', '--pipeline', join(dir, 'export.yaml')], envFor(emu), 180_000);
      expect(run.status, run.stderr).toBe(0);
      requests[mode] = emu.state.routed - before;
      const all = new Set(((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ id: string }>).map((c) => c.id));
      await expectComplete(emu, join(dir, 'contacts.csv'), mode === 'full' ? all : new Set([...updated, ...added]));
    }
  }, 240_000);

  it.each(killPoints(settings.seed + 2, settings.points))('$label', async (point) => {
    const mode: Mode = point.index % 2 === 1 ? 'incremental' : 'full';
    const { emu, killer } = await killableEmulator(h);
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: seedContacts() });
    const dir = h.freshDir(`export-point-${point.index}`);
    const { updated, added } = await yesterdayAndChanges(emu, dir);
    const yesterdayFile = readFileSync(join(dir, 'contacts.csv'));
    const yesterdayState = readFileSync(join(dir, 'contacts.state.json'));
    await admin(emu, 'PATCH', '/config', { faults: everyFault(settings.seed + point.index) });
    writeFileSync(join(dir, 'export.yaml'), pipeline(emu.locationId, mode, dir));
    const args = ['export', '--pipeline', join(dir, 'export.yaml')];
    const env = envFor(emu);

    const nth = requestAt(point.at, requests[mode]);
    const killed = await runAndKill(h, killer, args, env, nth);
    expect(killed.killed, `the ${mode} export ended (exit ${killed.code}) before its request ${nth}: ${killed.stderr}`).toBe(true);
    expect(readFileSync(join(dir, 'contacts.csv')).equals(yesterdayFile), 'the output file is yesterday\'s').toBe(true);
    expect(readFileSync(join(dir, 'contacts.state.json')).equals(yesterdayState), 'the state is yesterday\'s').toBe(true);

    if (point.again !== undefined) {
      const again = await runAndKill(h, killer, args, env, requestAt(point.again, requests[mode]));
      if (again.killed) {
        expect(readFileSync(join(dir, 'contacts.csv')).equals(yesterdayFile)).toBe(true);
        expect(readFileSync(join(dir, 'contacts.state.json')).equals(yesterdayState)).toBe(true);
      } else expect(again.code, again.stderr).toBe(0);
    }

    const next = await resumeToEnd(args, env);
    expect(next.stderr).not.toContain('\n    at ');
    expect(next.status, next.stderr).toBe(0);
    expect(tmpFiles(dir), 'temporary files of the killed runs are cleared').toEqual([]);
    const all = new Set(((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ id: string }>).map((c) => c.id));
    await expectComplete(emu, join(dir, 'contacts.csv'), mode === 'full' ? all : new Set([...updated, ...added]));

    if (mode === 'incremental') {
      // The state moved on: the next night, with no change in between, finds nothing.
      const quiet = await resumeToEnd(args, env);
      expect(quiet.status, quiet.stderr).toBe(0);
      expect(readRows(join(dir, 'contacts.csv'))).toEqual([]);
    }
  }, 240_000);
});
