import { describe, expect, it } from 'vitest';
import { chooseValue, isValidValue, swappedNameMembers, type FieldRule, type Member } from '../../../src/dedup/field-choice.js';
import { LocationEvidence } from '../../../src/dedup/location-evidence.js';
import { planClusterMerge, type SurvivorContact } from '../../../src/dedup/survivor.js';

/** Members in the survivor rule's order (survivor first); `updated` as day numbers of 2024-01. */
const members = (values: unknown[], updated: number[] = []): Member[] =>
  values.map((value, i) => ({ id: `m${i + 1}`, value, updated: updated[i] === undefined ? Number.NaN : Date.UTC(2024, 0, updated[i]) }));

// A location where Belfast, Smith and Street are common and their typos are not.
const LOCATION = new LocationEvidence([
  ...Array.from({ length: 12 }, (_, i) => ({ city: 'Belfast', lastName: 'Smith', address1: `${i + 1} Castle Street` })),
  ...Array.from({ length: 6 }, (_, i) => ({ city: 'Derry', lastName: 'Watson', address1: `${i + 1} Crescent Road` })),
  { city: 'Baltasf', lastName: 'Smiht', address1: '4 Castle Sterta' },
]);

describe('chooseValue', () => {
  it.each<[string, FieldRule, string, unknown[], number[], unknown, string]>([
    ['keepSurvivor keeps a blank', 'keepSurvivor', 'city', ['', 'Belfast'], [], '', 'keepSurvivor'],
    ['fillBlanks takes the first value in survivor order', 'fillBlanks', 'city', ['', 'Baltasf', 'Belfast'], [], 'Baltasf', 'fillBlanks'],
    ['mostRecent takes the latest updated', 'mostRecent', 'city', ['Belfast', 'Derry'], [1, 9], 'Derry', 'mostRecent'],
    ['mostCommon takes the majority, case aside', 'mostCommon', 'city', ['Baltasf', 'belfast', 'Belfast', 'BELFAST'], [], 'Belfast', 'mostCommon 3/4'],
    ['mostCommon breaks a tie in survivor order', 'mostCommon', 'city', ['Derry', 'Belfast'], [], 'Derry', 'mostCommon 1/2'],
    ['longest takes the longest', 'longest', 'address1', ['4 Castle St', '4 Castle Street'], [], '4 Castle Street', 'longest'],
    ['valid skips an email that cannot be delivered', 'valid', 'email', ['ada@@example', 'ada@example.com'], [], 'ada@example.com', 'valid email'],
    ['valid skips a date that is not one', 'valid', 'dateOfBirth', ['1987-02-30', '1987-02-03'], [], '1987-02-03', 'valid date'],
    ['best: four of five say Belfast', 'best', 'city', ['Baltasf', 'Belfast', 'Belfast', 'Belfast', 'Belfast'], [], 'Belfast', 'mostCommon 4/5'],
    ['best: one against one, the value the location holds elsewhere', 'best', 'city', ['Baltasf', 'Belfast'], [], 'Belfast', 'common in location (11 other contacts)'],
    ['best: the typo of a surname loses to the surname', 'best', 'lastName', ['Smiht', 'Smith'], [], 'Smith', 'common in location (11 other contacts)'],
    ['best: the word the location spells that way', 'best', 'address1', ['4 Castle Sterta', '4 Castle Street'], [], '4 Castle Street', "its words are common in the location's values"],
    ['best: a value holding every word of the other', 'best', 'address1', ['Castle Street', '9 Castle Street'], [], '9 Castle Street', 'more complete'],
    ['best: a real date over an impossible one', 'best', 'dateOfBirth', ['1987-13-02', '1987-02-13'], [], '1987-02-13', 'valid date, only value'],
    ['best: an E.164 phone over a broken one', 'best', 'phone', ['555-01', '+14155550101'], [], '+14155550101', 'valid E.164 phone, only value'],
    ['best: two different values, the latest updated', 'best', 'city', ['Belfast', 'Derry'], [1, 9], 'Derry', 'mostRecent'],
    ['best: two different values and no dates, the survivor', 'best', 'city', ['Derry', 'Belfast'], [], 'Derry', 'survivor order'],
    ['best: the spelling most members write', 'best', 'city', ['BELFAST', 'Belfast', 'Belfast'], [], 'Belfast', 'mostCommon 3/3'],
    ['best: one value', 'best', 'city', ['', 'Belfast'], [], 'Belfast', 'only value'],
    ['best: nothing', 'best', 'city', ['', null], [], undefined, 'blank'],
  ])('%s', (_name, rule, field, values, updated, value, why) => {
    expect(chooseValue(field, members(values, updated), rule, LOCATION)).toMatchObject({ value, why });
  });

  it('best breaks a tie the evidence cannot by the record with fewer typos elsewhere', () => {
    const [a, b] = members(['12 Castle Street', '21 Castle Street']);
    expect(chooseValue('address1', [{ ...a!, reliability: -2 }, { ...b!, reliability: 3 }], 'best', LOCATION)).toMatchObject({ value: '21 Castle Street', why: 'from the record with fewer typos elsewhere' });
  });

  it('best does not copy names a member has swapped', () => {
    const list: Member[] = [
      { id: 'a', value: 'Watson', updated: Number.NaN, swapped: true },
      { id: 'b', value: 'Amelia', updated: Number.NaN },
    ];
    expect(chooseValue('firstName', list, 'best', LOCATION)).toMatchObject({ value: 'Amelia', from: 'b', why: 'swapped names ignored, only value' });
  });

  it('rejects an unknown rule', () => {
    expect(() => chooseValue('city', members(['x']), 'newest' as never)).toThrow('Expected a field rule');
  });
});

