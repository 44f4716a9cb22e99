/**
 * Date handling for search range filters: parsing what clients send, and
 * turning a location-local wall-clock time into epoch ms without a date library.
 */

/** What a range bound or stored date string denotes before a timezone is applied. */
export type ParsedDate =
  | { readonly kind: 'day'; readonly y: number; readonly m: number; readonly d: number }
  | { readonly kind: 'local'; readonly y: number; readonly m: number; readonly d: number; readonly h: number; readonly mi: number; readonly s: number; readonly ms: number }
  | { readonly kind: 'instant'; readonly ms: number };

const MAX_EPOCH_MS = 8.64e15;
const DAY_MS = 86_400_000;

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysInMonth(y: number, m: number): number {
  return new Date(utcMs(y, m + 1, 0, 0, 0, 0, 0)).getUTCDate();
}

/** `Date.UTC` without its 0..99 → 1900s year quirk; month is 1-based and may overflow. */
export function utcMs(y: number, m: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  dt.setUTCHours(h, mi, s, ms);
  return dt.getTime();
}

/**
 * Parses an epoch-ms number, a date-only `YYYY-MM-DD`, or an ISO 8601 date-time
 * with or without a zone designator. Anything else (or an impossible date) is undefined.
 */
export function parseDateInput(value: unknown): ParsedDate | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS ? { kind: 'instant', ms: value } : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = ISO_RE.exec(value.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (m[4] === undefined) return { kind: 'day', y, m: mo, d };
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const zone = m[8];
  if (zone === undefined) return { kind: 'local', y, m: mo, d, h, mi, s, ms };
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  return { kind: 'instant', ms: utcMs(y, mo, d, h, mi, s, ms) - offsetMin * 60_000 };
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA name this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  return formatterFor(timeZone) !== null;
}

/** Offset of `timeZone` from UTC at instant `t`, in ms (east positive). Unknown zones count as UTC. */
export function zoneOffsetMs(timeZone: string, t: number): number {
  const f = formatterFor(timeZone);
  if (!f) return 0;
  const p: Record<string, number> = {};
  let bc = false;
  for (const part of f.formatToParts(new Date(t))) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const year = bc ? 1 - p.year! : p.year!;
  const asUtc = utcMs(year, p.month!, p.day!, p.hour!, p.minute!, p.second!, 0);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/**
 * Epoch ms of a wall-clock time in `timeZone`. Month and day may overflow
 * (day 32 is the 1st of the next month). A wall time that occurs twice (DST
 * overlap) gives the earlier instant; one that does not occur (DST gap) is
 * shifted forward by the gap, as `Date` does for local times.
 */
export function zonedTimeToEpoch(
  timeZone: string,
  y: number,
  m: number,
  d: number,
  h = 0,
  mi = 0,
  s = 0,
  ms = 0,
): number {
  const naive = utcMs(y, m, d, h, mi, s, ms);
  const offsets = new Set([
    zoneOffsetMs(timeZone, naive - DAY_MS),
    zoneOffsetMs(timeZone, naive),
    zoneOffsetMs(timeZone, naive + DAY_MS),
  ]);
  const candidates = [...offsets].map((o) => naive - o);
  const valid = candidates.filter((c) => naive - c === zoneOffsetMs(timeZone, c));
  return valid.length > 0 ? Math.min(...valid) : Math.max(...candidates);
}

/** Start of calendar day y-m-d (day may overflow) in `timeZone`, or in UTC when `timeZone` is undefined. */
export function dayStart(timeZone: string | undefined, y: number, m: number, d: number): number {
  return timeZone === undefined ? utcMs(y, m, d, 0, 0, 0, 0) : zonedTimeToEpoch(timeZone, y, m, d);
}

/** Resolves a parsed date to epoch ms; wall-clock forms are read in `timeZone` (UTC when undefined). */
export function resolveDate(p: ParsedDate, timeZone: string | undefined): number {
  switch (p.kind) {
    case 'instant':
      return p.ms;
    case 'day':
      return dayStart(timeZone, p.y, p.m, p.d);
    case 'local':
      return timeZone === undefined
        ? utcMs(p.y, p.m, p.d, p.h, p.mi, p.s, p.ms)
        : zonedTimeToEpoch(timeZone, p.y, p.m, p.d, p.h, p.mi, p.s, p.ms);
  }
}

/**
 * A stored date value (dateOfBirth, DATE custom field) as epoch ms: numbers as
 * epoch ms, strings as ISO (wall-clock forms in UTC), other strings through
 * `Date.parse`; unusable values are undefined.
 */
export function storedDateMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  const p = parseDateInput(value);
  if (p) return resolveDate(p, undefined);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
