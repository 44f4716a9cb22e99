import type { MatchContact } from '../../src/dedup/prepare-contact.js';
import { seededRandom } from '../../src/core/random.js';

/**
 * CRM-shaped people for testing the duplicate matcher, deterministic from a
 * seed and written independently of the office-dev files (its own name
 * pools, cities, companies and proportions), so that a matcher tuned on
 * office-dev is checked against the rule ("the same person") rather than
 * against those files.
 *
 * Populations (by share of people, roughly):
 *   - offices (~35%) of 3-12 coworkers: one company, street address, postal
 *     code and email domain (`first.last@` or `flast@`, one convention per
 *     company), a block of adjacent direct lines (+1 AAA 555 NNNx); in about
 *     a third of offices 2-4 coworkers use the shared `info@` mailbox;
 *   - families (~30%) of 2-5: one surname (a spouse sometimes keeps their
 *     own), one home address, personal mailboxes at common providers, parents
 *     and children born decades apart, sometimes two relatives' dates of birth
 *     one digit apart (1961-10-09 and 1991-10-09), sometimes a child named
 *     after a parent (Jr. and Sr., born a generation apart), and in about a
 *     third of families one landline shared by the whole family (by 3
 *     relatives when there are more);
 *   - couples (~8%) with different surnames at one address, sometimes one
 *     landline;
 *   - namesakes (~8%): two people with the same first and last name in two
 *     cities, different dates of birth, mailboxes and phones;
 *   - people with only a name and a phone (~7%);
 *   - single people with some fields missing (the rest).
 *
 * Duplicates: about 30% of people get a second record, a fifth of those a
 * third, each copied from the first record with 1-3 variations: a nickname,
 * one typo or transposition in the first or last name, upper case, no email,
 * no phone, the phone in another format, the street abbreviated, the date of
 * birth with day and month swapped or missing, Gmail dots added.
 *
 * How truly indistinguishable people are avoided (two different people whose
 * records could hold nothing but the same name at the same place):
 *   - at one place (a household, a couple's home, an office) two people
 *     either have first names with different first letters (nicknames
 *     included: Robert's letters are R and B) or, in an office only, last
 *     names with different first letters; typos never change a first letter,
 *     so no variation makes two people at one place look alike;
 *   - the one exception, a child named after a parent, is told apart by the
 *     date of birth: every record of both holds it, unchanged, a generation
 *     apart and in another month (never one digit or a day/month swap away);
 *   - every place (street address in a city) belongs to one household or one
 *     office; phones and personal mailboxes belong to one person (Gmail
 *     mailboxes compared without dots), except the family landlines and the
 *     `info@` mailboxes, which are shared on purpose between people whose
 *     first names differ in their first letter;
 *   - namesakes live in different cities and are born at least four years
 *     and one month apart; every record keeps the name and at least one of
 *     address, email, phone or date of birth.
 * What remains (the same name in two cities, a name and a phone against a
 * name and an address) is evidence a careful person would not merge on.
 */

/** The fields of a CRM record (blank is ''). */
export interface CrmFields {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address1: string;
  city: string;
  state: string;
  postalCode: string;
  dateOfBirth: string;
  companyName: string;
}

/** A contact as the matcher reads it (a `MatchContact`), with the company beside it. */
export type CrmContact = MatchContact & Readonly<CrmFields> & { readonly id: string };

export type Population = 'office' | 'family' | 'couple' | 'namesake' | 'phoneOnly' | 'single';

export type Variation =
  | 'nickname'
  | 'typoFirst'
  | 'typoLast'
  | 'upper'
  | 'noEmail'
  | 'noPhone'
  | 'phoneFormat'
  | 'streetAbbrev'
  | 'dobSwap'
  | 'noDob'
  | 'gmailDots';

export interface CrmPerson {
  readonly id: string;
  readonly population: Population;
  /** The household, office or pair the person belongs to (`office-3`, `family-12`, ...); the person's own id for people alone. */
  readonly group: string;
  /**
   * What makes the person a hard case: `landline` (shares the family's or the couple's landline), `info@` (uses the
   * office's shared mailbox), `junior`/`senior` (a child named after a parent, at the parent's address), `dobOneDigit`
   * (a relative's date of birth is one digit off), `ownSurname` (a spouse with their own surname).
   */
  readonly tags: readonly string[];
}

