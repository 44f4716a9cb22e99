import { describe, expect, it } from 'vitest';
import { findDuplicates, hasPersonEvidence, type DuplicatePair } from '../../../src/dedup/find-duplicates.js';
import { packLevels } from '../../../src/dedup/compare-fields.js';
import type { MatchContact } from '../../../src/dedup/prepare-contact.js';
import { fillerLists } from '../../../src/dedup/filler.js';

const DEFAULT_FILLERS_WITH_INFO = fillerLists({ extend: { email: ['info@acme.com'] } });

const CONTACTS: MatchContact[] = [
  // Exact keys: the email in two casings, then the phone in other formats: one person, transitively; `A. King` on
  // the same phone is someone else (an initial and another surname), noted, not merged.
  { id: 'ada-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  { id: 'ada-2', firstName: 'Ada', lastName: 'Lovelace', email: 'ADA@example.com ', phone: '+14155550101' },
  { id: 'ada-3', firstName: 'A.', lastName: 'King', phone: '(415) 555-0101' },
  { id: 'ada-4', firstName: 'ADA', lastName: 'Lovelace', phone: '415.555.0101' },
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
      ['ada-1', 'ada-2', 'ada-4'],
      ['bob-1', 'bob-2'],
      ['vic-1', 'vic-2'],
    ]);
    expect(result.stats).toMatchObject({ contacts: CONTACTS.length, clusters: 3, contactsInClusters: 7, largestCluster: 3, reviewClusters: 0 });
  });

  it('keeps a contact that shares a phone under another name out, and notes it on the cluster', () => {
    // `A. King` shares Ada Lovelace's phone: an initial and another surname are no evidence of one person.
    expect(result.clusters[0]!.notes).toEqual(['ADA Lovelace (ada-4) shares the phone with A. King (ada-3), but last names disagree: not merged here; review it once this cluster is merged']);
    expect(result.clusters.flatMap((c) => c.ids)).not.toContain('ada-3');
    expect(result.clusters.map((c) => c.review)).toEqual([[], [], []]);
    expect(result.clusters[1]!.notes).toEqual([]);
  });

  it('links exact keys transitively and says which key', () => {
    const pairs = byIds(result.clusters[0]!.pairs);
    expect(Object.keys(pairs).sort()).toEqual(['ada-1+ada-2', 'ada-2+ada-4']);
    expect(pairs['ada-1+ada-2']!.linkedBy).toContain('email');
    expect(pairs['ada-2+ada-4']!.linkedBy).toContain('phone');
    expect(pairs['ada-2+ada-4']!.fields.find((f) => f.field === 'phone')).toMatchObject({ level: 'exact', outcome: 'agreed' });
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
    // Different first names on one mailbox: listed for review, never merged on its own.
    expect(findDuplicates(shared).clusters.map((c) => [c.ids, c.review.length])).toEqual([[['x', 'y'], 1]]);
    expect(findDuplicates(shared, { fillers: { ...DEFAULT_FILLERS_WITH_INFO } }).clusters).toEqual([]);
  });

  it('links on the keys asked for only', () => {
    const found = findDuplicates(CONTACTS, { exactKeys: ['email'] });
    expect(found.clusters[0]!.ids).toContain('ada-1');
    expect(found.clusters.flatMap((c) => c.ids)).not.toContain('ada-3');
    expect(found.clusters.flatMap((c) => c.pairs).flatMap((p) => p.linkedBy)).not.toContain('phone');
  });

  it('scores with a given model, and a threshold of 1 links by exact keys only', () => {
    const again = findDuplicates(CONTACTS, { model: result.model });
    expect(again.clusters).toEqual(result.clusters);
    const strict = findDuplicates(CONTACTS, { model: result.model, threshold: 1 });
    expect(strict.clusters.map((c) => c.ids)).toEqual([['ada-1', 'ada-2', 'ada-4']]);
  });

  it('gives the same result whatever the input order (up to order)', () => {
    const reversed = findDuplicates([...CONTACTS].reverse());
    const norm = (r: typeof result) => r.clusters.map((c) => [...c.ids].sort().join(',')).sort();
    expect(norm(reversed)).toEqual(norm(result));
  });

  it('gives the same clusters, reasons and weights whatever the ids and the order', () => {
    // Every other contact first, then the rest backwards; ids renamed: only the content is the same.
    const shuffled = [...CONTACTS.filter((_, i) => i % 2 === 1), ...CONTACTS.filter((_, i) => i % 2 === 0).reverse()];
    const renamed = shuffled.map((c, i) => ({ ...c, id: `z${String(97 - i).padStart(2, '0')}-${c.id}` }));
    const other = findDuplicates(renamed);
    const strip = (id: string): string => id.replace(/^z\d\d-/, '');
    const norm = (r: typeof result) =>
      r.clusters
        .map((c) => ({
          ids: c.ids.map(strip).sort(),
          review: c.review.length,
          pairs: c.pairs.map((p) => [[strip(p.a), strip(p.b)].sort().join('+'), p.weight, p.linkedBy.join()]).sort(),
        }))
        .sort((x, y) => (x.ids[0]! < y.ids[0]! ? -1 : 1));
    expect(norm(other)).toEqual(norm(result));
    expect(other.model).toEqual(result.model);
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

describe('findDuplicates on offices and families', () => {
  const office = (id: string, first: string, last: string, phone: string, extra: Partial<MatchContact> = {}): MatchContact => ({
    id,
    firstName: first,
    lastName: last,
    email: `${first.toLowerCase()}.${last.toLowerCase()}@moorelogistics.example`,
    phone,
    address1: '128 Market Street',
    city: 'Denver',
    state: 'CO',
    postalCode: '80251',
    ...extra,
  });
  const home = { address1: '113 Elm Street', city: 'Atlanta', state: 'GA', postalCode: '30396' };
  const LOCATION: MatchContact[] = [
    // An office: one company, address, domain and a block of adjacent numbers.
    office('irene', 'Irene', 'Harris', '+13035554850', { dateOfBirth: '1997-12-04' }),
    office('wendy-1', 'Wendy', 'Evans', '+13035554851'),
    office('wendy-2', 'Wendy', 'Eavns', '+13035554851', { email: 'wendy.evans@moorelogistics.example' }),
    office('yara', 'Yara', 'Moore', '+13035554852', { dateOfBirth: '1992-03-24' }),
    office('nathan-l', 'Nathan', 'Lee', '+13035554853'),
    office('nathan-f', 'Nathan', 'Foster', '+13035554854'),
    // A family: one surname and home; two children whose birthdays are one digit apart; a landline on the parents.
    { id: 'alice', firstName: 'Alice', lastName: 'Davis', email: 'alice13@mail2.example', phone: '+14045552288', dateOfBirth: '1981-08-24', ...home },
    { id: 'brian', firstName: 'Brian', lastName: 'Davis', email: 'brian83@mail3.example', phone: '+14045552288', dateOfBirth: '1991-10-09', ...home },
    { id: 'hector', firstName: 'Hector', lastName: 'Davis', email: 'hector83@mail2.example', phone: '+14045552287', dateOfBirth: '1971-10-09', ...home },
    { id: 'bob-1', firstName: 'Bob', lastName: 'Davis', phone: '+14045552289', ...home },
    { id: 'bob-2', firstName: 'ROBERT', lastName: 'DAVIS', phone: '(404) 555-2289', address1: '113 Elm St', city: 'Atlanta', state: 'GA', postalCode: '30396' },
    // A couple: Paul and Paula, one letter apart, one home and one landline.
    { id: 'paul', firstName: 'Paul', lastName: 'Meyer', phone: '+14045559100', address1: '9 Oak Lane', city: 'Atlanta', state: 'GA', postalCode: '30301' },
    { id: 'paula', firstName: 'Paula', lastName: 'Meyer', phone: '+14045559100', address1: '9 Oak Lane', city: 'Atlanta', state: 'GA', postalCode: '30301' },
    // Namesakes in another city.
    { id: 'samuel-sea', firstName: 'Samuel', lastName: 'Owens', email: 'samuel61@mail2.example', phone: '+12065293471', address1: '52 Park Avenue', city: 'Seattle', state: 'WA', postalCode: '98129', dateOfBirth: '1952-04-15' },
    { id: 'samuel-aus', firstName: 'Samuel', lastName: 'Owens', email: 'samuel.owens@walkerlogistics.example', phone: '+15125556245', address1: '530 Oak Avenue', city: 'Austin', state: 'TX', postalCode: '78701', dateOfBirth: '1972-03-08' },
  ];
  const result = findDuplicates(LOCATION);
  const auto = result.clusters.filter((c) => c.review.length === 0).map((c) => c.ids);
  const review = result.clusters.filter((c) => c.review.length > 0);

  it('merges only the same person: a typo in a coworker, a nickname in a family', () => {
    expect(auto).toEqual([
      ['wendy-1', 'wendy-2'],
      ['bob-1', 'bob-2'],
    ]);
  });

  it('puts the landline two relatives share up for review, saying why', () => {
    expect(review.map((c) => c.ids)).toEqual([
      ['alice', 'brian'],
      ['paul', 'paula'],
    ]);
    expect(review[0]!.review).toEqual(['Brian Davis (brian) shares the phone with Alice Davis (alice), but first names disagree']);
    expect(review[0]!.pairs).toMatchObject([{ a: 'alice', b: 'brian', linkedBy: ['phone'], review: review[0]!.review[0] }]);
  });

  it('says the parameters of so small a location are the defaults where it cannot tell', () => {
    expect(result.stats.estimation.matchShare).toBe('default');
    expect(result.stats.estimation.fallback).toMatch(/compared pairs/);
  });
});
