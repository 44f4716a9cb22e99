import { fail, optionError, succeed, type TransformResult } from './result.js';
import { trimText } from './text.js';

/**
 * A date cell to `YYYY-MM-DD`, a form the API takes for `dateOfBirth`
 * (BEHAVIOUR §7) and for DATE custom fields.
 *
 * The format is `auto` or a pattern of `YYYY YY MM M DD D HH mm ss` and the
 * separators `- / . _ space : T` (the pipeline file's `dateFormat`):
 * `MM/DD/YYYY`, `DD.MM.YYYY`, `YYYYMMDD`, `DD/MM/YY HH:mm`.
 *
 * A pattern is read leniently where that cannot change the meaning: a
 * two-digit token takes one digit when a separator follows it (`3/4/1990` for
 * `MM/DD/YYYY`), any of `- / . _` stands for any other, a space for any run of
 * spaces, and a time after the date is dropped when the pattern has none.
 * A value that does not fit the pattern is still read when its form cannot be
 * misread (below; year first counts only when the pattern does not put the
 * day before the month); otherwise it is `INVALID_DATE`.
 *
 * Read in every mode, as none of it is ambiguous:
 * - year first, any one separator of `- / . _`: `1990-04-25`, `1990/4/25`;
 *   compact `19900425`;
 * - ISO date-times and `1990-04-25 13:45:00` (SQL, Excel): the date as
 *   written. Time and zone are dropped, not applied: a birthday is a calendar
 *   date, and shifting `1990-04-25T00:00:00+02:00` to UTC would move it a day;
 * - Excel serial day numbers of five digits (`32874` -> `1990-01-01`, a time
 *   fraction allowed), 1900 date system. Four digits or fewer is not read as a
 *   serial: `1990` alone is a year, not 1905-06-12;
 * - English month names: `25 Apr 1990`, `April 25, 1990`, `Wed, 25-Apr-1990`.
 *
 * `auto` reads a year-last value (`03/04/1990`) by its numbers: one over 12
 * is the day (`25/04/1990`), equal numbers cannot be misread (`04/04/1990`),
 * otherwise `AMBIGUOUS_DATE`: set a pattern. A two-digit year is
 * `AMBIGUOUS_DATE` under `auto` (the century is a guess); a pattern with `YY`
 * declares the guess, made as Excel makes it: 00-29 -> 20xx, 30-99 -> 19xx.
 * Years before 1000 are `INVALID_DATE`.
 */

/** `auto`, or a pattern such as `MM/DD/YYYY`. */
export type DateFormat = 'auto' | (string & {});

export type DateProblemCode = 'BLANK_VALUE' | 'INVALID_DATE' | 'AMBIGUOUS_DATE';