describe('swappedNameMembers', () => {
  it('finds the member whose first and last names are the others\' swapped, by the majority, then by the location', () => {
    expect([...swappedNameMembers([{ id: 'a', firstName: 'Watson', lastName: 'Amelia' }, { id: 'b', firstName: 'Amelia', lastName: 'Watson' }, { id: 'c', firstName: 'Amelia', lastName: 'Watson' }])]).toEqual(['a']);
    // One against one: the location holds Watson as a last name.
    expect([...swappedNameMembers([{ id: 'a', firstName: 'Watson', lastName: 'Amelia' }, { id: 'b', firstName: 'Amelia', lastName: 'Watson' }], LOCATION)]).toEqual(['a']);
    expect([...swappedNameMembers([{ id: 'a', firstName: 'Amelia', lastName: 'Watson' }, { id: 'b', firstName: 'Amelia', lastName: 'Watson' }])]).toEqual([]);
  });
});

describe('isValidValue', () => {
  it.each<[string, string, boolean]>([
    ['email', 'ada@example.com', true],
    ['email', 'ada@example', false],
    ['email', 'lena schmidt@example.de', false],
    ['phone', '+14155550101', true],
    ['phone', '4155550101', false],
    ['dateOfBirth', '1987-02-28', true],
    ['dateOfBirth', '1987-02-29', false],
    ['dateOfBirth', '1945-70-03', false],
    ['city', 'anything', true],
  ])('%s %s -> %s', (field, value, valid) => {
    expect(isValidValue(field, value)).toBe(valid);
  });
});

describe('planClusterMerge with best (the default)', () => {
  const at = (id: string, fields: Record<string, unknown>, added: string): SurvivorContact => ({ id, dateAdded: added, dateUpdated: added, ...fields });
  it('mends the survivor\'s typo from the others, keeps its id, and says why', () => {
    const cluster = [
      at('oldest', { firstName: 'Watson', lastName: 'Amelia', city: 'Baltasf', address1: '4 Castle Street', postalCode: 'BT1 1AA' }, '2020-01-01T00:00:00Z'),
      at('b', { firstName: 'Amelia', lastName: 'Watson', city: 'Belfast', address1: '4 Castle Street', postalCode: 'BT1 1AA' }, '2021-01-01T00:00:00Z'),
      at('c', { firstName: 'Amelia', lastName: 'Watson', city: 'Belfast', address1: '4 Castle St', postalCode: 'BT1 1AA' }, '2022-01-01T00:00:00Z'),
    ];
    const merge = planClusterMerge(cluster, { evidence: LOCATION });
    expect(merge.survivorId).toBe('oldest');
    expect(merge.fields.firstName).toMatchObject({ value: 'Amelia', why: 'swapped names ignored, mostCommon 2/2' });
    expect(merge.fields.lastName).toMatchObject({ value: 'Watson' });
    // Baltasf reads as another city (Jaro-Winkler 0.74): that record's address stays out, and Belfast is the address's city.
    expect(merge.fields.city).toMatchObject({ value: 'Belfast', why: 'mostCommon 2/2' });
    expect(merge.changes.map((c) => [c.field, c.after])).toEqual([
      ['firstName', 'Amelia'],
      ['lastName', 'Watson'],
      ['city', 'Belfast'],
    ]);
  });

  it('never pairs a street with the city of an address the person left', () => {
    const cluster = [
      at('old', { firstName: 'Ada', city: 'Belfast', address1: '4 Castle Street', postalCode: 'BT1 1AA' }, '2020-01-01T00:00:00Z'),
      at('new', { firstName: 'Ada', city: 'Derry', address1: '9 Crescent Road', postalCode: 'BT48 6AA', state: 'NI' }, '2023-01-01T00:00:00Z'),
    ];
    const merge = planClusterMerge(cluster, { evidence: LOCATION });
    // The better-supported address (it has a state too) is taken whole; the other is not mixed in.
    const address = ['address1', 'city', 'state', 'postalCode'].map((f) => merge.fields[f]?.from);
    expect(address).toEqual(['new', 'new', 'new', 'new']);
  });
});