export interface CrmPeopleOptions {
  seed: number;
  /** How many people (not records). */
  people: number;
  /** Share of people entered twice or more. @default 0.3 */
  duplicateRate?: number;
  /** Share of those entered a third time. @default 0.2 */
  thirdRecordRate?: number;
  /** Share of families of 3 or more with a child named after the first parent (Jr. and Sr.). @default 0.15 */
  juniorRate?: number;
}

export interface CrmPeople {
  /** Shuffled, with opaque ids (`c0001`, ...), so the order gives nothing away. */
  readonly contacts: CrmContact[];
  /** Contact id to person id: the truth. */
  readonly entityOf: Map<string, string>;
  readonly persons: Map<string, CrmPerson>;
  /** Contact id to the variations its record was made with (empty for a person's first record). */
  readonly variationsOf: Map<string, readonly Variation[]>;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j] as T, list[i] as T];
    }
    return list;
  }
}

// ---------------------------------------------------------------- pools

/** Full first names and the short forms people go by. */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  Robert: ['Bob', 'Rob', 'Bobby'],
  Elizabeth: ['Liz', 'Beth', 'Betsy'],
  William: ['Bill', 'Will', 'Billy'],
  Katherine: ['Kate', 'Kathy', 'Katie'],
  Margaret: ['Peggy', 'Maggie', 'Meg'],
  Michael: ['Mike'],
  James: ['Jim', 'Jimmy'],
  Jennifer: ['Jen', 'Jenny'],
  Thomas: ['Tom', 'Tommy'],
  Richard: ['Rick', 'Rich'],
  Patricia: ['Patty', 'Trish'],
  Christopher: ['Chris'],
  Joseph: ['Joe', 'Joey'],
  Daniel: ['Dan', 'Danny'],
  Matthew: ['Matt'],
  Anthony: ['Tony'],
  Susan: ['Sue', 'Susie'],
  Deborah: ['Debbie', 'Deb'],
  Rebecca: ['Becky', 'Becca'],
  Samantha: ['Sam'],
  Victoria: ['Vicky', 'Tori'],
  Timothy: ['Tim'],
  Gregory: ['Greg'],
  Kenneth: ['Ken', 'Kenny'],
  Edward: ['Ed', 'Eddie', 'Ted'],
  Charles: ['Charlie', 'Chuck'],
  Stephen: ['Steve'],
  Nicholas: ['Nick'],
  Benjamin: ['Ben'],
  Andrew: ['Andy', 'Drew'],
  Jessica: ['Jess'],
  Dorothy: ['Dot', 'Dottie'],
  Judith: ['Judy'],
  Barbara: ['Barb'],
  Zachary: ['Zach'],
  Theodore: ['Theo'],
};

const PLAIN_FIRST_NAMES = [
  'Priya', 'Omar', 'Fatima', 'Hiroshi', 'Ingrid', 'Tobias', 'Marisol', 'Dmitri', 'Leilani', 'Chiara',
  'Keanu', 'Siobhan', 'Ravi', 'Yusuf', 'Mei', 'Anika', 'Rosalind', 'Desmond', 'Beatrix', 'Gideon',
  'Lorraine', 'Cornelius', 'Harriet', 'Felix', 'Imogen', 'Quentin', 'Ursula', 'Warren', 'Zelda', 'Marcus',
  'Naomi', 'Oscar', 'Penelope', 'Roland', 'Sylvia', 'Trevor', 'Vivian', 'Wesley', 'Yvonne', 'Abel',
  'Gloria', 'Hugo', 'Esther', 'Lionel', 'Nadia', 'Otis', 'Rosa', 'Sebastian', 'Tamsin', 'Ezra',
];

const FIRST_NAMES = [...Object.keys(NICKNAMES), ...PLAIN_FIRST_NAMES];

