import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * The same location content gives the same plan: the same clusters, kinds
 * and survivors, whatever the contact ids, the order the contacts were
 * written in (and so the order of the search pages) or the run. The content
 * is the offices-and-families development set (../shared/data/dedup/office-dev):
 * 595 contacts, two search pages, each record's id in `source` and a fixed
 * date added, seeded into two locations in opposite orders, where the
 * emulator gives every contact a new random id.
 */

const { emulator, freshDir } = e2eHarness('dedup-determinism');
const SEED = join(process.cwd(), '../shared/data/dedup/office-dev/seed.csv');

type Row = Record<string, string>;
interface Plan {
  clusters: Array<{ kind: string; survivor: string; ids: string[]; review?: string[]; contacts: Array<{ id: string; source?: string }> }>;
  matching: Record<string, unknown>;
}

/** Each record with a date added of its own (one minute apart in file order), blanks left out. */
function contactsOf(rows: readonly Row[]): Array<Record<string, string>> {
  return rows.map((r, i) => {
    const c: Record<string, string> = { dateAdded: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() };
    for (const [k, v] of Object.entries(r)) if (v !== '') c[k] = v;
    return c;
  });
}

async function planOf(emu: RunningEmulator, file: string): Promise<Plan> {
  const r = await runCli(['dedup', '--location', emu.locationId, '--plan', file], envFor(emu));
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as Plan;
}

/** A plan in terms of the records' own ids (`source`): what stays the same when the platform's ids do not. */
function bySource(plan: Plan): Array<{ kind: string; survivor: string; members: string[]; review: number }> {
  return plan.clusters
    .map((c) => {
      const source = new Map(c.contacts.map((m) => [m.id, m.source as string]));
      return { kind: c.kind, survivor: source.get(c.survivor) as string, members: c.ids.map((id) => source.get(id) as string).sort(), review: c.review?.length ?? 0 };
    })
    .sort((a, b) => (a.members[0]! < b.members[0]! ? -1 : 1));
}

describe('a duplicate plan is a function of the location content', () => {
  it('gives the same clusters and survivors for the same contacts written in opposite orders under other ids', async () => {
    const rows = parse(readFileSync(SEED), { columns: true }) as Row[];
    const contacts = contactsOf(rows);
    const forward = await emulator();
    const backward = await emulator();
    await admin(forward, 'POST', `/locations/${forward.locationId}/contacts`, { contacts });
    await admin(backward, 'POST', `/locations/${backward.locationId}/contacts`, { contacts: [...contacts].reverse() });
    const dir = freshDir('plans');
    const a = await planOf(forward, join(dir, 'a.json'));
    const b = await planOf(backward, join(dir, 'b.json'));
    const again = await planOf(forward, join(dir, 'a-again.json'));

    // Other ids: the platform gave each location its own.
    expect(a.clusters[0]!.ids[0]).not.toBe(b.clusters[0]!.ids[0]);
    expect(bySource(a).length).toBeGreaterThan(100);
    expect(bySource(b)).toEqual(bySource(a));
    expect(b.matching).toEqual(a.matching);
    // The same location twice: the same plan, cluster for cluster, in the same order.
    expect(again.clusters).toEqual(a.clusters);
  }, 120_000);
});
