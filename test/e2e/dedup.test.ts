import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { reviewOrder } from '../../src/dedup/plan-report.js';
import { CLI, e2eHarness, envFor, runCli, sleep, type CliRun } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * `hoop-etl dedup` end to end: the built CLI against a real emulator over
 * HTTP. A location is seeded with known clusters (exact by email, exact by
 * phone through three contacts, fuzzy by name, address and birth date), a
 * household that must stay apart and people who are no one's duplicate.
 * Every expected state below is written out by hand from the seed.
 */

const { emulator, freshDir, track } = e2eHarness('dedup');
type Run = CliRun;

// ---- the seed

const id = (s: string): string => s.padEnd(20, '0');
const A1 = id('dupAdaOld');
const A2 = id('dupAdaNew');
const B1 = id('dupGraceOne');
const B2 = id('dupGraceTwo');
const B3 = id('dupGraceThree');
const C1 = id('dupJonathan');
const C2 = id('dupJon');
const D1 = id('dupDanOne');
const D2 = id('dupDanTwo');
const MARY = id('dupMarySmithers');
const COLOUR = id('cfFavouriteColour');
const BUSINESS = 'b0b0b0b0b0b0b0b0b0b0b0b0';

const SINGLES = [
  ['Alan', 'Turing', 'alan@bletchley.example', '+441234567890', '1912-06-23'],
  ['Katherine', 'Johnson', 'kj@nasa.example', '+17575550100', '1918-08-26'],
  ['Edsger', 'Dijkstra', 'ewd@tue.example', '+31402470000', '1930-05-11'],
  ['Barbara', 'Liskov', 'liskov@mit.example', '+16175550111', '1939-11-07'],
  ['Donald', 'Knuth', 'knuth@stanford.example', '+16505550112', '1938-01-10'],
  ['Margaret', 'Hamilton', 'mh@apollo.example', '+16175550113', '1936-08-17'],
  ['Linus', 'Torvalds', 'linus@kernel.example', '+15035550114', '1969-12-28'],
  ['Radia', 'Perlman', 'radia@net.example', '+14255550115', '1951-12-18'],
  ['Tim', 'Berners-Lee', 'timbl@w3.example', '+16175550116', '1955-06-08'],
  ['Frances', 'Allen', 'fran@ibm.example', '+19145550117', '1932-08-04'],
  ['John', 'McCarthy', 'jmc@lisp.example', '+16505550118', '1927-09-04'],
  ['Shafi', 'Goldwasser', 'shafi@crypto.example', '+16175550119', '1958-11-14'],
] as const;

