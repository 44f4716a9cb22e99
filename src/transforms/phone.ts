import { isSupportedCountry, Metadata, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js';
import type { RowProblem } from '../core/row.js';
import { parseNanpDigits } from './phone-nanp.js';
import { fail, optionError, succeed, type TransformResult } from './result.js';
import { trimText } from './text.js';

/**
 * A phone cell to E.164, parsed the way the platform parses it (libphonenumber-js
 * with its default metadata, `isValid()`), so what we send is what it stores.
 *
 * Decisions:
 * - A spreadsheet's scientific notation is read when it writes every digit
 *   of a whole number (`4.155550101E+09` is 4155550101: Excel writes that
 *   for 4155550101 in a column too narrow for it), and fails the row with
 *   PHONE_SCIENTIFIC_NOTATION when it writes fewer digits than the number has
 *   (`4.15555E+09`: Excel kept six significant digits, and the last four
 *   cannot be told from zeros, so even a number that really ends in zeros is
 *   refused rather than guessed).
 * - A float rendering of an intact number (`4155550101.0`, from Excel or
 *   pandas) is repaired: every digit is still there.
 * - Excel's text markers are removed: a leading `'` and the `="…"` wrapper.
 * - An extension (`x12`, `ext. 12`, `#12`, `;ext=12`) is stripped by default and
 *   handed back in `extension`: the API's phone field holds no extension, and
 *   the platform would match the contact by the main number anyway. With
 *   `extension: 'reject'` it fails the row with `PHONE_HAS_EXTENSION`.
 * - A number without `+` is read with the row's country, else the default
 *   country. A leading `00` that does not parse that way is read as `+`.
 * - A `+` followed by a calling code no country has (`+999`) fails with
 *   PHONE_UNKNOWN_COUNTRY_CODE: it has a country code, a wrong one.
 * - Free text around a number (`call 415…`, two numbers in a cell) is not
 *   searched for a number: the cell is rejected.
 */

export type PhoneProblemCode = 'BLANK_VALUE' | 'INVALID_PHONE' | 'PHONE_SCIENTIFIC_NOTATION' | 'PHONE_HAS_EXTENSION' | 'PHONE_UNKNOWN_COUNTRY_CODE' | 'UNKNOWN_COUNTRY';

export interface PhoneOptions {
  /**
   * ISO 3166-1 alpha-2 code (or an alias from `COUNTRY_ALIASES`) for numbers
   * without `+` when the row has no country: the location's country. The
   * platform's own fallback is US.
   * @default 'US'
   */
  defaultCountry?: string;
  /**
   * The row's own country cell. Blank means `defaultCountry`; a value that is
   * neither ISO alpha-2 nor an alias fails a row whose number needs it.
   */
  country?: string | undefined;
  /** What an extension does. @default 'strip' */
  extension?: 'strip' | 'reject';
}

export type PhoneResult =
  | { readonly ok: true; readonly value: string; readonly extension?: string }
  | { readonly ok: false; readonly problem: RowProblem };

/**
 * Country names CRMs write into a country column, lower-cased, accents and
 * punctuation removed (see `resolveCountry`). Kept short on purpose: ISO
 * alpha-2 is the documented input, these are the names seen in exports.
 */
export const COUNTRY_ALIASES: Readonly<Record<string, CountryCode>> = {
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  america: 'US',
  canada: 'CA',
  mexico: 'MX',
  'united kingdom': 'GB',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  ireland: 'IE',
  germany: 'DE',
  deutschland: 'DE',
  austria: 'AT',
  osterreich: 'AT',
  switzerland: 'CH',
  schweiz: 'CH',
  suisse: 'CH',
  france: 'FR',
  spain: 'ES',
  espana: 'ES',
  italy: 'IT',
  italia: 'IT',
  netherlands: 'NL',
  'the netherlands': 'NL',
  nederland: 'NL',
  holland: 'NL',
  belgium: 'BE',
  portugal: 'PT',
  brazil: 'BR',
  brasil: 'BR',
  australia: 'AU',
  'new zealand': 'NZ',
  india: 'IN',
  'south africa': 'ZA',
  // The same countries as the other languages init reads headers in (German, French, Spanish, Portuguese, Dutch, Italian) write them.
  'vereinigte staaten': 'US',
  'etats-unis': 'US',
  'estados unidos': 'US',
  'stati uniti': 'US',
  'verenigde staten': 'US',
  'royaume-uni': 'GB',
  'vereinigtes konigreich': 'GB',
  'reino unido': 'GB',
  'regno unito': 'GB',
  'verenigd koninkrijk': 'GB',
  allemagne: 'DE',
  alemania: 'DE',
  alemanha: 'DE',
  germania: 'DE',
  duitsland: 'DE',
  autriche: 'AT',
  oostenrijk: 'AT',
  svizzera: 'CH',
  suiza: 'CH',
  suica: 'CH',
  zwitserland: 'CH',
  frankreich: 'FR',
  francia: 'FR',
  franca: 'FR',
  frankrijk: 'FR',
  espagne: 'ES',
  spanien: 'ES',
  spagna: 'ES',
  spanje: 'ES',
  espanha: 'ES',
  italie: 'IT',
  italien: 'IT',
  'pays-bas': 'NL',
  niederlande: 'NL',
  'paesi bassi': 'NL',
  'paises bajos': 'NL',
  'paises baixos': 'NL',
  belgique: 'BE',
  belgie: 'BE',
  belgien: 'BE',
  belgica: 'BE',
  belgio: 'BE',
  bresil: 'BR',
  brasilien: 'BR',
  mexique: 'MX',
  mexiko: 'MX',
  messico: 'MX',
  luxembourg: 'LU',
  luxemburg: 'LU',
};

/**
 * `US`, `us`, `United States`, `U.S.A.`, `Deutschland`, `España` -> the
 * ISO alpha-2 code; anything else -> `undefined`.
 */
export function resolveCountry(raw: string): CountryCode | undefined {
  const s = trimText(raw);
  if (/^[A-Za-z]{2}$/.test(s)) {
    const code = s.toUpperCase();
    if (isSupportedCountry(code)) return code;
    return COUNTRY_ALIASES[code.toLowerCase()];
  }
  const key = s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.]/g, '')
    .replace(/\s+/g, ' ');
  const upper = key.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && isSupportedCountry(upper)) return upper;
  return COUNTRY_ALIASES[key];
}

