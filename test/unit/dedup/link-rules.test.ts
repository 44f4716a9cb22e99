import { describe, expect, it } from 'vitest';
import { packLevels, unpackLevels } from '../../../src/dedup/compare-fields.js';
import { corroboratePattern, exactKeyConflict, hasPersonalIdentifier, scoredLinkVeto, twoPeople } from '../../../src/dedup/link-rules.js';

// Levels (FIELD_LEVELS): firstName 1 exact, 2 nickname, 3 close, 4 similar, 5 different; lastName 1 exact, 2 close, 3 similar,
// 4 different; email and phone 1 exact, 2 close, 3 different; address1 1 exact; postalCode 1 exact; dateOfBirth 1 exact,
// 2 swapped day/month, 3 close, 4 different. 0 is missing everywhere.
const place = { address1: 1, city: 4, state: 3, postalCode: 1 };

describe('scoredLinkVeto', () => {
  it.each<[string, Parameters<typeof packLevels>[0], string | undefined]>([
    ['coworkers: both names differ at one address', { firstName: 5, lastName: 4, email: 3, ...place }, 'first and last names disagree'],
    ['relatives: surname and address, another first name', { firstName: 5, lastName: 1, ...place }, 'first names disagree'],
    ['relatives whose birthdays are one digit apart', { firstName: 5, lastName: 1, dateOfBirth: 3, ...place }, 'first names disagree'],
    ['a first name replaced, the date of birth to the day', { firstName: 5, lastName: 1, dateOfBirth: 1, ...place }, undefined],
    ['a first name replaced, day and month of birth swapped', { firstName: 5, lastName: 2, dateOfBirth: 2, ...place }, undefined],
    ['coworkers with one first name, no personal field', { firstName: 1, lastName: 4, ...place }, 'last names disagree and nothing personal agrees'],
    ['a new surname, the same date of birth', { firstName: 1, lastName: 4, dateOfBirth: 1, ...place }, undefined],
    ['an initial at a shared address', { firstName: 4, lastName: 1, ...place }, 'first names only similar and nothing personal agrees'],
    ['an initial and the same email', { firstName: 4, lastName: 1, email: 1 }, undefined],
    ['no first name, a shared address', { lastName: 1, ...place }, 'a name is missing and nothing personal agrees'],
    ['no last name, the date of birth', { firstName: 1, dateOfBirth: 1, ...place }, undefined],
    ['two mailboxes, a nickname and a typo in the surname', { firstName: 2, lastName: 2, email: 3, ...place }, undefined],
    ['two mailboxes, a similar first name and the date of birth', { firstName: 4, lastName: 1, email: 3, dateOfBirth: 1 }, 'emails differ and the names do not both agree'],
    ['one person typed twice', { firstName: 1, lastName: 1, email: 1, phone: 1, ...place, dateOfBirth: 1 }, undefined],
  ])('%s -> %s', (_name, levels, veto) => {
    expect(scoredLinkVeto(packLevels(levels))).toBe(veto);
  });
});

describe('twoPeople', () => {
  it.each<[string, Parameters<typeof packLevels>[0], string | undefined]>([
    ['both names differ', { firstName: 5, lastName: 4 }, 'first and last names disagree'],
    ['first names differ under one surname', { firstName: 5, lastName: 1 }, 'first names disagree'],
    ['first names differ, one date of birth: a replaced first name', { firstName: 5, lastName: 1, dateOfBirth: 1 }, undefined],
    ['a partial first name, another surname, nothing personal', { firstName: 3, lastName: 4 }, 'last names disagree'],
    ['the same first name, another surname: too little, not evidence of two', { firstName: 1, lastName: 4 }, undefined],
    ['nothing at all', {}, undefined],
  ])('%s -> %s', (_name, levels, two) => {
    expect(twoPeople(packLevels(levels))).toBe(two);
  });
});

describe('exactKeyConflict', () => {
  it.each<[string, Parameters<typeof packLevels>[0], string | undefined]>([
    ['a family landline', { firstName: 5, lastName: 1, phone: 1 }, 'first names disagree'],
    ['info@ on two coworkers', { firstName: 5, lastName: 4, email: 1 }, 'first and last names disagree'],
    ['an assistant: another surname, a similar first name', { firstName: 4, lastName: 4, phone: 1 }, 'last names disagree'],
    ['another surname under one first name: a married name or two coworkers behind info@', { firstName: 1, lastName: 4, email: 1 }, 'last names disagree'],
    ['a married name: the same first name and date of birth', { firstName: 1, lastName: 4, email: 1, dateOfBirth: 1 }, undefined],
    ['a father and son of one name', { firstName: 1, lastName: 1, phone: 1, dateOfBirth: 4 }, 'dates of birth disagree'],
    ['a nickname', { firstName: 2, lastName: 1, phone: 1 }, undefined],
    ['no names at all', { email: 1 }, undefined],
  ])('%s -> %s', (_name, levels, conflict) => {
    expect(exactKeyConflict(packLevels(levels))).toBe(conflict);
  });
});

describe('corroboratePattern', () => {
  it.each<[string, Parameters<typeof packLevels>[0], number]>([
    ["a neighbour's extension: names differ", { firstName: 5, lastName: 4, phone: 2, ...place }, 0],
    ['a relative one digit away', { firstName: 5, lastName: 1, phone: 2 }, 0],
    ['a typo in the phone of one person', { firstName: 1, lastName: 1, phone: 2 }, 2],
    ['a typo, and the same email', { firstName: 5, email: 1, phone: 2 }, 2],
    ['a typo, and the date of birth', { lastName: 1, dateOfBirth: 1, phone: 2 }, 2],
    ['an exact phone is left alone', { firstName: 5, lastName: 4, phone: 1 }, 1],
  ])('%s -> phone level %d', (_name, levels, phone) => {
    const out = unpackLevels(corroboratePattern(packLevels(levels)));
    expect(out.phone).toBe(phone);
    // Nothing else changes.
    expect({ ...out, phone: 0 }).toEqual({ ...unpackLevels(packLevels(levels)), phone: 0 });
  });
});

describe('hasPersonalIdentifier', () => {
  it.each<[Parameters<typeof packLevels>[0], boolean]>([
    [{ dateOfBirth: 1 }, true],
    [{ dateOfBirth: 3 }, true],
    [{ dateOfBirth: 4 }, false],
    [{ email: 2 }, true],
    [{ email: 3 }, false],
    [{ phone: 1 }, true],
    [{ phone: 2 }, false],
    [{ firstName: 1, lastName: 1, ...place }, false],
  ])('%j -> %s', (levels, yes) => {
    expect(hasPersonalIdentifier(packLevels(levels))).toBe(yes);
  });
});
