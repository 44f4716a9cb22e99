import { areGenderedForms, areNicknames } from './nicknames.js';
import type { PreparedContact } from './prepare-contact.js';
import { jaroWinkler, tokenSimilarity, withinOneEdit } from './similarity.js';

/**
 * How two contacts compare, field by field, as one comparison level per
 * field: the discrete agreement patterns the Fellegi-Sunter model weighs
 * (`scoring.ts`). Level 0 of every field is `missing` (blank on either side:
 * no evidence); level 1 is full agreement and the last level disagreement;
 * those between are partial agreements, best first.
 *
 * A pattern is packed in one integer, 3 bits per field in `MATCH_FIELDS`
 * order, plus `SWAPPED_NAMES`, so that millions of pairs cost one Int32Array
 * and patterns can be counted in a Map.
 */

export const MATCH_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'address1', 'city', 'state', 'postalCode', 'dateOfBirth'] as const;

export type MatchField = (typeof MATCH_FIELDS)[number];

export const FIELD_LEVELS: Readonly<Record<MatchField, readonly string[]>> = {
  // close: one or two typos (Jaro-Winkler >= 0.92 or one edit), or one name's words inside the other's;
  // similar: Jaro-Winkler >= 0.8, or an initial against a name starting with it.
  firstName: ['missing', 'exact', 'nickname', 'close', 'similar', 'different'],
  lastName: ['missing', 'exact', 'close', 'similar', 'different'],
  // close: one edit, the same Gmail mailbox (dots, +tag), or the same mailbox name at another domain
  // (`missing` when that name is made of the names: it says what they say). Any other two addresses: different.
  email: ['missing', 'exact', 'close', 'different'],
  // close: same last seven digits (another country or area code), or one edit.
  phone: ['missing', 'exact', 'close', 'different'],
  // close: same house numbers and street within typos; sameStreet: the street agrees, the number does not.
  address1: ['missing', 'exact', 'close', 'sameStreet', 'different'],
  // City and state are compared apart when the postal codes agree (`*SamePostalCode`): there a
  // city agreement says much less, and its own m and u say how much (see LEVEL_GROUPS).
  city: ['missing', 'exact', 'close', 'different', 'exactSamePostalCode', 'closeSamePostalCode', 'differentSamePostalCode'],
  state: ['missing', 'exact', 'different', 'exactSamePostalCode', 'differentSamePostalCode'],
  postalCode: ['missing', 'exact', 'close', 'different'],
  // swappedDayMonth: 1987-02-05 against 1987-05-02; close: one digit wrong or two adjacent digits swapped.
  dateOfBirth: ['missing', 'exact', 'swappedDayMonth', 'close', 'different'],
};

/**
 * The levels of a field that share one probability distribution, best
 * first. Most fields have one group. City and state have two: one for pairs
 * whose postal codes differ or are missing, one for pairs whose postal codes
 * agree, since there city and state nearly always agree too, in real data,
 * and adding both weights would count one fact three times. The model
 * estimates each group's m and u apart (a conditional probability given the
 * postal code), so data where they are independent keeps its full weights.
 */
export const LEVEL_GROUPS: Readonly<Record<MatchField, readonly (readonly number[])[]>> = {
  firstName: [[1, 2, 3, 4, 5]],
  lastName: [[1, 2, 3, 4]],
  email: [[1, 2, 3]],
  phone: [[1, 2, 3]],
  address1: [[1, 2, 3, 4]],
  city: [
    [1, 2, 3],
    [4, 5, 6],
  ],
  state: [
    [1, 2],
    [3, 4],
  ],
  postalCode: [[1, 2, 3]],
  dateOfBirth: [[1, 2, 3, 4]],
};

export type Outcome = 'agreed' | 'partial' | 'disagreed' | 'missing';

/** `missing` for level 0; else by the level's place in its group: `agreed` first, `disagreed` last, `partial` between. */
export function outcomeOf(field: MatchField, level: number): Outcome {
  if (level === 0) return 'missing';
  const group = LEVEL_GROUPS[field].find((g) => g.includes(level)) as readonly number[];
  if (level === group[0]) return 'agreed';
  return level === group[group.length - 1] ? 'disagreed' : 'partial';
}

const BITS = 3;
const LEVEL_MASK = (1 << BITS) - 1;
/** Set when the names agreed better first-against-last than first-against-first. */
export const SWAPPED_NAMES = 1 << (BITS * MATCH_FIELDS.length);
/**
 * Set when either contact holds an email or a phone: details that could tell
 * two people apart beside what the levels show (see `link-rules.ts`).
 */
