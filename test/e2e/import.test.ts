import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI, e2eHarness, envFor, runCli, sleep, type CliRun } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * `hoop-etl import` end to end: the built CLI against a real emulator over
 * HTTP. Every expectation below is written out by hand from the input, never
 * read back from the importer's own logic.
 */

const { emulator, freshDir, track } = e2eHarness('import');
type Run = CliRun;

// ---- reading the emulator's state and the run's outcome files

interface Seen {
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  custom: Record<string, unknown>;
  notes: Array<{ title: string | null; body: string }>;
  tasks: Array<{ title: string; body: string | null; dueDate: string; completed: boolean }>;
}

const byJson = <T>(list: T[]): T[] => [...list].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));

/** Every contact of the location with what hangs off it, in a stable order, custom fields by key. */
async function contactsOf(emu: RunningEmulator, locationId = emu.locationId, keyOf: Record<string, string> = {}): Promise<Array<Seen & { id: string }>> {
  const r = await admin(emu, 'GET', `/locations/${locationId}/contacts`);
  const out = (r.contacts as Array<Record<string, any>>).map((c) => ({
    id: c.id as string,
    email: (c.email as string | undefined) ?? null,
    phone: (c.phone as string | undefined) ?? null,
    firstName: (c.firstName as string | undefined) ?? null,
    lastName: (c.lastName as string | undefined) ?? null,
    tags: [...(c.tags as string[])].sort(),
    custom: Object.fromEntries((c.customFields as Array<{ id: string; value: unknown }>).map((f) => [keyOf[f.id] ?? f.id, f.value])),
    notes: byJson((c.notes as Array<Record<string, any>>).map((n) => ({ title: (n.title as string | undefined) ?? null, body: n.body as string }))),
    tasks: byJson(
      (c.tasks as Array<Record<string, any>>).map((t) => ({ title: t.title as string, body: (t.body as string | undefined) ?? null, dueDate: t.dueDate as string, completed: t.completed as boolean })),
    ),
  }));
  return sortContacts(out);
}

