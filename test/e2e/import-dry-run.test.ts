import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli, type CliRun } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * The dry run tells the truth: the built CLI against a real emulator, the
 * dry run's failed rows (line and code) equal the real run's, the real run
 * spends no request on a row the platform would refuse (counted at the
 * emulator), and a hoop-etl export imports back with no pipeline, into the
 * same location and into a fresh one. Expectations are written out by hand
 * from the input files.
 */

const { emulator, freshDir } = e2eHarness('import-dry-run');

type Rows = Array<Record<string, string>>;
const readCsv = (path: string): Rows => parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Rows;

const WRITE_OPERATIONS = ['upsert-contact', 'create-contact', 'update-contact', 'add-tags', 'create-note', 'create-task', 'add-followers'];

/** The custom fields of every type a contact can carry (file uploads need a multipart upload, not emulated). */
const FIELDS = [
  { name: 'Shoe Size', dataType: 'NUMERICAL' },
  { name: 'Budget', dataType: 'MONETORY' },
  { name: 'Newsletters', dataType: 'CHECKBOX', picklistOptions: ['weekly', 'monthly'] },
  { name: 'Colours', dataType: 'MULTIPLE_OPTIONS', picklistOptions: ['red', 'green', 'blue'] },
  { name: 'Plan', dataType: 'SINGLE_OPTIONS', picklistOptions: ['gold', 'silver'] },
  { name: 'Renewal', dataType: 'DATE' },
  { name: 'Nickname', dataType: 'TEXT' },
  { name: 'Story', dataType: 'LARGE_TEXT' },
  { name: 'Office Phone', dataType: 'PHONE' },
  { name: 'Contact By', dataType: 'RADIO', picklistOptions: ['mail', 'phone'] },
  { name: 'Kids', dataType: 'TEXTBOX_LIST' },
];

async function defineFields(emu: RunningEmulator, locationId: string): Promise<Map<string, string>> {
  const r = await admin<{ customFields: Array<{ id: string; name: string }> }>(emu, 'POST', `/locations/${locationId}/custom-fields`, {
    customFields: FIELDS.map((f, i) => ({ ...f, position: i + 1 })),
  });
  return new Map(r.customFields.map((f) => [f.name, f.id]));
}

async function writes(emu: RunningEmulator): Promise<number> {
  const by = (await admin<{ byOperation: Record<string, number> }>(emu, 'GET', '/stats')).byOperation;
  return WRITE_OPERATIONS.reduce((n, op) => n + (by[op] ?? 0), 0);
}

function runDirOf(reportDir: string): string {
  const runs = readdirSync(reportDir);
  expect(runs).toHaveLength(1);
  return join(reportDir, runs[0]!);
}

async function importCli(emu: RunningEmulator, file: string, reportDir: string, locationId = emu.locationId, extra: string[] = [], env = envFor(emu)): Promise<CliRun & { runDir: string }> {
  const r = await runCli(['import', file, '--location', locationId, '--report-dir', reportDir, ...extra], env);
  expect(r.stderr).not.toContain('\n    at ');
  return { ...r, runDir: runDirOf(reportDir) };
}

/** An export without the columns that name this copy rather than the person (ids and the dates the platform stamps). */
function withoutStamps(rows: Rows): Rows {
  return rows
    .map(({ id: _i, dateAdded: _a, dateUpdated: _u, lastActivity: _l, ...rest }) => rest)
    .sort((a, b) => (a.email! < b.email! ? -1 : a.email! > b.email! ? 1 : 0));
}

describe('import of a hoop-etl export without a pipeline', () => {
  it('reads dnd, tags, dates and custom fields of every type back as their types: same location unchanged, fresh location the same contacts', async () => {
    const emu = await emulator();
    const dir = freshDir('round-trip');
    const ids = await defineFields(emu, emu.locationId);
    const cf = (name: string, value: unknown) => ({ id: ids.get(name)!, field_value: value });
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
      contacts: [
        {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          phone: '+14155550101',
          dnd: true,
          tags: ['vip', 'lead'],
          dateOfBirth: '1990-09-25',
          city: 'London',
          customFields: [
            cf('Shoe Size', 38),
            cf('Budget', 1250.5),
            cf('Newsletters', ['weekly', 'monthly']),
            cf('Colours', ['red', 'blue']),
            cf('Plan', 'gold'),
            cf('Renewal', '2027-01-31'),
            cf('Nickname', '=not a formula'),
            cf('Story', 'line one\nline two'),
            cf('Office Phone', '+442079460958'),
            cf('Contact By', 'mail'),
            cf('Kids', { '0': 'Byron' }),
          ],
        },
        { firstName: 'Grace', email: 'grace@example.com', dnd: false, tags: ['customer'], customFields: [cf('Shoe Size', 41), cf('Colours', ['green'])] },
        { lastName: 'Turing', phone: '+14155550103', dateOfBirth: '1912-06-23' },
      ],
    });

    const first = join(dir, 'first.csv');
    const exported = await runCli(['export', '--location', emu.locationId, '--out', first, '--report-dir', join(dir, 'export-runs')], envFor(emu));
    expect(exported.status, exported.stderr).toBe(0);
    const before = readCsv(first);
    expect(before.find((r) => r.email === 'ada@example.com')).toMatchObject({ dnd: 'true', tags: 'lead, vip', Colours: 'red, blue', 'Shoe Size': '38' });

    // Into the same location: the dry run and the real run find nothing to change, and nothing is written.
    await admin(emu, 'POST', '/stats/reset');
    const dry = await importCli(emu, first, join(dir, 'same-dry'), emu.locationId, ['--dry-run']);
    expect(dry.status, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run of 3 rows: 3 contacts (0 to create, 0 to update, 3 unchanged), 0 rows merged in the file, 0 rows failing');
    const real = await importCli(emu, first, join(dir, 'same-real'));
    expect(real.status, real.stdout + real.stderr).toBe(0);
    expect(real.stdout).toContain('Imported 3 rows: 0 created, 0 updated, 3 unchanged, 0 merged into another row, 0 failed.');
    expect(await writes(emu)).toBe(0);

    // Into a fresh location with the same fields (other ids): the same contacts, as an export of it shows.
    const fresh = (await admin<{ location: { id: string } }>(emu, 'POST', '/locations', {})).location.id;
    const token = (await admin<{ token: string }>(emu, 'POST', '/tokens', { locationId: fresh })).token;
    await defineFields(emu, fresh);
    const env = envFor(emu, { HOOPAI_TOKEN: token });
    const into = await importCli(emu, first, join(dir, 'fresh-real'), fresh, [], env);
    expect(into.status, into.stdout + into.stderr).toBe(0);
    expect(into.stdout).toContain('Imported 3 rows: 3 created, 0 updated, 0 unchanged, 0 merged into another row, 0 failed.');
    const second = join(dir, 'second.csv');
    const again = await runCli(['export', '--location', fresh, '--out', second, '--report-dir', join(dir, 'export-runs-2')], env);
    expect(again.status, again.stderr).toBe(0);
    expect(withoutStamps(readCsv(second))).toEqual(withoutStamps(before));
  });
});
