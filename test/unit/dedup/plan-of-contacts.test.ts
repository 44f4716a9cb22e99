import { describe, expect, it } from 'vitest';
import type { PlanSettings } from '../../../src/dedup/merge-plan.js';
import { planOfContacts } from '../../../src/dedup/plan-run.js';
import type { SurvivorContact } from '../../../src/dedup/survivor.js';

/** The plan of a location's contacts depends on what they hold, not on the order the search pages came in. */

const SETTINGS: PlanSettings = { threshold: 0.9, survivor: 'oldest', fieldRule: 'fillBlanks', fieldRules: {}, emailProviderRules: false };
const INPUT = { location: 'loc1', createdAt: '2026-11-28T00:00:00.000Z', settings: SETTINGS };

function location(): SurvivorContact[] {
  const list: SurvivorContact[] = [
    { id: 'ada1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', tags: ['vip'], dateAdded: '2020-01-01T00:00:00.000Z', dateUpdated: '2020-01-01T00:00:00.000Z' },
    {
      id: 'ada2',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ADA@example.com',
      phone: '+14155550101',
      customFields: [{ id: 'cfColour', value: 'blue' }],
      dnd: true,
      dateAdded: '2021-01-01T00:00:00.000Z',
      dateUpdated: '2021-01-01T00:00:00.000Z',
    },
    { id: 'gr1', firstName: 'Grace', lastName: 'Hopper', phone: '+12125550123', dateAdded: '2019-01-01T00:00:00.000Z', dateUpdated: '2019-01-01T00:00:00.000Z' },
    { id: 'gr2', firstName: 'Grace', lastName: 'Hopper', phone: '+12125550123', city: 'Arlington', dateAdded: '2019-02-01T00:00:00.000Z', dateUpdated: '2019-02-01T00:00:00.000Z' },
    { id: 'gr3', firstName: 'G', lastName: 'Hopper', phone: '+12125550123', email: 'g@navy.example', dateAdded: '2019-03-01T00:00:00.000Z', dateUpdated: '2019-03-01T00:00:00.000Z' },
  ];
  for (let i = 0; i < 30; i++) {
    list.push({ id: `solo${String(i).padStart(2, '0')}`, firstName: `Person${i}`, lastName: `Single${i}`, email: `p${i}@example.com`, dateAdded: `2018-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z` });
  }
  return list;
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('planOfContacts', () => {
  it('gives the same plan whatever order the contacts come in', () => {
    const reference = planOfContacts(location(), INPUT);
    expect(reference.summary).toMatchObject({ contacts: 35, clusters: 2, contactsInClusters: 5 });
    for (const seed of [1, 2, 3, 42]) expect(planOfContacts(shuffled(location(), seed), INPUT)).toEqual(reference);
    expect(planOfContacts([...location()].reverse(), INPUT)).toEqual(reference);
    expect(JSON.stringify(planOfContacts([...location()].reverse(), INPUT))).toBe(JSON.stringify(reference));
  });

  it('counts a contact read twice once, as its latest version, in either order', () => {
    const older = location();
    const newer: SurvivorContact = { ...(older[1] as SurvivorContact), city: 'London', dateUpdated: '2021-02-01T00:00:00.000Z' };
    const a = planOfContacts([...older, newer], INPUT);
    const b = planOfContacts([newer, ...older], INPUT);
    expect(a).toEqual(b);
    expect(a.summary.contacts).toBe(35);
    const ada = a.clusters.find((c) => c.ids.includes('ada2'))!;
    expect(ada.contacts.find((c) => c.id === 'ada2')).toEqual(newer);
  });

  it('names the custom fields the members hold, in id order, and only those', () => {
    const names = new Map([
      ['cfUnused', 'Never held'],
      ['cfColour', 'Favourite colour'],
    ]);
    const p = planOfContacts(location(), { ...INPUT, customFieldNames: names });
    expect(p.customFieldNames).toEqual({ cfColour: 'Favourite colour' });
    expect(planOfContacts(location(), INPUT).customFieldNames).toBeUndefined();
  });

  it('takes the before-images as given: a DND the search showed on a loser is planned to carry over', () => {
    const ada = planOfContacts(location(), INPUT).clusters.find((c) => c.survivor === 'ada1')!;
    expect(ada.contacts.map((c) => c.id)).toEqual(['ada1', 'ada2']);
    expect(ada.dndCarried).toEqual({ dnd: true });
  });
});
