import { LocationEvidence, valueKey } from './location-evidence.js';
import { areNicknames } from './nicknames.js';
import { prepareDate } from './prepare-contact.js';
import { jaroWinkler, withinOneEdit } from './similarity.js';

/**
 * Which member's value a merged field takes, and why. Pure: the members in
 * the survivor rule's order (survivor first) in, one value and its reason
 * out. The rules:
 *   - `keepSurvivor`: the survivor's value, even blank;
 *   - `fillBlanks`: the first non-blank value in the survivor rule's order;
 *   - `mostRecent`: the non-blank value of the latest updated member;
 *   - `mostCommon`: the value most members hold (case, accents and spacing
 *     aside), ties in the survivor rule's order;
 *   - `longest`: the longest value;
 *   - `valid`: the first value that passes validation (an email that looks
 *     deliverable, an E.164 phone, a real date), else `fillBlanks`;
 *   - `best` (the default): valid values over invalid ones; then the value
 *     most members hold; between near-variants of one value (a typo), the one
 *     the location holds elsewhere, else the one whose letters read like the
 *     location's values; between different values, the more complete (one
 *     holding every word of the other), then (except for an email, a phone
 *     or a first name, where the survivor's stays) the latest updated, then the
 *     record that proved more reliable in the fields the evidence decided
 *     (fewer typos elsewhere), then the survivor rule's order. For first and
 *     last names, a member whose names are the other members' swapped is not
 *     copied.
 */

export const FIELD_RULES = ['best', 'keepSurvivor', 'fillBlanks', 'mostRecent', 'mostCommon', 'longest', 'valid'] as const;
export type FieldRule = (typeof FIELD_RULES)[number];

export interface Member {
  readonly id: string;
  readonly value: unknown;
  /**
   * Under `best`: how reliable the member's record proved in the fields
   * decided on evidence (its values chosen minus its values passed over);
   * it breaks ties the evidence cannot (a house number against another).
   */
  readonly reliability?: number;
  /** ms since epoch of its last update (NaN unknown). */
  readonly updated: number;
  /** For names under `best`: its first and last names are the others' swapped. */
  readonly swapped?: boolean;
}

export interface Choice {
  readonly value: unknown;
  /** The member the value comes from; undefined when every member is blank. */
  readonly from?: string;
  /** Why this value: `mostCommon 4/5`, `valid date`, `common in location (12)`, ... */
  readonly why: string;
}

