import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli, type CliRun } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * Issue 14, items 3, 4, 7 and 11: no column dropped in silence, missing custom
 * fields reported all at once or created on request, outputs in the working
 * directory, no empty run folder after a configuration error. The built CLI
 * against a real emulator on port 0, run from a scratch working directory.
 */

const { emulator, freshDir } = e2eHarness('import-columns');
const REPO = process.cwd();

const WRITE_OPERATIONS = ['upsert-contact', 'create-contact', 'update-contact', 'add-tags', 'create-note', 'create-task', 'create-custom-field'];

const runIn = (cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> => runCli(args, env, 120_000, cwd);

async function writesAt(emu: RunningEmulator): Promise<number> {
  const stats = await admin(emu, 'GET', '/stats');
  return WRITE_OPERATIONS.reduce((n, op) => n + ((stats.byOperation[op] as number | undefined) ?? 0), 0);
}

async function fieldsOf(emu: RunningEmulator): Promise<Array<{ id: string; name: string; fieldKey: string; dataType: string }>> {
  const r = await call(emu, 'GET', `/locations/${emu.locationId}/customFields?model=contact`);
  return r.body.customFields;
}

function summaryOf(reportDir: string): Record<string, any> {
  const runs = readdirSync(reportDir);
  expect(runs).toHaveLength(1);
  return JSON.parse(readFileSync(join(reportDir, runs[0]!, 'summary.json'), 'utf8'));
}

const DEMO_LIKE = 'First Name,Last Name,Email,Company,Tags,Note,Shoe Size\nAda,Lovelace,ada@example.com,Analytical,vip,Met in London,38\nAlan,Turing,alan@example.com,Bletchley,,,44\n';

describe('columns no setting reads', () => {
  it('without a pipeline: every column the header recognition skipped is listed before the first write, in the dry run, the real run and summary.json', async () => {
    const emu = await emulator();
    const dir = freshDir('unused');
    writeFileSync(join(dir, 'people.csv'), DEMO_LIKE);
    const args = ['import', 'people.csv', '--location', emu.locationId];

    const dry = await runIn(dir, [...args, '--dry-run', '--report-dir', 'dry'], envFor(emu));
    expect(dry.status, dry.stderr).toBe(0);
    // Company is recognised (companyName); Tags, Note and Shoe Size are not mapped without a pipeline.
    const listing = ['3 columns of people.csv will not be imported', 'Tags', 'columns: [Tags]', 'Note', '- { column: Note }', 'Shoe Size', '- { key: contact.shoe_size, column: Shoe Size }'];
    for (const part of listing) expect(dry.stderr).toContain(part);
    expect(dry.stderr).toContain('(no pipeline: hoop-etl init people.csv --out pipeline.yaml writes one');
    expect(dry.stdout).toContain('Not imported (no setting reads them): Tags, Note, Shoe Size');
    expect(summaryOf(join(dir, 'dry')).unusedColumns).toEqual([
      { column: 'Tags', section: 'tags', line: 'columns: [Tags]' },
      { column: 'Note', section: 'notes', line: '- { column: Note }' },
      { column: 'Shoe Size', section: 'customFields', line: '- { key: contact.shoe_size, column: Shoe Size }' },
    ]);

    const real = await runIn(dir, [...args, '--report-dir', 'real'], envFor(emu));
    expect(real.status, real.stderr).toBe(0);
    for (const part of listing) expect(real.stderr).toContain(part);
    // Listed before the first write: the listing is on stderr before the run wrote its two contacts.
    expect(summaryOf(join(dir, 'real')).unusedColumns.map((u: { column: string }) => u.column)).toEqual(['Tags', 'Note', 'Shoe Size']);
    expect(summaryOf(join(dir, 'real')).counts.created).toBe(2);
  });

  it('--strict-columns (and strictColumns: true) fails with exit 2 before any write and leaves no run folder; ignoreColumns silences a column', async () => {
    const emu = await emulator();
    const dir = freshDir('strict');
    writeFileSync(join(dir, 'people.csv'), DEMO_LIKE);
    const strict = await runIn(dir, ['import', 'people.csv', '--location', emu.locationId, '--strict-columns'], envFor(emu));
    expect(strict.status, strict.stderr).toBe(2);
    expect(strict.stderr).toContain('3 columns of people.csv would not be imported');
    expect(strict.stderr).toContain('strictColumns');
    expect(strict.stderr).not.toContain('\n    at ');
    expect(strict.stdout).toBe('');
    expect(await writesAt(emu)).toBe(0);
    expect(existsSync(join(dir, 'hoop-etl-runs'))).toBe(false);

    const pipeline = `job: import
location: ${emu.locationId}
source: { file: people.csv }
mapping:
  firstName: First Name
  lastName: Last Name
  email: { column: Email, transform: email }
tags: { column: Tags }
notes: [{ column: Note }]
strictColumns: true
`;
    writeFileSync(join(dir, 'strict.yaml'), pipeline);
    const byFile = await runIn(dir, ['run', 'strict.yaml'], envFor(emu));
    expect(byFile.status, byFile.stderr).toBe(2);
    expect(byFile.stderr).toContain('2 columns of');
    expect(byFile.stderr).toMatch(/Company +under mapping: +companyName: Company/);
    expect(byFile.stderr).toMatch(/Shoe Size +under customFields: +- \{ key: contact.shoe_size, column: Shoe Size \}/);
    expect(await writesAt(emu)).toBe(0);
    expect(existsSync(join(dir, 'hoop-etl-runs'))).toBe(false);

    writeFileSync(join(dir, 'ignore.yaml'), `${pipeline}ignoreColumns: [Shoe Size, Company]\n`);
    const ignored = await runIn(dir, ['run', 'ignore.yaml'], envFor(emu));
    expect(ignored.status, ignored.stderr).toBe(0);
    expect(ignored.stderr).not.toContain('Shoe Size');
    expect(summaryOf(join(dir, 'hoop-etl-runs')).unusedColumns).toEqual([]);
  });
});

const TYPED_CSV = [
  'Email,Score,Joined,Newsletter,Colour,Bio,Member No',
  'ada@example.com,42,2024-03-01,yes,Blue,"Wrote the first program.",0042',
  'alan@example.com,7.5,2023-11-20,no,Green,"Broke codes.",0107',
  'grace@example.com,,,,,,',
].join('\n');

function typedPipeline(locationId: string, extra = ''): string {
  return `job: import
location: ${locationId}
source: { file: people.csv }
mapping:
  email: { column: Email, transform: email }
customFields:
  - { key: contact.score, column: Score }
  - { key: contact.joined, column: Joined }
  - { key: contact.newsletter, column: Newsletter }
  - { name: Favourite Colour, column: Colour }
  - { key: contact.bio, column: Bio, dataType: LARGE_TEXT }
  - { key: contact.member_no, column: Member No }
${extra}`;
}

describe('custom fields the location lacks', () => {
  it('are all reported at once, each with its setting, line, column and the type it would get; exit 2, nothing written, no run folder', async () => {
    const emu = await emulator();
    const dir = freshDir('missing');
    writeFileSync(join(dir, 'people.csv'), TYPED_CSV);
    writeFileSync(join(dir, 'p.yaml'), typedPipeline(emu.locationId));
    const r = await runIn(dir, ['import', 'people.csv', '--pipeline', 'p.yaml'], envFor(emu));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('lacks 6 custom fields');
    expect(r.stderr).toContain('--create-missing-fields');
    for (const line of [
      "customFields[0] (line 7): key 'contact.score' from column 'Score', would be created as NUMERICAL (the column's values)",
      "customFields[1] (line 8): key 'contact.joined' from column 'Joined', would be created as DATE (the column's values)",
      "customFields[2] (line 9): key 'contact.newsletter' from column 'Newsletter', would be created as CHECKBOX (the column's values)",
      "customFields[3] (line 10): name 'Favourite Colour' from column 'Colour', would be created as TEXT (the column's values)",
      "customFields[4] (line 11): key 'contact.bio' from column 'Bio', would be created as LARGE_TEXT (its dataType)",
      "customFields[5] (line 12): key 'contact.member_no' from column 'Member No', would be created as TEXT (the column's values)",
    ]) {
      expect(r.stderr).toContain(line);
    }
    expect(r.stderr).not.toContain('\n    at ');
    expect(await writesAt(emu)).toBe(0);
    expect(existsSync(join(dir, 'hoop-etl-runs'))).toBe(false);
  });

  it('a dry run with createMissingFields lists them (output and summary.json fieldsToCreate) and creates none', async () => {
    const emu = await emulator();
    const dir = freshDir('dry-create');
    writeFileSync(join(dir, 'people.csv'), TYPED_CSV);
    writeFileSync(join(dir, 'p.yaml'), typedPipeline(emu.locationId, 'createMissingFields: true\n'));
    const r = await runIn(dir, ['run', 'p.yaml', '--dry-run'], envFor(emu));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'The real run would first create 6 custom fields: contact.score (NUMERICAL), contact.joined (DATE), contact.newsletter (CHECKBOX), Favourite Colour (TEXT), contact.bio (LARGE_TEXT), contact.member_no (TEXT).',
    );
    expect(r.stderr).toContain('The real run would create 6 custom fields before the first contact write');
    const s = summaryOf(join(dir, 'hoop-etl-runs'));
    expect(s.fieldsToCreate.map((f: Record<string, string>) => [f.key ?? f.name, f.dataType, f.setting])).toEqual([
      ['contact.score', 'NUMERICAL', 'customFields[0]'],
      ['contact.joined', 'DATE', 'customFields[1]'],
      ['contact.newsletter', 'CHECKBOX', 'customFields[2]'],
      ['Favourite Colour', 'TEXT', 'customFields[3]'],
      ['contact.bio', 'LARGE_TEXT', 'customFields[4]'],
      ['contact.member_no', 'TEXT', 'customFields[5]'],
    ]);
    expect(s.counts.created).toBe(3);
    expect(await fieldsOf(emu)).toEqual([]);
    expect(await writesAt(emu)).toBe(0);
  });

  it('--create-missing-fields creates them with their types before the first contact write, and the rows land with their custom values', async () => {
    const emu = await emulator();
    const dir = freshDir('create');
    writeFileSync(join(dir, 'people.csv'), TYPED_CSV);
    writeFileSync(join(dir, 'p.yaml'), typedPipeline(emu.locationId));
    const r = await runIn(dir, ['run', 'p.yaml', '--create-missing-fields'], envFor(emu));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Created 6 custom fields first');
    const fields = await fieldsOf(emu);
    expect(fields.map((f) => [f.fieldKey, f.name, f.dataType])).toEqual([
      ['contact.score', 'Score', 'NUMERICAL'],
      ['contact.joined', 'Joined', 'DATE'],
      ['contact.newsletter', 'Newsletter', 'CHECKBOX'],
      ['contact.favourite_colour', 'Favourite Colour', 'TEXT'],
      ['contact.bio', 'Bio', 'LARGE_TEXT'],
      ['contact.member_no', 'Member No', 'TEXT'],
    ]);
    const keyOf = Object.fromEntries(fields.map((f) => [f.id, f.fieldKey]));
    const contacts = (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ email: string; customFields: Array<{ id: string; value: unknown }> }>;
    const custom = Object.fromEntries(contacts.map((c) => [c.email, Object.fromEntries(c.customFields.map((f) => [keyOf[f.id], f.value]))]));
    expect(custom).toEqual({
      'ada@example.com': {
        'contact.score': 42,
        'contact.joined': '2024-03-01',
        'contact.newsletter': ['yes'],
        'contact.favourite_colour': 'Blue',
        'contact.bio': 'Wrote the first program.',
        'contact.member_no': '0042',
      },
      'alan@example.com': {
        'contact.score': 7.5,
        'contact.joined': '2023-11-20',
        'contact.newsletter': ['no'],
        'contact.favourite_colour': 'Green',
        'contact.bio': 'Broke codes.',
        'contact.member_no': '0107',
      },
      'grace@example.com': {},
    });
    const s = summaryOf(join(dir, 'hoop-etl-runs'));
    expect(s.fieldsCreated.map((f: Record<string, string>) => f.key)).toEqual(fields.map((f) => f.fieldKey));
    // A second run finds them and creates nothing.
    const again = await runIn(dir, ['run', 'p.yaml', '--create-missing-fields', '--report-dir', 'again'], envFor(emu));
    expect(again.status, again.stderr).toBe(0);
    expect(summaryOf(join(dir, 'again')).fieldsToCreate).toEqual([]);
    expect(await fieldsOf(emu)).toHaveLength(6);
  });
});

