import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * `hoop-etl dedup` on a location of several search pages: 1,150 contacts,
 * 60 of them the second record of a person (same email in another case, or
 * the same phone written another way), read through three pages of 500. The
 * plan costs those three pages and the custom field names, nothing per
 * duplicate.
 */

const { emulator, freshDir } = e2eHarness('dedup-scale');

const PEOPLE = 1090;
const DUPLICATED = 60;
const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'Lucas', 'Mia', 'Mateo', 'Amara', 'Kenji', 'Zofia', 'Tariq', 'Ines', 'Bram', 'Leilani', 'Oskar'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Haddad', 'Kowalski', 'Silva', 'Nguyen', 'Fischer', 'Rossi', 'Murphy', 'Novak', 'Costa', 'Jensen', 'Petrov', 'Mensah', 'Duarte', 'Ivanova', 'Brennan'];

function person(i: number): Record<string, unknown> {
  return {
    firstName: FIRST[i % FIRST.length],
    lastName: `${LAST[(i * 7) % LAST.length]}${i}`,
    email: `person${i}@example.com`,
    phone: `+1212${String(5550000 + i).padStart(7, '0')}`,
    city: `Town ${i % 40}`,
    dateAdded: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
  };
}

describe('hoop-etl dedup across several search pages', () => {
  it('finds every planted duplicate, merges it, and leaves one contact per person', async () => {
    const emu = await emulator();
    const tmp = freshDir('scale');
    const contacts = Array.from({ length: PEOPLE }, (_, i) => person(i));
    // Every 18th person twice: even ones by email (upper-cased), odd ones by phone (another format).
    const twins = Array.from({ length: DUPLICATED }, (_, k) => {
      const i = k * 18;
      const p = person(i);
      const later = new Date(Date.UTC(2025, 0, 1) + k * 60_000).toISOString();
      return k % 2 === 0
        ? { firstName: p.firstName, lastName: p.lastName, email: String(p.email).toUpperCase(), tags: [`twin-${k}`], dateAdded: later }
        : { firstName: p.firstName, lastName: p.lastName, phone: `(212) ${String(p.phone).slice(5, 8)}-${String(p.phone).slice(8)}`, tags: [`twin-${k}`], dateAdded: later };
    });
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: [...contacts, ...twins] });
    const env = envFor(emu);
    const plan = join(tmp, 'plan.json');
    await admin(emu, 'POST', '/stats/reset');
    const planned = await runCli(['dedup', '--location', emu.locationId, '--plan', plan], env);
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`Read ${PEOPLE + DUPLICATED} contacts of ${emu.locationId}: ${DUPLICATED} duplicate clusters (${DUPLICATED} by exact email or phone, 0 fuzzy), ${2 * DUPLICATED} contacts in them.`);
    // Three pages of search and the custom field names: no read per cluster member (the before-images are the hits).
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.byOperation).toEqual({ 'get-custom-fields': 1, 'search-contacts-advanced': Math.ceil((PEOPLE + DUPLICATED) / 500) });
    expect(stats.requests).toBe(Math.ceil((PEOPLE + DUPLICATED) / 500) + 1);
    const survivors = JSON.parse(readFileSync(plan, 'utf8')).clusters.map((c: any) => c.survivor);
    expect(new Set(survivors).size).toBe(DUPLICATED);

    const applied = await runCli(['dedup', '--apply', plan, '--report-dir', join(tmp, 'runs'), '--concurrency', '8'], env);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`Applied ${DUPLICATED} clusters: ${DUPLICATED} merged, 0 skipped as changed since the plan, 0 failed; ${DUPLICATED} contacts deleted`);
    const after = (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<Record<string, any>>;
    expect(after).toHaveLength(PEOPLE);
    const byEmail = new Map(after.map((c) => [c.email, c]));
    for (let k = 0; k < DUPLICATED; k++) {
      const p = person(k * 18);
      const c = byEmail.get(p.email);
      expect({ phone: c?.phone, tags: c?.tags }).toEqual({ phone: p.phone, tags: [`twin-${k}`] });
    }
    expect(new Set(after.map((c) => c.phone)).size).toBe(PEOPLE);
  }, 180_000);
});