function sortContacts<T extends { email: string | null; phone: string | null }>(list: T[]): T[] {
  const key = (c: T) => c.email ?? c.phone ?? '';
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const withoutIds = <T extends { id: string }>(list: T[]): Array<Omit<T, 'id'>> => list.map(({ id: _id, ...rest }) => rest);

interface Outcomes {
  runDir: string;
  succeeded: Array<Record<string, string>>;
  failed: Array<Record<string, string>>;
}

function onlyRunDir(reportDir: string): string {
  const runs = readdirSync(reportDir);
  expect(runs).toHaveLength(1);
  return join(reportDir, runs[0]!);
}

function outcomes(reportDir: string): Outcomes {
  const runDir = onlyRunDir(reportDir);
  const read = (name: string) => parse(readFileSync(join(runDir, name), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return { runDir, succeeded: read('succeeded.csv'), failed: read('failed.csv') };
}

/** Each of the records 1..n in exactly one of the two files, once. */
function expectEveryRowOnce(o: Outcomes, n: number): void {
  const seen = [...o.succeeded, ...o.failed].map((r) => Number(r.row));
  expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

/** What a dry run may spend: the custom-field definitions, the location snapshot, duplicate lookups. */
const READ_OPERATIONS = ['get-custom-fields', 'search-contacts-advanced', 'get-duplicate-contact'];
const WRITE_OPERATIONS = ['upsert-contact', 'create-contact', 'update-contact', 'create-association', 'add-tags', 'create-note', 'create-task'];

// ---- the ground-truth file

const HEADER = 'First Name,Last Name,Email,Phone,Colour,Tags,Notes,Follow Up';
const GROUND_TRUTH = [
  HEADER,
  // record 1, lines 2-3: Ada, no phone; the note spans two lines
  'Ada,Lovelace,Ada@Example.com,,Blue,VIP;Speaker,"Met at the conference.\nWants a demo in July.",2026-07-01',
  // record 2, line 4: an existing contact (seeded), blank colour must not wipe hers
  'Grace,Hopper,grace@example.com,,,newsletter,,',
  // record 3, line 5: Ada again, other casing, now with a phone
  'ada,LOVELACE,ada@example.COM,(415) 555-0101,,newsletter,Second note for Ada,',
  // record 4, line 6
  'Bad,Email,not-an-email,,,,,',
  // record 5, line 7: Excel ate the phone
  'Excel,Mangled,excel@example.com,4.15555E+09,,,,',
  // record 6, line 8: ragged
  'Too,Few,columns',
  // record 7, line 9: shares only the phone with record 3, so Ada's transitively
  'Augusta,King,augusta@example.com,415.555.0101,Green,,Reached by phone,',
  // record 8, line 10: an existing contact known by its phone only
  'Linus,Torvalds,linus@example.com,+1 (212) 555-0142,Red,,,',
  // record 9, line 11: nothing to find a contact by
  'Nobody,Here,,,,,Orphan note,',
  // record 10, line 12: new
  'Alan,Turing,alan@example.com,,,,,2026-08-15',
  // record 11, line 13: an existing contact that already holds all of it
  'Margaret,Hamilton,margaret@example.com,,,,,',
  // record 12, line 14: a collision, the email of one existing contact and the phone of another
  'Katherine,Johnson,katherine@example.com,(312) 555-0150,,,,',
].join('\n');
const GROUND_TRUTH_ROWS = 12;

function groundTruthPipeline(csv: string, locationId: string): string {
  return `job: import
location: ${locationId}
source:
  file: ${JSON.stringify(csv)}
mode: upsert
mapping:
  firstName: { column: First Name, transform: [trim, title] }
  lastName: { column: Last Name, transform: trim }
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US }
customFields:
  - { key: contact.favourite_colour, column: Colour, transform: lower }
tags:
  column: Tags
  split: ";"
  add: [Migrated, batch-1]
notes:
  - column: Notes
    title: Imported note
tasks:
  - title: "Call {{First Name}}"
    body: "Follow-up imported for {{Email}}"
    column: Follow Up
    dueDate: { column: Follow Up, dateFormat: YYYY-MM-DD }
dedup: { inFile: true, keys: [email, phone], policy: fillBlanks }
`;
}

interface GroundTruth {
  emu: RunningEmulator;
  dir: string;
  csv: string;
  yaml: string;
  reportDir: string;
  colourId: string;
  keyOf: Record<string, string>;
  ids: { grace: string; linus: string; margaret: string; katherine: string; dorothy: string };
}

/** A location holding a custom field and three contacts from before the migration, and the file to import. */
async function groundTruth(): Promise<GroundTruth> {
  const emu = await emulator();
  const dir = freshDir('truth');
  const def = await call(emu, 'POST', `/locations/${emu.locationId}/customFields`, { body: { name: 'Favourite Colour', dataType: 'TEXT' } });
  expect(def.status).toBe(201);
  const colour = def.body.customField as { id: string; fieldKey: string };
  expect(colour.fieldKey).toBe('contact.favourite_colour');
  const seeded = await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: [
      {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.com',
        tags: ['existing-customer', 'vip'],
        customFields: [{ id: colour.id, field_value: 'green' }],
        notes: [{ body: 'Old note from before the migration' }],
      },
      { firstName: 'Linus', phone: '+12125550142', tags: ['kernel'] },
      { firstName: 'Margaret', lastName: 'Hamilton', email: 'margaret@example.com', tags: ['apollo', 'migrated', 'batch-1'] },
      { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com', tags: ['nasa'] },
      { firstName: 'Dorothy', lastName: 'Vaughan', phone: '+13125550150', tags: ['nasa'] },
    ],
  });
  const [grace, linus, margaret, katherine, dorothy] = seeded.ids as [string, string, string, string, string];
  const csv = join(dir, 'contacts.csv');
  writeFileSync(csv, `${GROUND_TRUTH}\n`);
  const yaml = join(dir, 'pipeline.yaml');
  writeFileSync(yaml, groundTruthPipeline(csv, emu.locationId));
  return { emu, dir, csv, yaml, reportDir: join(dir, 'reports'), colourId: colour.id, keyOf: { [colour.id]: 'contact.favourite_colour' }, ids: { grace, linus, margaret, katherine, dorothy } };
}

function importArgs(t: Pick<GroundTruth, 'csv' | 'yaml' | 'reportDir'>, locationId: string, ...more: string[]): string[] {
  return ['import', t.csv, '--pipeline', t.yaml, '--location', locationId, '--report-dir', t.reportDir, ...more];
}

const NOTE = 'Imported note';
const EXPECTED_AFTER_IMPORT: Seen[] = sortContacts([
  {
    email: 'ada@example.com',
    phone: '+14155550101',
    firstName: 'Ada',
    lastName: 'Lovelace',
    tags: ['batch-1', 'migrated', 'newsletter', 'speaker', 'vip'],
    custom: { 'contact.favourite_colour': 'blue' },
    notes: byJson([
      { title: NOTE, body: 'Met at the conference.\nWants a demo in July.' },
      { title: NOTE, body: 'Second note for Ada' },
      { title: NOTE, body: 'Reached by phone' },
    ]),
    tasks: [{ title: 'Call Ada', body: 'Follow-up imported for Ada@Example.com', dueDate: '2026-07-01T09:00:00.000Z', completed: false }],
  },
  {
    email: 'alan@example.com',
    phone: null,
    firstName: 'Alan',
    lastName: 'Turing',
    tags: ['batch-1', 'migrated'],
    custom: {},
    notes: [],
    tasks: [{ title: 'Call Alan', body: 'Follow-up imported for alan@example.com', dueDate: '2026-08-15T09:00:00.000Z', completed: false }],
  },
  {
    email: 'katherine@example.com',
    phone: null,
    firstName: 'Katherine',
    lastName: 'Johnson',
    tags: ['nasa'],
    custom: {},
    notes: [],
    tasks: [],
  },
  {
    email: 'grace@example.com',
    phone: null,
    firstName: 'Grace',
    lastName: 'Hopper',
    tags: ['batch-1', 'existing-customer', 'migrated', 'newsletter', 'vip'],
    custom: { 'contact.favourite_colour': 'green' },
    notes: [{ title: null, body: 'Old note from before the migration' }],
    tasks: [],
  },
  {
    email: 'linus@example.com',
    phone: '+12125550142',
    firstName: 'Linus',
    lastName: 'Torvalds',
    tags: ['batch-1', 'kernel', 'migrated'],
    custom: { 'contact.favourite_colour': 'red' },
    notes: [],
    tasks: [],
  },
  {
    email: 'margaret@example.com',
    phone: null,
    firstName: 'Margaret',
    lastName: 'Hamilton',
    tags: ['apollo', 'batch-1', 'migrated'],
    custom: {},
    notes: [],
    tasks: [],
  },
  {
    email: null,
    phone: '+13125550150',
    firstName: 'Dorothy',
    lastName: 'Vaughan',
    tags: ['nasa'],
    custom: {},
    notes: [],
    tasks: [],
  },
]);

describe('hoop-etl import: ground truth', () => {
  it('writes exactly the expected contacts, tags, custom fields, notes and tasks, and reports every row once', async () => {
    const t = await groundTruth();
    const r = await runCli(importArgs(t, t.emu.locationId), envFor(t.emu));
    expect(r.stderr).not.toContain('\n    at ');
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toContain('Imported 12 rows: 2 created, 2 updated, 1 unchanged, 2 merged into another row, 5 failed.');

    const contacts = await contactsOf(t.emu, t.emu.locationId, t.keyOf);
    expect(withoutIds(contacts)).toEqual(EXPECTED_AFTER_IMPORT);
    const idOf = Object.fromEntries(contacts.map((c) => [c.email, c.id]));
    // Existing contacts were updated in place, never recreated.
    expect(idOf['grace@example.com']).toBe(t.ids.grace);
    expect(idOf['linus@example.com']).toBe(t.ids.linus);
    expect(idOf['margaret@example.com']).toBe(t.ids.margaret);
    expect(idOf['katherine@example.com']).toBe(t.ids.katherine);
    expect(contacts.find((c) => c.phone === '+13125550150')?.id).toBe(t.ids.dorothy);

    const o = outcomes(t.reportDir);
    expectEveryRowOnce(o, GROUND_TRUTH_ROWS);
    expect(o.succeeded.map((s) => ({ row: s.row, line: s.line, key: s.key, contactId: s.contactId, action: s.action, mergedIntoRow: s.mergedIntoRow }))).toEqual([
      { row: '1', line: '2', key: 'email:ada@example.com', contactId: idOf['ada@example.com'], action: 'created', mergedIntoRow: '' },
      { row: '2', line: '4', key: 'email:grace@example.com', contactId: t.ids.grace, action: 'updated', mergedIntoRow: '' },
      { row: '3', line: '5', key: 'email:ada@example.com', contactId: idOf['ada@example.com'], action: 'merged', mergedIntoRow: '1' },
      { row: '7', line: '9', key: 'email:ada@example.com', contactId: idOf['ada@example.com'], action: 'merged', mergedIntoRow: '1' },
      { row: '8', line: '10', key: 'email:linus@example.com', contactId: t.ids.linus, action: 'updated', mergedIntoRow: '' },
      { row: '10', line: '12', key: 'email:alan@example.com', contactId: idOf['alan@example.com'], action: 'created', mergedIntoRow: '' },
      { row: '11', line: '13', key: 'email:margaret@example.com', contactId: t.ids.margaret, action: 'unchanged', mergedIntoRow: '' },
    ]);
    expect(o.failed.map((f) => ({ row: f.row, line: f.line, errorCode: f.errorCode }))).toEqual([
      { row: '4', line: '6', errorCode: 'INVALID_EMAIL' },
      { row: '5', line: '7', errorCode: 'PHONE_SCIENTIFIC_NOTATION' },
      { row: '6', line: '8', errorCode: 'CSV_RAGGED_ROW' },
      { row: '9', line: '11', errorCode: 'NO_EMAIL_OR_PHONE' },
      { row: '12', line: '14', errorCode: 'COLLISION' },
    ]);
    // Failed rows keep their original columns and say why.
    const failed = Object.fromEntries(o.failed.map((f) => [f.row, f]));
    expect(failed['4']).toMatchObject({ 'First Name': 'Bad', Email: 'not-an-email' });
    expect(failed['4']!.errorMessage).toContain('Email');
    expect(failed['5']).toMatchObject({ Email: 'excel@example.com', Phone: '4.15555E+09' });
    expect(failed['5']!.errorMessage).toContain('scientific notation');
    expect(failed['6']!.errorMessage).toContain('expected 8');
    expect(failed['9']).toMatchObject({ 'First Name': 'Nobody', Notes: 'Orphan note' });
    expect(failed['12']).toMatchObject({ Email: 'katherine@example.com', Phone: '(312) 555-0150' });
    expect(failed['12']!.errorMessage).toContain(t.ids.katherine);
    expect(failed['12']!.errorMessage).toContain(t.ids.dorothy);

    const summary = JSON.parse(readFileSync(join(o.runDir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ rows: 12, counts: { created: 2, updated: 2, unchanged: 1, merged: 2, failed: 5 }, exitCode: 3, dryRun: false });
    for (const file of ['summary.json', 'succeeded.csv', 'failed.csv']) expect(readFileSync(join(o.runDir, file), 'utf8')).not.toContain(t.emu.token);
  });
});

describe('hoop-etl import --dry-run', () => {
  it('spends no write, creates nothing, and prints the plan the real run then follows', async () => {
    const t = await groundTruth();
    const before = await contactsOf(t.emu, t.emu.locationId, t.keyOf);
    await admin(t.emu, 'POST', '/stats/reset');

    const dry = await runCli(importArgs(t, t.emu.locationId, '--dry-run'), envFor(t.emu));
    expect(dry.stderr).not.toContain('\n    at ');
    expect(dry.status, dry.stderr).toBe(3);
    const stats = await admin(t.emu, 'GET', '/stats');
    const ops = Object.keys(stats.byOperation).sort();
    expect(ops.every((op) => READ_OPERATIONS.includes(op)), JSON.stringify(stats.byOperation)).toBe(true);
    expect(stats.byOperation['get-custom-fields']).toBe(1);
    for (const op of WRITE_OPERATIONS) expect(stats.byOperation[op] ?? 0).toBe(0);
    expect(await contactsOf(t.emu, t.emu.locationId, t.keyOf)).toEqual(before);

    // Ada and Alan are new, Grace (by email) and Linus (by phone) exist, Margaret already holds it all;
    // records 3 and 7 fold into Ada; Katherine's row is a collision and fails with the four invalid rows.
    expect(dry.stdout).toContain(
      'Dry run of 12 rows: 5 contacts (2 to create, 2 to update, 1 unchanged), 2 rows merged in the file, 5 rows failing, 1 collision (email and phone of two different contacts).',
    );
    const planned = Number(/about (\d+) requests/.exec(dry.stdout)?.[1]);
    const runDir = onlyRunDir(t.reportDir);
    const plan = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(plan).toMatchObject({ dryRun: true, rows: 12, counts: { created: 2, updated: 2, unchanged: 1, merged: 2, failed: 5 }, collisions: 1, plannedRequests: planned });
    expect(existsSync(join(runDir, 'journal.sqlite'))).toBe(false);

    // The real run on the same state spends what the plan said: upserts, tag calls, notes and tasks.
    rmSync(t.reportDir, { recursive: true, force: true });
    await admin(t.emu, 'POST', '/stats/reset');
    const real = await runCli(importArgs(t, t.emu.locationId), envFor(t.emu));
    expect(real.status, real.stderr).toBe(3);
    const spent = (await admin(t.emu, 'GET', '/stats')).byOperation as Record<string, number>;
    const writes = WRITE_OPERATIONS.reduce((n, op) => n + (spent[op] ?? 0), 0);
    expect({ planned, writes }).toEqual({ planned: writes, writes });
  });
});

// ---- kill -9 and resume, with faults on

interface GenRow {
  i: number;
  email: string;
  phone: string;
  tag: string;
  note: string;
  due: string;
}

const GEN_ROWS = 300;
const BAD_EMAIL_AT = 13;
const BAD_PHONE_AT = 78;
const SEEDED = [3, 16, 29, 42, 55];

/**
 * Row i: person<i>, phone +1 646 201 <i>. Every i ending in 5 repeats row i-5's
 * email in upper case (merged by email); every i ending in 7 carries row i-1's
 * phone (merged by phone). Two rows are invalid.
 */
function generated(): GenRow[] {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return Array.from({ length: GEN_ROWS }, (_, i) => ({
    i,
    email: i === BAD_EMAIL_AT ? 'broken@' : i % 10 === 5 ? `PERSON${i - 5}@GEN.EXAMPLE` : `person${i}@gen.example`,
    phone: i === BAD_PHONE_AT ? '6.46201E+09' : i % 10 === 7 ? `(646) 201-${pad(i - 1, 4)}` : `+1 646 201 ${pad(i, 4)}`,
    tag: i % 10 === 0 ? 'Customer' : 'Lead',
    note: `Note for row ${i}\nsecond line`,
    due: i % 4 === 0 ? `2026-09-${pad(1 + (i % 28), 2)}` : '',
  }));
}

function generatedCsv(rows: GenRow[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['Email,Phone,Tag,Note,Due', ...rows.map((r) => [r.email, r.phone, r.tag, q(r.note), r.due].join(','))].join('\r\n') + '\r\n';
}

const GEN_PIPELINE = (csv: string, locationId: string) => `job: import
location: ${locationId}
source: { file: ${JSON.stringify(csv)} }
mapping:
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US }
tags: { column: Tag, add: [gen-import] }
notes:
  - { column: Note, title: Imported }
tasks:
  - title: "Follow up {{Email}}"
    column: Due
    dueDate: { column: Due, dateFormat: YYYY-MM-DD }
`;

interface Essence {
  email: string | null;
  phone: string | null;
  tags: string[];
  notes: string[];
  tasks: string[];
}

/** What the generated file must leave in a location, worked out from the generator's rules. */
function expectedGenerated(rows: GenRow[]): Essence[] {
  const byCarrier = new Map<number, GenRow[]>();
  for (const r of rows) {
    if (r.i === BAD_EMAIL_AT || r.i === BAD_PHONE_AT) continue;
    const carrier = r.i % 10 === 5 ? r.i - 5 : r.i % 10 === 7 ? r.i - 1 : r.i;
    byCarrier.set(carrier, [...(byCarrier.get(carrier) ?? []), r]);
  }
  const out: Essence[] = [];
  for (const [carrier, members] of byCarrier) {
    const seeded = SEEDED.includes(carrier);
    out.push({
      email: `person${carrier}@gen.example`,
      phone: `+1646201${String(carrier).padStart(4, '0')}`,
      tags: [...new Set([...members.map((m) => m.tag.toLowerCase()), 'gen-import', ...(seeded ? ['seeded-old', 'vip'] : [])])].sort(),
      notes: [...members.map((m) => `Imported|${m.note}`), ...(seeded ? [`|Seeded note ${carrier}`] : [])].sort(),
      tasks: members.filter((m) => m.due).map((m) => `Follow up ${m.email}|${m.due}T09:00:00.000Z`).sort(),
    });
  }
  // Seeded contacts the file never names stay as they were.
  for (const s of SEEDED.filter((s) => !byCarrier.has(s))) {
    out.push({ email: `person${s}@gen.example`, phone: null, tags: ['seeded-old', 'vip'], notes: [`|Seeded note ${s}`], tasks: [] });
  }
  return out.sort((a, b) => (a.email! < b.email! ? -1 : 1));
}

async function essence(emu: RunningEmulator): Promise<Essence[]> {
  return (await contactsOf(emu)).map((c) => ({
    email: c.email,
    phone: c.phone,
    tags: c.tags,
    notes: c.notes.map((n) => `${n.title ?? ''}|${n.body}`).sort(),
    tasks: c.tasks.map((t) => `${t.title}|${t.dueDate}`).sort(),
  }));
}

const FAULTS = { failRate: 0.03, dropRate: 0.03, ambiguousRate: 0.03, latencyMs: 4, seed: 4242 };

async function generatedLocation(): Promise<RunningEmulator> {
  const emu = await emulator({ faults: FAULTS });
  await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: SEEDED.map((s) => ({ email: `person${s}@gen.example`, tags: ['seeded-old', 'vip'], notes: [{ body: `Seeded note ${s}` }] })),
  });
  return emu;
}

/** Journaled rows that were written (failed rows are journaled before any write). */
function writtenRows(reportDir: string): number {
  if (!existsSync(reportDir)) return 0;
  const runs = readdirSync(reportDir);
  if (runs.length !== 1 || !existsSync(join(reportDir, runs[0]!, 'journal.sqlite'))) return 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(join(reportDir, runs[0]!, 'journal.sqlite'), { readonly: true, fileMustExist: true });
    return (db.prepare("SELECT COUNT(*) AS n FROM rows WHERE outcome <> 'failed'").get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

describe('hoop-etl import: kill -9 and --resume', () => {
  it('after SIGKILL mid-run with faults on, --resume ends in the state of an uninterrupted run, nothing doubled', async () => {
    const rows = generated();
    const dir = freshDir('kill');
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, generatedCsv(rows));
    const expected = expectedGenerated(rows);
    expect(expected).toHaveLength(GEN_ROWS - 30 - 30 - 2 + 1);

    // The uninterrupted run, on its own emulator with the same faults.
    const base = await generatedLocation();
    const baseYaml = join(dir, 'base.yaml');
    writeFileSync(baseYaml, GEN_PIPELINE(csv, base.locationId));
    const baseReports = join(dir, 'base-reports');
    const uninterrupted = await runCli(importArgs({ csv, yaml: baseYaml, reportDir: baseReports }, base.locationId), envFor(base), 120_000);
    expect(uninterrupted.status, uninterrupted.stderr).toBe(3);
    const baseline = await essence(base);
    expect(baseline).toEqual(expected);
    const baseStats = await admin(base, 'GET', '/stats');
    expect(baseStats.faults.status + baseStats.faults.drop + baseStats.faults.ambiguous).toBeGreaterThan(0);

    // The interrupted run.
    const emu = await generatedLocation();
    const yaml = join(dir, 'killed.yaml');
    writeFileSync(yaml, GEN_PIPELINE(csv, emu.locationId));
    const reportDir = join(dir, 'killed-reports');
    const args = importArgs({ csv, yaml, reportDir }, emu.locationId);
    const child = spawn(process.execPath, [CLI, ...args], { env: envFor(emu), stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let childErr = '';
    child.stderr!.on('data', (d: Buffer) => (childErr += d.toString()));
    child.stdout!.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let finished = false;
    void exited.then(() => (finished = true));
    const deadline = Date.now() + 60_000;
    while (!finished && writtenRows(reportDir) === 0 && Date.now() < deadline) await sleep(5);
    expect(finished, `the run ended before it could be killed: ${childErr}`).toBe(false);
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });

    const atKill = await contactsOf(emu);
    expect(atKill.length).toBeGreaterThan(SEEDED.length);
    expect(atKill.length, 'killed after the whole file was written: nothing left to resume').toBeLessThan(expected.length);

    const runId = readdirSync(reportDir);
    expect(runId).toHaveLength(1);
    let last: Run | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      last = await runCli([...args, '--resume', runId[0]!], envFor(emu), 120_000);
      expect(last.stderr).not.toContain('\n    at ');
      if (last.status === 0 || last.status === 3) break;
      expect(last.status, last.stderr).toBe(1);
    }
    expect(last!.status, last!.stderr).toBe(3);
    expect(readdirSync(reportDir)).toEqual(runId);

    const resumed = await essence(emu);
    expect(resumed).toEqual(baseline);
    expect(resumed).toEqual(expected);
    // No duplicate contact (by email or phone), note or task.
    const emails = resumed.map((c) => c.email);
    expect(new Set(emails).size).toBe(emails.length);
    const phones = resumed.map((c) => c.phone).filter(Boolean);
    expect(new Set(phones).size).toBe(phones.length);
    for (const c of resumed) {
      expect(new Set(c.notes).size).toBe(c.notes.length);
      expect(new Set(c.tasks).size).toBe(c.tasks.length);
    }
    expect(resumed.reduce((n, c) => n + c.tasks.length, 0)).toBe(rows.filter((r) => r.due && r.i !== BAD_EMAIL_AT && r.i !== BAD_PHONE_AT).length);

    for (const reports of [reportDir, baseReports]) {
      const o = outcomes(reports);
      expectEveryRowOnce(o, GEN_ROWS);
      expect(o.failed.map((f) => [f.row, f.errorCode])).toEqual([
        [String(BAD_EMAIL_AT + 1), 'INVALID_EMAIL'],
        [String(BAD_PHONE_AT + 1), 'PHONE_SCIENTIFIC_NOTATION'],
      ]);
      const merged = o.succeeded.filter((s) => s.action === 'merged');
      expect(merged).toHaveLength(60);
      for (const m of merged) {
        const i = Number(m.row) - 1;
        expect(Number(m.mergedIntoRow), `row ${m.row}`).toBe((i % 10 === 5 ? i - 5 : i - 1) + 1);
      }
    }
  }, 300_000);

  it.each([
    ['upsert-contact', (c: Seen[]) => c.length > 0],
    ['create-note', (c: Seen[]) => c.some((x) => x.notes.length > 0)],
    ['create-task', (c: Seen[]) => c.some((x) => x.tasks.length > 0)],
  ] as const)('a %s in flight at the kill is looked up or repeated safely on resume, never doubled', async (operation, applied) => {
    const emu = await emulator();
    const dir = freshDir('inflight');
    const csv = join(dir, 'one.csv');
    writeFileSync(csv, 'Email,Note\nsolo@example.com,Only note\n');
    const yaml = join(dir, 'one.yaml');
    // The task is due `+7d`: seven days after the run started, the same day after a resume.
    writeFileSync(
      yaml,
      `job: import
location: ${emu.locationId}
source: { file: ${JSON.stringify(csv)} }
mapping: { email: { column: Email, transform: email } }
tags: { add: [solo] }
notes: [{ column: Note }]
tasks: [{ title: Review imported contact, dueDate: +7d }]
`,
    );
    const reportDir = join(dir, 'reports');
    const args = importArgs({ csv, yaml, reportDir }, emu.locationId);
    // Latency is half on the way in, half on the way out: the write is applied after 2 s and
    // answered 2 s later. The CLI is killed in between, with the step journaled as begun.
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'latency=4000', operation, count: 1 }] });
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: envFor(emu), stdio: ['ignore', 'ignore', 'ignore'] });
    track(child);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !applied(await contactsOf(emu))) await sleep(20);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = await contactsOf(emu);
    expect(applied(before)).toBe(true);
    expect(before).toHaveLength(1);
    expect(onlyRunDir(reportDir)).toBeTruthy();

    const resumed = await runCli([...args, '--resume', readdirSync(reportDir)[0]!], envFor(emu));
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = await contactsOf(emu);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before[0]!.id);
    expect(after[0]!.email).toBe('solo@example.com');
    expect(after[0]!.tags).toEqual(['solo']);
    expect(after[0]!.notes).toEqual([{ title: null, body: 'Only note' }]);
    expect(after[0]!.tasks).toHaveLength(1);
    const due = Date.parse(after[0]!.tasks[0]!.dueDate) - 7 * 86_400_000;
    expect(due).toBeGreaterThanOrEqual(started - 1000);
    expect(due).toBeLessThanOrEqual(started + 10_000);
    if (before[0]!.tasks.length) expect(after[0]!.tasks).toEqual(before[0]!.tasks);
    const o = outcomes(reportDir);
    expectEveryRowOnce(o, 1);
    expect(o.succeeded[0]).toMatchObject({ row: '1', contactId: before[0]!.id });
  }, 60_000);
});

