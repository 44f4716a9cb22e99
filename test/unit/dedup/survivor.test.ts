import { describe, expect, it } from 'vitest';
import { chooseSurvivor, isBlank, planClusterMerge, rankContacts, type SurvivorContact, type SurvivorRule } from '../../../src/dedup/survivor.js';

const OLD: SurvivorContact = {
  id: 'old',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '',
  address1: '12 Main St',
  city: 'Boston',
  state: null,
  postalCode: '02134',
  tags: ['VIP', 'newsletter'],
  customFields: [{ id: 'cf-size', value: 'M' }],
  dateAdded: '2020-01-01T00:00:00.000Z',
  dateUpdated: '2021-01-01T00:00:00.000Z',
};
const NEW: SurvivorContact = {
  id: 'new',
  firstName: 'Ada',
  lastName: 'King',
  email: 'ada.king@example.com',
  phone: '+14155550101',
  companyName: 'Analytical Engines',
  address1: '1 Elm Rd',
  city: 'Cambridge',
  state: 'MA',
  postalCode: '02139',
  tags: ['vip ', 'Customer'],
  customFields: [
    { id: 'cf-size', value: 'L' },
    { id: 'cf-score', value: 42 },
  ],
  dateAdded: '2023-06-01T00:00:00.000Z',
  dateUpdated: '2024-02-01T00:00:00.000Z',
  lastActivity: '2024-01-15T00:00:00.000Z',
};
const MIDDLE: SurvivorContact = {
  id: 'middle',
  firstName: 'Augusta Ada',
  lastName: 'Byron',
  email: 'augusta@example.com',
  dateOfBirth: '1815-12-10',
  website: 'https://example.com',
  timezone: 'Europe/London',
  source: 'import',
  country: 'GB',
  tags: [],
  dateAdded: '2022-01-01T00:00:00.000Z',
  dateUpdated: '2022-01-02T00:00:00.000Z',
  lastActivity: '2025-01-01T00:00:00.000Z',
};
const CLUSTER = [NEW, OLD, MIDDLE];

describe('chooseSurvivor', () => {
  it.each<[SurvivorRule, string]>([
    ['oldest', 'old'],
    ['newest', 'new'],
    ['mostComplete', 'new'],
    ['mostRecentActivity', 'middle'],
  ])('%s -> %s', (rule, id) => {
    expect(chooseSurvivor(CLUSTER, rule).id).toBe(id);
    expect(chooseSurvivor([...CLUSTER].reverse(), rule).id).toBe(id);
  });

  it('breaks ties by the earlier dateAdded, then the smaller id; a missing date ranks last', () => {
    const a = { id: 'b', dateAdded: '2020-01-01T00:00:00Z' };
    const b = { id: 'a', dateAdded: '2020-01-01T00:00:00Z' };
    const c = { id: '0' };
    expect(rankContacts([c, a, b], 'oldest').map((x) => x.id)).toEqual(['a', 'b', '0']);
    expect(rankContacts([c, a, b], 'newest').map((x) => x.id)).toEqual(['a', 'b', '0']);
    expect(rankContacts([c, a, b], 'mostComplete').map((x) => x.id)).toEqual(['a', 'b', '0']);
  });

  it('falls back on dateUpdated, then dateAdded, for the most recent activity', () => {
    const a = { id: 'a', dateAdded: '2020-01-01T00:00:00Z', dateUpdated: '2024-01-01T00:00:00Z' };
    const b = { id: 'b', dateAdded: '2023-01-01T00:00:00Z' };
    expect(chooseSurvivor([b, a], 'mostRecentActivity').id).toBe('a');
  });

  it('rejects an unknown rule and an empty cluster', () => {
    expect(() => chooseSurvivor(CLUSTER, 'loudest' as SurvivorRule)).toThrow(
      'Expected `survivor` to be one of `oldest`, `newest`, `mostComplete`, `mostRecentActivity`, got `loudest` (string)',
    );
    expect(() => chooseSurvivor([])).toThrow('Expected `contacts` to be a non-empty array, got an empty one');
  });
});

