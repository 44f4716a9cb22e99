import { beforeAll, describe, expect, it } from 'vitest';
import { findDuplicates, type DuplicateCluster, type FindDuplicatesResult } from '../../../src/dedup/find-duplicates.js';
import { generateCrmPeople, nameLetters, Rng, type CrmContact, type CrmPeople } from '../../helpers/crm-people.js';

/**
 * The matcher against CRM-shaped people it was not tuned on (`test/helpers/crm-people.ts`: offices, families,
 * couples, namesakes, people with only a name and a phone, about 30% entered twice or more), scored as the dedup data
 * README scores: pairwise over clusters. A cluster with review reasons is not merged without a person, so precision
 * and recall are those of the automatic clusters; review clusters are counted apart.
 */

const SEEDS = [1, 2, 3];
const PEOPLE = 500;
const MIN_RECALL = 0.85;

interface Scored {
  readonly data: CrmPeople;
  readonly result: FindDuplicatesResult;
  readonly ms: number;
  readonly truePairs: number;
  readonly autoClusters: number;
  readonly autoPairs: number;
  readonly autoTruePairs: number;
  readonly reviewClusters: number;
  readonly reviewTruePairs: number;
  readonly reviewFalsePairs: number;
  /** Pairs of two different people in one automatic cluster, with the cluster. */
  readonly falsePairs: ReadonlyArray<{ a: string; b: string; cluster: DuplicateCluster }>;
  readonly precision: number;
  readonly recall: number;
}

const pairsOf = (ids: readonly string[]): Array<[string, string]> => ids.flatMap((a, i) => ids.slice(i + 1).map((b) => [a, b] as [string, string]));

function score(data: CrmPeople): Scored {
  const started = performance.now();
  const result = findDuplicates(data.contacts);
  const ms = performance.now() - started;
  const recordsOf = new Map<string, number>();
  for (const person of data.entityOf.values()) recordsOf.set(person, (recordsOf.get(person) ?? 0) + 1);
  let truePairs = 0;
  for (const k of recordsOf.values()) truePairs += (k * (k - 1)) / 2;
  let autoClusters = 0;
  let autoPairs = 0;
  let autoTruePairs = 0;
  let reviewClusters = 0;
  let reviewTruePairs = 0;
  let reviewFalsePairs = 0;
  const falsePairs: Array<{ a: string; b: string; cluster: DuplicateCluster }> = [];
  for (const cluster of result.clusters) {
    const automatic = cluster.review.length === 0;
    if (automatic) autoClusters++;
    else reviewClusters++;
    for (const [a, b] of pairsOf(cluster.ids)) {
      const same = data.entityOf.get(a) === data.entityOf.get(b);
      if (automatic) {
        autoPairs++;
        if (same) autoTruePairs++;
        else falsePairs.push({ a, b, cluster });
      } else if (same) reviewTruePairs++;
      else reviewFalsePairs++;
    }
  }
  return {
    data,
    result,
    ms,
    truePairs,
    autoClusters,
    autoPairs,
    autoTruePairs,
    reviewClusters,
    reviewTruePairs,
    reviewFalsePairs,
    falsePairs,
    precision: autoPairs === 0 ? 1 : autoTruePairs / autoPairs,
    recall: truePairs === 0 ? 1 : autoTruePairs / truePairs,
  };
}

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'address1', 'city', 'state', 'postalCode', 'dateOfBirth', 'companyName'] as const;

function describeContact(data: CrmPeople, c: CrmContact): string {
  const personId = data.entityOf.get(c.id) as string;
  const person = data.persons.get(personId);
  const fields = FIELDS.map((f) => `${f}=${JSON.stringify(c[f])}`).join(' ');
  const variations = data.variationsOf.get(c.id) ?? [];
  return `${c.id} (${personId}, ${person?.population} ${person?.group}${person?.tags.length ? ` [${person.tags.join(', ')}]` : ''}${variations.length ? `, copy: ${variations.join('+')}` : ''}): ${fields}`;
}

