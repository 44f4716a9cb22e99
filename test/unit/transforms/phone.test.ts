import { describe, expect, it } from 'vitest';
import { COUNTRY_ALIASES, resolveCountry, toE164, type PhoneOptions } from '../../../src/transforms/phone.js';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

const US: PhoneOptions = { defaultCountry: 'US' };

describe('toE164: mixed formats', () => {
  it.each([
    ['4155550101', '+14155550101'],
    ['(415) 555-0101', '+14155550101'],
    ['415.555.0101', '+14155550101'],
    ['415 555 0101', '+14155550101'],
    ['415/555-0101', '+14155550101'],
    ['1-415-555-0101', '+14155550101'],
    ['+1 (415) 555-0101', '+14155550101'],
    ['  +1 415 555 0101 \t', '+14155550101'],
    ['415\u00A0555\u00A00101', '+14155550101'],
    ['415–555–0101', '+14155550101'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+49 30 1234567', '+49301234567'],
    ['011 49 30 1234567', '+49301234567'],
    ['0049 30 1234567', '+49301234567'],
    ["'4155550101", '+14155550101'],
    ['="4155550101"', '+14155550101'],
  ])('%s -> %s', (raw, expected) => {
    expect(toE164(raw, US)).toEqual({ ok: true, value: expected });
  });
});

describe('toE164: Excel number renderings', () => {
  it.each([
    ['4.15555E+09', 6, 10, 4],
    ['4.15555e+09', 6, 10, 4],
    ['4,15555E+09', 6, 10, 4],
    ['1.41555E+10', 6, 11, 5],
    // 4155550100 or a rounded 4155550101: no one can tell, so it is refused too.
    ['4.1555501E+09', 8, 10, 2],
    ['4.15555010E+09', 9, 10, 1],
    ['4.155550101E+10', 10, 11, 1],
    ['4E+09', 1, 10, 9],
  ])('%s is a failed row: %i of %i digits written, the last %i lost', (raw, written, length, lost) => {
    const r = toE164(raw, US);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe('PHONE_SCIENTIFIC_NOTATION');
      expect(r.problem.message).toBe(
        `Phone was mangled by Excel: it is in scientific notation with ${written} of the number's ${length} digits written (like 4.15555E+09), so the last ${lost} digits are lost; re-export the column formatted as text`,
      );
    }
  });

  // Regression: 4.155550101e9 was refused as "digits lost" though it writes all ten.
  it.each([
    ['4.155550101E+09', '+14155550101'],
    ['4.155550101e9', '+14155550101'],
    ['4.155550101E9', '+14155550101'],
    ['4,155550101E+09', '+14155550101'],
    ['4.155550100E+09', '+14155550100'],
    ['1.4155550101E+10', '+14155550101'],
  ])('%s writes every digit: read as %s', (raw, expected) => {
    expect(toE164(raw, US)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['4.1555501010E+09', '+14155550101'], // a trailing zero past the point: still whole
    ["'4.155550101E+09", '+14155550101'],
    ['41.55550101E+08', '+14155550101'],
    ['4155550101E0', '+14155550101'],
  ])('%s -> %s', (raw, expected) => {
    expect(toE164(raw, US)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['4.1555501015E+09', /with a fraction/],
    ['4.155550101E-09', /with a fraction/],
    ['-4.155550101E+09', /signed/],
    ['+4.155550101E+09', /signed/],
    ['0E+00', /zero/],
    ['4.155550101E+09 x12', /characters/],
  ])('%s is not a phone: %s', (raw, message) => {
    const r = toE164(raw, US);
    expect(r).toMatchObject({ ok: false, problem: { code: 'INVALID_PHONE' } });
    if (!r.ok) expect(r.problem.message).toMatch(message);
  });

  it('an expanded number is checked like any other: ten digits that are no US number fail as such', () => {
    expect(toE164('2.222222222E+09', US)).toMatchObject({ ok: false, problem: { code: 'INVALID_PHONE', message: 'Phone is not valid: it is not a valid number for US' } });
  });

  it.each([
    ['4155550101.0', '+14155550101'],
    ['4155550101.00', '+14155550101'],
    ['14155550101.0', '+14155550101'],
    ['4155550101,0', '+14155550101'],
  ])('%s is repaired to %s: every digit is still there', (raw, expected) => {
    expect(toE164(raw, US)).toEqual({ ok: true, value: expected });
  });

  it('a fraction that is not zero is not a phone', () => {
    expect(toE164('4155550101.5', US)).toMatchObject({ ok: false, problem: { code: 'INVALID_PHONE' } });
  });
});

describe('toE164: extensions', () => {
  it.each([
    ['415-555-0101 x12', '12'],
    ['415-555-0101 ext. 12', '12'],
    ['415-555-0101 ext 12', '12'],
    ['415-555-0101 Extension 1234', '1234'],
    ['415-555-0101 #12', '12'],
    ['+14155550101;ext=12', '12'],
    ['(415) 555-0101x7', '7'],
  ])('%s is stripped by default, extension %s handed back', (raw, extension) => {
    expect(toE164(raw, US)).toEqual({ ok: true, value: '+14155550101', extension });
  });

  it('rejects an extension when told to', () => {
    expect(toE164('415-555-0101 x12', { ...US, extension: 'reject' })).toMatchObject({
      ok: false,
      problem: { code: 'PHONE_HAS_EXTENSION' },
    });
    expect(toE164('415-555-0101', { ...US, extension: 'reject' })).toEqual({ ok: true, value: '+14155550101' });
  });
});

describe('toE164: the row country', () => {
  it.each([
    ['030 1234567', 'DE', '+49301234567'],
    ['030 1234567', 'de', '+49301234567'],
    ['030 1234567', 'Deutschland', '+49301234567'],
    ['030 1234567', 'Germany', '+49301234567'],
    ['07911 123456', 'UK', '+447911123456'],
    ['07911 123456', 'United Kingdom', '+447911123456'],
    ['612 345 678', 'España', '+34612345678'],
    ['(415) 555-0101', 'United States', '+14155550101'],
    ['(415) 555-0101', 'U.S.A.', '+14155550101'],
    ['(415) 555-0101', '', '+14155550101'],
    ['(415) 555-0101', '  ', '+14155550101'],
    // A number with + ignores the country cell, even one we cannot read.
    ['+49 30 1234567', 'US', '+49301234567'],
    ['+49 30 1234567', 'Narnia', '+49301234567'],
  ])('%s in %s -> %s', (raw, country, expected) => {
    expect(toE164(raw, { defaultCountry: 'US', country })).toEqual({ ok: true, value: expected });
  });

  it('an unreadable country fails a number that needs it', () => {
    expect(toE164('030 1234567', { defaultCountry: 'US', country: 'Narnia' })).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_COUNTRY' },
    });
  });

  it('the default country is US', () => {
    expect(toE164('(415) 555-0101')).toEqual({ ok: true, value: '+14155550101' });
    expect(toE164('(415) 555-0101', { country: '' })).toEqual({ ok: true, value: '+14155550101' });
  });

  it('the default country takes names too', () => {
    expect(toE164('030 1234567', { defaultCountry: 'Deutschland' })).toEqual({ ok: true, value: '+49301234567' });
  });

  it.each([[''], ['XX'], ['Narnia']])('a default country of %j is a programming error', (defaultCountry) => {
    expect(() => toE164('4155550101', { defaultCountry })).toThrow(/Expected `defaultCountry` to be an ISO 3166-1 alpha-2 country code/);
  });
});