const blank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** The key values are grouped by: what makes two spellings one value. */
export function groupKey(field: string, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  if (field === 'email') return value.trim().toLowerCase();
  if (field === 'phone') return value.replace(/[^\d+]/g, '');
  if (field === 'dateOfBirth') return prepareDate(value);
  return valueKey(value);
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether a value passes the field's validation; fields without one always pass. */
export function isValidValue(field: string, value: unknown): boolean {
  if (typeof value !== 'string') return true;
  const v = value.trim();
  if (field === 'email') return EMAIL.test(v);
  if (field === 'phone') return E164.test(v.replace(/[\s().-]/g, ''));
  if (field === 'dateOfBirth') {
    const d = prepareDate(v);
    if (!/^\d{8}$/.test(d)) return false;
    const y = Number(d.slice(0, 4));
    const m = Number(d.slice(4, 6));
    const day = Number(d.slice(6, 8));
    const date = new Date(Date.UTC(y, m - 1, day));
    return y >= 1850 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === day;
  }
  return true;
}

const VALIDATED: Readonly<Record<string, string>> = { email: 'email', phone: 'E.164 phone', dateOfBirth: 'date' };
/**
 * Fields whose different (not mistyped) values `best` settles in the
 * survivor's favour, not by recency: how the person is reached and
 * addressed. (A last name follows recency: a new one is usually a married
 * name.)
 */
const KEEP_SURVIVOR_ON_CONFLICT: ReadonlySet<string> = new Set(['email', 'phone', 'firstName']);

/** Two values that are one value mistyped: close letters, one edit, or one holding the other's words. */
function nearVariants(a: string, b: string): boolean {
  if (a === '' || b === '') return false;
  return jaroWinkler(a.replace(/ /g, ''), b.replace(/ /g, '')) >= 0.8 || withinOneEdit(a, b) || holdsWords(a, b) || holdsWords(b, a);
}

/** Every word of `b` is in `a`, and `a` has more. */
function holdsWords(a: string, b: string): boolean {
  const wa = a.split(' ');
  const wb = b.split(' ');
  return wa.length > wb.length && wb.every((w) => wa.includes(w));
}

interface Group {
  readonly key: string;
  readonly members: Member[];
  /** Index in the survivor rule's order of its first member. */
  readonly rank: number;
}

export function chooseValue(field: string, members: readonly Member[], rule: FieldRule, evidence?: LocationEvidence): Choice {
  const present = members.filter((m) => !blank(m.value));
  const first = present[0];
  switch (rule) {
    case 'keepSurvivor':
      return { value: members[0]?.value, from: members[0]?.id, why: 'keepSurvivor' };
    case 'fillBlanks':
      return first ? { value: first.value, from: first.id, why: first === members[0] ? 'survivor' : 'fillBlanks' } : { value: undefined, why: 'blank' };
    case 'mostRecent': {
      const latest = latestOf(present);
      return latest ? { value: latest.value, from: latest.id, why: 'mostRecent' } : { value: undefined, why: 'blank' };
    }
    case 'longest': {
      let best: Member | undefined;
      for (const m of present) if (!best || String(m.value).trim().length > String(best.value).trim().length) best = m;
      return best ? { value: best.value, from: best.id, why: 'longest' } : { value: undefined, why: 'blank' };
    }
    case 'valid': {
      const valid = present.find((m) => isValidValue(field, m.value));
      if (valid) return { value: valid.value, from: valid.id, why: VALIDATED[field] ? `valid ${VALIDATED[field]}` : valid === members[0] ? 'survivor' : 'fillBlanks' };
      return first ? { value: first.value, from: first.id, why: 'fillBlanks (none valid)' } : { value: undefined, why: 'blank' };
    }
    case 'mostCommon': {
      const groups = groupsOf(field, present);
      const top = [...groups].sort((a, b) => b.members.length - a.members.length || a.rank - b.rank)[0];
      return top ? pickInGroup(top, `mostCommon ${top.members.length}/${present.length}`, field) : { value: undefined, why: 'blank' };
    }
    case 'best':
      return chooseBest(field, present, evidence);
    default:
      throw new TypeError(`Expected a field rule (${FIELD_RULES.join(', ')}), got \`${String(rule)}\``);
  }
}

function latestOf(members: readonly Member[]): Member | undefined {
  let latest: Member | undefined;
  for (const m of members) if (!latest || (!Number.isNaN(m.updated) && (Number.isNaN(latest.updated) || m.updated > latest.updated))) latest = m;
  return latest;
}

function groupsOf(field: string, members: readonly Member[]): Group[] {
  const groups = new Map<string, Group>();
  members.forEach((m, i) => {
    const key = groupKey(field, m.value);
    const g = groups.get(key);
    if (g) g.members.push(m);
    else groups.set(key, { key, members: [m], rank: i });
  });
  return [...groups.values()];
}

/**
 * The spelling a group is written in: the one most members use, else as
 * people write names (mixed case, then lower case, then capitals); an email
 * in lower case (the platform matches it case-blind, so a change of case
 * alone is no change worth writing).
 */
function pickInGroup(group: Group, why: string, field = ''): Choice {
  if (field === 'email') {
    const m = group.members.find((x) => String(x.value) === String(x.value).toLowerCase()) ?? (group.members[0] as Member);
    return { value: m.value, from: m.id, why };
  }
  const spellings = new Map<string, Member[]>();
  for (const m of group.members) {
    const s = String(m.value);
    const list = spellings.get(s);
    if (list) list.push(m);
    else spellings.set(s, [m]);
  }
  // Written as people write names: mixed case first, then all lower case, then all capitals.
  const casing = (s: string): number => (!/\p{L}/u.test(s) ? 0 : s === s.toUpperCase() ? 2 : s === s.toLowerCase() ? 1 : 0);
  const [, chosen] = [...spellings.entries()].sort(([a, ma], [b, mb]) => mb.length - ma.length || casing(a) - casing(b))[0] as [string, Member[]];
  const m = chosen[0] as Member;
  return { value: m.value, from: m.id, why };
}

function chooseBest(field: string, present: readonly Member[], evidence?: LocationEvidence): Choice {
  if (present.length === 0) return { value: undefined, why: 'blank' };
  const reasons: string[] = [];
  let candidates = present;
  const unswapped = candidates.filter((m) => !m.swapped);
  if (unswapped.length > 0 && unswapped.length < candidates.length) {
    candidates = unswapped;
    reasons.push('swapped names ignored');
  }
  if (VALIDATED[field]) {
    const valid = candidates.filter((m) => isValidValue(field, m.value));
    if (valid.length > 0 && valid.length < candidates.length) {
      candidates = valid;
      reasons.push(`valid ${VALIDATED[field]}`);
    }
  }
  const groups = groupsOf(field, candidates);
  if (groups.length === 1) {
    const g = groups[0] as Group;
    return pickInGroup(g, [...reasons, candidates.length === 1 ? 'only value' : `mostCommon ${g.members.length}/${candidates.length}`].join(', '), field);
  }
  const inCluster = new Map(groups.map((g) => [g.key, g.members.length]));
  // Occurrences in the rest of the location: the cluster's own copies do not count as evidence.
  const outside = (g: Group): number => (evidence ? Math.max(0, evidence.count(field, g.members[0]?.value) - (inCluster.get(g.key) ?? 0)) : 0);
  const latest = (g: Group): number => Math.max(...g.members.map((m) => (Number.isNaN(m.updated) ? -Infinity : m.updated)));
  let why = '';
  const compare = (a: Group, b: Group): number => {
    if (a.members.length !== b.members.length) {
      why = `mostCommon ${Math.max(a.members.length, b.members.length)}/${candidates.length}`;
      return b.members.length - a.members.length;
    }
    if (nearVariants(a.key, b.key)) {
      const oa = outside(a);
      const ob = outside(b);
      if (oa !== ob) {
        why = `common in location (${Math.max(oa, ob)} other contacts)`;
        return ob - oa;
      }
      if (holdsWords(a.key, b.key) || holdsWords(b.key, a.key)) {
        why = 'more complete';
        return holdsWords(a.key, b.key) ? -1 : 1;
      }
      // Bob and Robert are one name in two forms, not a typo: the survivor's form stays (the one the person goes by there).
      if (areNicknames(a.key, b.key)) {
        why = 'survivor order (one name in two forms)';
        return a.rank - b.rank;
      }
      if (evidence) {
        const own = candidates.map((m) => m.value);
        const wa = evidence.wordCommonness(field, a.members[0]?.value, own);
        const wb = evidence.wordCommonness(field, b.members[0]?.value, own);
        if (Math.abs(wa - wb) > 0.05) {
          why = "its words are common in the location's values";
          return wb - wa;
        }
        const pa = evidence.plausibility(field, a.members[0]?.value);
        const pb = evidence.plausibility(field, b.members[0]?.value);
        if (Math.abs(pa - pb) > 0.05) {
          why = "reads like the location's values";
          return pb - pa;
        }
      }
    } else if (holdsWords(a.key, b.key) || holdsWords(b.key, a.key)) {
      why = 'more complete';
      return holdsWords(a.key, b.key) ? -1 : 1;
    }
    // An email, a phone or a first name is how the person is reached and addressed: between two different ones,
    // the survivor's stays unless its record proved the less reliable (the other value is not lost: the plan and
    // the run's journal keep it, and undo restores it).
    const ra = Math.max(...a.members.map((m) => m.reliability ?? 0));
    const rb = Math.max(...b.members.map((m) => m.reliability ?? 0));
    if (KEEP_SURVIVOR_ON_CONFLICT.has(field)) {
      if (ra !== rb) {
        why = 'from the record with fewer typos elsewhere';
        return rb - ra;
      }
      why = 'survivor order';
      return a.rank - b.rank;
    }
    const la = latest(a);
    const lb = latest(b);
    if (la !== lb) {
      why = 'mostRecent';
      return lb - la;
    }
    // Undated: a value the location holds elsewhere over one it holds nowhere else (a typo is rare).
    const seenA = outside(a) > 0;
    const seenB = outside(b) > 0;
    if (seenA !== seenB) {
      why = `common in location (${Math.max(outside(a), outside(b))} other contacts)`;
      return seenA ? -1 : 1;
    }
    if (ra !== rb) {
      why = 'from the record with fewer typos elsewhere';
      return rb - ra;
    }
    why = 'survivor order';
    return a.rank - b.rank;
  };
  let winner = groups[0] as Group;
  let winnerWhy = '';
  for (const g of groups.slice(1)) {
    const c = compare(g, winner);
    if (c < 0) {
      winner = g;
      winnerWhy = why;
    } else if (winnerWhy === '') winnerWhy = why;
  }
  return pickInGroup(winner, [...reasons, winnerWhy].filter(Boolean).join(', '), field);
}

/**
 * Members whose first and last names are another member's swapped, and read
 * less like names in that order: by how many members hold each order, then
 * by how often the location holds each name in each field.
 */
export function swappedNameMembers(members: ReadonlyArray<{ id: string; firstName?: unknown; lastName?: unknown }>, evidence?: LocationEvidence): Set<string> {
  const out = new Set<string>();
  const keyed = members.map((m) => ({ id: m.id, f: valueKey(m.firstName), l: valueKey(m.lastName) })).filter((m) => m.f !== '' && m.l !== '' && m.f !== m.l);
  const orientation = (f: string, l: string): number => keyed.filter((k) => k.f === f && k.l === l).length;
  const locationScore = (f: string, l: string): number => (evidence ? evidence.count('firstName', f) + evidence.count('lastName', l) : 0);
  for (const m of keyed) {
    const crossed = keyed.some((o) => o.f === m.l && o.l === m.f);
    if (!crossed) continue;
    const mine = orientation(m.f, m.l);
    const theirs = orientation(m.l, m.f);
    if (mine < theirs || (mine === theirs && locationScore(m.f, m.l) < locationScore(m.l, m.f))) out.add(m.id);
  }
  return out;
}
