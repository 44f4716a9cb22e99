import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { admin } from '../helpers/http.js';

/**
 * The import the chaos suite breaks: a generated file whose end state in a
 * location is worked out by hand from the generator's rules, never read back
 * from the importer. `rows()` takes the size, so the soak uses the same file
 * at 50,000 rows.
 */

export const ROWS = 240;
const BAD_EMAIL_AT = 13;
const BAD_PHONE_AT = 118;
/** Carriers already in the location before the import, with tags and a note of their own. */
const SEEDED = [2, 30, 61, 150];
/** A contact in the location the file never names: left as it is. */
const UNTOUCHED = 'bystander@chaos.example';

export const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * Row i: person i, phone +1 212 555 i (213, 214, ... past 9,999). Every i ending in 5 repeats row i-5's
 * email in capitals (merged into it by email); every i ending in 8 carries row
 * i-1's phone in another writing (merged by phone). Two rows are invalid.
 */
/** The area code of person i: 212 for the first 10,000, then 213, ... */
const area = (i: number): number => 212 + Math.floor(i / 10_000);

export interface Row {
  i: number;
  email: string;
  phone: string;
  tag: string;
  note: string;
  due: string;
}

export function rows(count = ROWS): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    i,
    email: i === BAD_EMAIL_AT ? 'nobody@' : i % 10 === 5 ? `P${i - 5}@CHAOS.EXAMPLE` : `p${i}@chaos.example`,
    phone: i === BAD_PHONE_AT ? '2.12555E+09' : i % 10 === 8 ? `(${area(i - 1)}) 555-${pad((i - 1) % 10_000, 4)}` : `+1 ${area(i)} 555 ${pad(i % 10_000, 4)}`,
    tag: `T${i % 3}`,
    note: `Note of row ${i}, "quoted"\nand a second line`,
    due: i % 4 === 0 ? `2027-01-${pad(1 + (i % 28), 2)}` : '',
  }));
}

export function csvOf(list: Row[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return ['Email,Phone,Tag,Note,Due', ...list.map((r) => [r.email, r.phone, r.tag, q(r.note), r.due].join(','))].join('\r\n') + '\r\n';
}

export const pipeline = (csv: string, locationId: string) => `job: import
location: ${locationId}
source: { file: ${JSON.stringify(csv)} }
mapping:
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US }
tags: { column: Tag, add: [chaos-import] }
notes:
  - { column: Note, title: Imported }
tasks:
  - title: "Call {{Email}}"
    column: Due
    dueDate: { column: Due, dateFormat: YYYY-MM-DD }
`;

export interface Essence {
  email: string | null;
  phone: string | null;
  tags: string[];
  notes: string[];
  tasks: string[];
}

/** The location after the import, from the generator's rules alone. */
export function expected(list: Row[]): Essence[] {
  const byCarrier = new Map<number, Row[]>();
  for (const r of list) {
    if (r.i === BAD_EMAIL_AT || r.i === BAD_PHONE_AT) continue;
    const carrier = r.i % 10 === 5 ? r.i - 5 : r.i % 10 === 8 ? r.i - 1 : r.i;
    byCarrier.set(carrier, [...(byCarrier.get(carrier) ?? []), r]);
  }
  const out: Essence[] = [];
  for (const [carrier, members] of byCarrier) {
    const seeded = SEEDED.includes(carrier);
    out.push({
      email: `p${carrier}@chaos.example`,
      phone: `+1${area(carrier)}555${pad(carrier % 10_000, 4)}`,
      tags: [...new Set([...members.map((m) => m.tag.toLowerCase()), 'chaos-import', ...(seeded ? ['keep-me', 'seeded'] : [])])].sort(),
      notes: [...members.map((m) => `Imported|${m.note}`), ...(seeded ? [`|Seeded note ${carrier}`] : [])].sort(),
      tasks: members.filter((m) => m.due).map((m) => `Call ${m.email}|${m.due}T09:00:00.000Z`).sort(),
    });
  }
  out.push({ email: UNTOUCHED, phone: null, tags: ['keep-me'], notes: ['|Not in the file'], tasks: [] });
  return out.sort((a, b) => (a.email! < b.email! ? -1 : 1));
}

export async function essence(emu: RunningEmulator): Promise<Essence[]> {
  const r = await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`);
  return (r.contacts as Array<Record<string, any>>)
    .map((c) => ({
      email: (c.email as string | undefined) ?? null,
      phone: (c.phone as string | undefined) ?? null,
      tags: [...(c.tags as string[])].sort(),
      notes: (c.notes as Array<{ title?: string; body: string }>).map((n) => `${n.title ?? ''}|${n.body}`).sort(),
      tasks: (c.tasks as Array<{ title: string; dueDate: string }>).map((t) => `${t.title}|${t.dueDate}`).sort(),
    }))
    .sort((a, b) => ((a.email ?? '') < (b.email ?? '') ? -1 : 1));
}

export async function seededLocation(emu: RunningEmulator): Promise<void> {
  await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: [
      ...SEEDED.map((s) => ({ email: `p${s}@chaos.example`, tags: ['seeded', 'keep-me'], notes: [{ body: `Seeded note ${s}` }] })),
      { email: UNTOUCHED, tags: ['keep-me'], notes: [{ body: 'Not in the file' }] },
    ],
  });
}

/** Every row of the file in exactly one outcome file, once; the two bad rows failed with their line. */
export function expectOutcomes(reportDir: string, count = ROWS): void {
  const runs = readdirSync(reportDir);
  expect(runs).toHaveLength(1);
  const read = (name: string) => parse(readFileSync(join(reportDir, runs[0]!, name), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const succeeded = read('succeeded.csv');
  const failed = read('failed.csv');
  const seen = [...succeeded, ...failed].map((r) => Number(r.row)).sort((a, b) => a - b);
  expect(seen).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  // Each record spans two lines (the note has a line break): record r starts on line 2r.
  expect(failed.map((f) => [f.row, f.line, f.errorCode])).toEqual([
    [String(BAD_EMAIL_AT + 1), String(2 * (BAD_EMAIL_AT + 1)), 'INVALID_EMAIL'],
    [String(BAD_PHONE_AT + 1), String(2 * (BAD_PHONE_AT + 1)), 'PHONE_SCIENTIFIC_NOTATION'],
  ]);
}

/** No two contacts share an email or a phone; no contact holds the same note or task twice. */
export function expectNoDuplicates(list: Essence[]): void {
  const emails = list.map((c) => c.email).filter(Boolean);
  expect(new Set(emails).size).toBe(emails.length);
  const phones = list.map((c) => c.phone).filter(Boolean);
  expect(new Set(phones).size).toBe(phones.length);
  for (const c of list) {
    expect(new Set(c.notes).size, `notes of ${c.email}`).toBe(c.notes.length);
    expect(new Set(c.tasks).size, `tasks of ${c.email}`).toBe(c.tasks.length);
  }
}
