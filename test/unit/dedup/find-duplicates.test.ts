import { describe, expect, it } from 'vitest';
import { findDuplicates, hasPersonEvidence, type DuplicatePair } from '../../../src/dedup/find-duplicates.js';
import { packLevels } from '../../../src/dedup/compare-fields.js';
import type { MatchContact } from '../../../src/dedup/prepare-contact.js';
import { fillerLists } from '../../../src/dedup/filler.js';

const DEFAULT_FILLERS_WITH_INFO = fillerLists({ extend: { email: ['info@acme.com'] } });

const CONTACTS: MatchContact[] = [
  // Exact keys: the email in two casings, then the phone in another format: one person, transitively.
  { id: 'ada-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  { id: 'ada-2', firstName: 'Ada', lastName: 'Lovelace', email: 'ADA@example.com ', phone: '+14155550101' },
  { id: 'ada-3', firstName: 'A.', lastName: 'King', phone: '(415) 555-0101' },
  // Fillers link nobody.
  { id: 'test-1', firstName: 'Test', lastName: 'One', email: 'test@test.com', phone: '0000000000' },
  { id: 'test-2', firstName: 'Sample', lastName: 'Two', email: 'test@test.com', phone: '000-000-0000' },
  // A nickname, an abbreviated street: the same person by score.
  { id: 'bob-1', firstName: 'Bob', lastName: 'Smith', address1: '12 Main St', city: 'Boston', state: 'MA', postalCode: '02134', dateOfBirth: '1970-03-04' },
  { id: 'bob-2', firstName: 'Robert', lastName: 'Smith', address1: '12 Main Street', city: 'Boston', state: 'MA', postalCode: '02134', dateOfBirth: '1970-03-04' },
  // Same household, another person: nothing of her own agrees.
  { id: 'jane', firstName: 'Jane', lastName: 'Smith', address1: '12 Main St', city: 'Boston', state: 'MA', postalCode: '02134' },
  // Swapped first and last names, a typo in the street, day and month of birth swapped.
  { id: 'vic-1', firstName: 'Victoria', lastName: 'White', address1: '63 Fihelly Street', city: 'Greenacre', postalCode: '6215', dateOfBirth: '1953-06-05' },
  { id: 'vic-2', firstName: 'White', lastName: 'Victoria', address1: '63 Fihely Street', city: 'Greenacre', postalCode: '6215', dateOfBirth: '1953-05-06' },
  // The same name in another city, another phone: not the same person on that evidence.
  { id: 'john-1', firstName: 'John', lastName: 'Brown', phone: '+12065550199', city: 'Seattle', state: 'WA', postalCode: '98101' },
  { id: 'john-2', firstName: 'John', lastName: 'Brown', phone: '+16175550123', city: 'Boston', state: 'MA', postalCode: '02134' },
  // Strangers, for the model's non-matches.
  { id: 'grace', firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.mil', city: 'Arlington', state: 'VA', postalCode: '22201', dateOfBirth: '1906-12-09' },
  { id: 'alan', firstName: 'Alan', lastName: 'Turing', email: 'alan@bletchley.uk', city: 'Wilmslow', postalCode: 'SK9', dateOfBirth: '1912-06-23' },
  { id: 'katherine', firstName: 'Katherine', lastName: 'Johnson', phone: '+17575550100', city: 'Hampton', state: 'VA', postalCode: '23666' },
  { id: 'edsger', firstName: 'Edsger', lastName: 'Dijkstra', email: 'ewd@utexas.edu', city: 'Austin', state: 'TX', postalCode: '78712', dateOfBirth: '1930-05-11' },
];

const byIds = (pairs: readonly DuplicatePair[]) => Object.fromEntries(pairs.map((p) => [`${p.a}+${p.b}`, p]));

describe('findDuplicates', () => {
  const result = findDuplicates(CONTACTS);

  it('finds exactly the duplicate clusters, in input order', () => {
    expect(result.clusters.map((c) => c.ids)).toEqual([
      ['ada-1', 'ada-2', 'ada-3'],
      ['bob-1', 'bob-2'],
      ['vic-1', 'vic-2'],
    ]);
    expect(result.stats).toMatchObject({ contacts: CONTACTS.length, clusters: 3, contactsInClusters: 7, largestCluster: 3 });
  });

  it('links exact keys transitively and says which key', () => {
    const pairs = byIds(result.clusters[0]!.pairs);
    expect(Object.keys(pairs).sort()).toEqual(['ada-1+ada-2', 'ada-2+ada-3']);
    expect(pairs['ada-1+ada-2']!.linkedBy).toContain('email');
    expect(pairs['ada-2+ada-3']!.linkedBy).toContain('phone');
    expect(pairs['ada-2+ada-3']!.fields.find((f) => f.field === 'phone')).toMatchObject({ level: 'exact', outcome: 'agreed' });
  });

  it('explains a scored pair field by field, weights adding up to the pair weight', () => {
    const pair = result.clusters[1]!.pairs[0]!;
    expect(pair).toMatchObject({ a: 'bob-1', b: 'bob-2', linkedBy: ['score'], swappedNames: false });
    expect(pair.probability).toBeGreaterThanOrEqual(0.9);
    const fields = Object.fromEntries(pair.fields.map((f) => [f.field, [f.level, f.outcome]]));
    expect(fields).toEqual({
      firstName: ['nickname', 'partial'],
      lastName: ['exact', 'agreed'],
      email: ['missing', 'missing'],
      phone: ['missing', 'missing'],
      address1: ['exact', 'agreed'],
      city: ['exactSamePostalCode', 'agreed'],
      state: ['exactSamePostalCode', 'agreed'],
      postalCode: ['exact', 'agreed'],
      dateOfBirth: ['exact', 'agreed'],
    });
    for (const f of pair.fields) {
      if (f.outcome === 'missing') expect(f.weight).toBe(0);
      if (f.outcome === 'agreed' && f.field !== 'city' && f.field !== 'state') expect(f.weight).toBeGreaterThan(0);
    }
    const sum = result.model.priorWeight + pair.fields.reduce((s, f) => s + f.weight, 0);
    expect(pair.weight).toBeCloseTo(sum, 1);
  });

  it('matches swapped names and a swapped day and month', () => {
    const pair = result.clusters[2]!.pairs[0]!;
    expect(pair.swappedNames).toBe(true);
    expect(pair.fields.find((f) => f.field === 'dateOfBirth')!.level).toBe('swappedDayMonth');
    expect(pair.fields.find((f) => f.field === 'address1')!.level).toBe('close');
  });

  it('does not link a household member on surname and address alone, unless told to', () => {
    const loose = findDuplicates(CONTACTS, { requirePersonEvidence: false, threshold: 0.5 });
    expect(loose.clusters.find((c) => c.ids.includes('bob-1'))!.ids).toContain('jane');
  });

  it('ignores fillers, and takes configured ones', () => {
    expect(result.clusters.flatMap((c) => c.ids)).not.toContain('test-1');
    const shared = [
      { id: 'x', firstName: 'Xavier', email: 'info@acme.com' },
      { id: 'y', firstName: 'Yolanda', email: 'info@acme.com' },
    ];
    expect(findDuplicates(shared).clusters.map((c) => c.ids)).toEqual([['x', 'y']]);
    expect(findDuplicates(shared, { fillers: { ...DEFAULT_FILLERS_WITH_INFO } }).clusters).toEqual([]);
  });

  it('links on the keys asked for only', () => {
    const ids = findDuplicates(CONTACTS, { exactKeys: ['email'] }).clusters.map((c) => c.ids);
    expect(ids[0]).toEqual(['ada-1', 'ada-2']);
    expect(ids.flat()).not.toContain('ada-3');
  });

  it('scores with a given model, and a threshold of 1 links by exact keys only', () => {
    const again = findDuplicates(CONTACTS, { model: result.model });
    expect(again.clusters).toEqual(result.clusters);
    const strict = findDuplicates(CONTACTS, { model: result.model, threshold: 1 });
    expect(strict.clusters.map((c) => c.ids)).toEqual([['ada-1', 'ada-2', 'ada-3']]);
  });

  it('gives the same result whatever the input order (up to order)', () => {
    const reversed = findDuplicates([...CONTACTS].reverse());
    const norm = (r: typeof result) => r.clusters.map((c) => [...c.ids].sort().join(',')).sort();
    expect(norm(reversed)).toEqual(norm(result));
  });

  it('handles no contacts and one contact', () => {
    expect(findDuplicates([]).clusters).toEqual([]);
    expect(findDuplicates([CONTACTS[0]!]).clusters).toEqual([]);
  });

  it.each([0, -0.1, 1.5, Number.NaN])('rejects threshold %d', (threshold) => {
    expect(() => findDuplicates(CONTACTS, { threshold })).toThrow(`Expected \`threshold\` to be a number in (0, 1], got \`${threshold}\` (number)`);
  });
});

describe('hasPersonEvidence', () => {
  it.each([
    [{ firstName: 1 }, true],
    [{ firstName: 2 }, true],
    [{ firstName: 3 }, true],
    [{ firstName: 4, lastName: 1, address1: 1 }, false],
    [{ dateOfBirth: 2 }, true],
    [{ dateOfBirth: 4 }, false],
    [{ email: 2 }, true],
    [{ phone: 1 }, true],
    [{ phone: 3, lastName: 1 }, false],
  ])('%j -> %s', (levels, yes) => {
    expect(hasPersonEvidence(packLevels(levels))).toBe(yes);
  });
});