describe('the shipped migrations on a fresh emulator, with the README command', () => {
  const pipelinesBefore = readdirSync(join(REPO, 'pipelines')).sort();

  it.each([
    ['hubspot-migration.yaml', 7, ['contact.hubspot_record_id', 'contact.mobile_phone', 'contact.job_title', 'contact.favourite_product', 'contact.hubspot_owner', 'contact.hubspot_create_date', 'contact.last_activity_date']],
    ['salesforce-migration.yaml', 4, ['contact.salesforce_id', 'contact.mobile_phone', 'contact.job_title', 'contact.salesforce_created_date']],
  ])('%s creates its %i fields, imports, and writes its reports to the working directory', async (name, count, keys) => {
    const emu = await emulator();
    const dir = freshDir('shipped');
    // HOOPAI_TOKEN=... HOOPAI_LOCATION=... npx hoop-etl run pipelines/<name>
    const r = await runIn(dir, ['run', join(REPO, 'pipelines', name)], { ...envFor(emu), HOOPAI_LOCATION: emu.locationId });
    // Exit 3: the samples carry rows that fail on purpose (ready-pipelines.test.ts lists them); no configuration error.
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).not.toContain('will not be imported');
    const fields = await fieldsOf(emu);
    expect(fields).toHaveLength(count);
    expect(fields.map((f) => f.fieldKey).sort()).toEqual([...keys].sort());
    const s = summaryOf(join(dir, 'hoop-etl-runs'));
    expect(s.counts.created).toBeGreaterThan(0);
    const contacts = (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ customFields: unknown[] }>;
    expect(contacts.filter((c) => c.customFields.length > 0).length).toBeGreaterThan(0);
    expect(readdirSync(join(REPO, 'pipelines')).sort()).toEqual(pipelinesBefore);
  });
});

