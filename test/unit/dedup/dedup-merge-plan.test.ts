import { describe, expect, it } from 'vitest';
import type { DuplicatePair } from '../../../src/dedup/find-duplicates.js';
import { findDuplicates } from '../../../src/dedup/find-duplicates.js';
import { buildMergePlan, checkPlan, clusterKind, matchContactOfHit, type PlanSettings } from '../../../src/dedup/merge-plan.js';
import type { SurvivorContact } from '../../../src/dedup/survivor.js';

/** The merge plan (pure): clusters and contacts in, survivors, changes and tag deltas out (its review page: plan-report.test.ts). */

const pair = (a: string, b: string, ...linkedBy: Array<'email' | 'phone' | 'score'>): DuplicatePair => ({ a, b, linkedBy, weight: 10, probability: 0.999, swappedNames: false, fields: [] });

describe('clusterKind', () => {
  it.each([
    ['one email link', ['a', 'b'], [pair('a', 'b', 'email')], 'exact'],
    ['exact links through a third contact', ['a', 'b', 'c'], [pair('a', 'b', 'phone'), pair('a', 'c', 'email')], 'exact'],
    ['a score link the exact links also cover', ['a', 'b', 'c'], [pair('a', 'b', 'phone'), pair('a', 'c', 'phone'), pair('b', 'c', 'score')], 'exact'],
    ['a member joined by score alone', ['a', 'b', 'c'], [pair('a', 'b', 'phone'), pair('b', 'c', 'score')], 'fuzzy'],
    ['score only', ['a', 'b'], [pair('a', 'b', 'score')], 'fuzzy'],
  ] as const)('%s: %s', (_name, ids, pairs, expected) => {
    expect(clusterKind(ids, pairs)).toBe(expected);
  });
});

describe('matchContactOfHit', () => {
  it('reads the street from `address` and the names from their raw or lower-case copies', () => {
    expect(matchContactOfHit({ id: 'x', address: '1 Main St', firstNameRaw: 'Ada', lastNameLowerCase: 'lovelace', email: '', city: 'London', dateUpdated: '2020-01-01' })).toEqual({
      id: 'x',
      firstName: 'Ada',
      lastName: 'lovelace',
      email: undefined,
      phone: undefined,
      address1: '1 Main St',
      city: 'London',
      state: undefined,
      postalCode: undefined,
      dateOfBirth: undefined,
      dateAdded: undefined,
      dateUpdated: '2020-01-01',
    });
  });
});

const SETTINGS: PlanSettings = { threshold: 0.9, survivor: 'oldest', fieldRule: 'fillBlanks', fieldRules: {}, emailProviderRules: false };

function contacts(): SurvivorContact[] {
  return [
    { id: 'old', firstName: 'Ada', email: 'ada@example.com', tags: ['vip'], dateAdded: '2020-01-01T00:00:00Z', dateUpdated: '2020-01-01T00:00:00Z' },
    { id: 'new', firstName: 'Ada', email: 'ada@example.com', city: 'London', tags: ['VIP', 'newsletter'], dateAdded: '2021-01-01T00:00:00Z', dateUpdated: '2021-01-01T00:00:00Z' },
    { id: 'solo', firstName: 'Bob', email: 'bob@example.com', tags: [], dateAdded: '2019-01-01T00:00:00Z' },
  ];
}

function plan(list = contacts(), gone: string[] = []) {
  const found = findDuplicates(list.map((c) => ({ id: c.id, firstName: c.firstName as string, email: c.email as string })));
  return buildMergePlan({
    location: 'loc1',
    createdAt: '2026-11-28T00:00:00.000Z',
    settings: SETTINGS,
    clusters: found.clusters,
    stats: found.stats,
    contacts: new Map(list.filter((c) => !gone.includes(c.id)).map((c) => [c.id, c])),
  });
}

