import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * How the platform normalises what it stores. Pure functions: the store calls
 * them on every write, the tests call them with tables.
 */

/** Tags are trimmed, lower-cased and de-duplicated; empty tags are dropped. */
export function normaliseTags(tags: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    if (typeof t !== 'string') continue;
    const v = t.trim().toLowerCase();
    if (v) out.add(v);
  }
  return [...out];
}

/**
 * A phone in E.164, parsed with the location's country when it has no `+`.
 * Returns `undefined` for a number that is not valid.
 */
export function normalisePhone(raw: string, defaultCountry: string): string | undefined {
  const trimmed = raw.trim();
  if (!trimmed) return undefined;
  const key = `${defaultCountry}|${trimmed}`;
  const hit = phoneCache.get(key);
  if (hit !== undefined) return hit || undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry.toUpperCase() as CountryCode);
  const result = parsed && parsed.isValid() ? parsed.number : undefined;
  phoneCache.set(key, result ?? '');
  return result;
}

/**
 * Parsing is the costliest step of a write, and the same numbers come back
 * (an upsert parses its phone to match, then to store). Two generations of a
 * bounded map: cheap to keep, and the old one is dropped whole.
 */
class TwoGenerationCache {
  private young = new Map<string, string>();
  private old = new Map<string, string>();

  constructor(private readonly size: number) {}

  get(key: string): string | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: string): void {
    if (this.young.size >= this.size) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

const phoneCache = new TwoGenerationCache(20_000);

// Close to class-validator's IsEmail for the shapes CRMs export; a full RFC 5322 parser is not the point.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email) && !email.includes('..');
}

const DOB_FORMATS: ReadonlyArray<{ re: RegExp; order: 'ymd' | 'mdy' }> = [
  { re: /^(\d{4})([/\-._])(\d{1,2})\2(\d{1,2})$/, order: 'ymd' },
  { re: /^(\d{1,2})([/\-._])(\d{1,2})\2(\d{4})$/, order: 'mdy' },
];

/**
 * A date of birth in one of the documented input formats (YYYY/MM/DD, MM/DD/YYYY,
 * YYYY-MM-DD, MM-DD-YYYY, YYYY.MM.DD, MM.DD.YYYY, YYYY_MM_DD, MM_DD_YYYY) or an
 * ISO date-time, returned as midnight UTC (`1990-09-25T00:00:00.000Z`).
 */
export function normaliseDateOfBirth(raw: string): string | undefined {
  const s = raw.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (iso) {
    y = Number(iso[1]);
    m = Number(iso[2]);
    d = Number(iso[3]);
  } else {
    const f = DOB_FORMATS.map((x) => ({ m: x.re.exec(s), order: x.order })).find((x) => x.m);
    if (!f || !f.m) return undefined;
    if (f.order === 'ymd') {
      y = Number(f.m[1]);
      m = Number(f.m[3]);
      d = Number(f.m[4]);
    } else {
      m = Number(f.m[1]);
      d = Number(f.m[3]);
      y = Number(f.m[4]);
    }
  }
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return back.toISOString();
}

/** Splits a full name the way a person would read it: first word, then the rest. */
export function splitName(name: string): { firstName?: string; lastName?: string } {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  if (parts.length === 1) return { firstName: parts[0] };
  return { firstName: parts[0], lastName: parts.slice(1).join(' ') };
}

export function fullName(firstName?: string, lastName?: string): string | undefined {
  const n = [firstName, lastName].filter((x) => x && x.trim()).join(' ').trim();
  return n || undefined;
}

/** A task's `dueDate` must be an ISO-8601 date-time. */
export function normaliseIsoDateTime(raw: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw.trim())) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
