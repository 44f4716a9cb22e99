import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { envFor, runCli } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * The location and the nights the chaos suite's exports run through:
 * yesterday's complete export with its state, then a day of updates and new
 * contacts. What a complete file holds is read from the location, never from
 * the exporter.
 */

export const CONTACTS = 3000;
const UPDATED_EVERY = 11;
const ADDED = 150;

export function seedContacts(): Array<Record<string, unknown>> {
  return Array.from({ length: CONTACTS }, (_, i) => ({
    firstName: `Name${i}`,
    lastName: i % 7 === 0 ? '=HYPERLINK("x")' : `Family${i % 50}`,
    email: `e${i}@export-chaos.example`,
    tags: [`t${i % 4}`],
    // Many contacts share a second: the cursor's id tie-break is exercised.
    dateAdded: new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 4) * 1000).toISOString(),
  }));
}

export type Mode = 'full' | 'incremental';

/** Outputs named in full: relative ones would be relative to the working directory, not to `dir`. */
export const pipeline = (locationId: string, mode: Mode, dir: string) => `job: export
location: ${locationId}
reportDir: ${JSON.stringify(join(dir, 'runs'))}
export:
  out: ${JSON.stringify(join(dir, 'contacts.csv'))}
  pageLimit: 100
${mode === 'incremental' ? `  state: ${JSON.stringify(join(dir, 'contacts.state.json'))}\n` : ''}`;

export function readRows(path: string): Array<Record<string, string>> {
  return parse(readFileSync(path, 'utf8'), { columns: true, bom: true }) as Array<Record<string, string>>;
}

/** Yesterday's run (no faults), then the day's changes: some contacts updated, some added. */
export async function yesterdayAndChanges(emu: RunningEmulator, dir: string): Promise<{ updated: Set<string>; added: Set<string> }> {
  writeFileSync(join(dir, 'export.yaml'), pipeline(emu.locationId, 'incremental', dir));
  const first = await runCli(['export', '--pipeline', join(dir, 'export.yaml')], envFor(emu));
  expect(first.status, first.stderr).toBe(0);
  expect(readRows(join(dir, 'contacts.csv'))).toHaveLength(CONTACTS);
  const all = (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ id: string; firstName: string }>;
  const updated = new Set<string>();
  for (let i = 0; i < all.length; i += UPDATED_EVERY) {
    const c = all[i]!;
    const r = await call(emu, 'PUT', `/contacts/${c.id}`, { body: { firstName: `${c.firstName}-updated` } });
    expect(r.status).toBe(200);
    updated.add(c.id);
  }
  const { ids } = await admin<{ ids: string[] }>(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: Array.from({ length: ADDED }, (_, i) => ({ firstName: `New${i}`, email: `new${i}@export-chaos.example` })),
  });
  return { updated, added: new Set(ids) };
}

/** The file holds each expected contact once, as the location holds it now. */
export async function expectComplete(emu: RunningEmulator, file: string, ids: Set<string>): Promise<void> {
  const rows = readRows(file);
  expect(rows).toHaveLength(ids.size);
  expect(new Set(rows.map((r) => r.id))).toEqual(ids);
  const now = new Map(((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<Record<string, any>>).map((c) => [c.id as string, c]));
  for (const r of rows) {
    const c = now.get(r.id!)!;
    expect(r.firstName).toBe(c.firstName);
    expect(r.email).toBe(c.email);
    // Formula-looking cells are escaped in the file.
    if (String(c.lastName).startsWith('=')) expect(r.lastName).toBe(`'${c.lastName}`);
  }
}

export const tmpFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