describe('where outputs go', () => {
  it("relative report folders and export files land in the working directory; the source stays relative to the pipeline file", async () => {
    const emu = await emulator();
    const home = freshDir('pipeline-home');
    const work = freshDir('work');
    writeFileSync(join(home, 'people.csv'), 'Email,First Name\nann@example.com,Ann\n');
    writeFileSync(join(home, 'in.yaml'), `job: import\nlocation: ${emu.locationId}\nsource: { file: people.csv }\nmapping: { email: Email, firstName: First Name }\nreportDir: runs\n`);
    const imported = await runIn(work, ['run', join(home, 'in.yaml')], envFor(emu));
    expect(imported.status, imported.stderr).toBe(0);
    expect(readdirSync(join(work, 'runs'))).toHaveLength(1);
    expect(existsSync(join(home, 'runs'))).toBe(false);

    writeFileSync(join(home, 'out.yaml'), `job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport:\n  out: contacts.csv\n  state: state.json\n`);
    const exported = await runIn(work, ['run', join(home, 'out.yaml')], envFor(emu));
    expect(exported.status, exported.stderr).toBe(0);
    expect(readFileSync(join(work, 'contacts.csv'), 'utf8')).toContain('ann@example.com');
    expect(existsSync(join(work, 'state.json'))).toBe(true);
    expect(readdirSync(home).sort()).toEqual(['in.yaml', 'out.yaml', 'people.csv']);
  });
});