function seedContacts(): Array<Record<string, unknown>> {
  return [
    // A: one email (case differs), the newer holds the phone, company, a custom field, a follower and a business.
    {
      id: A1,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      city: 'London',
      tags: ['vip'],
      dateAdded: '2020-01-01T00:00:00Z',
      notes: [{ body: 'First call went well', title: 'Call' }],
      tasks: [{ title: 'Send brochure', dueDate: '2026-12-01T10:00:00.000Z' }],
    },
    {
      id: A2,
      firstName: 'ada',
      lastName: 'lovelace',
      email: 'ADA@example.com',
      phone: '+14155550101',
      companyName: 'Analytical Engines',
      tags: ['newsletter', 'VIP'],
      customFields: [{ id: COLOUR, value: 'blue' }],
      followers: ['user0000000000000001'],
      businessId: BUSINESS,
      dateAdded: '2021-06-01T00:00:00Z',
      notes: [{ body: 'Asked about pricing' }],
    },
    // B: one phone in three contacts; the address comes whole from B2.
    { id: B1, firstName: 'Grace', lastName: 'Hopper', phone: '+12125550123', email: 'grace@navy.example', tags: ['lead'], dateAdded: '2019-03-03T00:00:00Z' },
    {
      id: B2,
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: '(212) 555-0123',
      address1: '1 Navy Way',
      city: 'Arlington',
      state: 'VA',
      postalCode: '22202',
      tags: ['lead', 'conference'],
      dateAdded: '2019-05-05T00:00:00Z',
    },
    {
      id: B3,
      firstName: 'G',
      lastName: 'Hopper',
      phone: '+12125550123',
      email: 'ghopper@work.example',
      city: 'New York',
      // Opted out of texts through this record: the survivor must keep it.
      dndSettings: { SMS: { status: 'permanent', message: 'STOP' } },
      dateAdded: '2020-07-07T00:00:00Z',
      tasks: [{ title: 'Follow up', dueDate: '2026-12-24T09:00:00.000Z', completed: true, body: 'after the talk' }],
    },
    // C: no shared email or phone; name (nickname), street (abbreviated), postal code and birth date agree.
    {
      id: C1,
      firstName: 'Jonathan',
      lastName: 'Smithers',
      email: 'jon.smithers@alpha.example',
      address1: '12 Elm Street',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62704',
      dateOfBirth: '1980-04-12',
      dateAdded: '2022-01-01T00:00:00Z',
    },
    {
      id: C2,
      firstName: 'Jon',
      lastName: 'Smithers',
      email: 'jsmithers@beta.example',
      phone: '+12175550199',
      companyName: '<b>"Smithers & Sons"</b>',
      address1: '12 Elm St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62704',
      dateOfBirth: '1980-04-12',
      tags: ['from-expo'],
      dnd: true,
      dateAdded: '2023-01-01T00:00:00Z',
    },
    // The household: same surname and address, another person.
    { id: MARY, firstName: 'Mary', lastName: 'Smithers', address1: '12 Elm Street', city: 'Springfield', state: 'IL', postalCode: '62704', dateOfBirth: '1982-09-30', dateAdded: '2022-02-02T00:00:00Z' },
    // D: the stale cluster (D2 changes between plan and apply).
    { id: D1, firstName: 'Dan', lastName: 'Brown', email: 'dan@example.com', dateAdded: '2021-01-01T00:00:00Z' },
    { id: D2, firstName: 'Daniel', lastName: 'Brown', email: 'dan@example.com', phone: '+13125550100', dateAdded: '2021-02-02T00:00:00Z' },
    ...SINGLES.map(([firstName, lastName, email, phone, dateOfBirth], i) => ({
      id: id(`dupSingle${String.fromCharCode(65 + i)}`),
      firstName,
      lastName,
      email,
      phone,
      dateOfBirth,
      city: `City ${i}`,
      dateAdded: `2018-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
    })),
  ];
}

async function seededEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await emulator(options);
  await admin(emu, 'POST', `/locations/${emu.locationId}/custom-fields`, { id: COLOUR, name: 'Favourite colour', dataType: 'TEXT' });
  await admin(emu, 'POST', `/locations/${emu.locationId}/businesses`, { id: BUSINESS, name: 'Engines Ltd' });
  await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: seedContacts() });
  return emu;
}

// ---- reading the location

interface Essence {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  address1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  dateOfBirth: string | null;
  tags: string[];
  custom: Record<string, unknown>;
  followers: string[];
  businessId: string | null;
  dnd: boolean;
  dndSettings: Record<string, unknown>;
  notes: Array<{ title: string | null; body: string }>;
  tasks: Array<{ title: string; body: string | null; dueDate: string; completed: boolean }>;
}

const sortBy = <T>(list: T[], key: (x: T) => string): T[] => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Every contact with what hangs off it, in a stable order. */
async function essence(emu: RunningEmulator): Promise<Essence[]> {
  const r = await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`);
  const list = (r.contacts as Array<Record<string, any>>).map((c) => ({
    id: c.id as string,
    firstName: str(c.firstName),
    lastName: str(c.lastName),
    email: str(c.email),
    phone: str(c.phone),
    companyName: str(c.companyName),
    address1: str(c.address1),
    city: str(c.city),
    state: str(c.state),
    postalCode: str(c.postalCode),
    dateOfBirth: str(c.dateOfBirth),
    tags: [...(c.tags as string[])].sort(),
    custom: Object.fromEntries((c.customFields as Array<{ id: string; value: unknown }>).map((f) => [f.id, f.value])),
    followers: [...((c.followers as string[] | undefined) ?? [])].sort(),
    businessId: str(c.businessId),
    dnd: c.dnd === true,
    // A channel cannot be removed through the API, only set inactive: inactive reads as no setting.
    dndSettings: Object.fromEntries(Object.entries((c.dndSettings as Record<string, { status?: string }> | undefined) ?? {}).filter(([, v]) => v !== undefined && v.status !== 'inactive')),
    notes: sortBy(
      (c.notes as Array<Record<string, any>>).map((n) => ({ title: str(n.title), body: n.body as string })),
      (n) => n.body,
    ),
    tasks: sortBy(
      (c.tasks as Array<Record<string, any>>).map((t) => ({ title: t.title as string, body: str(t.body), dueDate: t.dueDate as string, completed: t.completed as boolean })),
      (t) => t.title,
    ),
  }));
  return sortBy(list, (c) => `${c.lastName ?? ''} ${c.firstName ?? ''} ${c.email ?? ''} ${c.id}`);
}

const withoutIds = (list: Essence[]): Array<Omit<Essence, 'id'>> => sortBy(list.map(({ id: _i, ...rest }) => rest), (c) => JSON.stringify(c));

// ---- what the merge must leave, written out from the seed

const BLANK = { companyName: null, address1: null, city: null, state: null, postalCode: null, dateOfBirth: null, phone: null, custom: {}, followers: [], businessId: null, dnd: false, dndSettings: {}, notes: [], tasks: [] };

const MERGED_A: Essence = {
  ...BLANK,
  id: A1,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '+14155550101',
  companyName: 'Analytical Engines',
  city: 'London',
  tags: ['newsletter', 'vip'],
  custom: { [COLOUR]: 'blue' },
  followers: ['user0000000000000001'],
  businessId: BUSINESS,
  notes: [
    { title: null, body: 'Asked about pricing' },
    { title: 'Call', body: 'First call went well' },
  ],
  tasks: [{ title: 'Send brochure', body: null, dueDate: '2026-12-01T10:00:00.000Z', completed: false }],
};

const MERGED_B: Essence = {
  ...BLANK,
  id: B1,
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace@navy.example',
  phone: '+12125550123',
  // The address moves whole from one contact: B2's street, city, state and postal code, not B3's city.
  address1: '1 Navy Way',
  city: 'Arlington',
  state: 'VA',
  postalCode: '22202',
  tags: ['conference', 'lead'],
  dndSettings: { SMS: { status: 'permanent', message: 'STOP' } },
  tasks: [{ title: 'Follow up', body: 'after the talk', dueDate: '2026-12-24T09:00:00.000Z', completed: true }],
};

const MERGED_C: Essence = {
  ...BLANK,
  id: C1,
  firstName: 'Jonathan',
  lastName: 'Smithers',
  email: 'jon.smithers@alpha.example',
  phone: '+12175550199',
  companyName: '<b>"Smithers & Sons"</b>',
  address1: '12 Elm Street',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62704',
  dateOfBirth: '1980-04-12T00:00:00.000Z',
  tags: ['from-expo'],
  dnd: true,
};

function planArgs(emu: RunningEmulator, dir: string, extra: string[] = []): string[] {
  return ['dedup', '--location', emu.locationId, '--plan', join(dir, 'plan.json'), '--report', join(dir, 'plan.html'), '--report-dir', join(dir, 'runs'), ...extra];
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function onlyRun(dir: string): string {
  const runs = readdirSync(join(dir, 'runs'));
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe('hoop-etl dedup: plan, apply, undo', () => {
  it('plans the known clusters with their reasons and changes nothing', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('plan');
    const before = await essence(emu);
    const r = await runCli(planArgs(emu, dir), envFor(emu));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Read ${10 + SINGLES.length} contacts of ${emu.locationId}: 4 duplicate clusters (3 by exact email or phone, 1 fuzzy), 9 contacts in them.`);
    expect(r.stdout).toContain('removes 5 contacts');
    expect(r.stdout).toContain('Nothing was changed.');
    expect(await essence(emu)).toEqual(before);

    const plan = readJson(join(dir, 'plan.json'));
    expect(plan).toMatchObject({ kind: 'hoop-etl dedup plan', version: 2, location: emu.locationId, threshold: 0.9 });
    expect(Number.isNaN(Date.parse(plan.createdAt))).toBe(false);
    expect(statSync(join(dir, 'plan.json')).mode & 0o777).toBe(0o600);
    const clusters = plan.clusters.map((c: any) => ({ kind: c.kind, survivor: c.survivor, losers: [...c.losers].sort(), tagsToAdd: c.tagsToAdd }));
    expect(sortBy(clusters, (c: any) => c.survivor)).toEqual(
      sortBy(
        [
          { kind: 'exact', survivor: A1, losers: [A2], tagsToAdd: ['newsletter'] },
          { kind: 'exact', survivor: B1, losers: [B2, B3].sort(), tagsToAdd: ['conference'] },
          { kind: 'fuzzy', survivor: C1, losers: [C2], tagsToAdd: ['from-expo'] },
          { kind: 'exact', survivor: D1, losers: [D2], tagsToAdd: [] },
        ],
        (c) => c.survivor,
      ),
    );
    const a = plan.clusters.find((c: any) => c.survivor === A1);
    // Before-images with dateUpdated, survivor first.
    expect(a.contacts.map((c: any) => c.id)).toEqual([A1, A2]);
    expect(a.contacts.every((c: any) => typeof c.dateUpdated === 'string')).toBe(true);
    expect(a.pairs).toHaveLength(1);
    expect(a.pairs[0].linkedBy).toContain('email');
    expect(a.pairs[0].fields.find((f: any) => f.field === 'email')).toMatchObject({ outcome: 'agreed' });
    expect(sortBy(a.changes.map((c: any) => [c.field, c.after]), (x: any) => x[0])).toEqual([
      ['companyName', 'Analytical Engines'],
      [`customFields.${COLOUR}`, 'blue'],
      ['phone', '+14155550101'],
    ]);
    const c = plan.clusters.find((x: any) => x.survivor === C1);
    expect(c.pairs[0].linkedBy).toEqual(['score']);
    expect(c.pairs[0].probability).toBeGreaterThanOrEqual(0.9);
    expect(c.pairs[0].fields.find((f: any) => f.field === 'firstName').level).toBe('nickname');
    // Do-not-disturb of a loser goes to the survivor, whatever the field rules.
    expect(c.dndCarried).toEqual({ dnd: true });
    expect(plan.clusters.find((x: any) => x.survivor === B1).dndCarried).toEqual({ dndSettings: { SMS: { status: 'permanent', message: 'STOP' } } });
    expect(a.dndCarried).toBeUndefined();

    const html = readFileSync(join(dir, 'plan.html'), 'utf8');
    for (const cl of plan.clusters) expect(html).toContain(`id="cluster-${cl.id}"`);
    expect(html.match(/<section class="cluster kind-/g)).toHaveLength(4);
    expect(html).toContain('&lt;b&gt;&quot;Smithers &amp; Sons&quot;&lt;/b&gt;');
    expect(html).not.toContain('<b>"Smithers');
    // Self-contained: no link, no remote URL, no external script; its only scripts are its own inline two (the plan's identity as JSON, and the decisions code).
    expect(html).not.toMatch(/<link|src=|https?:\/\//i);
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script type="application/json" id="plan-meta">', '<script>']);
  }, 60_000);

  it('applies the plan: survivors merged exactly, losers gone, a changed cluster skipped; undo brings the location back', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('apply');
    const env = envFor(emu);
    const planned = await runCli(planArgs(emu, dir), env);
    expect(planned.status, planned.stderr).toBe(0);

    // D2 changes after the plan: its cluster must be left alone.
    const put = await call(emu, 'PUT', `/contacts/${D2}`, { body: { city: 'Changed since' } });
    expect(put.status).toBe(200);
    const original = await essence(emu);

    const applied = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs')], env);
    expect(applied.status, applied.stderr).toBe(3);
    expect(applied.stdout).toContain('Applied 4 clusters: 3 merged, 1 skipped as changed since the plan, 0 failed; 4 contacts deleted, 0 tagged as duplicates, 1 note and 1 task moved.');
    expect(applied.stdout).toContain(`contact ${D2} changed since the plan`);

    const after = await essence(emu);
    const untouched = original.filter((c) => ![A1, A2, B1, B2, B3, C1, C2].includes(c.id));
    expect(after).toEqual(sortBy([...untouched, MERGED_A, MERGED_B, MERGED_C], (c) => `${c.lastName ?? ''} ${c.firstName ?? ''} ${c.email ?? ''} ${c.id}`));
    const deleted = (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).deleted as string[];
    expect([...deleted].sort()).toEqual([A2, B2, B3, C2].sort());

    const runId = onlyRun(dir);
    const runDir = join(dir, 'runs', runId);
    expect(statSync(join(runDir, 'journal.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    const summary = readJson(join(runDir, 'summary.json'));
    expect(summary).toMatchObject({ job: 'dedup-apply', clusters: 4, merged: 3, stale: 1, failed: 0, losersDeleted: 4, exitCode: 3 });
    const failed = readFileSync(join(runDir, 'failed.csv'), 'utf8').trim().split('\r\n');
    expect(failed).toHaveLength(2);
    expect(failed[1]).toContain(`${D1},${D2},stale,STALE`);

    const undone = await runCli(['dedup', '--undo', runId, '--report-dir', join(dir, 'runs')], env);
    expect(undone.status, undone.stdout + undone.stderr).toBe(0);
    expect(undone.stdout).toContain('3 clusters restored, 1 had nothing to undo, 0 failed');
    const recreated = readFileSync(join(runDir, 'undo-recreated.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    expect(recreated.map((r) => r[1]).sort()).toEqual([A2, B2, B3, C2].sort());
    const restored = await essence(emu);
    // The same location apart from the recreated contacts' ids, which the printout names, and the
    // email or phone a location that refuses duplicates cannot hold twice: it stays with the survivor.
    const refused: Record<string, Partial<Essence>> = { [A2]: { email: null }, [B2]: { phone: null }, [B3]: { phone: null } };
    expect(withoutIds(restored)).toEqual(withoutIds(original.map((c) => ({ ...c, ...refused[c.id] }))));
    for (const [, oldId, newId, notRestored] of recreated) {
      expect(undone.stdout).toContain(`${oldId} recreated as ${newId}`);
      expect(notRestored ?? '').toBe(Object.keys(refused[oldId!] ?? {}).join(' '));
      expect(restored.some((c) => c.id === newId)).toBe(true);
    }
    expect(undone.stdout).toContain(`${A2} recreated as`);
    expect(undone.stdout).toMatch(new RegExp(`${A2} recreated as \\w+ without its email`));

    // An undone run is not resumed (it would merge again what nobody planned twice); undoing again changes nothing.
    const resumed = await runCli(['dedup', '--resume', runId, '--report-dir', join(dir, 'runs')], env);
    expect(resumed.status, resumed.stderr).toBe(2);
    expect(resumed.stderr).toContain('has been undone');
    const again = await runCli(['dedup', '--undo', runId, '--report-dir', join(dir, 'runs')], env);
    expect(again.status, again.stderr).toBe(0);
    expect(await essence(emu)).toEqual(restored);
  }, 90_000);
});

describe('hoop-etl dedup --undo after later edits', () => {
  it('takes back what the merge wrote but keeps a field someone changed on the survivor since the apply', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('undo-edited');
    const env = envFor(emu);
    expect((await runCli(planArgs(emu, dir), env)).status).toBe(0);
    const original = await essence(emu);
    const applied = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs')], env);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect((await essence(emu)).find((c) => c.id === A1)).toEqual(MERGED_A);

    // After the apply, someone gives Ada a new phone and a new colour: the merge had written both (from A2).
    const put = await call(emu, 'PUT', `/contacts/${A1}`, { body: { phone: '+14155559999', customFields: [{ id: COLOUR, value: 'green' }] } });
    expect(put.status).toBe(200);

    const runId = onlyRun(dir);
    const undone = await runCli(['dedup', '--undo', runId, '--report-dir', join(dir, 'runs')], env);
    expect(undone.status, undone.stdout + undone.stderr).toBe(0);
    const cluster = readJson(join(dir, 'plan.json')).clusters.find((c: { survivor: string }) => c.survivor === A1).id as string;
    expect(undone.stdout).toContain(`${cluster} (survivor ${A1}): customFields.${COLOUR}, phone changed since the apply, left as they are`);
    expect(readJson(join(dir, 'runs', runId, 'undo-summary.json')).keptEdits).toEqual([{ cluster, survivor: A1, fields: [`customFields.${COLOUR}`, 'phone'] }]);

    const restored = await essence(emu);
    const ada = restored.find((c) => c.id === A1)!;
    const before = original.find((c) => c.id === A1)!;
    // The edits stay; what the merge wrote and nobody touched since goes back (the company came from A2).
    expect(ada).toEqual({ ...before, phone: '+14155559999', custom: { [COLOUR]: 'green' } });
    // A2 comes back whole: the survivor no longer holds its phone.
    const a2 = original.find((c) => c.id === A2)!;
    const back = restored.filter((c) => c.firstName === 'ada');
    expect(back).toHaveLength(1);
    expect({ ...back[0]!, id: A2 }).toEqual({ ...a2, email: null });
  }, 60_000);
});

describe('hoop-etl dedup --apply: kill -9 and --resume', () => {
  const D_MERGED: Essence = { ...BLANK, id: D1, firstName: 'Dan', lastName: 'Brown', email: 'dan@example.com', phone: '+13125550100', tags: [] };

  async function planned(emu: RunningEmulator, name: string): Promise<{ dir: string; plan: string; reports: string }> {
    const dir = freshDir(name);
    const r = await runCli(planArgs(emu, dir), envFor(emu));
    expect(r.status, r.stderr).toBe(0);
    return { dir, plan: join(dir, 'plan.json'), reports: join(dir, 'runs') };
  }

  it('after SIGKILL mid-apply, --resume ends in the state of an uninterrupted apply, nothing doubled or lost', async () => {
    // The uninterrupted apply.
    const base = await seededEmulator();
    const b = await planned(base, 'kill-base');
    const whole = await runCli(['dedup', '--apply', b.plan, '--report-dir', b.reports], envFor(base));
    expect(whole.status, whole.stderr).toBe(0);
    const baseline = await essence(base);
    expect(baseline.filter((c) => [A1, B1, C1, D1].includes(c.id))).toEqual(sortBy([MERGED_A, MERGED_B, MERGED_C, D_MERGED], (c) => `${c.lastName ?? ''} ${c.firstName ?? ''} ${c.email ?? ''} ${c.id}`));

    // The same apply, killed half-way: slow requests, one cluster at a time.
    const emu = await seededEmulator({ faults: { latencyMs: 40 } });
    const p = await planned(emu, 'kill');
    const args = ['dedup', '--apply', p.plan, '--report-dir', p.reports, '--concurrency', '1'];
    const child = spawn(process.execPath, [CLI, ...args], { env: envFor(emu), stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    let childErr = '';
    child.stderr!.on('data', (d: Buffer) => (childErr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    let finished = false;
    void exited.then(() => (finished = true));
    const deletedNow = async (): Promise<number> => ((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).deleted as string[]).length;
    const deadline = Date.now() + 60_000;
    while (!finished && (await deletedNow()) === 0 && Date.now() < deadline) await sleep(10);
    expect(finished, `the apply ended before it could be killed: ${childErr}`).toBe(false);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = await deletedNow();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill, 'killed after every loser was gone: nothing left to resume').toBeLessThan(5);

    const runId = onlyRun(p.dir);
    const resumed = await runCli(['dedup', '--resume', runId, '--report-dir', p.reports], envFor(emu));
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Applied 4 clusters: 4 merged, 0 skipped as changed since the plan, 0 failed; 5 contacts deleted');
    expect(withoutIds(await essence(emu))).toEqual(withoutIds(baseline));
    expect(await essence(emu)).toEqual(baseline);
    expect(readdirSync(p.reports)).toEqual([runId]);
  }, 180_000);

  it('a note create in flight at the kill is looked up on resume, never doubled', async () => {
    const emu = await seededEmulator();
    const p = await planned(emu, 'inflight');
    // Latency is half on the way in, half on the way out: the note is created after 2 s and
    // answered 2 s later. The CLI is killed in between, with the step journaled as begun.
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'latency=4000', operation: 'create-note', count: 1 }] });
    const args = ['dedup', '--apply', p.plan, '--report-dir', p.reports, '--concurrency', '1'];
    const child = spawn(process.execPath, [CLI, ...args], { env: envFor(emu), stdio: ['ignore', 'ignore', 'ignore'] });
    track(child);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    const notesOfA1 = async (): Promise<number> => ((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts/${A1}`)).contact.notes as unknown[]).length;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await notesOfA1()) < 2) await sleep(20);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await notesOfA1()).toBe(2);

    const runId = onlyRun(p.dir);
    const journal = new Database(join(p.reports, runId, 'journal.sqlite'), { readonly: true });
    const inFlight = journal.prepare("SELECT state FROM steps WHERE unit = ? AND step LIKE 'note:%'").all(A1) as Array<{ state: string }>;
    journal.close();
    expect(inFlight).toEqual([{ state: 'begun' }]);

    const resumed = await runCli(['dedup', '--resume', runId, '--report-dir', p.reports], envFor(emu));
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    const a = (await essence(emu)).find((c) => c.id === A1)!;
    expect(a).toEqual(MERGED_A);
  }, 60_000);
});