const SCIENTIFIC = /^([+-]?)(\d+)(?:[.,](\d+))?[eE]([+-]?\d+)$/;
const FLOAT_OF_INTEGER = /^(\+?\d{5,})[.,]0+$/;
const EXTENSION = /\s*(?:(?:ext|extn|extension|x)\.?|#|;\s*ext=)\s*(\d{1,7})$/i;
const PHONE_CHARS = /^\+?[\d ().\-/]+$/;
const UNICODE_DASHES = /[\u2010-\u2015\u2212]/g;
const SPACES = /[\s\u00A0\u2000-\u200B\u202F]+/g;

const LENGTH_REASONS: Readonly<Record<string, string>> = {
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_LENGTH: 'the wrong length',
  NOT_A_NUMBER: 'not a phone number',
  INVALID_COUNTRY: 'missing its country code',
};

/** `resolveCountry` of the few default countries a run uses, resolved once each. */
const defaultCountries = new Map<string, CountryCode | undefined>();

function resolveDefaultCountry(raw: string): CountryCode | undefined {
  if (defaultCountries.has(raw)) return defaultCountries.get(raw);
  const code = resolveCountry(raw);
  if (defaultCountries.size < 64) defaultCountries.set(raw, code);
  return code;
}

export function toE164(raw: string, options: PhoneOptions = {}): PhoneResult {
  const defaultCountry = resolveDefaultCountry(options.defaultCountry ?? 'US');
  if (!defaultCountry) {
    throw optionError('defaultCountry', 'an ISO 3166-1 alpha-2 country code', options.defaultCountry);
  }
  const extensionPolicy = options.extension ?? 'strip';
  if (extensionPolicy !== 'strip' && extensionPolicy !== 'reject') {
    throw optionError('extension', '`strip` or `reject`', extensionPolicy);
  }

  let s = trimText(raw);
  if (s === '') return fail('BLANK_VALUE', 'Phone is blank');
  s = s.replace(/^="(.*)"$/s, '$1').replace(/^'/, '').trim();

  const scientific = SCIENTIFIC.exec(s);
  if (scientific) {
    const expanded = expandScientific(scientific);
    if (!expanded.ok) return expanded;
    s = expanded.value;
  }
  s = s.replace(FLOAT_OF_INTEGER, '$1');
  s = s.replace(UNICODE_DASHES, '-').replace(SPACES, ' ').trim();

  let extension: string | undefined;
  const ext = EXTENSION.exec(s);
  if (ext) {
    extension = ext[1];
    s = s.slice(0, ext.index).trim();
    if (extensionPolicy === 'reject') {
      return fail('PHONE_HAS_EXTENSION', 'Phone has an extension, which the phone field cannot hold (extensions are set to be rejected)');
    }
  }

  if (!PHONE_CHARS.test(s) || !/\d/.test(s)) {
    return fail('INVALID_PHONE', 'Phone is not valid: it holds characters that are not part of a phone number (one number per cell, digits and + ( ) - . / only)');
  }

  let country: CountryCode = defaultCountry;
  if (!s.startsWith('+') && options.country !== undefined && trimText(options.country) !== '') {
    const rowCountry = resolveCountry(options.country);
    if (!rowCountry) {
      return fail('UNKNOWN_COUNTRY', "Phone could not be read: the row's country is not an ISO 3166-1 alpha-2 code or a known country name");
    }
    country = rowCountry;
  }

  const value = parseValid(s, country) ?? (s.startsWith('00') ? parseValid(`+${s.slice(2)}`, country) : undefined);
  if (value) return extension === undefined ? { ok: true, value } : { ok: true, value, extension };

  if (s.startsWith('+')) {
    const unknown = unknownCallingCode(s.replace(NOT_DIGIT, ''));
    if (unknown !== undefined) return fail('PHONE_UNKNOWN_COUNTRY_CODE', `Phone is not valid: no country uses calling code +${unknown}`);
  }
  const reason = LENGTH_REASONS[validatePhoneNumberLength(s, country) ?? ''] ?? 'not a valid number';
  const where = s.startsWith('+') ? '' : ` for ${country}`;
  return fail('INVALID_PHONE', `Phone is not valid: it is ${reason}${where}`);
}

let metadata: { hasCallingCode(code: string): boolean | undefined } | undefined;

/**
 * The digits after a `+` -> the calling code they would start with when no
 * country (or international service, such as +800) has one: calling codes
 * are one to three digits and none is the start of another, so when none of
 * the first three prefixes is one, the first three digits are no code.
 * `undefined` when a prefix is a code (the number is wrong in another way),
 * or when there are fewer than three digits (`+9` may be the start of +90:
 * it is too short).
 */
function unknownCallingCode(digits: string): string | undefined {
  if (digits.length < 3) return undefined;
  metadata ??= new Metadata() as unknown as { hasCallingCode(code: string): boolean | undefined };
  for (let n = 1; n <= 3; n++) if (metadata.hasCallingCode(digits.slice(0, n))) return undefined;
  return digits.slice(0, 3);
}

/**
 * A number in scientific notation (`4.155550101E+09`, `4,155550101e9`) ->
 * its digits, when the mantissa writes every digit of a whole number. Fewer
 * digits than the number has means a spreadsheet rounded it: a failed row
 * that says how many digits it kept.
 */
function expandScientific(m: RegExpExecArray): TransformResult<string> {
  const [, sign, whole, fraction = '', exponentText] = m as unknown as [string, string, string, string | undefined, string];
  const exponent = Number(exponentText);
  const written = `${whole}${fraction}`.replace(/^0+/, '');
  const length = whole.replace(/^0+/, '').length + exponent;
  if (sign === '' && exponent >= 0 && written !== '' && fraction.length < exponent) {
    const lost = exponent - fraction.length;
    return fail(
      'PHONE_SCIENTIFIC_NOTATION',
      `Phone was mangled by Excel: it is in scientific notation with ${written.length} of the number's ${length} digits written (like 4.15555E+09), so the last ${lost} digits are lost; re-export the column formatted as text`,
    );
  }
  if (sign !== '') return fail('INVALID_PHONE', 'Phone is not valid: it is a signed number in scientific notation');
  if (exponent < 0 || !/^0*$/.test(fraction.slice(exponent))) return fail('INVALID_PHONE', 'Phone is not valid: it is a number in scientific notation with a fraction');
  const digits = `${whole}${fraction.slice(0, exponent)}`.replace(/^0+/, '');
  return digits === '' ? fail('INVALID_PHONE', 'Phone is not valid: it is zero') : succeed(digits);
}

/**
 * libphonenumber-js's answer for `s` (already checked against PHONE_CHARS),
 * cached by country and the digits with their leading `+`.
 *
 * For such a string the library's answer depends on those digits alone: it
 * cuts the text to the first `+` or digit and the last digit, finds no
 * extension (that needs letters, `#`, `,` or `;`), and from then on reads
 * only `+` and digits (parseIncompletePhoneNumber). Two exceptions stay out
 * of the cache: more than 250 characters (the library refuses them as
 * typed) and fewer than 3 digits (whether the text is "viable" then depends
 * on the punctuation). A test pins the equivalence on every format we list.
 * North American numbers, the commonest, are answered by a port of the
 * library's steps that compiles its patterns once (phone-nanp.ts).
 */
const PARSE_CACHE_SIZE = 4096;
const parseCache = new Map<string, string | null>();

function parseValid(s: string, country: CountryCode): string | undefined {
  const digits = s.replace(NOT_DIGIT, '');
  if (s.length > 250 || digits.length < 3) return parseWithLibrary(s, country);
  const canonical = s.startsWith('+') ? `+${digits}` : digits;
  const nanp = parseNanpDigits(canonical, country);
  if (nanp !== null) return nanp;
  const key = `${country}${canonical}`;
  const hit = parseCache.get(key);
  if (hit !== undefined) {
    // Refreshed, so the cache keeps what a file repeats (least recently used goes first).
    parseCache.delete(key);
    parseCache.set(key, hit);
    return hit ?? undefined;
  }
  const value = parseWithLibrary(s, country);
  if (parseCache.size >= PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value!);
  parseCache.set(key, value ?? null);
  return value;
}

const NOT_DIGIT = /\D/g;

function parseWithLibrary(s: string, country: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(s, country);
  return parsed && parsed.isValid() ? parsed.number : undefined;
}