const LAST_NAMES = [
  'Abernathy', 'Baptiste', 'Castellano', 'Donnelly', 'Eriksen', 'Fitzgerald', 'Galloway', 'Haddad', 'Ibarra', 'Jablonski',
  'Kaminski', 'Lindqvist', 'Macready', 'Nakamura', 'Okafor', 'Pennington', 'Quintero', 'Rasmussen', 'Sandoval', 'Thornton',
  'Underwood', 'Valenti', 'Whitaker', 'Xiong', 'Yamamoto', 'Zielinski', 'Ashworth', 'Blackwood', 'Cardenas', 'Dubois',
  'Esposito', 'Fairbanks', 'Greenberg', 'Hoffmann', 'Iverson', 'Jorgensen', 'Kendrick', 'Lancaster', 'Moreau', 'Nordstrom',
  'Oyelaran', 'Prescott', 'Ramanathan', 'Schaefer', 'Takahashi', 'Vasquez', 'Wojcik', 'Brennan', 'Castillo', 'Delacroix',
  'Ellington', 'Figueroa', 'Gallagher', 'Holloway', 'Kowalczyk', 'Lachance', 'Mahoney', 'Novak', "O'Brien", 'Pham',
  'Rourke', 'Salazar', 'Tran', 'Vance', 'Winslow', 'Chen', 'Kim', 'Shah', 'Van Buren', 'De la Cruz',
];

interface City {
  readonly city: string;
  readonly state: string;
  readonly zip: string;
  readonly areas: readonly string[];
}

const CITIES: readonly City[] = [
  { city: 'Portland', state: 'OR', zip: '972', areas: ['503', '971'] },
  { city: 'Columbus', state: 'OH', zip: '432', areas: ['614'] },
  { city: 'Raleigh', state: 'NC', zip: '276', areas: ['919'] },
  { city: 'Phoenix', state: 'AZ', zip: '850', areas: ['602', '480'] },
  { city: 'Minneapolis', state: 'MN', zip: '554', areas: ['612'] },
  { city: 'Tampa', state: 'FL', zip: '336', areas: ['813'] },
  { city: 'Sacramento', state: 'CA', zip: '958', areas: ['916'] },
  { city: 'Pittsburgh', state: 'PA', zip: '152', areas: ['412'] },
  { city: 'Omaha', state: 'NE', zip: '681', areas: ['402'] },
  { city: 'Madison', state: 'WI', zip: '537', areas: ['608'] },
];

const STREETS = [
  'Birchwood', 'Sycamore', 'Willow Creek', 'Magnolia', 'Juniper', 'Aspen', 'Chestnut', 'Hawthorne', 'Lakeview', 'Ridgeview',
  'Meadowbrook', 'Orchard', 'Summit', 'Riverside', 'Foxglove', 'Whitmore', 'Kingsley', 'Bramble', 'Copperfield', 'Larkspur',
];

/** Street suffixes and how people abbreviate them. */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['Street', 'St'],
  ['Avenue', 'Ave'],
  ['Road', 'Rd'],
  ['Drive', 'Dr'],
  ['Lane', 'Ln'],
  ['Boulevard', 'Blvd'],
  ['Court', 'Ct'],
  ['Place', 'Pl'],
];

const COMPANY_WORDS = [
  'Bluefin', 'Copperleaf', 'Northwind', 'Granite', 'Saffron', 'Tidewater', 'Keystone', 'Ironbark', 'Lumen', 'Halcyon',
  'Marigold', 'Quarry', 'Redwood', 'Sterling', 'Thistle', 'Vantage', 'Wavecrest', 'Alder', 'Beacon', 'Cinder',
];
const COMPANY_KINDS = ['Analytics', 'Dental', 'Freight', 'Architects', 'Insurance', 'Bakery', 'Law', 'Robotics', 'Clinic', 'Studios'];

const PROVIDERS: ReadonlyArray<readonly [string, number]> = [
  ['gmail.com', 0.45],
  ['yahoo.com', 0.15],
  ['outlook.com', 0.12],
  ['hotmail.com', 0.1],
  ['icloud.com', 0.1],
  ['aol.com', 0.08],
];

const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sq', b: 'vn', c: 'xv', d: 'sf', e: 'wr', f: 'dg', g: 'fh', h: 'gj', i: 'uo', j: 'hk', k: 'jl', l: 'k', m: 'n',
  n: 'bm', o: 'ip', p: 'o', q: 'w', r: 'et', s: 'ad', t: 'ry', u: 'yi', v: 'cb', w: 'qe', x: 'zc', y: 'tu', z: 'x',
};

// ---------------------------------------------------------------- generator

interface Person {
  readonly id: string;
  readonly population: Population;
  readonly group: string;
  readonly tags: readonly string[];
  readonly record: CrmFields;
}

const FORMS = new Map<string, readonly string[]>();
for (const [full, short] of Object.entries(NICKNAMES)) for (const form of [full, ...short]) FORMS.set(form.toLowerCase(), [full, ...short]);

