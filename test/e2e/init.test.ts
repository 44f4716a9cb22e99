import { count } from '../../src/core/plural.js';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * `hoop-etl init` end to end, as a new user meets it: init writes a pipeline
 * for a CRM's export, `import --pipeline` plans with it, then imports into a
 * real emulator over HTTP. Every row lands or fails with its reason, and the
 * contacts carry what the file held: email, the phone in E.164, names, tags,
 * custom fields. The expected values below are written from the fixtures by
 * hand, never read back from init's own logic.
 */

const { emulator, freshDir } = e2eHarness('init');
const FIXTURES = join(process.cwd(), 'test/fixtures/csv/init');

interface Contact {
  id: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  city?: string;
  dateOfBirth?: string;
  tags: string[];
  customFields: Array<{ id: string; value: unknown }>;
  notes: Array<{ body: string }>;
}

async function contactsOf(emu: RunningEmulator): Promise<Contact[]> {
  const r = await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`);
  return r.contacts as Contact[];
}

/** The file's rows as a spreadsheet shows them (the fixture's own encoding and delimiter). */
function rowsOf(file: string, encoding: string, delimiter: string): Array<Record<string, string>> {
  const text = iconv.decode(readFileSync(file), encoding).replace(/^\uFEFF/, '');
  return parseCsv(text, { columns: true, delimiter, skip_empty_lines: true }) as Array<Record<string, string>>;
}

interface Expected {
  file: string;
  encoding: string;
  delimiter: string;
  /** Header -> the standard field init must map it to. */
  mapping: Record<string, string>;
  /** Lines of the pipeline that must be there (comments included). */
  lines: RegExp[];
  /** Rows (1-based record numbers) that must fail, with their code. */
  failing: Record<number, string>;
  /** Rows the in-file dedup merges into an earlier row (the same email twice). */
  merged?: Record<number, number>;
  /** One row's contact, by hand: record number -> fields, tags, custom field values by key. */
  spot: { record: number; fields: Record<string, string>; tags?: string[]; custom?: Record<string, unknown> };
}

const CASES: Expected[] = [
  {
    file: 'hubspot-contacts.csv',
    encoding: 'utf8',
    delimiter: ',',
    // Coworkers share the switchboard in Phone Number: each person's own number is the mobile.
    mapping: { 'First Name': 'firstName', 'Last Name': 'lastName', Email: 'email', 'Mobile Phone Number': 'phone', 'Company Name': 'companyName', 'Country/Region Code': 'country', 'Date of birth': 'dateOfBirth' },
    lines: [/# header "Email" \(HubSpot\); 29 of 30 sample values are emails/, /# header "Phone Number" \(HubSpot\); not the contact's phone: 14 sample rows/, /dateFormat: MM\/DD\/YYYY/, /countryColumn: Country\/Region Code/, /split: ";"/, /- Fax/],
    failing: { 13: 'INVALID_EMAIL' },
    // The same people exported twice at the end of the file.
    merged: { 29: 1, 30: 2 },
    spot: {
      record: 2,
      fields: { firstName: 'Marcus', lastName: 'Petrova', email: 'marcus.petrova@bellhaus.example', companyName: 'Bellhaus Design', dateOfBirth: '1985-08-22T00:00:00.000Z' },
      // Row 30 is Marcus again: his tags are the union of both rows.
      tags: ['events', 'newsletter', 'webinars'],
      custom: { 'contact.phone_number': '+12125550131', 'contact.job_title': 'Account Executive' },
    },
  },
  {
    file: 'salesforce-contacts.csv',
    encoding: 'utf8',
    delimiter: ',',
    mapping: { FirstName: 'firstName', LastName: 'lastName', Email: 'email', MobilePhone: 'phone', 'Account.Name': 'companyName', MailingCity: 'city', Birthdate: 'dateOfBirth' },
    lines: [/# header "FirstName" \(Salesforce\)/, /- key: contact\.id\b/, /- key: contact\.phone\b/, /- column: Description/, /- OwnerId|countryColumn: MailingCountry/],
    failing: {},
    spot: { record: 2, fields: { firstName: 'Sam', lastName: 'Rossi', email: 'srossi@harbourfinch.example', phone: '+447911123011', city: 'Edinburgh', dateOfBirth: '1995-08-27T00:00:00.000Z' }, custom: { 'contact.id': '0035g00000KXa01AAT', 'contact.phone': '+447911123041' } },
  },
  {
    file: 'zoho-contacts.csv',
    encoding: 'utf8',
    delimiter: ',',
    mapping: { 'First Name': 'firstName', 'Last Name': 'lastName', Email: 'email', Mobile: 'phone', 'Account Name': 'companyName', 'Mailing City': 'city', 'Date of Birth': 'dateOfBirth' },
    lines: [/# header "Account Name" \(Zoho\)/, /dateFormat: DD\/MM\/YYYY/, /countryColumn: Mailing Country/, /# header "Phone" \(Zoho\); not the contact's phone/, /- key: contact\.secondary_email/],
    failing: {},
    spot: { record: 12, fields: { firstName: 'Charlotte', lastName: 'Jones', email: 'charlotte.jones@koala.example', phone: '+61412345111', city: 'Sydney', dateOfBirth: '1989-12-13T00:00:00.000Z' }, tags: ['vip'], custom: { 'contact.phone': '+61293744000', 'contact.email_opt_out': 'false' } },
  },
  {
    file: 'highlevel-export.csv',
    encoding: 'utf8',
    delimiter: ',',
    mapping: { 'First Name': 'firstName', 'Last Name': 'lastName', Email: 'email', Phone: 'phone', 'Business Name': 'companyName', City: 'city' },
    lines: [/# header "Business Name" \(HighLevel's export\)/, /- Contact Id/, /- Created/, /- key: contact\.preferred_class/],
    failing: {},
    spot: { record: 2, fields: { firstName: 'Tom', lastName: 'Shankar', email: 'tom.shankar1@peakroofing.example', phone: '+15125550211', dateOfBirth: '1977-04-14T00:00:00.000Z' }, tags: ['lead', 'trial class'], custom: { 'contact.preferred_class': 'Hatha' } },
  },
  {
    file: 'german-contacts.csv',
    encoding: 'windows-1252',
    delimiter: ';',
    mapping: { Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Handy: 'phone', Firma: 'companyName', Straße: 'address1', PLZ: 'postalCode', Ort: 'city', Geburtsdatum: 'dateOfBirth' },
    lines: [/encoding: windows-1252/, /delimiter: ";"/, /# header "E-Mail" \(German\); 25 of 25 sample values are emails/, /dateFormat: DD\.MM\.YYYY/, /countryColumn: Land/, /- key: contact\.telefon/, /- column: Notizen/],
    failing: {},
    spot: {
      record: 2,
      fields: { firstName: 'Anna', lastName: 'Meyer', email: 'anna.meyer@mueller-soehne.example', phone: '+491609876501', city: 'Düsseldorf', companyName: 'Müller & Söhne KG', dateOfBirth: '1983-06-25T00:00:00.000Z' },
      custom: { 'contact.telefon': '+492118765401', 'contact.newsletter': 'ja', 'contact.kundennummer': 'K-10401' },
    },
  },
  {
    file: 'french-contacts.csv',
    encoding: 'utf8',
    delimiter: ';',
    mapping: { Prénom: 'firstName', Nom: 'lastName', 'E-mail': 'email', Portable: 'phone', Société: 'companyName', 'Code postal': 'postalCode', Ville: 'city', 'Date de naissance': 'dateOfBirth' },
    lines: [/encoding: auto {3}# detected: utf-8 with a byte order mark/, /# header "Nom" \(French\)/, /dateFormat: DD\/MM\/YYYY/, /countryColumn: Pays/, /- column: Remarques/],
    failing: { 10: 'INVALID_EMAIL' },
    spot: { record: 3, fields: { firstName: 'Camille', lastName: 'Dubois', email: 'camille.dubois@choco-bxl.example', city: 'Bruxelles', dateOfBirth: '1970-09-12T00:00:00.000Z' }, tags: ['client'], custom: { 'contact.telephone': '+3225112345' } },
  },
  {
    file: 'hoop-etl-export.csv',
    encoding: 'utf8',
    delimiter: ',',
    mapping: { firstName: 'firstName', lastName: 'lastName', email: 'email', phone: 'phone', companyName: 'companyName', city: 'city', dateOfBirth: 'dateOfBirth' },
    lines: [/# header "email" \(hoop-etl's export\)/, /- id$/m, /- dateAdded/, /- key: contact\.favourite_colour/, /dataType: NUMERICAL/],
    failing: {},
    spot: { record: 2, fields: { firstName: 'Alan', lastName: 'Turing', email: 'alan.turing@export.example', phone: '+442079460101', dateOfBirth: '1951-02-11T00:00:00.000Z' }, tags: ['newsletter'], custom: { 'contact.favourite_colour': 'blue', 'contact.shoe_size': 37 } },
  },
];

/** The location's custom fields by id -> key, with their data types, as the API lists them. */
async function fieldDefinitions(emu: RunningEmulator): Promise<Map<string, { key: string; dataType: string }>> {
  const r = await call(emu, 'GET', `/locations/${emu.locationId}/customFields`);
  expect(r.status).toBe(200);
  return new Map((r.body.customFields as Array<{ id: string; fieldKey: string; dataType: string }>).map((d) => [d.id, { key: d.fieldKey, dataType: d.dataType }]));
}

function runDirOf(reportDir: string): string {
  const runs = readdirSync(reportDir);
  expect(runs).toHaveLength(1);
  return join(reportDir, runs[0]!);
}

describe('init writes a pipeline the import runs as written', () => {
  it.each(CASES)('$file: init, dry run, import; every row lands or fails with its reason', async (c) => {
    const emu = await emulator();
    const dir = freshDir(c.file.replace(/\.csv$/, ''));
    const csv = join(dir, c.file);
    copyFileSync(join(FIXTURES, c.file), csv);
    const env = envFor(emu);
    const pipelineFile = join(dir, 'pipeline.yaml');

    const init = await runCli(['init', csv, '--out', pipelineFile], env);
    expect(init.stderr).toContain('Wrote ');
    expect(init.status).toBe(0);
    expect(init.stdout).toBe('');
    const text = readFileSync(pipelineFile, 'utf8');
    for (const line of c.lines) expect(text).toMatch(line);
    expect(text).toContain(`file: ${c.file}   # relative to this file`);
    expect(text).toMatch(/npx hoop-etl import --pipeline \S*pipeline\.yaml --location <id> --dry-run/);
    const pipeline = parseYaml(text) as { mapping: Record<string, { column: string }>; customFields?: Array<{ key: string; dataType: string }>; createMissingFields?: boolean };
    for (const [header, field] of Object.entries(c.mapping)) expect(pipeline.mapping[field]?.column, field).toBe(header);
    // The location has none of the custom fields: createMissingFields creates them with the pipeline's data types.
    if (pipeline.customFields?.length) expect(pipeline.createMissingFields).toBe(true);

    const rows = rowsOf(csv, c.encoding, c.delimiter);
    const dry = await runCli(['import', '--pipeline', pipelineFile, '--location', emu.locationId, '--dry-run', '--report-dir', join(dir, 'dry')], env);
    expect(dry.stdout).toContain(`Dry run of ${rows.length} rows`);
    expect(dry.stdout, dry.stdout + dry.stderr).toContain(`${count(Object.keys(c.failing).length, 'row')} failing`);
    expect(dry.status, dry.stderr).toBe(Object.keys(c.failing).length ? 3 : 0);
    expect(await contactsOf(emu)).toEqual([]);
    expect((await fieldDefinitions(emu)).size).toBe(0);

    // --strict-columns: every column of the file is read by a setting or listed in ignoreColumns on purpose.
    const run = await runCli(['import', '--pipeline', pipelineFile, '--location', emu.locationId, '--strict-columns', '--report-dir', join(dir, 'runs')], env);
    expect(run.status, run.stderr).toBe(Object.keys(c.failing).length ? 3 : 0);
    const runDir = runDirOf(join(dir, 'runs'));
    const defs = await fieldDefinitions(emu);
    expect([...defs.values()].sort((a, b) => a.key.localeCompare(b.key))).toEqual((pipeline.customFields ?? []).map((f) => ({ key: f.key, dataType: f.dataType })).sort((a, b) => a.key.localeCompare(b.key)));
    const keyOf = new Map([...defs].map(([id, d]) => [id, d.key]));
    const read = (name: string) => parseCsv(readFileSync(join(runDir, name), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    const succeeded = read('succeeded.csv');
    const failed = read('failed.csv');
    // Every row once, in one of the two files; the failures are the ones expected, each with its reason.
    expect([...succeeded, ...failed].map((r) => Number(r.row)).sort((a, b) => a - b)).toEqual(rows.map((_, i) => i + 1));
    expect(Object.fromEntries(failed.map((f) => [Number(f.row), f.errorCode]))).toEqual(Object.fromEntries(Object.entries(c.failing).map(([k, v]) => [Number(k), v])));
    for (const f of failed) expect(f.errorMessage).not.toBe('');

    // Nothing silently lost: each succeeded row is its own contact holding its email and its phone in E.164.
    const contacts = await contactsOf(emu);
    const byId = new Map(contacts.map((k) => [k.id, k]));
    const created = succeeded.filter((s) => s.action === 'created');
    expect(Object.fromEntries(succeeded.filter((s) => s.action !== 'created').map((s) => [Number(s.row), s.action === 'merged' ? Number(s.mergedIntoRow) : s.action]))).toEqual(c.merged ?? {});
    expect(contacts).toHaveLength(created.length);
    expect(new Set(created.map((s) => s.contactId)).size).toBe(created.length);
    const [emailHeader] = Object.entries(c.mapping).find(([, f]) => f === 'email')!;
    const [firstHeader] = Object.entries(c.mapping).find(([, f]) => f === 'firstName')!;
    for (const s of created) {
      const row = rows[Number(s.row) - 1]!;
      const contact = byId.get(s.contactId!)!;
      expect(contact, `row ${s.row}`).toBeDefined();
      expect(contact.email).toBe(row[emailHeader]!.trim().toLowerCase());
      expect(contact.firstName).toBe(row[firstHeader]!.trim());
      if (contact.phone !== undefined) expect(contact.phone).toMatch(/^\+[1-9]\d{6,14}$/);
    }

    // One row by hand.
    const spot = byId.get(succeeded.find((s) => Number(s.row) === c.spot.record)!.contactId!)!;
    expect(spot).toMatchObject(c.spot.fields);
    if (c.spot.tags) expect([...spot.tags].sort()).toEqual(c.spot.tags);
    const custom = Object.fromEntries(spot.customFields.map((f) => [keyOf.get(f.id) ?? f.id, f.value]));
    if (c.spot.custom) expect(custom).toMatchObject(c.spot.custom);
  }, 180_000);
});

