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
    // The tags column is read back, so it is not among the columns reported as not imported.
    const notImported = `${dry.stdout}\n${dry.stderr}`.split('\n').find((l) => l.startsWith('Not imported'));
    expect(notImported?.split(/[:;]/)[1]?.split(',').map((c) => c.trim())).not.toContain('tags');
    expect(JSON.parse(readFileSync(join(dry.runDir, 'summary.json'), 'utf8')).unusedColumns.map((u: { column: string }) => u.column)).not.toContain('tags');
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
  }, 120_000);
});

// ---- dirty files: the dry run fails exactly the rows the real run fails

const DIRTY = [
  'First,Email,Phone,Born,DND,Size,Renewal',
  // line 2: new, valid throughout
  'Ada,ada@example.com,+14155550101,1990-09-25,false,38,2027-01-31',
  // line 3: an email the platform refuses (the pipeline only trims it)
  'Bob,bob@example,,,,,',
  // line 4: a phone that does not parse
  'Cy,cy@example.com,12345,,,,',
  // line 5: a date of birth that is no date
  'Di,di@example.com,,1990-02-30,,,',
  // line 6: a number field given a word (refused while mapping)
  'Ed,ed@example.com,,,,large,',
  // line 7: a date field given a word (refused by the platform's rules)
  'Flo,flo@example.com,,,,,soon',
  // line 8: dnd that is neither true nor false
  'Gus,gus@example.com,,,maybe,,',
  // line 9: Ada again (merged into line 2)
  'Ada,ADA@example.com,(415) 555-0101,,,,',
  // line 10: an existing contact, a new size
  'Grace,grace@example.com,,,,40,',
  // line 11: an existing contact that holds all of it
  'Margaret,margaret@example.com,,,,,',
  // line 12: the email of one existing contact and the phone of another
  'Katherine,katherine@example.com,(312) 555-0150,,,,',
  // line 13: new, a US date of birth
  'Hal,hal@example.com,+1 415 555 0199,09/25/1990,true,,',
  // line 14: Bob again with a phone: merged with line 3, so the pair fails together
  'Bob,bob@example,+1 415 555 0123,,,,',
].join('\n');

function dirtyPipeline(csv: string, locationId: string, mode: string): string {
  return `job: import
location: ${locationId}
source: { file: ${JSON.stringify(csv)} }
mode: ${mode}
mapping:
  firstName: { column: First, transform: trim }
  email: { column: Email, transform: trim }
  phone: { column: Phone, transform: trim }
  dateOfBirth: { column: Born, transform: trim }
  dnd: { column: DND }
customFields:
  - { name: Shoe Size, column: Size }
  - { name: Renewal, column: Renewal }
`;
}

interface Dirty {
  emu: RunningEmulator;
  dir: string;
  ids: Record<'grace' | 'margaret' | 'katherine' | 'dorothy', string>;
}

async function dirtyLocation(): Promise<Dirty> {
  const emu = await emulator();
  const dir = freshDir('dirty');
  const fields = await defineFields(emu, emu.locationId);
  const seeded = await admin<{ ids: string[] }>(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: [
      { firstName: 'Grace', email: 'grace@example.com', customFields: [{ id: fields.get('Shoe Size')!, field_value: 38 }] },
      { firstName: 'Margaret', email: 'margaret@example.com' },
      { firstName: 'Katherine', email: 'katherine@example.com' },
      { firstName: 'Dorothy', phone: '+13125550150' },
    ],
  });
  const [grace, margaret, katherine, dorothy] = seeded.ids as [string, string, string, string];
  return { emu, dir, ids: { grace, margaret, katherine, dorothy } };
}

interface Outcome {
  run: CliRun;
  failed: Array<{ line: string; errorCode: string }>;
  plan: Array<{ line: string; action: string; errorCode: string }>;
  planRows: Rows;
  stats: { byOperation: Record<string, number>; byStatus: Record<string, number> };
}

/** Runs the import and reads what it wrote, and what the emulator received. */
async function outcomeOf(emu: RunningEmulator, args: string[], reportDir: string, env = envFor(emu)): Promise<Outcome> {
  await admin(emu, 'POST', '/stats/reset');
  const run = await runCli([...args, '--report-dir', reportDir], env);
  expect(run.stderr).not.toContain('\n    at ');
  const runDir = runDirOf(reportDir);
  const planRows = readCsv(join(runDir, 'plan.csv'));
  return {
    run,
    failed: readCsv(join(runDir, 'failed.csv')).map((r) => ({ line: r.line!, errorCode: r.errorCode! })),
    plan: planRows.map((r) => ({ line: r.line!, action: r.action!, errorCode: r.errorCode! })),
    planRows,
    stats: await admin(emu, 'GET', '/stats'),
  };
}