/**
 * First letters of a first name, of the full name it is short for and of that name's short forms, in upper case
 * (`Bob`, `ROBERT`: B and R). Two people at one place (but Jr. and Sr.) share none; typos keep the first letter.
 */
export function nameLetters(firstName: string): Set<string> {
  const forms = FORMS.get(firstName.toLowerCase()) ?? [firstName];
  return new Set(forms.map((f) => f.charAt(0).toUpperCase()));
}

const letters = (s: string): string => s.toLowerCase().replace(/[^a-z]/g, '');
/** Gmail ignores dots: one mailbox, one owner. */
const mailboxKey = (email: string): string => {
  const e = email.toLowerCase();
  return e.endsWith('@gmail.com') ? `${e.slice(0, -10).replace(/\./g, '')}@gmail.com` : e;
};

export function generateCrmPeople(options: CrmPeopleOptions): CrmPeople {
  const rng = new Rng(options.seed);
  const duplicateRate = options.duplicateRate ?? 0.3;
  const thirdRecordRate = options.thirdRecordRate ?? 0.2;
  const juniorRate = options.juniorRate ?? 0.15;
  const persons: Person[] = [];
  const usedPlaces = new Set<string>();
  const usedPhones = new Set<string>();
  const usedMailboxes = new Set<string>();
  const usedCompanies = new Set<string>();
  let groups = 0;

  const city = (): City => rng.pick(CITIES);
  const postalCode = (c: City): string => `${c.zip}${String(rng.int(1, 99)).padStart(2, '0')}`;
  const place = (c: City, office: boolean): string => {
    for (;;) {
      const [suffix] = rng.pick(SUFFIXES);
      const street = `${office ? rng.int(100, 4999) : rng.int(10, 9999)} ${rng.pick(STREETS)} ${suffix}`;
      const address = office && rng.chance(0.4) ? `${street} Suite ${rng.int(1, 9) * 100}` : street;
      const key = `${address}|${c.city}`;
      if (usedPlaces.has(key)) continue;
      usedPlaces.add(key);
      return address;
    }
  };
  const phoneNumber = (c: City): string => {
    for (;;) {
      const digits = `${rng.pick(c.areas)}555${String(rng.int(100, 9999)).padStart(4, '0')}`;
      if (usedPhones.has(digits)) continue;
      usedPhones.add(digits);
      return `+1${digits}`;
    }
  };
  /** `size` adjacent direct lines: +1 AAA 555 NNN0, NNN1, ... */
  const phoneBlock = (c: City, size: number): string[] => {
    for (;;) {
      const area = rng.pick(c.areas);
      const base = rng.int(50, 490) * 20;
      const block = Array.from({ length: size }, (_, k) => `${area}555${String(base + k).padStart(4, '0')}`);
      if (block.some((d) => usedPhones.has(d))) continue;
      for (const d of block) usedPhones.add(d);
      return block.map((d) => `+1${d}`);
    }
  };
  const personalEmail = (first: string, last: string, year: number): string => {
    const f = letters(first);
    const l = letters(last);
    let r = rng.float();
    let domain = PROVIDERS[0]![0];
    for (const [d, w] of PROVIDERS) {
      if (r < w) {
        domain = d;
        break;
      }
      r -= w;
    }
    const patterns = [`${f}.${l}`, `${f}${l}`, `${f.charAt(0)}${l}`, `${f}.${l}${rng.int(1, 99)}`, `${f}${l.charAt(0)}${String(year).slice(2)}`, `${l}.${f}`, `${f}_${l}`, `${f}${year}`];
    let local = rng.pick(patterns);
    for (let n = 2; ; n++) {
      const email = `${local}@${domain}`;
      if (!usedMailboxes.has(mailboxKey(email))) {
        usedMailboxes.add(mailboxKey(email));
        return email;
      }
      local = `${local.replace(/\d+$/, '')}${n + rng.int(0, 40)}`;
    }
  };
  const workEmail = (first: string, last: string, domain: string, convention: 'dotted' | 'initial'): string => {
    const base = convention === 'dotted' ? `${letters(first)}.${letters(last)}` : `${letters(first).charAt(0)}${letters(last)}`;
    for (let n = 1; ; n++) {
      const email = `${n === 1 ? base : `${base}${n}`}@${domain}`;
      if (!usedMailboxes.has(email)) {
        usedMailboxes.add(email);
        return email;
      }
    }
  };
  const dob = (year: number, month = rng.int(1, 12), day = rng.int(1, 28)): string => {
    const s = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    // 1970-01-01 is a placeholder CRMs write for "unknown": no real person here has it.
    return s === '1970-01-01' ? `${year}-01-02` : s;
  };
  /** A first name whose letters no one at the place has (and, in an office, any first name when the surnames' first letters differ). */
  const firstNameAt = (taken: ReadonlyArray<{ first: string; last: string }>, last: string, office: boolean): string => {
    for (let tries = 0; ; tries++) {
      const first = rng.pick(FIRST_NAMES);
      const mine = nameLetters(first);
      const clash = taken.some((t) => {
        if (office && t.last.charAt(0) !== last.charAt(0)) return false;
        for (const x of nameLetters(t.first)) if (mine.has(x)) return true;
        return false;
      });
      if (!clash || tries > 500) return first;
    }
  };
  const add = (population: Population, group: string, record: Partial<CrmFields> & { firstName: string; lastName: string }, tags: readonly string[] = []): void => {
    const id = `p${String(persons.length + 1).padStart(4, '0')}`;
    persons.push({
      id,
      population,
      group: group === '' ? id : group,
      tags,
      record: { email: '', phone: '', address1: '', city: '', state: '', postalCode: '', dateOfBirth: '', companyName: '', ...record },
    });
  };

  const office = (size: number): void => {
    const group = `office-${++groups}`;
    const c = city();
    let company: string;
    do company = `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_KINDS)}`;
    while (usedCompanies.has(company));
    usedCompanies.add(company);
    const domain = `${letters(company)}.example`;
    const convention = rng.chance(0.5) ? 'dotted' : 'initial';
    const address1 = place(c, true);
    const postal = postalCode(c);
    const lines = phoneBlock(c, size);
    const staff: Array<{ first: string; last: string }> = [];
    for (let k = 0; k < size; k++) {
      const last = rng.pick(LAST_NAMES);
      staff.push({ first: firstNameAt(staff, last, true), last });
    }
    // The shared mailbox: on 2-4 coworkers whose first names share no letter.
    const info = new Set<number>();
    if (rng.chance(0.35)) {
      const want = Math.min(rng.int(2, 4), size);
      for (const k of rng.shuffle([...staff.keys()])) {
        if (info.size === want) break;
        const mine = nameLetters(staff[k]!.first);
        if ([...info].every((o) => ![...nameLetters(staff[o]!.first)].some((x) => mine.has(x)))) info.add(k);
      }
      if (info.size < 2) info.clear();
    }
    staff.forEach(({ first, last }, k) => {
      const email = info.has(k) ? `info@${domain}` : rng.chance(0.9) ? workEmail(first, last, domain, convention) : '';
      add('office', group, {
        firstName: first,
        lastName: last,
        email,
        phone: rng.chance(0.85) ? (lines[k] as string) : '',
        address1,
        city: c.city,
        state: c.state,
        postalCode: postal,
        dateOfBirth: rng.chance(0.25) ? dob(rng.int(1955, 2000)) : '',
        companyName: company,
      }, info.has(k) ? ['info@'] : []);
    });
  };

  const family = (size: number): void => {
    const group = `family-${++groups}`;
    const c = city();
    const address1 = place(c, false);
    const postal = postalCode(c);
    const surname = rng.pick(LAST_NAMES);
    const members: Array<{ first: string; last: string; year: number; month: number; day: number; adult: boolean; tags: string[] }> = [];
    const parentYear = rng.int(1945, 1982);
    for (let k = 0; k < size; k++) {
      // Two parents (the second sometimes keeping their own surname), then children a generation later.
      const parent = k < 2 && (k === 0 || size > 2 || rng.chance(0.7));
      const last = k === 1 && parent && rng.chance(0.3) ? rng.pick(LAST_NAMES.filter((l) => l !== surname)) : surname;
      const year = parent ? parentYear + (k === 0 ? 0 : rng.int(-6, 6)) : Math.min(parentYear + rng.int(22, 38), 2014);
      const tags = last === surname ? [] : ['ownSurname'];
      members.push({ first: firstNameAt(members, last, false), last, year, month: rng.int(1, 12), day: rng.int(1, 28), adult: year <= 2004, tags });
    }
    // A child named after the first parent (Jr. and Sr.): told apart by dates of birth a generation apart, in another
    // month, which every record of theirs keeps as it is (see `copyOf`).
    const junior = size >= 3 && rng.chance(juniorRate) ? members.slice(2).find((m) => m.year - members[0]!.year >= 18) : undefined;
    if (junior) {
      const senior = members[0]!;
      junior.first = senior.first;
      junior.month = ((senior.month + rng.int(0, 10)) % 12) + 1;
      junior.tags.push('junior');
      senior.tags.push('senior');
    }
    // Relatives whose dates of birth are one digit apart: same day and month, a decade digit or the last digit off.
    if (size >= 2 && !junior && rng.chance(0.35)) {
      const a = members[0]!;
      const b = members[size - 1]!;
      const years = b.year - a.year >= 15 ? [a.year + 20, a.year + 30, a.year + 40] : [a.year + 1, a.year + 2, a.year + 3];
      const year = years.find((y) => y <= 2014 && [...String(y)].filter((ch, i) => ch !== String(a.year)[i]).length === 1);
      if (year !== undefined) {
        Object.assign(b, { year, month: a.month, day: a.day, adult: year <= 2004 });
        a.tags.push('dobOneDigit');
        b.tags.push('dobOneDigit');
      }
    }
    // One landline for the whole family, or for 3 relatives of a larger one.
    const landline = rng.chance(0.35) ? phoneNumber(c) : '';
    const onLandline = new Set(rng.shuffle([...members.keys()]).slice(0, Math.min(3, size)));
    for (const [k, m] of members.entries()) {
      const phone = landline !== '' && onLandline.has(k) ? landline : m.adult && rng.chance(m.year < 1990 ? 0.8 : 0.6) ? phoneNumber(c) : '';
      const namedAlike = m.tags.includes('junior') || m.tags.includes('senior');
      add('family', group, {
        firstName: m.first,
        lastName: m.last,
        email: m.adult && rng.chance(0.8) ? personalEmail(m.first, m.last, m.year) : '',
        phone,
        address1,
        city: c.city,
        state: c.state,
        postalCode: postal,
        dateOfBirth: namedAlike || rng.chance(0.75) ? dob(m.year, m.month, m.day) : '',
      }, phone === landline && landline !== '' ? [...m.tags, 'landline'] : m.tags);
    }
  };

  const couple = (): void => {
    const group = `couple-${++groups}`;
    const c = city();
    const address1 = place(c, false);
    const postal = postalCode(c);
    const landline = rng.chance(0.3) ? phoneNumber(c) : '';
    const year = rng.int(1950, 1998);
    const partners: Array<{ first: string; last: string }> = [];
    const lastA = rng.pick(LAST_NAMES);
    partners.push({ first: firstNameAt([], lastA, false), last: lastA });
    const lastB = rng.pick(LAST_NAMES.filter((l) => l.charAt(0) !== lastA.charAt(0)));
    partners.push({ first: firstNameAt(partners, lastB, false), last: lastB });
    for (const p of partners) {
      const y = year + rng.int(-5, 5);
      add('couple', group, {
        firstName: p.first,
        lastName: p.last,
        email: rng.chance(0.85) ? personalEmail(p.first, p.last, y) : '',
        phone: landline !== '' ? landline : rng.chance(0.75) ? phoneNumber(c) : '',
        address1,
        city: c.city,
        state: c.state,
        postalCode: postal,
        dateOfBirth: rng.chance(0.6) ? dob(y) : '',
      }, landline !== '' ? ['landline'] : []);
    }
  };

  const namesakes = (): void => {
    const group = `namesake-${++groups}`;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const [c1, c2] = rng.shuffle([...CITIES]) as [City, City];
    const y1 = rng.int(1950, 1995);
    const y2 = y1 + rng.pick([-1, 1]) * rng.int(4, 15);
    const m1 = rng.int(1, 12);
    const m2 = ((m1 + rng.int(1, 10)) % 12) + 1;
    for (const [c, y, m] of [[c1, y1, m1], [c2, y2, m2]] as const) {
      add('namesake', group, {
        firstName: first,
        lastName: last,
        email: rng.chance(0.8) ? personalEmail(first, last, y) : '',
        phone: rng.chance(0.8) ? phoneNumber(c) : '',
        address1: place(c, false),
        city: c.city,
        state: c.state,
        postalCode: postalCode(c),
        dateOfBirth: dob(y, m),
      });
    }
  };

  const phoneOnly = (): void => {
    const first = rng.pick(FIRST_NAMES);
    add('phoneOnly', '', { firstName: first, lastName: rng.pick(LAST_NAMES), phone: phoneNumber(city()) });
  };

  const single = (): void => {
    const c = city();
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const year = rng.int(1940, 2004);
    const hasAddress = rng.chance(0.75);
    let email = rng.chance(0.8) ? personalEmail(first, last, year) : '';
    const phone = rng.chance(0.7) ? phoneNumber(c) : '';
    if (!hasAddress && email === '' && phone === '') email = personalEmail(first, last, year);
    add('single', '', {
      firstName: first,
      lastName: last,
      email,
      phone,
      address1: hasAddress ? place(c, false) : '',
      city: c.city,
      state: c.state,
      postalCode: hasAddress || rng.chance(0.5) ? postalCode(c) : '',
      dateOfBirth: rng.chance(0.5) ? dob(year) : '',
    });
  };

  // Groups drawn with weights = share of people / people per group, so that each population gets about its share of people.
  const kinds: ReadonlyArray<readonly [number, () => void, number]> = [
    [0.35 / 7.5, () => office(Math.min(rng.int(3, 12), options.people - persons.length)), 3],
    [0.3 / 3.5, () => family(Math.min(rng.int(2, 5), options.people - persons.length)), 2],
    [0.08 / 2, couple, 2],
    [0.08 / 2, namesakes, 2],
    [0.07, phoneOnly, 1],
    [0.12, single, 1],
  ];
  const total = kinds.reduce((sum, [w]) => sum + w, 0);
  while (persons.length < options.people) {
    const left = options.people - persons.length;
    let r = rng.float() * total;
    for (const [k, [w, make, least]] of kinds.entries()) {
      if (r < w || k === kinds.length - 1) {
        (least <= left ? make : single)();
        break;
      }
      r -= w;
    }
  }

  // Records: every person's first record, and copies with variations.
  const records: Array<{ person: Person; record: CrmFields; variations: readonly Variation[] }> = [];
  for (const person of persons) {
    records.push({ person, record: person.record, variations: [] });
    if (!rng.chance(duplicateRate)) continue;
    const copies = rng.chance(thirdRecordRate) ? 2 : 1;
    const keepDob = person.tags.includes('junior') || person.tags.includes('senior');
    for (let k = 0; k < copies; k++) records.push({ person, ...copyOf(person.record, rng, keepDob) });
  }
  rng.shuffle(records);

  const contacts: CrmContact[] = [];
  const entityOf = new Map<string, string>();
  const variationsOf = new Map<string, readonly Variation[]>();
  records.forEach(({ person, record, variations }, k) => {
    const id = `c${String(k + 1).padStart(4, '0')}`;
    contacts.push({ id, ...record });
    entityOf.set(id, person.id);
    variationsOf.set(id, variations);
  });
  const byId = new Map(persons.map((p) => [p.id, { id: p.id, population: p.population, group: p.group, tags: p.tags }]));
  return { contacts, entityOf, persons: byId, variationsOf };
}

