import { describe, expect, it } from 'vitest';
import { DEFAULT_FILLERS, isFiller, matchKeys } from '../../../src/dedup/match-keys.js';

describe('matchKeys', () => {
  it.each<[{ email?: string | null; phone?: string | null }, string[]]>([
    [{ email: 'ada@example.com', phone: '+14155550101' }, ['email:ada@example.com', 'phone:+14155550101']],
    [{ email: ' Ada@Example.COM ' }, ['email:ada@example.com']],
    [{ phone: '+14155550101' }, ['phone:+14155550101']],
    [{ phone: '+1 415 555 0101' }, ['phone:+14155550101']],
    // Not normalised yet: parsed with the default country.
    [{ phone: '(415) 555-0101' }, ['phone:+14155550101']],
    [{ phone: '415-555-0101 x12' }, ['phone:+14155550101']],
    [{ phone: 'not a phone' }, []],
    [{ phone: '4.15555E+09' }, []],
    [{}, []],
    [{ email: '', phone: '' }, []],
    [{ email: null, phone: null }, []],
    [{ email: 'not-an-address' }, []],
    // Fillers give no key.
    [{ email: 'test@test.com', phone: '0000000000' }, []],
    [{ email: 'TEST@TEST.COM' }, []],
    [{ email: 'noemail@acme.com' }, []],
    [{ email: 'no-email@acme.com' }, []],
    [{ email: 'nomail@acme.com' }, []],
    [{ email: 'n/a', phone: 'n/a' }, []],
    [{ email: '-', phone: '-' }, []],
    [{ email: 'none', phone: 'None' }, []],
    [{ phone: '000-000-0000' }, []],
    [{ phone: '+1 555-555-5555' }, []],
    [{ phone: '+12222222222' }, []],
    [{ phone: '1234567890' }, []],
    [{ email: 'ada@example.com', phone: '0000000000' }, ['email:ada@example.com']],
    // Close to a filler is not a filler.
    [{ email: 'noemailprovided.ada@acme.com' }, ['email:noemailprovided.ada@acme.com']],
    [{ email: 'test@testing.com' }, ['email:test@testing.com']],
    [{ phone: '+14155551111' }, ['phone:+14155551111']],
  ])('%j -> %j', (contact, expected) => {
    expect(matchKeys(contact)).toEqual(expected);
  });

  it('parses a bare number with the default country given', () => {
    expect(matchKeys({ phone: '030 1234567' }, { defaultCountry: 'DE' })).toEqual(['phone:+49301234567']);
  });

  it('takes a filler list per kind, replacing the default of that kind only', () => {
    const options = { fillers: { email: ['info@acme.com', /^sales@/] } };
    expect(matchKeys({ email: 'Info@Acme.com', phone: '0000000000' }, options)).toEqual([]);
    expect(matchKeys({ email: 'sales@acme.com' }, options)).toEqual([]);
    expect(matchKeys({ email: 'test@test.com' }, options)).toEqual(['email:test@test.com']);
  });

  it('an empty list turns the fillers of that kind off', () => {
    expect(matchKeys({ phone: '+12222222222' }, { fillers: { phone: [] } })).toEqual(['phone:+12222222222']);
  });
});

describe('isFiller', () => {
  it.each<[string, 'email' | 'phone', boolean]>([
    [' N/A ', 'email', true],
    ['(000) 000-0000', 'phone', true],
    ['999-9999', 'phone', true],
    ['+14155550101', 'phone', false],
    ['ada@example.com', 'email', false],
  ])('%j as %s -> %s', (value, kind, expected) => {
    expect(isFiller(value, DEFAULT_FILLERS[kind], kind)).toBe(expected);
  });
});