function falsePairReport(s: Scored, limit = 8): string {
  const byId = new Map(s.data.contacts.map((c) => [c.id, c]));
  const lines = s.falsePairs.slice(0, limit).map(({ a, b, cluster }) => {
    const links = cluster.pairs.map((p) => `${p.a}-${p.b} by ${p.linkedBy.join('+')} (weight ${p.weight})`).join('; ');
    return [`  two people in one automatic cluster [${cluster.ids.join(', ')}], links: ${links}`, `    ${describeContact(s.data, byId.get(a) as CrmContact)}`, `    ${describeContact(s.data, byId.get(b) as CrmContact)}`].join('\n');
  });
  const more = s.falsePairs.length > limit ? `\n  ... and ${s.falsePairs.length - limit} more` : '';
  return `${s.falsePairs.length} pairs of different people merged automatically:\n${lines.join('\n')}${more}`;
}

/** Normalised exact keys as the matcher links them: the e-mail lower-cased, the phone's last ten digits. */
const emailKey = (c: CrmContact): string => c.email.trim().toLowerCase();
const phoneKey = (c: CrmContact): string => c.phone.replace(/\D/g, '').slice(-10);

/** Pairs of records of two different people holding the same email or phone, with first names that clearly differ (no first letter in common, nicknames included). */
function sharedKeyPairs(data: CrmPeople): Array<{ a: CrmContact; b: CrmContact; key: 'email' | 'phone' }> {
  const out: Array<{ a: CrmContact; b: CrmContact; key: 'email' | 'phone' }> = [];
  for (const [key, of] of [['email', emailKey], ['phone', phoneKey]] as const) {
    const holders = new Map<string, CrmContact[]>();
    for (const c of data.contacts) {
      const v = of(c);
      if (v === '') continue;
      holders.set(v, [...(holders.get(v) ?? []), c]);
    }
    for (const list of holders.values()) {
      for (const [a, b] of pairsOf(list.map((c) => c.id))) {
        const ca = list.find((c) => c.id === a) as CrmContact;
        const cb = list.find((c) => c.id === b) as CrmContact;
        if (data.entityOf.get(a) === data.entityOf.get(b)) continue;
        const la = nameLetters(ca.firstName);
        if ([...nameLetters(cb.firstName)].some((x) => la.has(x))) continue;
        out.push({ a: ca, b: cb, key });
      }
    }
  }
  return out;
}

function clusterIndex(result: FindDuplicatesResult): Map<string, { cluster: DuplicateCluster; n: number }> {
  const where = new Map<string, { cluster: DuplicateCluster; n: number }>();
  result.clusters.forEach((cluster, n) => {
    for (const id of cluster.ids) where.set(id, { cluster, n });
  });
  return where;
}

