import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { parseNanpDigits } from '../../../src/transforms/phone-nanp.js';
import { seededRandom } from '../../../src/core/random.js';

/** The library's own answer, as toE164 uses it. */
function library(digits: string, country: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(digits, country);
  return parsed?.isValid() ? parsed.number : undefined;
}

const NANP = getCountries().filter((c) => getCountryCallingCode(c) === '1');

/** The project's seeded PRNG (mulberry32), so every run replays. */
const prng = seededRandom;

describe('parseNanpDigits answers as libphonenumber-js does', () => {
  it('has the NANP countries to check against', () => {
    expect(NANP).toContain('US');
    expect(NANP).toContain('CA');
    expect(NANP.length).toBeGreaterThan(20);
  });

  it.each([
    ['+14155550101', 'US', '+14155550101'],
    ['4155550101', 'US', '+14155550101'],
    ['6135550123', 'CA', '+16135550123'],
    ['2684601234', 'US', '+12684601234'],
    ['+12684601234', 'GB', '+12684601234'],
    ['2222222222', 'US', undefined],
    ['+12222222222', 'US', undefined],
    ['14155550101', 'US', '+14155550101'],
    ['12684601234', 'AG', '+12684601234'],
    // Not covered: the library's answer is asked for.
    ['14155550101', 'GB', null],
    ['0114155550101', 'US', null],
    ['4155550101', 'GB', null],
    ['+442079460958', 'US', null],
    ['415555010', 'US', null],
  ] as const)('%s with default country %s -> %s', (digits, country, expected) => {
    expect(parseNanpDigits(digits, country)).toBe(expected);
    if (expected !== null) expect(library(digits, country)).toBe(expected);
  });

  it('on every area code, written with +1, with 1 and bare, for every NANP default country', () => {
    const rnd = prng(20261127);
    let compared = 0;
    for (let area = 200; area <= 999; area++) {
      for (let k = 0; k < 3; k++) {
        const rest = String(Math.floor(rnd() * 10_000_000)).padStart(7, '0');
        const national = `${area}${rest}`;
        for (const country of ['US', 'GB', ...(k === 0 ? NANP : [NANP[Math.floor(rnd() * NANP.length)]!])] as CountryCode[]) {
          for (const digits of [national, `+1${national}`, `1${national}`]) {
            const ours = parseNanpDigits(digits, country);
            if (ours === null) continue;
            compared++;
            expect({ digits, country, value: ours }).toEqual({ digits, country, value: library(digits, country) });
          }
        }
      }
    }
    // Everything but the non-NANP default country's ten digits was covered.
    expect(compared).toBeGreaterThan(800 * 3 * 5);
  });

  it('on exchanges and lines that leading-digit and type patterns single out', () => {
    const rnd = prng(7);
    for (const area of [268, 242, 246, 264, 284, 340, 345, 441, 473, 649, 658, 664, 670, 671, 684, 721, 758, 767, 784, 787, 809, 829, 849, 868, 869, 876, 939, 800, 833, 844, 855, 866, 877, 888, 900, 500, 521, 522, 533, 544, 566, 577, 588, 710]) {
      for (let exchange = 200; exchange <= 999; exchange += 7) {
        const national = `${area}${exchange}${String(Math.floor(rnd() * 10_000)).padStart(4, '0')}`;
        for (const country of ['US', 'CA', NANP[Math.floor(rnd() * NANP.length)]!] as CountryCode[]) {
          for (const digits of [national, `+1${national}`, `1${national}`]) {
            const ours = parseNanpDigits(digits, country);
            expect(ours).not.toBeNull();
            expect({ digits, country, value: ours }).toEqual({ digits, country, value: library(digits, country) });
          }
        }
      }
    }
  });
});
