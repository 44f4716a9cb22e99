import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDecisions, planFingerprint, readDecisionsFile, selectClusters, verdictOf, type DedupDecisions } from '../../../src/dedup/decisions.js';
import { findDuplicates, type DuplicateCluster, type FindDuplicatesStats } from '../../../src/dedup/find-duplicates.js';
import { buildMergePlan, type MergePlan } from '../../../src/dedup/merge-plan.js';
import type { SurvivorContact } from '../../../src/dedup/survivor.js';

/** The reviewer's decisions: the rule of which clusters an apply carries out, and the file's binding to one plan. */

describe('verdictOf: what an apply does with a cluster', () => {
  it.each([
    // kind, decision, --skip, verdict
    ['exact', undefined, false, 'apply'],
    ['exact', 'approve', false, 'apply'],
    ['exact', 'reject', false, 'rejected'],
    ['exact', undefined, true, 'skipped'],
    ['fuzzy', undefined, false, 'apply'],
    ['fuzzy', 'approve', false, 'apply'],
    ['fuzzy', 'reject', false, 'rejected'],
    ['fuzzy', 'approve', true, 'skipped'],
    ['review', undefined, false, 'awaitingReview'],
    ['review', 'approve', false, 'apply'],
    ['review', 'reject', false, 'rejected'],
    ['review', 'approve', true, 'skipped'],
    ['review', undefined, true, 'skipped'],
  ] as const)('%s cluster, decision %s, skipped %s: %s', (kind, decision, skipped, verdict) => {
    expect(verdictOf(kind, decision, skipped)).toBe(verdict);
  });
});

// ---- a plan of four clusters built the way plan-run builds one: c1 exact, c2 fuzzy, c3 review, c4 exact

/** The statistics of a scan are not what these tests are about: those of an empty one. */
const STATS: FindDuplicatesStats = findDuplicates([]).stats;

function contact(id: string, firstName: string, added: string): SurvivorContact {
  return { id, firstName, lastName: 'Lopez', dateAdded: added, dateUpdated: added };
}

function cluster(a: string, b: string, by: 'email' | 'phone' | 'score', review: string[] = []): DuplicateCluster {
  return { ids: [a, b], pairs: [{ a, b, linkedBy: [by], weight: 12, probability: 0.999, swappedNames: false, fields: [] }], review };
}

function makePlan(createdAt = '2026-11-28T00:00:00.000Z', survivorOfC1 = 'a1'): MergePlan {
  const contacts = [
    contact('a1', 'Ada', survivorOfC1 === 'a1' ? '2020-01-01T00:00:00Z' : '2022-01-01T00:00:00Z'),
    contact('a2', 'Ada', '2021-01-01T00:00:00Z'),
    contact('f1', 'Jon', '2020-01-01T00:00:00Z'),
    contact('f2', 'Jonathan', '2021-01-01T00:00:00Z'),
    contact('r1', 'Maria', '2020-01-01T00:00:00Z'),
    contact('r2', 'Carlos', '2021-01-01T00:00:00Z'),
    contact('e1', 'Eve', '2020-01-01T00:00:00Z'),
    contact('e2', 'Eve', '2021-01-01T00:00:00Z'),
  ];
  return buildMergePlan({
    location: 'loc1',
    createdAt,
    settings: { threshold: 0.9, survivor: 'oldest', fieldRule: 'fillBlanks', fieldRules: {}, emailProviderRules: false },
    clusters: [cluster('a1', 'a2', 'email'), cluster('f1', 'f2', 'score'), cluster('r1', 'r2', 'phone', ['a shared phone; first names differ']), cluster('e1', 'e2', 'phone')],
    stats: STATS,
    contacts: new Map(contacts.map((c) => [c.id, c])),
  });
}

function decisionsFor(plan: MergePlan, decisions: DedupDecisions['decisions']): DedupDecisions {
  return { kind: 'hoop-etl dedup decisions', version: 1, location: plan.location, planCreatedAt: plan.createdAt, planHash: planFingerprint(plan), decisions };
}