describe('the generator of CRM-shaped people', () => {
  const data = generateCrmPeople({ seed: 7, people: PEOPLE });

  it('is deterministic from its seed', () => {
    const again = generateCrmPeople({ seed: 7, people: PEOPLE });
    expect(again.contacts).toEqual(data.contacts);
    expect([...again.entityOf]).toEqual([...data.entityOf]);
    expect(generateCrmPeople({ seed: 8, people: PEOPLE }).contacts).not.toEqual(data.contacts);
  });

  it('makes every population, the hard cases and about 30% of people entered twice or more', () => {
    expect(data.persons.size).toBe(PEOPLE);
    const populations = new Set([...data.persons.values()].map((p) => p.population));
    expect([...populations].sort()).toEqual(['couple', 'family', 'namesake', 'office', 'phoneOnly', 'single']);
    const tags = new Set([...data.persons.values()].flatMap((p) => p.tags));
    for (const tag of ['landline', 'info@', 'dobOneDigit', 'ownSurname']) expect(tags).toContain(tag);
    const duplicated = new Set([...data.variationsOf].filter(([, v]) => v.length > 0).map(([id]) => data.entityOf.get(id)));
    expect(duplicated.size / PEOPLE).toBeGreaterThan(0.22);
    expect(duplicated.size / PEOPLE).toBeLessThan(0.38);
  });

  it('shares a phone or an email between two people only as a family landline or an office info@ mailbox', () => {
    const tagsOf = (c: CrmContact): readonly string[] => data.persons.get(data.entityOf.get(c.id) as string)?.tags ?? [];
    for (const [key, of] of [['phone', phoneKey], ['email', emailKey]] as const) {
      const owners = new Map<string, Set<string>>();
      for (const c of data.contacts) {
        const v = of(c);
        if (v === '') continue;
        owners.set(v, (owners.get(v) ?? new Set()).add(data.entityOf.get(c.id) as string));
      }
      for (const [v, people] of owners) {
        if (people.size < 2) continue;
        const holders = data.contacts.filter((c) => of(c) === v);
        expect(holders.every((c) => tagsOf(c).includes(key === 'phone' ? 'landline' : 'info@')), `${key} ${v}`).toBe(true);
      }
    }
  });

  it('never makes two people who could be one: at one place, first names share no letter (but Jr. and Sr., whose dates of birth always differ)', () => {
    const atPlace = new Map<string, CrmContact[]>();
    for (const c of data.contacts) {
      if ((data.variationsOf.get(c.id) ?? []).length > 0 || c.address1 === '') continue;
      const key = `${c.address1}|${c.city}`;
      atPlace.set(key, [...(atPlace.get(key) ?? []), c]);
    }
    const byId = new Map(data.contacts.map((c) => [c.id, c]));
    const together = [...atPlace.values()].flatMap((list) => pairsOf(list.map((c) => c.id)));
    expect(together.length).toBeGreaterThan(500);
    for (const [a, b] of together) {
      const ca = byId.get(a) as CrmContact;
      const cb = byId.get(b) as CrmContact;
      const alike = [...nameLetters(ca.firstName)].some((x) => nameLetters(cb.firstName).has(x)) && ca.lastName.charAt(0) === cb.lastName.charAt(0);
      if (!alike) continue;
      const pa = data.persons.get(data.entityOf.get(a) as string);
      const pb = data.persons.get(data.entityOf.get(b) as string);
      expect([...(pa?.tags ?? []), ...(pb?.tags ?? [])].sort(), `${a} ${b}`).toEqual(['junior', 'senior']);
      // Jr. and Sr.: every record of both holds its date of birth, as entered first.
      for (const id of [a, b]) {
        const person = data.entityOf.get(id);
        const dobs = new Set(data.contacts.filter((c) => data.entityOf.get(c.id) === person).map((c) => c.dateOfBirth));
        expect([...dobs]).toHaveLength(1);
        expect([...dobs][0]).not.toBe('');
      }
    }
  });
});

