import { Metadata, type CountryCode } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/min/metadata';

/**
 * libphonenumber-js's answer for the commonest numbers of a North American
 * export, computed without its per-call cost: `+1` and ten digits, or ten
 * digits, or `1` and ten digits, read with a default country whose calling
 * code is 1.
 *
 * The library (1.13, min metadata: the metadata `parsePhoneNumberFromString`
 * uses) spends ~12 µs on such a number, most of it building the same RegExp
 * objects from its metadata again on every check (helpers/matchesEntirely.js).
 * This is a line-by-line port of the steps such a number goes through
 * (parse.js: extractCountryCallingCode, extractNationalNumber,
 * getCountryByCallingCode -> getCountryByNationalNumber -> getNumberType; then
 * PhoneNumber.isValid -> isValidNumber), reading the same metadata through
 * the library's own Metadata class, with each pattern compiled once. Any
 * number that would leave those steps (a national prefix or an
 * international prefix at its start) is handed back to the library: the
 * answer is `null`. A test compares the two on every area code and on
 * random numbers for every NANP country.
 */

/** The checks of helpers/getNumberType.js, in its order. */
const NON_FIXED_LINE_PHONE_TYPES = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'] as const;

interface TypeMeta {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface PlanMeta {
  callingCode(): string;
  nationalNumberPattern(): string;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(type: string): TypeMeta | undefined;
  IDDPrefix(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  possibleLengths(): number[] | undefined;
}
interface MetadataApi {
  selectNumberingPlan(country: string): void;
  numberingPlan: PlanMeta;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
}

/** What the library would check for one country, compiled. */
interface Plan {
  readonly country: string;
  readonly callingCode: string;
  readonly whole: RegExp;
  readonly leadingDigits: RegExp | undefined;
  readonly hasTypes: boolean;
  /** FIXED_LINE first, then NON_FIXED_LINE_PHONE_TYPES, as getNumberType tries them; types without a pattern left out. */
  readonly types: ReadonlyArray<{ readonly pattern: RegExp; readonly lengths: readonly number[] | undefined }>;
  readonly idd: RegExp | undefined;
  readonly nationalPrefix: RegExp | undefined;
  readonly transformRule: string | undefined;
  readonly possibleLengths: readonly number[] | undefined;
}

const compiled = new Map<string, RegExp>();
/** matchesEntirely's RegExp, built once per pattern. */
function entirely(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
  return re;
}

const plans = new Map<string, Plan>();
function planOf(country: string): Plan {
  let plan = plans.get(country);
  if (plan) return plan;
  const m = new Metadata(metadataJson) as unknown as MetadataApi;
  m.selectNumberingPlan(country);
  const p = m.numberingPlan;
  const types: Array<{ pattern: RegExp; lengths: readonly number[] | undefined }> = [];
  for (const name of ['FIXED_LINE', ...NON_FIXED_LINE_PHONE_TYPES]) {
    const t = p.type(name);
    if (!t || !t.pattern()) continue;
    types.push({ pattern: entirely(t.pattern()), lengths: t.possibleLengths() });
  }
  const leading = p.leadingDigits();
  const idd = p.IDDPrefix();
  const npp = p.nationalPrefixForParsing();
  plan = {
    country,
    callingCode: p.callingCode(),
    whole: entirely(p.nationalNumberPattern()),
    leadingDigits: leading ? new RegExp(leading) : undefined,
    hasTypes: p.hasTypes(),
    types,
    idd: idd === undefined ? undefined : new RegExp(idd),
    nationalPrefix: npp ? new RegExp(`^(?:${npp})`) : undefined,
    transformRule: p.nationalPrefixTransformRule(),
    possibleLengths: p.possibleLengths(),
  };
  plans.set(country, plan);
  return plan;
}

const NANP_COUNTRIES: readonly string[] = (new Metadata(metadataJson) as unknown as MetadataApi).getCountryCodesForCallingCode('1') ?? [];

/** getNumberType(...) !== undefined. */
function hasNumberType(national: string, plan: Plan): boolean {
  if (!plan.whole.test(national)) return false;
  for (const t of plan.types) {
    if (t.lengths && !t.lengths.includes(national.length)) continue;
    if (t.pattern.test(national)) return true;
  }
  return false;
}

/** getCountryByNationalNumber over the countries of calling code 1. */
function countryOf(national: string): string | undefined {
  for (const country of NANP_COUNTRIES) {
    const plan = planOf(country);
    if (plan.leadingDigits) {
      if (national.search(plan.leadingDigits) === 0) return country;
    } else if (hasNumberType(national, plan)) return country;
  }
  return undefined;
}

/** isValidNumber for a number of calling code 1 whose country is `country` (undefined: the calling code's main country). */
function isValid(national: string, country: string | undefined): boolean {
  const plan = planOf(country ?? NANP_COUNTRIES[0]!);
  return plan.hasTypes ? hasNumberType(national, plan) : plan.whole.test(national);
}

/** checkNumberLength without a type: by the plan's possible lengths (the country's, when there is one). */
function numberLength(national: string, plan: Plan): 'IS_POSSIBLE' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH' {
  const lengths = plan.possibleLengths;
  if (!lengths) return 'IS_POSSIBLE';
  const n = national.length;
  if (lengths[0] === n) return 'IS_POSSIBLE';
  if (lengths[0]! > n) return 'TOO_SHORT';
  if (lengths[lengths.length - 1]! < n) return 'TOO_LONG';
  return lengths.indexOf(n, 1) >= 0 ? 'IS_POSSIBLE' : 'INVALID_LENGTH';
}

/**
 * extractNationalNumber (with extractNationalNumberFromPossiblyIncompleteNumber)
 * under `plan`, for a national prefix without captured groups; `null` for
 * one with groups (a carrier code or a transform rule), which is left to the library.
 */
function extractNational(number: string, plan: Plan): string | null {
  const match = plan.nationalPrefix?.exec(number);
  if (!match) return number;
  if (match.length > 1 && match[match.length - 1]) return null;
  const national = number.slice(match[0].length);
  if (national === number) return number;
  // shouldHaveExtractedNationalPrefix
  if (plan.whole.test(number) && !plan.whole.test(national)) return number;
  if (plan.possibleLengths) {
    const country = countryOf(national);
    const length = numberLength(national, country ? planOf(country) : plan);
    if (length === 'TOO_SHORT' || length === 'INVALID_LENGTH') return number;
  }
  return national;
}

const PLUS_ONE_TEN = /^\+1[2-9]\d{9}$/;
const TEN = /^[2-9]\d{9}$/;
const ONE_TEN = /^1[2-9]\d{9}$/;

/**
 * The E.164 number libphonenumber-js gives `digits` (a `+` and digits, or
 * digits, as parseIncompletePhoneNumber leaves them) read with
 * `defaultCountry`, when it is valid; `undefined` when it is not; `null`
 * when the number is not one this port covers (ask the library).
 */
export function parseNanpDigits(digits: string, defaultCountry: CountryCode): string | undefined | null {
  if (NANP_COUNTRIES.length === 0) return null;
  let national: string;
  let fallback: string | undefined;
  if (PLUS_ONE_TEN.test(digits)) {
    // extractCountryCallingCode: `+1` is a calling code; the main country's plan then reads the rest.
    national = digits.slice(2);
    if (planOf(NANP_COUNTRIES[0]!).nationalPrefix?.test(national)) return null;
  } else if (TEN.test(digits)) {
    const plan = planOf(defaultCountry);
    if (plan.callingCode !== '1') return null;
    // stripIddPrefix, then extractCountryCallingCodeFromInternationalNumberWithoutPlusSign (ten digits never start with 1), then extractNationalNumber.
    if (!plan.idd || digits.search(plan.idd) === 0) return null;
    if (plan.nationalPrefix?.test(digits)) return null;
    national = digits;
    fallback = defaultCountry;
  } else if (ONE_TEN.test(digits)) {
    // `1` and ten digits: the calling code written without `+`, or the national prefix.
    const plan = planOf(defaultCountry);
    if (plan.callingCode !== '1') return null;
    if (!plan.idd || digits.search(plan.idd) === 0) return null;
    // extractCountryCallingCodeFromInternationalNumberWithoutPlusSign
    const shorter = extractNational(digits.slice(1), plan);
    const whole = extractNational(digits, plan);
    if (shorter === null || whole === null) return null;
    if ((!plan.whole.test(whole) && plan.whole.test(shorter)) || numberLength(whole, plan) === 'TOO_LONG') {
      // Read as `+1` and the rest, under the calling code's main plan.
      const rest = extractNational(digits.slice(1), planOf(NANP_COUNTRIES[0]!));
      if (rest === null) return null;
      national = rest;
    } else {
      national = whole;
      fallback = defaultCountry;
    }
  } else return null;
  const country = countryOf(national) ?? fallback;
  return isValid(national, country) ? `+1${national}` : undefined;
}
