import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { HeaderLanguage } from '../transforms/header-names.js';
import { toApiDate } from '../transforms/date.js';
import { normaliseEmail } from '../transforms/email.js';
import { resolveCountry, toE164 } from '../transforms/phone.js';

/**
 * What a column's values are, read from a sample of rows: emails, phones (and
 * the country their national numbers belong to), dates (and whether the day
 * or the month comes first), yes/no values, numbers, lists, countries, links,
 * text. Pure: the rows come in as an argument.
 */

export type ValueKind = 'empty' | 'email' | 'phone' | 'date' | 'boolean' | 'number' | 'money' | 'identifier' | 'list' | 'country' | 'url' | 'text' | 'largeText';

export interface DateSniff {
  /** A `dateFormat` the date transform reads every matching value with. */
  readonly format: string;
  /** How the order of day and month was decided. */
  readonly order: 'year-first' | 'day-first' | 'month-first' | 'month-names';
  /** Why: values such as 25/04 (a day over 12), or no value deciding and the headers' language. */
  readonly decidedBy: 'values' | 'language' | 'default' | 'form';
  /** Values written the other way round (31/12 in a month-first column): they fail their rows. */
  readonly otherOrder?: number;
}

export interface ListSniff {
  readonly separator: string;
  readonly distinct: number;
}

export interface PhoneSniff {
  /** The country numbers without `+` are read with (absent: none needs one). */
  readonly defaultCountry: CountryCode | undefined;
  /** Values written with `+` or `00`. */
  readonly international: number;
  /** Values without, read as `defaultCountry` (or the row's country). */
  readonly national: number;
}

export interface ColumnSniff {
  readonly header: string;
  /** Rows looked at. */
  readonly sampled: number;
  /** Non-blank values among them. */
  readonly filled: number;
  readonly kind: ValueKind;
  /** How many of the non-blank values are of `kind` (read by the transform the pipeline will use). */
  readonly matching: number;
  readonly distinct: number;
  /** A few distinct values, for yes/no columns. */
  readonly examples: readonly string[];
  readonly date?: DateSniff;
  readonly list?: ListSniff;
  readonly phone?: PhoneSniff;
}

/** The share of non-blank values that must agree for a kind. */
export const KIND_SHARE = 0.8;

const TRUE_WORDS = ['true', 'yes', 'y', 'ja', 'j', 'oui', 'si', 'sí', 'sim', 'x', 'wahr', 'vrai', 'verdadero', 'verdadeiro', 'waar', 'vero'];
const FALSE_WORDS = ['false', 'no', 'n', 'nein', 'non', 'não', 'nao', 'falsch', 'faux', 'falso', 'onwaar', 'nee'];
const BOOLEAN_WORDS = new Set([...TRUE_WORDS, ...FALSE_WORDS, '0', '1']);

const DAY_MONTH = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;
const YEAR_FIRST = /^\d{4}([-/.])\d{1,2}\1\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MONTH_NAMES = /^(?:[A-Za-z]{3},?\s+)?(?:\d{1,2}[\s-]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s-]+\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})$/i;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:[.,]\d+)?$/;
const MONEY = /^(?:[$€£]\s?-?[\d.,]*\d|-?[\d.,]*\d\s?[€$£]|-?\d{1,3}(?:,\d{3})+(?:\.\d{2})?)$/;
const URL = /^(?:https?:\/\/|www\.)\S+$|^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/\S*)?$/i;
const PHONE_LIKE = /^'?(?:\+|00)?[\d ().\-/]{6,}$/;
const INTERNATIONAL = /^'?(?:\+|00)/;