describe('planClusterMerge', () => {
  it('oldest survivor, blanks filled from the others in survivor order, tags unioned', () => {
    const plan = planClusterMerge(CLUSTER, { survivor: 'oldest', fieldRule: 'fillBlanks' });
    expect(plan.survivorId).toBe('old');
    expect(plan.losers).toEqual(['new', 'middle']);
    expect(plan.fields).toEqual({
      firstName: { value: 'Ada', from: 'old', why: 'survivor' },
      lastName: { value: 'Lovelace', from: 'old', why: 'survivor' },
      email: { value: 'ada@example.com', from: 'old', why: 'survivor' },
      // Filled from the next oldest that has one.
      phone: { value: '+14155550101', from: 'new', why: 'fillBlanks' },
      companyName: { value: 'Analytical Engines', from: 'new', why: 'fillBlanks' },
      // The survivor has an address: all of it is kept, none mixed in (no state from 'new').
      address1: { value: '12 Main St', from: 'old', why: 'survivor' },
      city: { value: 'Boston', from: 'old', why: 'survivor' },
      postalCode: { value: '02134', from: 'old', why: 'survivor' },
      website: { value: 'https://example.com', from: 'middle', why: 'fillBlanks' },
      timezone: { value: 'Europe/London', from: 'middle', why: 'fillBlanks' },
      dateOfBirth: { value: '1815-12-10', from: 'middle', why: 'fillBlanks' },
      source: { value: 'import', from: 'middle', why: 'fillBlanks' },
    });
    expect(plan.customFields).toEqual({ 'cf-size': { value: 'M', from: 'old', why: 'survivor' }, 'cf-score': { value: 42, from: 'new', why: 'fillBlanks' } });
    expect(plan.changes).toEqual([
      { field: 'phone', before: '', after: '+14155550101', from: 'new', why: 'fillBlanks' },
      { field: 'companyName', before: null, after: 'Analytical Engines', from: 'new', why: 'fillBlanks' },
      { field: 'website', before: null, after: 'https://example.com', from: 'middle', why: 'fillBlanks' },
      { field: 'timezone', before: null, after: 'Europe/London', from: 'middle', why: 'fillBlanks' },
      { field: 'dateOfBirth', before: null, after: '1815-12-10', from: 'middle', why: 'fillBlanks' },
      { field: 'source', before: null, after: 'import', from: 'middle', why: 'fillBlanks' },
      { field: 'customFields.cf-score', before: null, after: 42, from: 'new', why: 'fillBlanks' },
    ]);
    expect(plan.tags).toEqual(['vip', 'newsletter', 'customer']);
    expect(plan.tagsToAdd).toEqual(['customer']);
  });

  it('keepSurvivor changes nothing but tags', () => {
    const plan = planClusterMerge(CLUSTER, { survivor: 'oldest', fieldRule: 'keepSurvivor' });
    expect(plan.changes).toEqual([]);
    expect(plan.fields.phone).toBeUndefined();
    expect(plan.tagsToAdd).toEqual(['customer']);
  });

  it('mostRecent takes each field from the latest updated contact that has it, the address whole', () => {
    const plan = planClusterMerge(CLUSTER, { survivor: 'oldest', fieldRule: 'mostRecent' });
    expect(plan.fields.lastName).toEqual({ value: 'King', from: 'new', why: 'mostRecent' });
    expect(plan.fields.dateOfBirth).toEqual({ value: '1815-12-10', from: 'middle', why: 'mostRecent' });
    expect(plan.fields.country).toBeUndefined();
    expect(plan.changes.filter((c) => ['address1', 'city', 'state', 'postalCode'].includes(c.field))).toEqual([
      { field: 'address1', before: '12 Main St', after: '1 Elm Rd', from: 'new', why: 'mostRecent, the address as one' },
      { field: 'city', before: 'Boston', after: 'Cambridge', from: 'new', why: 'mostRecent, the address as one' },
      { field: 'state', before: null, after: 'MA', from: 'new', why: 'mostRecent, the address as one' },
      { field: 'postalCode', before: '02134', after: '02139', from: 'new', why: 'mostRecent, the address as one' },
    ]);
    expect(plan.customFields['cf-size']).toEqual({ value: 'L', from: 'new', why: 'mostRecent' });
  });

  it('takes rules per field, per custom field and for the address', () => {
    const plan = planClusterMerge(CLUSTER, {
      survivor: 'oldest',
      fieldRule: 'keepSurvivor',
      fieldRules: { lastName: 'mostRecent', 'customFields.cf-size': 'mostRecent', city: 'mostRecent' },
    });
    expect(plan.changes.map((c) => c.field)).toEqual(['lastName', 'address1', 'city', 'state', 'postalCode', 'customFields.cf-size']);
  });

  it('the survivor wins a tie in dateUpdated under mostRecent', () => {
    const a = { id: 'a', firstName: 'Ann', dateAdded: '2020-01-01T00:00:00Z', dateUpdated: '2024-01-01T00:00:00Z' };
    const b = { id: 'b', firstName: 'Anne', dateAdded: '2021-01-01T00:00:00Z', dateUpdated: '2024-01-01T00:00:00Z' };
    expect(planClusterMerge([b, a], { survivor: 'oldest', fieldRule: 'mostRecent' }).fields.firstName).toEqual({ value: 'Ann', from: 'a', why: 'mostRecent' });
    expect(planClusterMerge([b, a], { survivor: 'newest', fieldRule: 'mostRecent' }).fields.firstName).toEqual({ value: 'Anne', from: 'b', why: 'mostRecent' });
  });

  it('a cluster of one is its own survivor with nothing to change', () => {
    expect(planClusterMerge([OLD])).toMatchObject({ survivorId: 'old', losers: [], changes: [], tagsToAdd: [] });
  });

  it('rejects unknown field rules with their path', () => {
    expect(() => planClusterMerge(CLUSTER, { fieldRules: { email: 'newest' as never } })).toThrow(
      'Expected `fieldRules.email` to be one of `best`, `keepSurvivor`, `fillBlanks`, `mostRecent`, `mostCommon`, `longest`, `valid`, got `newest` (string)',
    );
  });
});

describe('isBlank', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    ['  ', true],
    [[], true],
    ['x', false],
    [0, false],
    [false, false],
  ])('%j -> %s', (v, blank) => {
    expect(isBlank(v)).toBe(blank);
  });
});