describe('toE164: failures', () => {
  it.each([
    ['', 'BLANK_VALUE', /blank/],
    ['   ', 'BLANK_VALUE', /blank/],
    ['415555010', 'INVALID_PHONE', /too short for US/],
    ['41555501011', 'INVALID_PHONE', /too long for US/],
    ['555-0101', 'INVALID_PHONE', /too short/],
    ['0000000000', 'INVALID_PHONE', /not valid/],
    ['2222222222', 'INVALID_PHONE', /not a valid number for US/],
    ['1234567890', 'INVALID_PHONE', /not valid/],
    ['call me', 'INVALID_PHONE', /characters that are not part of a phone number/],
    ['n/a', 'INVALID_PHONE', /characters/],
    ['1-800-FLOWERS', 'INVALID_PHONE', /characters/],
    ['415-555-0101 / 415-555-0102', 'INVALID_PHONE', /too long/],
    ['415-555-0101, 415-555-0102', 'INVALID_PHONE', /characters/],
    ['mobile: 4155550101', 'INVALID_PHONE', /characters/],
    ['4155+550101', 'INVALID_PHONE', /characters/],
  ])('%j -> %s', (raw, code, message) => {
    const r = toE164(raw, US);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe(code);
      expect(r.problem.message).toMatch(message);
    }
  });

  // Regression: +999 was reported as "missing its country code" though it has one, a wrong one.
  it.each([
    ['+999 1234 5678', '+999'],
    ['+999', '+999'],
    ['+210 123 4567', '+210'],
    ['+0 1234 5678', '+012'],
    ['+(969) 123-4567', '+969'],
  ])('%j -> PHONE_UNKNOWN_COUNTRY_CODE (%s)', (raw, code) => {
    expect(toE164(raw, US)).toEqual({ ok: false, problem: { code: 'PHONE_UNKNOWN_COUNTRY_CODE', message: `Phone is not valid: no country uses calling code ${code}` } });
  });

  it.each([
    ['+9', /too short/], // may be the start of +90
    ['+99', /too short/],
    ['+44 20 7946 095', /not a valid number/], // a known code, a wrong number
    ['+1 415 555 010', /too short/],
    ['+212 123', /too short/],
  ])('%j has or may have a real calling code: INVALID_PHONE, %s', (raw, message) => {
    const r = toE164(raw, US);
    expect(r).toMatchObject({ ok: false, problem: { code: 'INVALID_PHONE' } });
    if (!r.ok) expect(r.problem.message).toMatch(message);
  });

  it('a calling code of an international service, not a country, is known', () => {
    expect(toE164('+800 1234 5678', US)).toEqual({ ok: true, value: '+80012345678' });
  });

  it('never quotes the cell in its message', () => {
    const r = toE164('415555010', US);
    expect(!r.ok && r.problem.message).not.toContain('415555010');
  });
});