describe('buildMergePlan', () => {
  it('plans each cluster: survivor by the rule, before-images survivor first, changes and the tag delta', () => {
    const p = plan();
    expect(p.summary).toEqual({ contacts: 3, clusters: 1, contactsInClusters: 2, contactsToRemove: 1, contactsInReview: 0, exactClusters: 1, fuzzyClusters: 0, reviewClusters: 0, largestCluster: 2 });
    expect(p.clusters).toHaveLength(1);
    const c = p.clusters[0]!;
    expect({ id: c.id, kind: c.kind, survivor: c.survivor, losers: c.losers, order: c.contacts.map((x) => x.id) }).toEqual({ id: 'c1', kind: 'exact', survivor: 'old', losers: ['new'], order: ['old', 'new'] });
    expect(c.changes).toEqual([{ field: 'city', before: null, after: 'London', from: 'new', why: 'fillBlanks, the address as one' }]);
    expect(c.tags).toEqual(['vip', 'newsletter']);
    expect(c.tagsToAdd).toEqual(['newsletter']);
    expect(checkPlan(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('drops a member deleted between the scan and the read, and the cluster when one is left', () => {
    expect(plan(contacts(), ['new']).clusters).toEqual([]);
  });
});

describe('checkPlan', () => {
  const good = () => JSON.parse(JSON.stringify(plan()));
  it.each([
    ['another file', () => ({ hello: 1 }), '"kind" is undefined'],
    ['a newer version', () => ({ ...good(), version: 3 }), 'version 3 is not supported'],
    ['a plan of an earlier hoop-etl', () => ({ ...good(), version: 1 }), 'plan again'],
    ['a contact in two clusters', () => ({ ...good(), clusters: [good().clusters[0], good().clusters[0]] }), 'contact old is in two clusters'],
    ['a loser without its before-image', () => ({ ...good(), clusters: [{ ...good().clusters[0], contacts: [good().clusters[0].contacts[0]] }] }), 'has no before-image of new'],
  ])('refuses %s', (_name, make, message) => {
    expect(() => checkPlan(make())).toThrow(message);
  });
});

describe('a plan with a cluster to review', () => {
  // A landline two relatives share: a review cluster. Ada entered twice: an automatic one.
  const list: SurvivorContact[] = [
    { id: 'ada-1', firstName: 'Ada', lastName: 'Byron', email: 'ada@example.com', dateAdded: '2020-01-01T00:00:00Z' },
    { id: 'ada-2', firstName: 'Ada', lastName: 'Byron', email: 'ada@example.com', dateAdded: '2021-01-01T00:00:00Z' },
    { id: 'maria', firstName: 'Maria', lastName: 'Lopez', phone: '+15125550100', dateAdded: '2020-01-01T00:00:00Z' },
    { id: 'carlos', firstName: 'Carlos', lastName: 'Lopez', phone: '+15125550100', dateAdded: '2021-01-01T00:00:00Z' },
  ];
  const found = findDuplicates(list.map((c) => ({ id: c.id, firstName: c.firstName as string, lastName: c.lastName as string, email: c.email as string, phone: c.phone as string })));
  const p = buildMergePlan({ location: 'loc1', createdAt: '2026-11-28T00:00:00.000Z', settings: SETTINGS, clusters: found.clusters, stats: found.stats, contacts: new Map(list.map((c) => [c.id, c])) });

  it('marks it review with its reasons, and counts its losers apart from those an apply removes', () => {
    expect(p.clusters.map((c) => [c.kind, c.ids])).toEqual([
      ['exact', ['ada-1', 'ada-2']],
      ['review', ['maria', 'carlos']],
    ]);
    expect(p.clusters[1]!.review).toEqual(['Maria Lopez (maria) shares the phone with Carlos Lopez (carlos), but first names disagree']);
    expect(p.summary).toMatchObject({ clusters: 2, exactClusters: 1, reviewClusters: 1, contactsToRemove: 1, contactsInReview: 1 });
    expect(p.clusters.every((c) => c.confidence > 0 && c.confidence <= 1)).toBe(true);
  });

  it('says which model parameters were the defaults, and why', () => {
    expect(p.matching.estimation.matchShare).toBe('default');
    expect(p.matching.estimation.fallback).toMatch(/compared pairs/);
  });
});