describe('the dry run fails exactly the rows the real run fails', () => {
  it('upsert: bad emails, phones, dates, custom-field types and dnd, duplicates in the file, existing contacts, a collision; the real run sends nothing the platform would refuse', async () => {
    const t = await dirtyLocation();
    const csv = join(t.dir, 'dirty.csv');
    writeFileSync(csv, `${DIRTY}\n`);
    const yaml = join(t.dir, 'dirty.yaml');
    writeFileSync(yaml, dirtyPipeline(csv, t.emu.locationId, 'upsert'));
    const args = ['import', csv, '--pipeline', yaml, '--location', t.emu.locationId];

    const dry = await outcomeOf(t.emu, [...args, '--dry-run'], join(t.dir, 'dry'));
    expect(dry.run.status, dry.run.stdout + dry.run.stderr).toBe(3);
    const expectedFailed = [
      { line: '3', errorCode: 'VALIDATION' },
      { line: '4', errorCode: 'VALIDATION' },
      { line: '5', errorCode: 'VALIDATION' },
      { line: '6', errorCode: 'INVALID_NUMBER' },
      { line: '7', errorCode: 'VALIDATION' },
      { line: '8', errorCode: 'INVALID_BOOLEAN' },
      { line: '12', errorCode: 'COLLISION' },
      { line: '14', errorCode: 'VALIDATION' },
    ];
    expect(dry.failed).toEqual(expectedFailed);
    expect(dry.plan).toEqual([
      { line: '2', action: 'create', errorCode: '' },
      ...expectedFailed.slice(0, 6).map((f) => ({ ...f, action: 'failed' })),
      { line: '9', action: 'merged into line 2', errorCode: '' },
      { line: '10', action: 'update', errorCode: '' },
      { line: '11', action: 'unchanged', errorCode: '' },
      { line: '12', action: 'failed', errorCode: 'COLLISION' },
      { line: '13', action: 'create', errorCode: '' },
      { line: '14', action: 'failed', errorCode: 'VALIDATION' },
    ]);
    // The contact each row would touch, and the platform's own words for the refused ones.
    const byLine = new Map(dry.planRows.map((r) => [r.line, r]));
    expect(byLine.get('10')!.contactId).toBe(t.ids.grace);
    expect(byLine.get('11')!.contactId).toBe(t.ids.margaret);
    expect(byLine.get('3')!.reason).toBe('POST /contacts/upsert: refused as invalid: email must be an email');
    expect(byLine.get('4')!.reason).toBe('POST /contacts/upsert: refused as invalid: phone must be a valid phone number');
    expect(byLine.get('5')!.reason).toMatch(/^POST \/contacts\/upsert: refused as invalid: dateOfBirth must be a date in one of the formats/);
    expect(byLine.get('7')!.reason).toBe('POST /contacts/upsert: refused as invalid: customFields.0 must be a date for DATE field contact.renewal'); // Size is blank: Renewal is the only item
    expect(dry.run.stdout).toContain('Dry run of 13 rows: 4 contacts (2 to create, 1 to update, 1 unchanged), 1 row merged in the file, 8 rows failing');
    expect(dry.run.stdout).toMatch(/\(failed\.csv, plan\.csv, summary\.json\)/);
    expect(readdirSync(runDirOf(join(t.dir, 'dry'))).sort()).toEqual(['failed.csv', 'plan.csv', 'summary.json']);
    for (const op of WRITE_OPERATIONS) expect(dry.stats.byOperation[op] ?? 0, op).toBe(0);

    const real = await outcomeOf(t.emu, args, join(t.dir, 'real'));
    expect(real.run.status, real.run.stdout + real.run.stderr).toBe(3);
    expect(real.failed).toEqual(dry.failed);
    expect(real.plan).toEqual(dry.plan);
    expect(real.planRows.find((r) => r.line === '3')!.reason).toBe(byLine.get('3')!.reason);
    // Three contacts written (Ada, Grace, Hal), one request each; nothing refused reached the platform.
    expect(real.stats.byOperation['upsert-contact']).toBe(3);
    expect(real.stats.byStatus['422'] ?? 0).toBe(0);
    expect(await writes(t.emu)).toBe(3);
  }, 120_000);

  it.each([
    ['create', [{ line: '10', errorCode: 'DUPLICATE' }, { line: '11', errorCode: 'DUPLICATE' }]],
    ['update', [{ line: '2', errorCode: 'NOT_FOUND' }, { line: '13', errorCode: 'NOT_FOUND' }]],
  ] as const)('%s mode: the platform answers the dry run predicts (a contact that exists, one that does not) fail the same rows', async (mode, answered) => {
    const t = await dirtyLocation();
    const csv = join(t.dir, 'dirty.csv');
    writeFileSync(csv, `${DIRTY}\n`);
    const yaml = join(t.dir, 'dirty.yaml');
    writeFileSync(yaml, dirtyPipeline(csv, t.emu.locationId, mode));
    const args = ['import', csv, '--pipeline', yaml, '--location', t.emu.locationId];
    const dry = await outcomeOf(t.emu, [...args, '--dry-run'], join(t.dir, 'dry'));
    const real = await outcomeOf(t.emu, args, join(t.dir, 'real'));
    expect(real.failed).toEqual(dry.failed);
    expect(real.plan).toEqual(dry.plan);
    for (const a of answered) expect(dry.failed).toContainEqual(a);
    expect(real.stats.byStatus['422'] ?? 0).toBe(0);
  }, 120_000);

  it('a hoop-etl export edited by hand, imported without a pipeline: the same failed rows, no request for them', async () => {
    const t = await dirtyLocation();
    const file = join(t.dir, 'export.csv');
    const exported = await runCli(['export', '--location', t.emu.locationId, '--out', file, '--report-dir', join(t.dir, 'export-runs')], envFor(t.emu));
    expect(exported.status, exported.stderr).toBe(0);
    const rows = readCsv(file);
    const headers = Object.keys(rows[0]!);
    const edit = (email: string, changes: Record<string, string>) => Object.assign(rows.find((r) => r.email === email)!, changes);
    edit('grace@example.com', { Renewal: 'someday' }); // a DATE field the platform refuses
    edit('margaret@example.com', { 'Shoe Size': 'big' }); // a number field, refused while mapping
    edit('katherine@example.com', { dnd: 'perhaps' });
    const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    writeFileSync(file, `${[headers.join(','), ...rows.map((r) => headers.map((h) => quote(r[h]!)).join(','))].join('\n')}\n`);
    const lineOf = (email: string) => String(rows.findIndex((r) => r.email === email) + 2);

    const args = ['import', file, '--location', t.emu.locationId];
    const dry = await outcomeOf(t.emu, [...args, '--dry-run'], join(t.dir, 'dry'));
    const real = await outcomeOf(t.emu, args, join(t.dir, 'real'));
    const expected = [
      { line: lineOf('grace@example.com'), errorCode: 'VALIDATION' },
      { line: lineOf('margaret@example.com'), errorCode: 'INVALID_NUMBER' },
      { line: lineOf('katherine@example.com'), errorCode: 'INVALID_BOOLEAN' },
    ].sort((a, b) => Number(a.line) - Number(b.line));
    expect(dry.failed).toEqual(expected);
    expect(real.failed).toEqual(expected);
    expect(real.plan).toEqual(dry.plan);
    // Dorothy, untouched, is unchanged: nothing at all is written.
    expect(dry.plan.find((p) => p.line === String(rows.findIndex((r) => r.phone?.endsWith('+13125550150')) + 2))?.action).toBe('unchanged');
    expect(await writes(t.emu)).toBe(0);
    expect(real.stats.byStatus['422'] ?? 0).toBe(0);
  }, 120_000);
});