// ---------------------------------------------------------------- variations

const NAME_CHANGES: readonly Variation[] = ['nickname', 'typoFirst', 'typoLast'];

/**
 * A second record of the same person: 1-3 variations, at most one of them to a name, keeping the name and at least
 * one of address, email, phone, date of birth; with `keepDob`, the date of birth as it is.
 */
function copyOf(original: CrmFields, rng: Rng, keepDob: boolean): { record: CrmFields; variations: Variation[] } {
  const applicable: Variation[] = ['upper', 'typoFirst', 'typoLast'];
  if (NICKNAMES[original.firstName]) applicable.push('nickname');
  if (original.email !== '') applicable.push('noEmail');
  if (original.phone !== '') applicable.push('noPhone', 'phoneFormat');
  if (SUFFIXES.some(([full]) => original.address1.includes(` ${full}`))) applicable.push('streetAbbrev');
  if (original.dateOfBirth !== '' && !keepDob) {
    applicable.push('noDob');
    const [, m, d] = original.dateOfBirth.split('-').map(Number) as [number, number, number];
    if (d <= 12 && d !== m) applicable.push('dobSwap');
  }
  if (original.email.endsWith('@gmail.com')) applicable.push('gmailDots');

  for (;;) {
    const want = 1 + Number(rng.chance(0.5)) + Number(rng.chance(0.2));
    const chosen: Variation[] = [];
    for (const v of rng.shuffle([...applicable])) {
      if (chosen.length === want) break;
      if (NAME_CHANGES.includes(v) && chosen.some((c) => NAME_CHANGES.includes(c))) continue;
      if ((v === 'noEmail' && chosen.includes('gmailDots')) || (v === 'gmailDots' && chosen.includes('noEmail'))) continue;
      if ((v === 'noPhone' && chosen.includes('phoneFormat')) || (v === 'phoneFormat' && chosen.includes('noPhone'))) continue;
      if ((v === 'noDob' && chosen.includes('dobSwap')) || (v === 'dobSwap' && chosen.includes('noDob'))) continue;
      chosen.push(v);
    }
    const record = { ...original };
    // Names are changed before they are upper-cased (a nickname is looked up by the name as written).
    for (const v of [...chosen].sort((a, b) => Number(a === 'upper') - Number(b === 'upper'))) apply(record, v, rng);
    // Something beyond the name must be left to tell this person from a namesake.
    if (record.address1 === '' && record.email === '' && record.phone === '' && record.dateOfBirth === '') continue;
    return { record, variations: chosen };
  }
}

