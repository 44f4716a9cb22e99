import { CONTACT_DETAILS, levelOf, MATCH_FIELDS, type MatchField } from './compare-fields.js';

/**
 * What a comparison pattern must hold before two contacts may be linked as
 * one person, whatever the weights say.
 *
 * A location is full of people who share a place: coworkers share a company,
 * a street address, a postal code, an email domain and a block of adjacent
 * phone numbers; relatives share a surname and a home address. Weights
 * learned from the whole location rightly say that a shared address is rare
 * between two random contacts, so on weights alone an office or a household
 * scores like one person. These rules ask for evidence of the *person*:
 *
 *   - names: when the first names clearly disagree (after nicknames, typos,
 *     initials and swapped first/last names, which the comparison levels
 *     already allow for), the pair is two people: a household or an office;
 *     when the last names disagree, only a personal identifier (date of
 *     birth, email, the same phone) can say it is one person who changed
 *     surname;
 *   - a phone one digit off is a typo only when the person otherwise agrees
 *     (names, email or date of birth); between two different people it is a
 *     neighbouring extension, and it says nothing (`corroboratePattern`).
 *
 * Exact keys (a shared email or phone) are not blind either: shared between
 * clearly different names (a family landline, `info@`, an assistant), the
 * link goes to a person to review (`exactKeyConflict`).
 *
 * Pure functions of packed patterns (`compare-fields.ts`).
 */

const at = (field: MatchField): number => MATCH_FIELDS.indexOf(field);
const FIRST = at('firstName');
const LAST = at('lastName');
const EMAIL = at('email');
const PHONE = at('phone');
const DOB = at('dateOfBirth');

// Levels, as FIELD_LEVELS names them.
const FIRST_AGREES = (l: number): boolean => l >= 1 && l <= 3; // exact, nickname, close
const FIRST_SIMILAR = 4; // similar or an initial
const FIRST_DIFFERENT = 5;
const LAST_AGREES = (l: number): boolean => l === 1 || l === 2; // exact, close
const LAST_DIFFERENT = 4;
const DOB_AGREES = (l: number): boolean => l >= 1 && l <= 3; // exact, swapped day/month, one digit
const DOB_DIFFERENT = 4;
const KEY_EXACT = 1;
const KEY_CLOSE = 2;
const KEY_DIFFERENT = 3;

const FIELD_SHIFT = 3;
const LEVEL_MASK = 7;

/** Whether something that belongs to one person, not to a household or an office, agrees: a date of birth, an email, the same phone. */
export function hasPersonalIdentifier(pattern: number): boolean {
  const email = levelOf(pattern, EMAIL);
  return DOB_AGREES(levelOf(pattern, DOB)) || email === KEY_EXACT || email === KEY_CLOSE || levelOf(pattern, PHONE) === KEY_EXACT;
}

/**
 * The pattern with a `close` phone (one digit or the area code off) turned to
 * `missing` unless the person otherwise agrees: both names, or an email, or
 * the date of birth. Applied before the model learns or scores, so that a
 * neighbour's extension is no evidence at all.
 */
export function corroboratePattern(pattern: number): number {
  if (levelOf(pattern, PHONE) !== KEY_CLOSE) return pattern;
  const email = levelOf(pattern, EMAIL);
  const namesAgree = FIRST_AGREES(levelOf(pattern, FIRST)) && LAST_AGREES(levelOf(pattern, LAST));
  if (namesAgree || email === KEY_EXACT || email === KEY_CLOSE || DOB_AGREES(levelOf(pattern, DOB))) return pattern;
  return pattern & ~(LEVEL_MASK << (FIELD_SHIFT * PHONE));
}

/**
 * Evidence that the two contacts are two people, not one: both names
 * disagree; or the first names clearly disagree and no date of birth agrees
 * to the day under the same last name; or the last names disagree, the
 * first names agree at best partly and nothing personal agrees. Such a pair
 * is never linked by score, and never ends up in one cluster through other
 * members. Undefined when nothing says so.
 */
export function twoPeople(pattern: number): string | undefined {
  const first = levelOf(pattern, FIRST);
  const last = levelOf(pattern, LAST);
  if (first === FIRST_DIFFERENT && last === LAST_DIFFERENT) return 'first and last names disagree';
  if (first === FIRST_DIFFERENT) {
    // Only a date of birth that agrees to the day (or with day and month swapped) says a first name was replaced, not a relative.
    const dob = levelOf(pattern, DOB);
    if (!((dob === 1 || dob === 2) && LAST_AGREES(last))) return 'first names disagree';
  }
  if (last === LAST_DIFFERENT && !(first === 1 || first === 2) && !hasPersonalIdentifier(pattern)) return 'last names disagree';
  // A parent and a child of one name at one address (Sr and Jr): a typo changes a digit of a date or swaps day and
  // month, which are levels of their own; a date of birth that disagrees beyond that is another person's, unless
  // the same personal mailbox says otherwise (a shared landline does not). Records that hold no email or phone at
  // all (a mailing list, a paper form) are the exception: there a whole date mistyped is as likely as a namesake
  // in the house, and the weights decide.
  if (levelOf(pattern, DOB) === DOB_DIFFERENT && levelOf(pattern, EMAIL) !== KEY_EXACT && (pattern & CONTACT_DETAILS) !== 0) return 'dates of birth disagree';
  return undefined;
}

/**
 * Why a scored pair may not be linked, whatever its weight: evidence of two
 * people (`twoPeople`), or too little evidence of one (a shared place and a
 * partial name). Undefined when the pattern holds evidence of one person.
 */
export function scoredLinkVeto(pattern: number): string | undefined {
  const two = twoPeople(pattern);
  if (two) return two;
  const first = levelOf(pattern, FIRST);
  const last = levelOf(pattern, LAST);
  const personal = hasPersonalIdentifier(pattern);
  if (last === LAST_DIFFERENT && !personal) return 'last names disagree and nothing personal agrees';
  if (first === FIRST_SIMILAR && !personal) return 'first names only similar and nothing personal agrees';
  if ((first === 0 || last === 0) && !personal) return 'a name is missing and nothing personal agrees';
  if (levelOf(pattern, EMAIL) === KEY_DIFFERENT && !(FIRST_AGREES(first) && LAST_AGREES(last))) return 'emails differ and the names do not both agree';
  return undefined;
}

/**
 * Why a shared email or phone is not enough to merge two contacts
 * automatically: their names say they are different people (a family
 * landline, `info@`, a shared assistant). Undefined when nothing in the names
 * speaks against one person.
 */
export function exactKeyConflict(pattern: number): string | undefined {
  const first = levelOf(pattern, FIRST);
  const last = levelOf(pattern, LAST);
  if (first === FIRST_DIFFERENT) return last === LAST_DIFFERENT ? 'first and last names disagree' : 'first names disagree';
  // Another surname under one first name is a married name, or two coworkers of one first name behind `info@`:
  // only a date of birth tells which.
  if (last === LAST_DIFFERENT && !DOB_AGREES(levelOf(pattern, DOB))) return 'last names disagree';
  if (levelOf(pattern, DOB) === DOB_DIFFERENT) return 'dates of birth disagree';
  return undefined;
}