describe('a re-run of the same import', () => {
  it("finds rows with a note unchanged (nothing written), and the dry run's estimate uses the location's own limit", async () => {
    const emu = await emulator({ rateLimit: { max: 50, intervalMs: 10_000 } });
    const dir = freshDir('rerun');
    const csv = join(dir, 'notes.csv');
    writeFileSync(csv, 'Email,First,Note\nann@example.com,Ann,Met at the fair\nbea@example.com,Bea,"Two lines\nof note"\ncat@example.com,Cat,\n');
    const yaml = join(dir, 'notes.yaml');
    writeFileSync(
      yaml,
      `job: import\nlocation: ${emu.locationId}\nsource: { file: ${JSON.stringify(csv)} }\nmapping:\n  email: { column: Email, transform: email }\n  firstName: { column: First, transform: trim }\nnotes:\n  - { column: Note }\n`,
    );
    const args = ['import', csv, '--pipeline', yaml, '--location', emu.locationId];
    const first = await outcomeOf(emu, args, join(dir, 'first'));
    expect(first.run.stdout).toContain('Imported 3 rows: 3 created, 0 updated, 0 unchanged');
    expect(first.stats.byOperation['create-note']).toBe(2);

    const dry = await outcomeOf(emu, [...args, '--dry-run'], join(dir, 'dry'));
    expect(dry.run.stdout).toContain('Dry run of 3 rows: 3 contacts (0 to create, 0 to update, 3 unchanged)');
    expect(dry.run.stdout).toContain("The real run would spend about 0 requests: 0.0 min at this location's 50 requests per 10 s.");
    const again = await outcomeOf(emu, args, join(dir, 'again'));
    expect(again.run.stdout).toContain('Imported 3 rows: 0 created, 0 updated, 3 unchanged');
    expect(again.plan.map((p) => p.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await writes(emu)).toBe(0);
  }, 120_000);
});