/** Countries whose language a file's headers may be written in, for national numbers and the order of day and month. */
const LANGUAGE_COUNTRY: Readonly<Record<HeaderLanguage, CountryCode>> = {
  English: 'US',
  German: 'DE',
  French: 'FR',
  Spanish: 'ES',
  Portuguese: 'PT',
  Dutch: 'NL',
  Italian: 'IT',
};
const FALLBACK_COUNTRIES: readonly CountryCode[] = ['US', 'GB', 'CA', 'AU', 'DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'PT', 'BR', 'CH', 'AT', 'IE', 'MX'];

export interface SniffContext {
  /** The language the file's headers are written in. */
  readonly language?: HeaderLanguage;
  /** Each sampled row's country (ISO code or a name), when the file has a country column. */
  readonly rowCountries?: ReadonlyArray<string | undefined>;
  /** The kind the header names (an email, phone or date column): read as that kind, however few values fit. */
  readonly expect?: 'email' | 'phone' | 'date';
}

const isBlank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

/** The language's country: national phone numbers and dates are read as there. */
export function languageCountry(language: HeaderLanguage | undefined): CountryCode | undefined {
  return language ? LANGUAGE_COUNTRY[language] : undefined;
}

/** One column's values (one per sampled row, blanks included, in row order). */
export function sniffColumn(header: string, values: ReadonlyArray<string | undefined>, ctx: SniffContext = {}): ColumnSniff {
  const filledValues = values.map((v) => (v ?? '').trim()).filter((v) => v !== '');
  const base = { header, sampled: values.length, filled: filledValues.length, distinct: new Set(filledValues.map((v) => v.toLowerCase())).size, examples: [...new Set(filledValues)].slice(0, 4) };
  if (filledValues.length === 0) return { ...base, kind: 'empty', matching: 0 };
  const enough = (n: number): boolean => n >= Math.max(1, Math.ceil(filledValues.length * KIND_SHARE));
  const count = (test: (v: string) => boolean): number => filledValues.filter(test).length;

  const emails = count((v) => v.includes('@') && normaliseEmail(v).ok);
  if (enough(emails) || ctx.expect === 'email') return { ...base, kind: 'email', matching: emails };

  const date = sniffDate(filledValues, ctx.language);
  if (date || ctx.expect === 'date') {
    const format = date?.format ?? 'auto';
    const read = count((v) => toApiDate(v, format).ok);
    if (enough(read) || ctx.expect === 'date') return { ...base, kind: 'date', matching: read, date: date ?? { format, order: 'year-first', decidedBy: 'form' } };
  }

  if (enough(count((v) => BOOLEAN_WORDS.has(v.toLowerCase()))) && base.distinct <= 2 && !filledValues.every((v) => v === '0' || v === '1')) {
    return { ...base, kind: 'boolean', matching: count((v) => BOOLEAN_WORDS.has(v.toLowerCase())) };
  }

  const phone = sniffPhone(values, ctx);
  if (phone && (enough(phone.matching) || ctx.expect === 'phone')) return { ...base, kind: 'phone', matching: phone.matching, phone: phone.sniff };

  const numbers = count((v) => NUMBER.test(v));
  if (enough(numbers)) {
    // Record ids and account numbers: digits that are names, not quantities.
    const identifier = /(?:^|[^a-z])(?:id|no|nr|n°)\.?$|^id\b|(?:number|nummer|numero|número|code)$/i.test(header.trim()) || filledValues.every((v) => /^\d{9,}$/.test(v));
    return { ...base, kind: identifier ? 'identifier' : 'number', matching: numbers };
  }
  const money = count((v) => MONEY.test(v) || NUMBER.test(v));
  if (enough(money)) return { ...base, kind: 'money', matching: money };

  const list = sniffList(filledValues);
  if (list) return { ...base, kind: 'list', matching: list.matching, list: list.sniff };

  const countries = count((v) => resolveCountry(v) !== undefined);
  if (enough(countries)) return { ...base, kind: 'country', matching: countries };

  const urls = count((v) => URL.test(v) && !v.includes('@'));
  if (enough(urls)) return { ...base, kind: 'url', matching: urls };

  const long = filledValues.some((v) => /[\r\n]/.test(v) || v.length > 200);
  return { ...base, kind: long ? 'largeText' : 'text', matching: filledValues.length };
}

/**
 * The date format of a column, or undefined when its values are no dates.
 * Day and month: a first number over 12 is a day (25/04/1990), a second one
 * over 12 is a day after the month (04/25/1990); when no value decides, the
 * headers' language does (English: month first, the others: day first).
 */
export function sniffDate(values: readonly string[], language?: HeaderLanguage): DateSniff | undefined {
  let yearFirst = 0;
  let named = 0;
  let dayFirst = 0;
  let monthFirst = 0;
  let numeric = 0;
  const seps = new Map<string, number>();
  let longYears = 0;
  for (const v of values) {
    if (YEAR_FIRST.test(v)) {
      yearFirst++;
      continue;
    }
    if (MONTH_NAMES.test(v)) {
      named++;
      continue;
    }
    const m = DAY_MONTH.exec(v);
    if (!m) continue;
    numeric++;
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (a > 12 && b <= 12) dayFirst++;
    if (b > 12 && a <= 12) monthFirst++;
    seps.set(m[2]!, (seps.get(m[2]!) ?? 0) + 1);
    if (m[4]!.length === 4) longYears++;
  }
  if (yearFirst + named + numeric === 0) return undefined;
  // Year-first values and month names are read under any day-month pattern: the day-month values decide.
  if (numeric === 0) return yearFirst >= named ? { format: 'YYYY-MM-DD', order: 'year-first', decidedBy: 'form' } : { format: 'auto', order: 'month-names', decidedBy: 'form' };
  const sep = [...seps.entries()].sort((x, y) => y[1] - x[1])[0]![0];
  const year = longYears * 2 >= numeric ? 'YYYY' : 'YY';
  let first: 'day-first' | 'month-first';
  let decidedBy: DateSniff['decidedBy'];
  let otherOrder = 0;
  if (dayFirst !== monthFirst) {
    first = dayFirst > monthFirst ? 'day-first' : 'month-first';
    decidedBy = 'values';
    otherOrder = Math.min(dayFirst, monthFirst);
  } else if (language) {
    first = language === 'English' ? 'month-first' : 'day-first';
    decidedBy = 'language';
  } else {
    first = 'month-first';
    decidedBy = 'default';
  }
  const format = first === 'day-first' ? `DD${sep}MM${sep}${year}` : `MM${sep}DD${sep}${year}`;
  return { format, order: first, decidedBy, ...(otherOrder > 0 && { otherOrder }) };
}

/**
 * Lists in cells (`Webinars;Newsletter`): a separator most multi-value cells
 * use, short parts, and parts that repeat across rows (free text does not).
 */
function sniffList(values: readonly string[]): { sniff: ListSniff; matching: number } | undefined {
  for (const separator of [';', ',', '|']) {
    const withSep = values.filter((v) => v.includes(separator));
    if (withSep.length < Math.max(2, values.length * 0.2)) continue;
    const parts = values.flatMap((v) => v.split(separator).map((p) => p.trim().toLowerCase()).filter(Boolean));
    if (parts.some((p) => p.length > 40 || p.split(/\s+/).length > 4)) continue;
    const distinct = new Set(parts).size;
    if (distinct > parts.length * 0.6) continue;
    return { sniff: { separator, distinct }, matching: values.length };
  }
  return undefined;
}

/**
 * Whether a column holds phone numbers, and the country its numbers without
 * `+` are read in: the row's country where the file has one, else the
 * country that reads the most of them as valid (the headers' language's
 * country first, then countries the `+` numbers are from, then common ones).
 */
function sniffPhone(values: ReadonlyArray<string | undefined>, ctx: SniffContext): { sniff: PhoneSniff; matching: number } | undefined {
  const cells = values.map((v, i) => ({ v: (v ?? '').trim(), country: ctx.rowCountries?.[i] })).filter((c) => c.v !== '');
  const phoneLike = cells.filter((c) => PHONE_LIKE.test(c.v));
  // Digits alone without a leading 0 or + are rather numbers or ids.
  const shaped = phoneLike.filter((c) => /[+ ().\-/]/.test(c.v) || /^'?0/.test(c.v));
  if (shaped.length < cells.length * KIND_SHARE && ctx.expect !== 'phone') return undefined;
  const international = phoneLike.filter((c) => INTERNATIONAL.test(c.v));
  const national = phoneLike.filter((c) => !INTERNATIONAL.test(c.v));
  const frequency = new Map<CountryCode, number>();
  const saw = (country: CountryCode | undefined): void => {
    if (country) frequency.set(country, (frequency.get(country) ?? 0) + 1);
  };
  for (const c of international) saw(parsePhoneNumberFromString(c.v.replace(/^'/, '').replace(/^00/, '+'))?.country);
  for (const c of cells) saw(c.country && !isBlank(c.country) ? resolveCountry(c.country) : undefined);
  const seen = [...frequency.entries()].sort((a, b) => b[1] - a[1]).map(([country]) => country);
  const own = languageCountry(ctx.language);
  const candidates = [...new Set([...(own ? [own] : []), ...seen, ...FALLBACK_COUNTRIES])];
  const read = (country: CountryCode | undefined): number =>
    cells.filter((c) => toE164(c.v, { defaultCountry: country ?? 'US', country: c.country && !isBlank(c.country) && resolveCountry(c.country) ? c.country : undefined }).ok).length;
  let best: { country: CountryCode | undefined; matching: number } = { country: undefined, matching: -1 };
  if (national.length === 0) best = { country: undefined, matching: read(undefined) };
  else {
    for (const country of candidates) {
      const n = read(country);
      if (n > best.matching) best = { country, matching: n };
    }
    // The language's country unless another reads clearly more: many numbering plans accept a foreign number's digits.
    const mine = own ? read(own) : -1;
    if (own && mine >= best.matching * 0.9) best = { country: own, matching: mine };
  }
  return { sniff: { defaultCountry: best.country, international: international.length, national: national.length }, matching: best.matching };
}