describe('selectClusters', () => {
  const plan = makePlan();

  it('builds the plan this table expects', () => {
    expect(plan.clusters.map((c) => [c.id, c.kind])).toEqual([
      ['c1', 'exact'],
      ['c2', 'fuzzy'],
      ['c3', 'review'],
      ['c4', 'exact'],
    ]);
  });

  it.each([
    ['no decisions, no skip: the review cluster waits', undefined, undefined, ['c1', 'c2', 'c4'], [], [], ['c3']],
    ['the review cluster approved, the fuzzy one rejected', { c3: 'approve', c2: 'reject' }, undefined, ['c1', 'c3', 'c4'], [], ['c2'], []],
    ['the review cluster rejected', { c3: 'reject' }, undefined, ['c1', 'c2', 'c4'], [], ['c3'], []],
    ['approvals of exact and fuzzy clusters change nothing', { c1: 'approve', c2: 'approve', c4: 'approve' }, undefined, ['c1', 'c2', 'c4'], [], [], ['c3']],
    ['--skip without decisions', undefined, ['c4'], ['c1', 'c2'], ['c4'], [], ['c3']],
    ['--skip wins over an approval', { c3: 'approve' }, ['c3'], ['c1', 'c2', 'c4'], ['c3'], [], []],
    ['--skip and a rejection together', { c1: 'reject' }, ['c2'], ['c4'], ['c2'], ['c1'], ['c3']],
    ['everything rejected', { c1: 'reject', c2: 'reject', c3: 'reject', c4: 'reject' }, undefined, [], [], ['c1', 'c2', 'c3', 'c4'], []],
  ] as const)('%s', (_name, decisions, skip, apply, skipped, rejected, awaitingReview) => {
    const got = selectClusters(plan, { decisions: decisions && decisionsFor(plan, decisions), skip });
    expect({ apply: got.apply.map((c) => c.id), skipped: got.skipped, rejected: got.rejected, awaitingReview: got.awaitingReview }).toEqual({ apply, skipped, rejected, awaitingReview });
  });

  it('refuses a --skip of a cluster the plan does not have, naming the flag', () => {
    expect(() => selectClusters(plan, { skip: ['c2', 'c99'] })).toThrow('The plan has no cluster c99 (its clusters are c1 to c4) (at --skip)');
  });

  it('reads only own keys of the decisions (a "constructor" cluster id is no decision)', () => {
    const got = selectClusters(plan, { decisions: { ...decisionsFor(plan, {}), decisions: Object.create({ c3: 'approve' }) } });
    expect(got.awaitingReview).toEqual(['c3']);
  });
});

describe('planFingerprint', () => {
  it('is the same for the same plan and changes with its time, its location or any cluster survivor', () => {
    const base = planFingerprint(makePlan());
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planFingerprint(JSON.parse(JSON.stringify(makePlan())))).toBe(base);
    expect(planFingerprint(makePlan('2026-11-29T00:00:00.000Z'))).not.toBe(base);
    expect(planFingerprint({ ...makePlan(), location: 'loc2' })).not.toBe(base);
    const otherSurvivor = makePlan(undefined, 'a2');
    expect(otherSurvivor.clusters[0]!.survivor).toBe('a2');
    expect(planFingerprint({ ...otherSurvivor, createdAt: makePlan().createdAt })).not.toBe(base);
  });
});

describe('checkDecisions', () => {
  const plan = makePlan();
  const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(decisionsFor(plan, { c2: 'reject', c3: 'approve' })));

  it('accepts a file saved from this plan', () => {
    expect(checkDecisions(good(), plan)).toEqual(good());
  });

  it.each([
    ['not an object', () => [1, 2], 'not a hoop-etl dedup decisions file: expected a JSON object'],
    ['a plan instead', () => ({ kind: 'hoop-etl dedup plan' }), 'not a hoop-etl dedup decisions file: "kind" is "hoop-etl dedup plan"'],
    ['a newer version', () => ({ ...good(), version: 2 }), 'decisions version 2 is not supported'],
    ['another location', () => ({ ...good(), location: 'loc2' }), 'the decisions are for location "loc2", but the plan is for loc1'],
    ['another plan of the same location', () => ({ ...good(), planCreatedAt: '2026-11-27T00:00:00.000Z', planHash: planFingerprint(makePlan('2026-11-27T00:00:00.000Z')) }), 'saved from the review page of another plan (planned "2026-11-27T00:00:00.000Z"; this plan was made 2026-11-28T00:00:00.000Z)'],
    ['a plan with the same time but other clusters', () => ({ ...good(), planHash: planFingerprint(makePlan(undefined, 'a2')) }), 'but its clusters differ'],
    ['no hash', () => ({ ...good(), planHash: undefined }), 'another plan'],
    ['decisions not an object', () => ({ ...good(), decisions: ['c1'] }), '"decisions" must be an object'],
    ['an unknown cluster', () => ({ ...good(), decisions: { c9: 'approve' } }), 'names cluster "c9", which the plan does not have (its clusters are c1 to c4)'],
    ['an unknown decision', () => ({ ...good(), decisions: { c3: 'maybe' } }), '"decisions.c3" is "maybe", expected "approve" or "reject"'],
  ])('refuses %s', (_name, make, message) => {
    expect(() => checkDecisions(make(), plan)).toThrow(message);
  });

  it('tells what to do about another plan: decide again on this plan`s page', () => {
    expect(() => checkDecisions({ ...good(), planHash: 'sha256:0' }, plan)).toThrow('open the review page of this plan (--plan ... --report), decide there and save again');
  });
});

describe('readDecisionsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoop-decisions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plan = makePlan();

  it('reads a good file', () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(decisionsFor(plan, { c3: 'approve' })));
    expect(readDecisionsFile(file, plan).decisions).toEqual({ c3: 'approve' });
  });

  it.each([
    ['a missing file', null, 'Cannot read the decisions'],
    ['a file that is not JSON', '{"kind": ', 'is not JSON'],
    ['a decisions file of another plan', JSON.stringify({ ...decisionsFor(plan, {}), planHash: 'sha256:00' }), 'saved from the review page of another plan'],
  ])('%s is a configuration error at --decisions (exit 2)', (name, text, message) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
    if (text !== null) writeFileSync(file, text);
    let error: unknown;
    try {
      readDecisionsFile(file, plan);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG', exitCode: 2, path: '--decisions' });
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toContain('(at --decisions)');
  });
});