describe('hoop-etl dedup --apply --no-delete', () => {
  it('merges into the survivor and tags the others duplicate-of-<survivorId>, leaving their email and phone where they are', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('nodelete');
    expect((await runCli(planArgs(emu, dir), envFor(emu))).status).toBe(0);
    const r = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--no-delete', '--report-dir', join(dir, 'runs')], envFor(emu));
    // The phone of A2, C2 and D2 cannot move while they hold it: the run says so and exits 3.
    expect(r.status, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain('4 merged, 0 skipped as changed since the plan, 0 failed; 0 contacts deleted, 5 tagged as duplicates');
    expect(r.stdout).toContain('phone, companyName not written: the kept duplicate still holds the value');
    const after = await essence(emu);
    expect(after).toHaveLength(10 + SINGLES.length);
    const byId = new Map(after.map((c) => [c.id, c]));
    expect(byId.get(A2)!.tags).toEqual(['duplicate-of-dupadaold00000000000', 'newsletter', 'vip']);
    expect(byId.get(B2)!.tags).toEqual(['conference', 'duplicate-of-dupgraceone000000000', 'lead']);
    expect(byId.get(B3)!.tags).toEqual(['duplicate-of-dupgraceone000000000']);
    expect(byId.get(A1)).toEqual({ ...MERGED_A, phone: null, companyName: null });
    // Undo takes the tags off again and gives the survivors their own values back.
    const runId = onlyRun(dir);
    const undone = await runCli(['dedup', '--undo', runId, '--report-dir', join(dir, 'runs')], envFor(emu));
    expect(undone.status, undone.stdout + undone.stderr).toBe(0);
    const restored = await essence(emu);
    const seeded = await seededEmulator();
    expect(restored).toEqual(await essence(seeded));
  }, 60_000);
});