describe('resolveCountry', () => {
  it.each([
    ['US', 'US'],
    ['us', 'US'],
    [' gb ', 'GB'],
    ['UK', 'GB'],
    ['United States', 'US'],
    ['united states of america', 'US'],
    ['U.S.A.', 'US'],
    ['U.S.', 'US'],
    ['U.K.', 'GB'],
    ['Deutschland', 'DE'],
    ['Österreich', 'AT'],
    ['MÉXICO', 'MX'],
    ['XX', undefined],
    ['Narnia', undefined],
    ['', undefined],
  ])('%j -> %s', (raw, expected) => {
    expect(resolveCountry(raw)).toBe(expected);
  });

  it('every alias is lower-case, unaccented, without dots, and maps to a code libphonenumber knows', () => {
    for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) {
      expect(alias).toBe(alias.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\./g, ''));
      expect(resolveCountry(code)).toBe(code);
    }
  });
});

describe('toE164: the parse cache answers as the library does', () => {
  // The cache keys a number by its country and its digits with the leading `+`:
  // every writing of the same digits must get the library's own answer for that writing.
  const writings: Array<(d: string) => string> = [
    (d) => d,
    (d) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
    (d) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
    (d) => `${d.slice(0, 3)}/${d.slice(3)}`,
    (d) => `(${d})`,
    (d) => `${d}-`,
    (d) => `+${d}`,
    (d) => `+ (${d.slice(0, 2)}) ${d.slice(2)}`,
    (d) => `00${d}`,
    (d) => `0${d}`,
    (d) => `1-${d}`,
  ];
  it.each([
    ['4155550101', 'US'],
    ['14155550101', 'US'],
    ['2222222222', 'US'],
    ['6135550123', 'CA'],
    ['2684601234', 'US'],
    ['442079460958', 'GB'],
    ['2079460958', 'GB'],
    ['301234567', 'DE'],
    ['612345678', 'ES'],
    ['123', 'US'],
    ['12345678901234567', 'US'],
  ])('%s in every writing, default country %s', (digits, country) => {
    for (const write of writings) {
      const raw = write(digits);
      // Twice: once filling the cache, once answered from it.
      for (let i = 0; i < 2; i++) {
        const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
        const direct = parsed?.isValid() ? parsed.number : undefined;
        const viaPlus = direct ?? (raw.startsWith('00') ? validNumber(`+${raw.slice(2)}`, country as CountryCode) : undefined);
        const ours = toE164(raw, { defaultCountry: country });
        expect({ raw, value: ours.ok ? ours.value : undefined }).toEqual({ raw, value: viaPlus });
      }
    }
  });
});

function validNumber(raw: string, country: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, country);
  return parsed?.isValid() ? parsed.number : undefined;
}