// ---- bad input

describe('hoop-etl import: bad input', () => {
  async function setup() {
    const emu = await emulator();
    const dir = freshDir('bad');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, 'Email,First Name\nann@example.com,Ann\n');
    return { emu, dir, csv, reportDir: join(dir, 'reports') };
  }

  function expectCleanRefusal(r: Run, ...parts: string[]): void {
    expect(r.status, r.stderr).toBe(2);
    for (const p of parts) expect(r.stderr).toContain(p);
    expect(r.stderr).not.toContain('\n    at ');
    expect(r.stdout).toBe('');
  }

  async function expectNothingWritten(emu: RunningEmulator): Promise<void> {
    const stats = await admin(emu, 'GET', '/stats');
    for (const op of WRITE_OPERATIONS) expect(stats.byOperation[op] ?? 0).toBe(0);
    expect((await contactsOf(emu)).length).toBe(0);
  }

  it('a CSV with a duplicate header: exit 2 naming the file and line 1', async () => {
    const { emu, dir, reportDir } = await setup();
    const csv = join(dir, 'dup-header.csv');
    writeFileSync(csv, 'Email,First Name,Email\nann@example.com,Ann,other@example.com\n');
    const r = await runCli(['import', csv, '--location', emu.locationId, '--report-dir', reportDir], envFor(emu));
    expectCleanRefusal(r, csv, 'line 1', "Duplicate header 'Email'");
    await expectNothingWritten(emu);
  });

  it('an unknown pipeline setting: exit 2 naming its dotted path', async () => {
    const { emu, dir, csv, reportDir } = await setup();
    const yaml = join(dir, 'typo.yaml');
    writeFileSync(yaml, `job: import\nlocation: ${emu.locationId}\nsource: { file: ${JSON.stringify(csv)} }\nmapping:\n  email: { column: Email, transfrom: email }\n`);
    const r = await runCli(['import', csv, '--pipeline', yaml, '--location', emu.locationId, '--report-dir', reportDir], envFor(emu));
    expectCleanRefusal(r, 'mapping.email.transfrom');
    await expectNothingWritten(emu);
  });

  it('a pipeline naming a column the CSV lacks: exit 2 naming the setting and the column', async () => {
    const { emu, dir, csv, reportDir } = await setup();
    const yaml = join(dir, 'column.yaml');
    writeFileSync(yaml, `job: import\nlocation: ${emu.locationId}\nsource: { file: ${JSON.stringify(csv)} }\nmapping:\n  email: { column: Email, transform: email }\n  phone: { column: Phone Number, transform: e164, defaultCountry: US }\n`);
    const r = await runCli(['import', csv, '--pipeline', yaml, '--location', emu.locationId, '--report-dir', reportDir], envFor(emu));
    expectCleanRefusal(r, 'mapping.phone', "'Phone Number'");
    await expectNothingWritten(emu);
  });

  it('a custom field key the location lacks: exit 2 before any write', async () => {
    const { emu, dir, csv, reportDir } = await setup();
    const yaml = join(dir, 'cf.yaml');
    writeFileSync(yaml, `job: import\nlocation: ${emu.locationId}\nsource: { file: ${JSON.stringify(csv)} }\nmapping:\n  email: { column: Email, transform: email }\ncustomFields:\n  - { key: contact.shoe_size, column: First Name }\n`);
    const r = await runCli(['import', csv, '--pipeline', yaml, '--location', emu.locationId, '--report-dir', reportDir], envFor(emu));
    expectCleanRefusal(r, "key 'contact.shoe_size'", 'customFields[0]');
    await expectNothingWritten(emu);
  });

  it('no token: exit 2 saying where a token comes from', async () => {
    const { emu, csv, reportDir } = await setup();
    const r = await runCli(['import', csv, '--location', emu.locationId, '--report-dir', reportDir], envFor(emu, { HOOPAI_TOKEN: undefined }));
    expectCleanRefusal(r, 'HOOPAI_TOKEN');
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(0);
  });
});