function apply(r: CrmFields, v: Variation, rng: Rng): void {
  switch (v) {
    case 'nickname':
      r.firstName = rng.pick(NICKNAMES[r.firstName] as readonly string[]);
      return;
    case 'typoFirst':
      r.firstName = typo(r.firstName, rng);
      return;
    case 'typoLast':
      r.lastName = typo(r.lastName, rng);
      return;
    case 'upper':
      r.firstName = r.firstName.toUpperCase();
      r.lastName = r.lastName.toUpperCase();
      r.email = r.email.toUpperCase();
      return;
    case 'noEmail':
      r.email = '';
      return;
    case 'noPhone':
      r.phone = '';
      return;
    case 'phoneFormat': {
      const d = r.phone.replace(/\D/g, '').slice(-10);
      const [a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
      r.phone = rng.pick([`(${a}) ${b}-${c}`, `${a}.${b}.${c}`, `${a}-${b}-${c}`, `+1 ${a}-${b}-${c}`, `1${a}${b}${c}`]);
      return;
    }
    case 'streetAbbrev':
      for (const [full, short] of SUFFIXES) r.address1 = r.address1.replace(` ${full}`, ` ${short}`);
      r.address1 = r.address1.replace(' Suite ', ' Ste ');
      return;
    case 'dobSwap': {
      const [y, m, d] = r.dateOfBirth.split('-');
      r.dateOfBirth = `${y}-${d}-${m}`;
      return;
    }
    case 'noDob':
      r.dateOfBirth = '';
      return;
    case 'gmailDots': {
      const at = r.email.lastIndexOf('@');
      const local = r.email.slice(0, at);
      const plain = local.replace(/\./g, '');
      // A dot after a letter that has none beside it yet (never first, last, or doubled).
      const spots = Array.from(plain, (_, i) => i).filter((i) => i > 0 && i < plain.length - 1);
      const cut = rng.pick(spots);
      const withDot = `${plain.slice(0, cut)}.${plain.slice(cut)}`;
      r.email = `${withDot === local ? `${plain.slice(0, 1)}.${plain.slice(1)}` : withDot}${r.email.slice(at)}`;
      return;
    }
  }
}

/** One typo, never on the first letter: two adjacent letters swapped, one dropped, doubled or replaced by a key beside it. */
export function typo(name: string, rng: Rng): string {
  if (name.length < 3) return name;
  for (;;) {
    const i = rng.int(1, name.length - 1);
    const ch = name.charAt(i);
    let out = name;
    switch (rng.int(0, 3)) {
      case 0:
        if (i < name.length - 1) out = name.slice(0, i) + name.charAt(i + 1) + ch + name.slice(i + 2);
        break;
      case 1:
        out = name.slice(0, i) + name.slice(i + 1);
        break;
      case 2:
        out = name.slice(0, i) + ch + name.slice(i);
        break;
      default: {
        const near = KEYBOARD_NEIGHBOURS[ch.toLowerCase()];
        if (near) out = name.slice(0, i) + rng.pick([...near]) + name.slice(i + 1);
      }
    }
    if (out !== name && /^[A-Za-z]/.test(out) && !/ {2}|^ | $/.test(out)) return out;
  }
}
