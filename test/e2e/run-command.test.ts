import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/** `hoop-etl run <pipeline>` takes the flags of the job's own command: the built CLI against the emulator. */

const { emulator, freshDir } = e2eHarness('run-command');

describe('hoop-etl run', () => {
  it('takes --report-dir, --mode and --max-errors for an import job as import does', async () => {
    const emu = await emulator();
    const dir = freshDir('import');
    const csv = join(dir, 'c.csv');
    writeFileSync(csv, 'Email,First Name\nnew@example.com,New\nbroken@,Bad\n');
    const yaml = join(dir, 'p.yaml');
    writeFileSync(yaml, `job: import\nlocation: ${emu.locationId}\nsource: { file: ${JSON.stringify(csv)} }\nmapping:\n  email: { column: Email, transform: email }\n  firstName: { column: First Name }\n`);
    const reports = join(dir, 'elsewhere');

    // update mode: the contact does not exist, so nothing is created and the row fails.
    const r = await runCli(['run', yaml, '--report-dir', reports, '--mode', 'update', '--max-errors', '5'], envFor(emu));
    expect(r.status, r.stderr).toBe(3);
    expect(readdirSync(reports)).toHaveLength(1);
    expect(existsSync(join(dir, 'hoop-etl-runs'))).toBe(false);
    expect((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts).toEqual([]);

    const upsert = await runCli(['run', yaml, '--report-dir', reports], envFor(emu));
    expect(upsert.status, upsert.stderr).toBe(3);
    expect(readdirSync(reports)).toHaveLength(2);
    expect(((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ email: string }>).map((c) => c.email)).toEqual(['new@example.com']);
  }, 60_000);

  it.each([
    ['--mode', 'update'],
    ['--max-errors', '3'],
  ])('refuses %s for an export job, before any request', async (flag, value) => {
    const emu = await emulator();
    const dir = freshDir('export');
    const yaml = join(dir, 'e.yaml');
    writeFileSync(yaml, `job: export\nlocation: ${emu.locationId}\nexport: { out: ${JSON.stringify(join(dir, 'out.csv'))} }\n`);
    const r = await runCli(['run', yaml, flag, value], envFor(emu));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${flag} applies to import jobs; ${yaml} is an export job`);
    expect(r.stderr).not.toContain('\n    at ');
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(0);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  }, 30_000);
});