export const CONTACT_DETAILS = SWAPPED_NAMES << 1;
/** The bits of a packed pattern that hold levels (without `SWAPPED_NAMES` and `CONTACT_DETAILS`). */
export const LEVELS_MASK = SWAPPED_NAMES - 1;

const F = {
  firstName: 0,
  lastName: 1,
  email: 2,
  phone: 3,
  address1: 4,
  city: 5,
  state: 6,
  postalCode: 7,
  dateOfBirth: 8,
} as const satisfies Record<MatchField, number>;

/** The level of field number `fieldIndex` (its place in `MATCH_FIELDS`) in a packed pattern. */
export function levelOf(pattern: number, fieldIndex: number): number {
  return (pattern >>> (BITS * fieldIndex)) & LEVEL_MASK;
}

/** Packs levels given in `MATCH_FIELDS` order (missing fields are level 0). */
export function packLevels(levels: Partial<Record<MatchField, number>>, swapped = false): number {
  let p = swapped ? SWAPPED_NAMES : 0;
  MATCH_FIELDS.forEach((f, i) => {
    p |= (levels[f] ?? 0) << (BITS * i);
  });
  return p;
}

export function unpackLevels(pattern: number): Record<MatchField, number> {
  const out = {} as Record<MatchField, number>;
  MATCH_FIELDS.forEach((f, i) => {
    out[f] = levelOf(pattern, i);
  });
  return out;
}

/** Compares two prepared contacts: the packed pattern of levels. */
export function compareContacts(a: PreparedContact, b: PreparedContact): number {
  let p = 0;
  const names = compareNames(a, b);
  p |= names.first << (BITS * F.firstName);
  p |= names.last << (BITS * F.lastName);
  if (names.swapped) p |= SWAPPED_NAMES;
  if (a.email !== '' || a.phone !== '' || b.email !== '' || b.phone !== '') p |= CONTACT_DETAILS;
  p |= compareEmail(a, b) << (BITS * F.email);
  p |= comparePhone(a.phone, b.phone) << (BITS * F.phone);
  p |= compareAddress(a, b) << (BITS * F.address1);
  const postal = comparePostalCode(a.postalCode, b.postalCode);
  p |= postal << (BITS * F.postalCode);
  const city = compareCity(a.city, b.city);
  p |= (city === 0 || postal !== 1 ? city : city + 3) << (BITS * F.city);
  const state = a.state === '' || b.state === '' ? 0 : a.state === b.state ? 1 : 2;
  p |= (state === 0 || postal !== 1 ? state : state + 2) << (BITS * F.state);
  p |= compareDateOfBirth(a.dateOfBirth, b.dateOfBirth) << (BITS * F.dateOfBirth);
  return p;
}

// How much a name level says, to choose between straight and swapped names.
const NAME_QUALITY_FIRST = [0, 3, 3, 2, 1, 0];
const NAME_QUALITY_LAST = [0, 3, 2, 1, 0];

/**
 * First and last names, straight or swapped (`Victoria White` against
 * `White Victoria`): swapped wins when it agrees strictly better and at
 * least one of the crossed names agrees exactly.
 */
export function compareNames(a: PreparedContact, b: PreparedContact): { first: number; last: number; swapped: boolean } {
  const first = compareFirstName(a.first, a.firstWords, b.first, b.firstWords);
  const last = compareLastName(a.last, a.lastWords, b.last, b.lastWords);
  const straight = (NAME_QUALITY_FIRST[first] as number) + (NAME_QUALITY_LAST[last] as number);
  if (straight >= 5) return { first, last, swapped: false };
  // Crossed names can win only with an exact (or nickname) crossed agreement: check that cheaply first.
  if (a.first === '' || b.first === '' || a.last === '' || b.last === '') {
    if (!(a.first !== '' && a.first === b.last) && !(a.last !== '' && a.last === b.first)) return { first, last, swapped: false };
  } else if (a.first !== b.last && a.last !== b.first && !areNicknames(a.first, b.last) && !areNicknames(b.first, a.last)) {
    return { first, last, swapped: false };
  }
  const crossedFirst = compareFirstName(a.first, a.firstWords, b.last, b.lastWords);
  const crossedLast = compareLastName(a.last, a.lastWords, b.first, b.firstWords);
  const qf = NAME_QUALITY_FIRST[crossedFirst] as number;
  const ql = NAME_QUALITY_LAST[crossedLast] as number;
  if (qf + ql > straight && (qf === 3 || ql === 3)) return { first: crossedFirst, last: crossedLast, swapped: true };
  return { first, last, swapped: false };
}