describe.each(SEEDS)('findDuplicates on CRM-shaped people, seed %i', (seed) => {
  let s: Scored;
  beforeAll(() => {
    s = score(generateCrmPeople({ seed, people: PEOPLE }));
    console.log(
      `crm-shaped seed ${seed}: ${s.data.contacts.length} contacts, ${PEOPLE} people, ${s.truePairs} true pairs; ` +
        `automatic: ${s.autoClusters} clusters, ${s.autoPairs} pairs, precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}; ` +
        `review: ${s.reviewClusters} clusters holding ${s.reviewTruePairs} true and ${s.reviewFalsePairs} false pairs; ` +
        `${Math.round(s.ms)} ms`,
    );
  });

  it('never merges two different people automatically (precision 1.0)', () => {
    expect(s.falsePairs.length, falsePairReport(s)).toBe(0);
  });

  it(`finds at least ${MIN_RECALL} of the true pairs in automatic clusters`, () => {
    const held = s.reviewTruePairs;
    const apart = s.truePairs - s.autoTruePairs - held;
    // True pairs in a review cluster that sure links (no review reason) join: found, but held back with the cluster.
    let heldBySureLinks = 0;
    for (const cluster of s.result.clusters) {
      if (cluster.review.length === 0) continue;
      const root = new Map(cluster.ids.map((id) => [id, id]));
      const find = (id: string): string => {
        while (root.get(id) !== id) id = root.get(id) as string;
        return id;
      };
      for (const p of cluster.pairs) if (p.review === undefined) root.set(find(p.a), find(p.b));
      for (const [a, b] of pairsOf(cluster.ids)) if (s.data.entityOf.get(a) === s.data.entityOf.get(b) && find(a) === find(b)) heldBySureLinks++;
    }
    expect(
      s.recall,
      `recall ${s.recall.toFixed(3)}: of ${s.truePairs} true pairs, ${held} are only in review clusters (${heldBySureLinks} of them joined by sure links, ` +
        `held back because a review link joined their cluster to someone else), ${apart} in no common cluster`,
    ).toBeGreaterThanOrEqual(MIN_RECALL);
  });

  it('leaves a shared landline or info@ mailbox between clearly different first names unclustered or in review', () => {
    const shared = sharedKeyPairs(s.data);
    expect(shared.filter((p) => p.key === 'phone').length).toBeGreaterThan(0);
    expect(shared.filter((p) => p.key === 'email').length).toBeGreaterThan(0);
    const where = clusterIndex(s.result);
    const merged = shared.filter(({ a, b }) => {
      const wa = where.get(a.id);
      return wa !== undefined && wa.n === where.get(b.id)?.n && wa.cluster.review.length === 0;
    });
    const inReview = shared.filter(({ a, b }) => where.get(a.id) !== undefined && where.get(a.id)?.n === where.get(b.id)?.n && where.get(a.id)?.cluster.review.length !== 0).length;
    console.log(
      `crm-shaped seed ${seed}: ${shared.length} pairs of clearly different first names share a landline or info@ ` +
        `(${shared.filter((p) => p.key === 'phone').length} phone, ${shared.filter((p) => p.key === 'email').length} email): ` +
        `${inReview} in review clusters, ${shared.length - inReview - merged.length} not clustered together, ${merged.length} merged automatically`,
    );
    const report = merged.slice(0, 8).map(({ a, b, key }) => `  shared ${key}:\n    ${describeContact(s.data, a)}\n    ${describeContact(s.data, b)}`);
    expect(merged.length, `${merged.length} of ${shared.length} shared-key pairs merged automatically:\n${report.join('\n')}`).toBe(0);
  });
});

describe('findDuplicates on CRM-shaped people, shuffled with new ids', () => {
  it('gives the same clusters (by content and by person) with the same review flags', () => {
    const data = generateCrmPeople({ seed: SEEDS[0] as number, people: PEOPLE });
    const rng = new Rng(99);
    // New ids in an order unrelated to the old ones, and the contacts in another order.
    const newIds = rng.shuffle(data.contacts.map((_, k) => `n${String(k).padStart(4, '0')}-${rng.int(0, 9999)}`));
    const renamed = rng.shuffle(data.contacts.map((c, k) => ({ ...c, id: newIds[k] as string })));
    const oldIdOf = new Map(data.contacts.map((c, k) => [newIds[k] as string, c.id]));
    const personOf = (id: string): string => data.entityOf.get(oldIdOf.get(id) as string) as string;
    const content = (c: CrmContact): string => JSON.stringify(FIELDS.map((f) => c[f]));
    const signatures = (contacts: readonly CrmContact[], result: FindDuplicatesResult, person: (id: string) => string): string[] => {
      const byId = new Map(contacts.map((c) => [c.id, c]));
      return result.clusters
        .map((cluster) => {
          const members = cluster.ids.map((id) => byId.get(id) as CrmContact);
          const contents = members.map(content).sort().join('|');
          const people = [...new Set(members.map((c) => person(c.id)))].sort().join(',');
          return `${cluster.review.length > 0 ? 'review' : 'auto'} ${people} ${contents}`;
        })
        .sort();
    };
    const before = signatures(data.contacts, findDuplicates(data.contacts), (id) => data.entityOf.get(id) as string);
    const after = signatures(renamed, findDuplicates(renamed), personOf);
    expect(after).toEqual(before);
    expect(before.length).toBeGreaterThan(50);
  });
});
