import { describe, expect, it } from 'vitest';
import type { SurvivorContact } from '../../../src/dedup/survivor.js';
import { sameInstant, whyStale } from '../../../src/dedup/why-stale.js';

/** The apply's check of each member read again against its before-image in the plan (taken from a search hit). */

const planned: SurvivorContact = {
  id: 'a1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '+14155550101',
  city: 'London',
  tags: ['vip', 'newsletter'],
  customFields: [{ id: 'cf1', value: 'blue' }],
  dateOfBirth: '1815-12-10T00:00:00.000Z',
  dateAdded: '2020-01-01T00:00:00.000Z',
  dateUpdated: '2021-06-01T12:00:00.000Z',
};

describe('whyStale', () => {
  it.each<[string, Partial<SurvivorContact>, string | undefined]>([
    ['the same contact', {}, undefined],
    ['the same dateUpdated written without milliseconds', { dateUpdated: '2021-06-01T12:00:00Z' }, undefined],
    ['what the plan does not read (DND, followers, business) differs', { dndSettings: { SMS: { status: 'active' } }, followers: ['u1'], businessId: 'b1', dnd: true }, undefined],
    ['the email in another case, the phone in another format', { email: 'ADA@example.com', phone: '(415) 555-0101' }, undefined],
    ['the tags in another order and case', { tags: ['Newsletter', 'VIP'] }, undefined],
    ['a date of birth as a bare date', { dateOfBirth: '1815-12-10' }, undefined],
    ['dateUpdated moved', { dateUpdated: '2021-06-02T00:00:00.000Z' }, 'contact a1 changed since the plan (dateUpdated 2021-06-01T12:00:00.000Z -> 2021-06-02T00:00:00.000Z)'],
    ['dateUpdated gone', { dateUpdated: undefined }, 'contact a1 changed since the plan (dateUpdated 2021-06-01T12:00:00.000Z -> none)'],
    ['another name', { firstName: 'Ida' }, 'contact a1 reads otherwise than the search showed it when planning (firstName: "Ada" in the plan, "Ida" now)'],
    ['a name in other letter case, the plan\'s not the lower-case copy', { firstName: 'ADA' }, 'contact a1 reads otherwise than the search showed it when planning (firstName: "Ada" in the plan, "ADA" now)'],
    ['a field the hit left out', { website: 'ada.example' }, 'contact a1 reads otherwise than the search showed it when planning (website: blank in the plan, "ada.example" now)'],
    ['a custom field', { customFields: [{ id: 'cf1', value: 'green' }] }, 'contact a1 reads otherwise than the search showed it when planning (customFields.cf1: "blue" in the plan, "green" now)'],
    ['a custom field the hit lacked', { customFields: [{ id: 'cf1', value: 'blue' }, { id: 'cf2', value: 3 }] }, 'contact a1 reads otherwise than the search showed it when planning (customFields.cf2: blank in the plan, 3 now)'],
    ['a tag more', { tags: ['vip', 'newsletter', 'expo'] }, 'contact a1 reads otherwise than the search showed it when planning (tags: ["vip","newsletter"] in the plan, ["vip","newsletter","expo"] now)'],
    ['dateAdded (the survivor rule ranks by it)', { dateAdded: '2019-01-01T00:00:00.000Z' }, 'contact a1 reads otherwise than the search showed it when planning (dateAdded: "2020-01-01T00:00:00.000Z" in the plan, "2019-01-01T00:00:00.000Z" now)'],
  ])('%s', (_name, change, expected) => {
    expect(whyStale(planned, { ...planned, ...change })).toBe(expected);
  });
});

describe('whyStale: names the hit had only in lower case', () => {
  const lower: SurvivorContact = { ...planned, firstName: 'ada', lastName: 'lovelace' };
  it('agree when the plan does not write them', () => {
    expect(whyStale(lower, planned)).toBeUndefined();
    expect(whyStale(lower, planned, new Set(['phone', 'customFields.cf1']))).toBeUndefined();
  });
  it('do not when the plan writes one: it would write (or restore) the lower-case copy', () => {
    expect(whyStale(lower, planned, new Set(['lastName']))).toBe('contact a1 reads otherwise than the search showed it when planning (lastName: "lovelace" in the plan, "Lovelace" now)');
  });
});

describe('sameInstant', () => {
  it.each([
    [undefined, null, true],
    ['', undefined, true],
    ['2021-06-01T12:00:00.000Z', '2021-06-01T12:00:00Z', true],
    ['2021-06-01T12:00:00.000Z', '2021-06-01T14:00:00.000+02:00', true],
    ['2021-06-01T12:00:00.000Z', '2021-06-01T12:00:00.001Z', false],
    ['2021-06-01T12:00:00.000Z', undefined, false],
    ['not a date', 'not a date', true],
    ['not a date', 'another', false],
  ])('%s / %s: %s', (a, b, expected) => {
    expect(sameInstant(a, b)).toBe(expected);
  });
});