export function compareFirstName(a: string, aWords: string, b: string, bWords: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  if (areNicknames(a, b)) return 2;
  // Paul and Paula, Mario and Maria: one letter apart, but a couple, not a typo.
  if (areGenderedForms(a, b)) return 5;
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92 || withinOneEdit(a, b) || wordsWithin(aWords, bWords)) return 3;
  if (jw >= 0.8 || isInitialOf(a, b) || isInitialOf(b, a)) return 4;
  return 5;
}

export function compareLastName(a: string, aWords: string, b: string, bWords: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92 || withinOneEdit(a, b) || wordsWithin(aWords, bWords)) return 2;
  return jw >= 0.8 ? 3 : 4;
}

function isInitialOf(initial: string, name: string): boolean {
  return initial.length === 1 && name.charCodeAt(0) === initial.charCodeAt(0);
}

/** Every word of the shorter of two multi-word names is in the longer one: `garcia` within `garcia lopez`. */
function wordsWithin(aWords: string, bWords: string): boolean {
  if (!aWords.includes(' ') && !bWords.includes(' ')) return false;
  const wa = aWords.split(' ');
  const wb = bWords.split(' ');
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  return short.every((w) => long.includes(w)) || tokenSimilarity(aWords, bWords) >= 0.95;
}

function compareEmail(a: PreparedContact, b: PreparedContact): number {
  if (a.email === '' || b.email === '') return 0;
  if (a.email === b.email) return 1;
  // The same Gmail mailbox written with dots or a +tag is one mailbox, whether or not the provider rules are on for exact keys.
  if (gmailMailbox(a.email) === gmailMailbox(b.email)) return 2;
  // The same mailbox name at another domain (work and home): evidence of its own, unless it is made of the names,
  // which are compared already (`ada.lovelace@` at two domains says what the names say).
  if (a.emailLocal === b.emailLocal) return a.emailFromName || b.emailFromName ? 0 : 2;
  // Otherwise two mailboxes, both present: evidence against one person, unless a typo apart. Two mailboxes
  // made of the names (`jshimer@`, `pshimer@`) one letter apart are two people's, as their names say.
  if (a.emailFromName && b.emailFromName) return 3;
  return withinOneEdit(a.email, b.email) ? 2 : 3;
}

/** The mailbox Gmail delivers to: dots and a `+tag` in the local part ignored, googlemail.com as gmail.com. Other addresses as they are. */
function gmailMailbox(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (domain !== 'gmail.com' && domain !== 'googlemail.com') return email;
  const local = email.slice(0, at);
  const plus = local.indexOf('+');
  return `${(plus >= 0 ? local.slice(0, plus) : local).replace(/\./g, '')}@gmail.com`;
}

function comparePhone(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  if (a.slice(-7) === b.slice(-7) || withinOneEdit(a, b)) return 2;
  return 3;
}

function compareAddress(a: PreparedContact, b: PreparedContact): number {
  if (a.address === '' || b.address === '') return 0;
  if (a.address === b.address) return 1;
  const street = a.addressStreet === '' || b.addressStreet === '' ? 0 : jaroWinkler(a.addressStreet, b.addressStreet);
  if (a.addressNumbers === b.addressNumbers) return street >= 0.9 ? 2 : 4;
  // Transposed or mistyped house number on the same street: `47 Maranoa St` against `74 Maranoaa St`.
  if (street >= 0.95 && withinOneEdit(a.addressNumbers, b.addressNumbers)) return 2;
  return street >= 0.9 ? 3 : 4;
}

function compareCity(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  return jaroWinkler(a, b) >= 0.9 || withinOneEdit(a, b) ? 2 : 3;
}

function comparePostalCode(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  return withinOneEdit(a, b) ? 2 : 3;
}

function compareDateOfBirth(a: string, b: string): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  if (a.length === 8 && b.length === 8 && a.startsWith(b.slice(0, 4)) && a.endsWith(b.slice(4, 6)) && b.endsWith(a.slice(4, 6))) return 2;
  return withinOneEdit(a, b) ? 3 : 4;
}
