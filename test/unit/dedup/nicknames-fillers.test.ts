import { describe, expect, it } from 'vitest';
import { DEFAULT_FILLERS, fillerLists, isFiller, type FillerField } from '../../../src/dedup/filler.js';
import { areGenderedForms, areNicknames, canonicalFirstName } from '../../../src/dedup/nicknames.js';

describe('areNicknames', () => {
  it.each([
    ['bob', 'robert', true],
    ['robert', 'bobby', true],
    ['bill', 'william', true],
    ['bill', 'will', true],
    ['liz', 'elizabeth', true],
    ['peggy', 'margaret', true],
    ['chris', 'christopher', true],
    ['chris', 'christine', true],
    // A short form shared by two names does not make the two names one.
    ['christopher', 'christine', false],
    ['bob', 'bob', false],
    ['bob', 'william', false],
    ['zelda', 'robert', false],
  ])('%s / %s -> %s', (a, b, yes) => {
    expect(areNicknames(a, b)).toBe(yes);
    expect(areNicknames(b, a)).toBe(yes);
  });
});

describe('canonicalFirstName', () => {
  it.each([
    ['bob', 'robert'],
    ['robert', 'robert'],
    ['bill', 'william'],
    ['zelda', 'zelda'],
    ['', ''],
  ])('%j -> %j', (name, canonical) => {
    expect(canonicalFirstName(name)).toBe(canonical);
  });
});

describe('isFiller', () => {
  it.each<[FillerField, string, boolean]>([
    ['email', 'test@test.com', true],
    ['email', ' TEST@TEST.COM ', true],
    ['email', 'noemail@acme.com', true],
    ['email', 'test1@hotmail.com', true],
    ['email', 'ada@example.com', false],
    ['email', 'tester@example.com', false],
    ['phone', '0000000000', true],
    ['phone', '000-000-0000', true],
    ['phone', '+1 555-555-5555', true],
    ['phone', '+14155550101', false],
    ['firstName', '-', true],
    ['firstName', 'N/A', true],
    ['firstName', 'Ada', false],
    ['city', 'unknown', true],
    ['postalCode', '00000', true],
    ['postalCode', '02134', false],
    ['dateOfBirth', '1900-01-01', true],
    ['lastName', '', false],
  ])('%s %j -> %s', (field, value, yes) => {
    expect(isFiller(field, value)).toBe(yes);
  });

  it('takes replaced and extended lists', () => {
    const lists = fillerLists({ replace: { city: ['nowhere'] }, extend: { email: ['info@acme.com', /^sales@/] } });
    expect(isFiller('city', 'Nowhere', lists)).toBe(true);
    expect(isFiller('city', 'unknown', lists)).toBe(false);
    expect(isFiller('email', 'info@acme.com', lists)).toBe(true);
    expect(isFiller('email', 'sales@x.org', lists)).toBe(true);
    expect(isFiller('email', 'test@test.com', lists)).toBe(true);
    expect(DEFAULT_FILLERS.email).not.toContain('info@acme.com');
  });
});

describe('areGenderedForms', () => {
  it.each([
    ['paul', 'paula', true],
    ['eric', 'erica', true],
    ['daniel', 'danielle', true],
    ['mario', 'maria', true],
    ['julius', 'julia', true],
    ['alexander', 'alexandra', true],
    ['john', 'joan', true],
    ['louise', 'louis', true],
    ['christian', 'christina', true],
    // One person's name with a letter dropped or a spelling variant: not two people.
    ['matilda', 'matild', false],
    ['kirra', 'kirr', false],
    ['ann', 'anne', false],
    ['jon', 'john', false],
    ['paul', 'paul', false],
    ['al', 'ala', false],
  ])('%s, %s -> %s', (a, b, yes) => {
    expect(areGenderedForms(a, b)).toBe(yes);
    expect(areGenderedForms(b, a)).toBe(yes);
  });
});