/** A calendar date, and the time of day when the pattern had one. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
}

export function toApiDate(raw: string, format: DateFormat = 'auto'): TransformResult<string> {
  const parts = parseDateParts(raw, format);
  if (!parts.ok) return parts;
  const { year, month, day } = parts.value;
  return succeed(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

/** The date (and time, when the pattern reads one) of a cell; the rules are `toApiDate`'s. */
export function parseDateParts(raw: string, format: DateFormat = 'auto'): TransformResult<DateParts> {
  const pattern = format === 'auto' ? undefined : compile(format);
  const original = trimText(raw);
  if (original === '') return fail('BLANK_VALUE', 'Date is blank');

  if (pattern) {
    const m = pattern.re.exec(pattern.hasTime ? original : original.replace(TIME_SUFFIX, ''));
    if (m) return fromPattern(pattern, m, format);
  }

  const serial = EXCEL_SERIAL.exec(original);
  if (serial) {
    const d = new Date(EXCEL_EPOCH_MS + Number(serial[1]) * DAY_MS);
    return checked(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  // Year first reads as Y-M-D, unless the declared pattern puts the day before the month.
  const ymd = !pattern || !yearThenDayBeforeMonth(pattern);
  const compact = ymd ? COMPACT.exec(original) : null;
  if (compact) return checked(Number(compact[1]), Number(compact[2]), Number(compact[3]));

  const s = original.replace(TIME_SUFFIX, '').replace(WEEKDAY, '');

  const first = ymd ? YEAR_FIRST.exec(s) : null;
  if (first) return checked(Number(first[1]), Number(first[3]), Number(first[4]));

  const dmy = DAY_MONTH_YEAR.exec(s);
  const mdy = dmy ? undefined : MONTH_DAY_YEAR.exec(s);
  if (dmy || mdy) {
    const [day, name, year] = dmy ? [dmy[1], dmy[2], dmy[3]] : [mdy?.[2], mdy?.[1], mdy?.[3]];
    const month = monthNumber(name ?? '');
    if (month === undefined) return fail('INVALID_DATE', 'Date is not valid: the month name is not an English month');
    if ((year ?? '').length === 2) return TWO_DIGIT_YEAR;
    return checked(Number(year), month, Number(day));
  }

  if (pattern) return fail('INVALID_DATE', `Date is not valid: it does not match the format ${format}`);

  const last = YEAR_LAST.exec(s);
  if (last) {
    const [a, b, year] = [Number(last[1]), Number(last[3]), last[4] ?? ''];
    if (year.length === 2) return TWO_DIGIT_YEAR;
    if (a === b || (a > 12 && b <= 12)) return checked(Number(year), b, a);
    if (b > 12 && a <= 12) return checked(Number(year), a, b);
    if (a > 12 && b > 12) return fail('INVALID_DATE', 'Date is not valid: neither of its first two numbers can be a month');
    return fail(
      'AMBIGUOUS_DATE',
      "Date is ambiguous: the day and the month could be either way round; set the column's date format, such as MM/DD/YYYY or DD/MM/YYYY",
    );
  }

  return fail(
    'INVALID_DATE',
    'Date is not valid: it is not in a form that can be read (YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, an ISO date-time, an Excel day number or 25 Apr 1990)',
  );
}

/**
 * Why a `dateFormat` setting cannot be used, or `undefined` when it can: for
 * the pipeline file's validation, which reports it with the setting's path.
 */
export function dateFormatError(format: string): string | undefined {
  if (format === 'auto') return undefined;
  try {
    compile(format);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const TIME_SUFFIX = /[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?$/;
const YEAR_FIRST = /^(\d{4})([-/._])(\d{1,2})\2(\d{1,2})$/;
const YEAR_LAST = /^(\d{1,2})([-/._])(\d{1,2})\2(\d{4}|\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const EXCEL_SERIAL = /^(\d{5})(?:[.,]\d+)?$/;
const WEEKDAY = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i;
const DAY_MONTH_YEAR = /^(\d{1,2})(?:st|nd|rd|th)?[\s\-./]+([A-Za-z]+)\.?,?[\s\-./]+(\d{4}|\d{2})$/;
const MONTH_DAY_YEAR = /^([A-Za-z]+)\.?[\s\-./]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]+(\d{4}|\d{2})$/;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function monthNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n === 'sept') return 9;
  const i = MONTHS.findIndex((m) => m === n || (n.length === 3 && m.startsWith(n)));
  return i === -1 ? undefined : i + 1;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

const TWO_DIGIT_YEAR = fail(
  'AMBIGUOUS_DATE',
  "Date is ambiguous: a two-digit year leaves the century unknown; export four-digit years, or set the column's date format with YY",
);

type Token = 'YYYY' | 'YY' | 'MM' | 'M' | 'DD' | 'D' | 'HH' | 'mm' | 'ss';
type Part = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

const TOKENS: ReadonlyArray<readonly [Token, Part]> = [
  ['YYYY', 'year'],
  ['YY', 'year'],
  ['MM', 'month'],
  ['M', 'month'],
  ['DD', 'day'],
  ['D', 'day'],
  ['HH', 'hour'],
  ['mm', 'minute'],
  ['ss', 'second'],
];

interface Pattern {
  readonly re: RegExp;
  /** The part each capture group holds, in order; `yy` for a two-digit year. */
  readonly groups: ReadonlyArray<Part | 'yy'>;
  readonly hasTime: boolean;
}

const compiled = new Map<string, Pattern>();

function compile(format: string): Pattern {
  const hit = compiled.get(format);
  if (hit) return hit;
  if (typeof format !== 'string') throw optionError('format', '`auto` or a pattern such as MM/DD/YYYY', format);

  const items: Array<{ token: Token; part: Part } | { sep: string }> = [];
  for (let i = 0; i < format.length; ) {
    const t = TOKENS.find(([tok]) => format.startsWith(tok, i));
    if (t) {
      items.push({ token: t[0], part: t[1] });
      i += t[0].length;
    } else if ('-/._ :T'.includes(format[i] ?? '')) {
      items.push({ sep: format[i] ?? '' });
      i += 1;
    } else {
      throw optionError('format', '`auto` or a pattern of YYYY, YY, MM, M, DD, D, HH, mm, ss and - / . _ space : T', format);
    }
  }
  const parts = items.flatMap((x) => ('part' in x ? [x.part] : []));
  for (const need of ['year', 'month', 'day'] as const) {
    if (!parts.includes(need)) throw optionError('format', `a pattern with a ${need} (${format} has none)`, format);
  }
  const twice = parts.find((p, i) => parts.indexOf(p) !== i);
  if (twice) throw optionError('format', `a pattern with one ${twice} (${format} has two)`, format);

  // A time at the end is optional: a due-date column often has it on some cells only.
  const firstTime = items.findIndex((x) => 'part' in x && (x.part === 'hour' || x.part === 'minute' || x.part === 'second'));
  const timeTail =
    firstTime > 0 && items.slice(firstTime).every((x) => 'sep' in x || x.part === 'hour' || x.part === 'minute' || x.part === 'second')
      ? 'sep' in (items[firstTime - 1] ?? {})
        ? firstTime - 1
        : firstTime
      : -1;

  let source = '^';
  const groups: Array<Part | 'yy'> = [];
  items.forEach((x, i) => {
    if (i === timeTail) source += '(?:';
    if ('sep' in x) {
      source += x.sep === ' ' ? '\\s+' : x.sep === ':' ? ':' : x.sep === 'T' ? '[Tt ]' : '[-/._]';
      return;
    }
    const next = items[i + 1];
    const packed = next !== undefined && 'token' in next;
    const width = x.token === 'YYYY' ? '\\d{4}' : x.token === 'YY' && !packed ? '\\d{4}|\\d{2}' : packed ? '\\d{2}' : '\\d{1,2}';
    source += `(${width})`;
    groups.push(x.token === 'YY' ? 'yy' : x.part);
  });
  if (timeTail !== -1) source += ')?';
  const pattern: Pattern = { re: new RegExp(`${source}$`), groups, hasTime: parts.includes('hour') };
  compiled.set(format, pattern);
  return pattern;
}

function yearThenDayBeforeMonth(p: Pattern): boolean {
  const year = p.groups.findIndex((g) => g === 'year' || g === 'yy');
  const month = p.groups.indexOf('month');
  return year < month && p.groups.indexOf('day') < month;
}

function fromPattern(pattern: Pattern, m: RegExpExecArray, format: string): TransformResult<DateParts> {
  const v: Partial<Record<Part, number>> = {};
  pattern.groups.forEach((g, i) => {
    const text = m[i + 1];
    if (text === undefined) return;
    const n = Number(text);
    if (g === 'yy') v.year = text.length === 4 ? n : n < 30 ? 2000 + n : 1900 + n;
    else v[g] = n;
  });
  const date = checked(v.year ?? 0, v.month ?? 0, v.day ?? 0, format);
  if (!date.ok || v.hour === undefined) return date;
  const { hour = 0, minute = 0, second = 0 } = v;
  if (hour > 23 || minute > 59 || second > 59) return fail('INVALID_DATE', `Date is not valid: the time does not exist for the format ${format}`);
  return succeed({ ...date.value, hour, minute, second });
}

function checked(year: number, month: number, day: number, format?: string): TransformResult<DateParts> {
  const against = format ? ` for the format ${format}` : '';
  if (year < 1000 || year > 9999) return fail('INVALID_DATE', 'Date is not valid: the year is out of range');
  if (month < 1 || month > 12) return fail('INVALID_DATE', `Date is not valid: the month is not 1 to 12${against}`);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || d.getUTCMonth() !== month - 1) {
    return fail('INVALID_DATE', `Date is not valid: that day does not exist in that month${against}`);
  }
  return succeed({ year, month, day });
}