/**
 * The review page in a real browser (Debian's `chromium`, when installed):
 * it opens, its DOM lists every cluster of the plan, and the console stays
 * silent (a CSP violation, such as an external asset, would be logged there).
 */
const CHROMIUM = '/usr/bin/chromium';

function headless(file: string): Promise<{ dom: string; console: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', '--dump-dom', `file://${file}`],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(err);
        else resolve({ dom: stdout, console: stderr.split('\n').filter((l) => l.includes(':CONSOLE')) });
      },
    );
  });
}

describe.skipIf(!existsSync(CHROMIUM))('hoop-etl dedup --report in headless Chromium', () => {
  it('opens, lists every cluster, and logs nothing to the console', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('chromium');
    const r = await runCli(planArgs(emu, dir), envFor(emu));
    expect(r.status, r.stderr).toBe(0);
    const plan = readJson(join(dir, 'plan.json'));
    const page = await headless(join(dir, 'plan.html'));
    // Review clusters first, then least sure first (the page's order, not the plan's).
    const sections = [...page.dom.matchAll(/<section class="cluster kind-\w+" id="cluster-(c\d+)"/g)].map((m) => m[1]);
    expect(sections).toEqual(reviewOrder(plan.clusters).map((c: any) => c.id));
    for (const c of plan.clusters) for (const member of c.ids) expect(page.dom).toContain(member);
    expect(page.console).toEqual([]);

    // The console check sees what a broken page would log.
    const broken = join(dir, 'broken.html');
    writeFileSync(broken, '<!DOCTYPE html><html><body><script>console.error("broken page")</script></body></html>');
    expect((await headless(broken)).console.join('\n')).toContain('broken page');
  }, 120_000);
});