describe('a round trip into a location without the field definitions', () => {
  it('lists the custom-field columns as not imported; with --create-missing-fields creates them from the headers and values, and the export comes back the same', async () => {
    const emu = await emulator();
    const dir = freshDir('roundtrip');
    const target = 'roundTripNoFields001';
    await admin(emu, 'POST', '/locations', { id: target });
    const { token } = await admin<{ token: string }>(emu, 'POST', '/tokens', { locationId: target });
    const source = await admin<{ customFields: Array<{ id: string; name: string }> }>(emu, 'POST', `/locations/${emu.locationId}/custom-fields`, {
      customFields: [
        { name: 'Favourite Colour', dataType: 'TEXT', position: 1 },
        { name: 'Score', dataType: 'NUMERICAL', position: 2 },
        { name: 'Joined', dataType: 'DATE', position: 3 },
      ],
    });
    const cf = Object.fromEntries(source.customFields.map((f) => [f.name, f.id]));
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
      contacts: [
        { firstName: 'Ada', email: 'ada@rt.example', customFields: [{ id: cf['Favourite Colour'], value: 'blue' }, { id: cf.Score, value: 1250.5 }, { id: cf.Joined, value: '2024-03-01' }] },
        { firstName: 'Alan', email: 'alan@rt.example', customFields: [{ id: cf.Score, value: 7 }] },
      ],
    });
    const exported = await runIn(dir, ['export', '--location', emu.locationId, '--out', 'a.csv'], envFor(emu));
    expect(exported.status, exported.stderr).toBe(0);
    const targetEnv = envFor(emu, { HOOPAI_TOKEN: token });
    const importArgs = ['import', 'a.csv', '--location', target, '--pipeline', join(REPO, 'pipelines/roundtrip.yaml')];

    const listed = await runIn(dir, [...importArgs, '--report-dir', 'listed'], targetEnv);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stderr).toContain('3 columns of a.csv will not be imported');
    for (const column of ['Favourite Colour', 'Score', 'Joined']) expect(listed.stderr).toContain(column);

    const created = await runIn(dir, [...importArgs, '--create-missing-fields', '--report-dir', 'created'], targetEnv);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stderr).not.toContain('will not be imported');
    const fields = (await call(emu, 'GET', `/locations/${target}/customFields?model=contact`, { token })).body.customFields as Array<{ name: string; fieldKey: string; dataType: string }>;
    expect(fields.map((f) => [f.name, f.fieldKey, f.dataType])).toEqual([
      ['Favourite Colour', 'contact.favourite_colour', 'TEXT'],
      ['Score', 'contact.score', 'NUMERICAL'],
      ['Joined', 'contact.joined', 'DATE'],
    ]);
    const back = await runIn(dir, ['export', '--location', target, '--out', 'b.csv', '--columns', 'email,Favourite Colour,Score,Joined'], targetEnv);
    expect(back.status, back.stderr).toBe(0);
    const again = await runIn(dir, ['export', '--location', emu.locationId, '--out', 'a2.csv', '--columns', 'email,Favourite Colour,Score,Joined'], envFor(emu));
    expect(again.status, again.stderr).toBe(0);
    const rows = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split(/\r?\n/).sort();
    expect(rows('b.csv')).toEqual(rows('a2.csv'));
    expect(rows('b.csv')).toEqual(['ada@rt.example,blue,1250.5,2024-03-01', 'alan@rt.example,,7,', 'email,Favourite Colour,Score,Joined']);
  });
});