describe('init on the command line', () => {
  it('prints the pipeline on stdout without --out, and nothing else there', async () => {
    const dir = freshDir('stdout');
    copyFileSync(join(FIXTURES, 'german-contacts.csv'), join(dir, 'kunden.csv'));
    const r = await runCli(['init', join(dir, 'kunden.csv')], { ...process.env });
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('# Import pipeline for ')).toBe(true);
    expect(parseYaml(r.stdout)).toMatchObject({ job: 'import', source: { encoding: 'windows-1252', delimiter: ';' } });
    expect(r.stderr).toContain('Save it to a file');
  });

  it('refuses to overwrite a file unless --force', async () => {
    const dir = freshDir('force');
    const csv = join(dir, 'contacts.csv');
    copyFileSync(join(FIXTURES, 'zoho-contacts.csv'), csv);
    const out = join(dir, 'pipeline.yaml');
    writeFileSync(out, 'mine\n');
    const refused = await runCli(['init', csv, '--out', out], { ...process.env });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('exists; init never overwrites a file unless given --force (at --out)');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await runCli(['init', csv, '--out', out, '--force'], { ...process.env });
    expect(forced.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('job: import');
  });

  it.each([
    ['empty.csv', /empty/i],
    ['binary.csv', /not a text file|binary/i],
    ['duplicate-header.csv', /Duplicate header 'Email' \(\S*duplicate-header\.csv line 1, columns 3 and 7\)/],
    ['no-such-file.csv', /File not found: \S*no-such-file\.csv/],
  ])('%s gets the CSV source error, naming the file, no stack trace', async (name, message) => {
    const dir = freshDir('bad');
    const out = join(dir, 'pipeline.yaml');
    const r = await runCli(['init', join(process.cwd(), 'test/fixtures/csv', name), '--out', out], { ...process.env });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(name);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