describe('hoop-etl run pipelines/dedup-cleanup.yaml, and mistakes', () => {
  it('plans into a new run folder (plan.json and plan.html) and changes nothing', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('run');
    const before = await essence(emu);
    const r = await runCli(['run', join(process.cwd(), 'pipelines/dedup-cleanup.yaml')], { ...envFor(emu), HOOPAI_LOCATION: emu.locationId, HOOPAI_REPORT_DIR: join(dir, 'runs') });
    expect(r.status, r.stderr).toBe(0);
    const runDir = join(dir, 'runs', onlyRun(dir));
    const plan = readJson(join(runDir, 'plan.json'));
    expect(plan.settings).toEqual({ threshold: 0.9, survivor: 'oldest', fieldRule: 'fillBlanks', fieldRules: { address: 'mostRecent', phone: 'mostRecent' }, emailProviderRules: false });
    expect(plan.summary).toMatchObject({ clusters: 4, contactsToRemove: 5 });
    // mostRecent address: B3 (added last) holds only a city, so B1 gets the city of New York and no street.
    const b = plan.clusters.find((c: any) => c.survivor === B1);
    expect(b.merged.fields.city).toEqual({ value: 'New York', from: B3, why: 'mostRecent, the address as one' });
    expect(b.merged.fields.address1).toBeUndefined();
    expect(existsSync(join(runDir, 'plan.html'))).toBe(true);
    expect(r.stdout).toContain(`Apply it with: npx hoop-etl dedup --apply ${join(runDir, 'plan.json')}`);
    expect(await essence(emu)).toEqual(before);
  }, 60_000);

  it.each([
    ['no mode', (_d: string) => ['dedup', '--location', 'hoopDemoLocation0001'], '--plan'],
    ['two modes', (d: string) => ['dedup', '--apply', join(d, 'p.json'), '--undo', 'x'], '--undo'],
    ['--plan with --apply', (d: string) => ['dedup', '--apply', join(d, 'p.json'), '--plan', join(d, 'q.json')], '--plan'],
    ['a file that is not a plan', (d: string) => ['dedup', '--apply', join(d, 'not-a-plan.json')], 'not a hoop-etl dedup plan'],
    ['an unknown run', (d: string) => ['dedup', '--undo', 'nope', '--report-dir', d], 'no dedup run nope'],
    ['a threshold above 1', (_d: string) => ['dedup', '--location', 'hoopDemoLocation0001', '--plan', 'x.json', '--threshold', '90'], '--threshold'],
  ])('%s: exit 2 with the reason, nothing read or written', async (_name, args, message) => {
    const emu = await seededEmulator();
    const dir = freshDir('usage');
    writeNotAPlan(dir);
    const r = await runCli(args(dir), envFor(emu));
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('\n    at ');
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(0);
  }, 30_000);
});

function writeNotAPlan(dir: string): void {
  writeFileSync(join(dir, 'not-a-plan.json'), JSON.stringify({ kind: 'something else' }));
}

describe('hoop-etl dedup with faults on', () => {
  it('plan, apply and undo through 5xx answers, dropped connections and ambiguous writes end as they do without', async () => {
    const emu = await seededEmulator({ faults: { failRate: 0.06, dropRate: 0.02, ambiguousRate: 0.08, rateLimitRate: 0, seed: 7 } });
    const dir = freshDir('faults');
    const env = envFor(emu);
    const original = await essence(emu);
    const untilDone = async (args: string[]): Promise<Run> => {
      let last: Run | undefined;
      for (let attempt = 0; attempt < 6; attempt++) {
        last = await runCli(args, env, 120_000);
        expect(last.stderr).not.toContain('\n    at ');
        if (last.status !== 1) return last;
        // Stopped after the client's retries: the message names the command that continues.
        expect(last.stderr).toMatch(/continue with dedup --resume|run the same dedup --undo .* again|Unexpected|UNAVAILABLE|unavailable/);
        const resume = /--resume (\S+)/.exec(last.stderr);
        if (resume && args.includes('--apply')) args = ['dedup', '--resume', resume[1]!, '--report-dir', join(dir, 'runs')];
      }
      return last!;
    };
    const planned = await untilDone(planArgs(emu, dir));
    expect(planned.status, planned.stderr).toBe(0);
    expect(readJson(join(dir, 'plan.json')).summary).toMatchObject({ clusters: 4, exactClusters: 3, fuzzyClusters: 1, contactsToRemove: 5 });
    const applied = await untilDone(['dedup', '--apply', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs')]);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    const D_MERGED: Essence = { ...BLANK, id: D1, firstName: 'Dan', lastName: 'Brown', email: 'dan@example.com', phone: '+13125550100', tags: [] };
    const untouched = original.filter((c) => ![A1, A2, B1, B2, B3, C1, C2, D1, D2].includes(c.id));
    expect(await essence(emu)).toEqual(sortBy([...untouched, MERGED_A, MERGED_B, MERGED_C, D_MERGED], (c) => `${c.lastName ?? ''} ${c.firstName ?? ''} ${c.email ?? ''} ${c.id}`));
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.faults.status + stats.faults.drop + stats.faults.ambiguous + stats.faults.rateLimit).toBeGreaterThan(0);

    const undone = await untilDone(['dedup', '--undo', onlyRun(dir), '--report-dir', join(dir, 'runs')]);
    expect(undone.status, undone.stdout + undone.stderr).toBe(0);
    const refused: Record<string, Partial<Essence>> = { [A2]: { email: null }, [B2]: { phone: null }, [B3]: { phone: null }, [D2]: { email: null } };
    expect(withoutIds(await essence(emu))).toEqual(withoutIds(original.map((c) => ({ ...c, ...refused[c.id] }))));
  }, 300_000);
});

describe('hoop-etl dedup --apply: a stop', () => {
  it('the daily budget running out mid-apply exits 1 with the --resume command; resuming after the reset finishes the merge', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('budget');
    const env = envFor(emu);
    expect((await runCli(planArgs(emu, dir), env)).status).toBe(0);
    const used = (await admin(emu, 'GET', '/stats')).requests as number;
    await admin(emu, 'PATCH', '/config', { rateLimit: { dailyLimit: used + 25 } });
    const stopped = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs'), '--concurrency', '1'], env);
    expect(stopped.status, stopped.stdout + stopped.stderr).toBe(1);
    const runId = onlyRun(dir);
    expect(stopped.stderr).toContain(`continue with dedup --resume ${runId}`);
    expect(stopped.stderr).toContain(`To continue: npx hoop-etl dedup --report-dir ${join(dir, 'runs')} --concurrency 1 --resume ${runId}\n`);
    expect(stopped.stderr).toContain('daily request budget');
    expect(readJson(join(dir, 'runs', runId, 'summary.json')).stopped).toContain('daily request budget');
    const half = ((await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).deleted as string[]).length;
    expect(half).toBeLessThan(5);

    await admin(emu, 'PATCH', '/config', { rateLimit: { dailyLimit: 0 } });
    await admin(emu, 'POST', '/daily-reset');
    const resumed = await runCli(['dedup', '--resume', runId, '--report-dir', join(dir, 'runs')], env);
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    const D_MERGED: Essence = { ...BLANK, id: D1, firstName: 'Dan', lastName: 'Brown', email: 'dan@example.com', phone: '+13125550100', tags: [] };
    const after = await essence(emu);
    expect(after.filter((c) => [A1, B1, C1, D1].includes(c.id))).toEqual(sortBy([MERGED_A, MERGED_B, MERGED_C, D_MERGED], (c) => `${c.lastName ?? ''} ${c.firstName ?? ''} ${c.email ?? ''} ${c.id}`));
    expect(after).toHaveLength(10 + SINGLES.length - 5);
  }, 60_000);
});

describe('hoop-etl dedup --location A,B', () => {
  it('reports the people present in both locations, each location read with its own token, and merges nothing', async () => {
    const emu = await seededEmulator();
    const other = 'dupOtherLocation0001';
    await admin(emu, 'POST', '/locations', { id: other });
    const { token } = await admin(emu, 'POST', '/tokens', { locationId: other });
    await admin(emu, 'POST', `/locations/${other}/contacts`, {
      contacts: [
        { id: id('otherAda'), firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', dateAdded: '2024-01-01T00:00:00Z' },
        { id: id('otherAlan'), firstName: 'Alan', lastName: 'Turing', phone: '+441234567890', dateAdded: '2024-01-02T00:00:00Z' },
        { id: id('otherNobody'), firstName: 'Nobody', lastName: 'Else', email: 'nobody@else.example', dateAdded: '2024-01-03T00:00:00Z' },
      ],
    });
    const dir = freshDir('across');
    const before = await essence(emu);
    const r = await runCli(
      ['dedup', '--location', `${emu.locationId},${other}`, '--plan', join(dir, 'people.json'), '--report', join(dir, 'people.html')],
      { ...envFor(emu), [`HOOPAI_TOKEN_${other}`]: token },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Read ${10 + SINGLES.length + 3} contacts in 2 locations: 2 people are in more than one location. Nothing is merged across locations.`);
    const report = readJson(join(dir, 'people.json'));
    expect(report.kind).toBe('hoop-etl dedup across locations');
    const people = report.people.map((p: any) => p.contacts.map((c: any) => `${c.locationId}/${c.contactId}`).sort());
    expect(sortBy(people, (p: string[]) => p.join())).toEqual(
      sortBy(
        [
          [`${emu.locationId}/${A1}`, `${emu.locationId}/${A2}`, `${other}/${id('otherAda')}`].sort(),
          [`${emu.locationId}/${id('dupSingleA')}`, `${other}/${id('otherAlan')}`].sort(),
        ],
        (p) => p.join(),
      ),
    );
    expect(readFileSync(join(dir, 'people.html'), 'utf8').match(/<section class="person"/g)).toHaveLength(2);
    expect(await essence(emu)).toEqual(before);
    // Not a plan: applying it is refused before any request.
    const refused = await runCli(['dedup', '--apply', join(dir, 'people.json')], envFor(emu));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('not a hoop-etl dedup plan');
  }, 60_000);
});

describe('hoop-etl dedup --apply --skip', () => {
  it('leaves out the clusters a reviewer named; resume and undo never touch them', async () => {
    const emu = await seededEmulator();
    const dir = freshDir('skip');
    const env = envFor(emu);
    expect((await runCli(planArgs(emu, dir), env)).status).toBe(0);
    const plan = readJson(join(dir, 'plan.json'));
    const fuzzy = plan.clusters.find((c: any) => c.survivor === C1).id as string;
    const unknown = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--skip', 'c99', '--report-dir', join(dir, 'runs')], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('The plan has no cluster c99');
    const before = await essence(emu);

    const r = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--skip', fuzzy, '--report-dir', join(dir, 'runs')], env);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Applied 3 clusters: 3 merged');
    const after = await essence(emu);
    expect(after.filter((c) => c.id === C1 || c.id === C2)).toEqual(before.filter((c) => c.id === C1 || c.id === C2));
    const runId = onlyRun(dir);
    expect(readJson(join(dir, 'runs', runId, 'plan.json')).clusters.map((c: any) => c.id)).not.toContain(fuzzy);
    expect((await runCli(['dedup', '--undo', runId, '--report-dir', join(dir, 'runs')], env)).status).toBe(0);
    expect((await essence(emu)).filter((c) => c.id === C1 || c.id === C2)).toEqual(before.filter((c) => c.id === C1 || c.id === C2));
  }, 60_000);
});

describe('hoop-etl dedup --plan from search hits alone', () => {
  const D_MERGED: Essence = { ...BLANK, id: D1, firstName: 'Dan', lastName: 'Brown', email: 'dan@example.com', phone: '+13125550100', tags: [] };
  const allMerged = (original: Essence[]): Essence[] =>
    sortBy(
      [...original.filter((c) => ![A1, A2, B1, B2, B3, C1, C2, D1, D2].includes(c.id)), MERGED_A, MERGED_B, MERGED_C, D_MERGED],
      (c) => `${c.lastName ?? ''} ${c.firstName ?? ''} ${c.email ?? ''} ${c.id}`,
    );

  it('hits without dndSettings (GH#43): the plan costs the search page and the custom field names; the survivor still takes a loser-only opt-out, and undo takes it back', async () => {
    const emu = await seededEmulator({ searchHitOmit: ['dndSettings'] });
    const dir = freshDir('search-only');
    const env = envFor(emu);
    const original = await essence(emu);
    expect(original.find((c) => c.id === B3)!.dndSettings).toEqual({ SMS: { status: 'permanent', message: 'STOP' } });
    expect(original.find((c) => c.id === B1)!.dndSettings).toEqual({});

    const planned = await runCli(planArgs(emu, dir), env);
    expect(planned.status, planned.stderr).toBe(0);
    // One page of search (22 contacts) and one GET of the custom field definitions: no read per cluster member.
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.byOperation).toEqual({ 'get-custom-fields': 1, 'search-contacts-advanced': 1 });
    expect(stats.requests).toBe(2);
    const plan = readJson(join(dir, 'plan.json'));
    expect(plan.customFieldNames).toEqual({ [COLOUR]: 'Favourite colour' });
    const b = plan.clusters.find((c: any) => c.survivor === B1);
    // The search did not show B3's opt-out, so the plan cannot: the apply decides from its own read.
    expect(b.contacts.map((c: any) => c.id).sort()).toEqual([B1, B2, B3].sort());
    expect(b.contacts.some((c: any) => 'dndSettings' in c)).toBe(false);
    expect(b.dndCarried).toBeUndefined();
    // The plain flag is in every hit.
    expect(plan.clusters.find((c: any) => c.survivor === C1).dndCarried).toEqual({ dnd: true });
    // Before-images in the GET shape: the street as address1, the names as typed.
    const c = plan.clusters.find((x: any) => x.survivor === C1);
    expect(c.contacts[0]).toMatchObject({ id: C1, firstName: 'Jonathan', lastName: 'Smithers', address1: '12 Elm Street', dateOfBirth: '1980-04-12T00:00:00.000Z' });
    expect(c.contacts[0]).not.toHaveProperty('address');
    expect(c.contacts[0]).not.toHaveProperty('searchAfter');

    const applied = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs')], env);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Applied 4 clusters: 4 merged, 0 skipped as changed since the plan, 0 failed');
    const after = await essence(emu);
    expect(after.find((x) => x.id === B1)!.dndSettings).toEqual({ SMS: { status: 'permanent', message: 'STOP' } });
    expect(after).toEqual(allMerged(original));

    const undone = await runCli(['dedup', '--undo', onlyRun(dir), '--report-dir', join(dir, 'runs')], env);
    expect(undone.status, undone.stdout + undone.stderr).toBe(0);
    const restored = await essence(emu);
    expect(restored.find((x) => x.id === B1)!.dndSettings).toEqual({});
    // B3 comes back with its opt-out, from the apply's own read (the plan never saw it).
    expect(restored.find((x) => x.firstName === 'G' && x.lastName === 'Hopper')!.dndSettings).toEqual({ SMS: { status: 'permanent', message: 'STOP' } });
    const refused: Record<string, Partial<Essence>> = { [A2]: { email: null }, [B2]: { phone: null }, [B3]: { phone: null }, [D2]: { email: null } };
    expect(withoutIds(restored)).toEqual(withoutIds(original.map((x) => ({ ...x, ...refused[x.id] }))));
  }, 90_000);

  it('hits with the names only in lower case (as the docs describe them): the same merge, the names as typed', async () => {
    const emu = await seededEmulator({ searchHitOmit: ['firstNameRaw', 'lastNameRaw', 'dndSettings'] });
    const dir = freshDir('lower-names');
    const env = envFor(emu);
    const original = await essence(emu);
    const planned = await runCli(planArgs(emu, dir), env);
    expect(planned.status, planned.stderr).toBe(0);
    const plan = readJson(join(dir, 'plan.json'));
    expect(plan.summary).toMatchObject({ clusters: 4, exactClusters: 3, fuzzyClusters: 1, contactsToRemove: 5 });
    expect(plan.clusters.find((c: any) => c.survivor === A1).contacts[0]).toMatchObject({ firstName: 'ada', lastName: 'lovelace' });
    const applied = await runCli(['dedup', '--apply', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs')], env);
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(await essence(emu)).toEqual(allMerged(original));
  }, 60_000);
});
