/**
 * Dedup planning speed: `findDuplicates` on generated contacts against
 * reading the same contacts from a CSV file, in the same run (issue 6: keep
 * planning in seconds, and report planning time / reading time).
 *
 * Run: node --import tsx test/bench/dedup-speed.ts [--contacts 100000] [--seed 1] [--keep]
 *
 * The data: `--contacts` contacts, of which 10% are duplicates of another
 * contact (so 90% are distinct people). People have a first and last name;
 * most have an email and a phone (E.164, as the platform stores them), about
 * half an address with city, state and postal code, a fifth a date of birth;
 * some fields hold fillers (`n/a`, `test@test.com`, `0000000000`). Names come
 * from syllables, so there are many distinct surnames and some strangers
 * share a full name. A duplicate is either exact (same email or phone, other
 * fields as typed again: another casing, blanks) or fuzzy: a typo, nickname
 * or swapped first/last name, email at another domain or gone, phone gone,
 * address abbreviated or mistyped, day and month of birth swapped, a wrong
 * postal digit; each fuzzy duplicate keeps enough to be found (its email,
 * phone, address with postal code, or date of birth).
 *
 * Measured, each after one warm-up pass on a small file:
 *   read  readFileSync + csv-parse (`columns: true`) of the temp CSV: the
 *         contacts as objects, which is what planning starts from;
 *   plan  findDuplicates on those objects (prepare, block, compare, EM, score, cluster).
 * Printed: both times, plan / read, pairs compared, clusters, and pairwise
 * recall and precision on the known duplicates. Exits 0 whatever the figures.
 * The goal, planning "in seconds", is recorded for docs/benchmarks.md as
 * under a minute.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { findDuplicates, type FindDuplicatesResult } from '../../src/dedup/find-duplicates.js';
import type { MatchContact } from '../../src/dedup/prepare-contact.js';
import { recordFigure } from './report.js';
import { seededRandom } from '../../src/core/random.js';

const { values: opts } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

const total = Number(opts.contacts);
const seed = Number(opts.seed);
if (!Number.isInteger(total) || total < 100 || !Number.isInteger(seed)) {
  process.stderr.write(`dedup-speed: --contacts must be an integer >= 100 and --seed an integer\n`);
  process.exit(1);
}

/** The project's seeded PRNG (mulberry32), so every run replays. */
const prng = seededRandom;

// ---------------------------------------------------------------- data

const COLUMNS = ['id', 'person', 'firstName', 'lastName', 'email', 'phone', 'address1', 'city', 'state', 'postalCode', 'dateOfBirth'] as const;
type Row = Record<(typeof COLUMNS)[number], string>;

const FIRST_NAMES = [
  'robert', 'william', 'elizabeth', 'margaret', 'james', 'john', 'michael', 'david', 'richard', 'joseph', 'thomas', 'charles',
  'mary', 'patricia', 'jennifer', 'linda', 'barbara', 'susan', 'jessica', 'sarah', 'karen', 'nancy', 'lisa', 'betty', 'sandra',
  'ashley', 'kimberly', 'emily', 'donna', 'michelle', 'carol', 'amanda', 'melissa', 'deborah', 'stephanie', 'rebecca', 'laura',
  'sharon', 'cynthia', 'kathleen', 'amy', 'angela', 'shirley', 'anna', 'brenda', 'pamela', 'nicole', 'emma', 'samantha', 'katherine',
  'christine', 'debra', 'rachel', 'carolyn', 'janet', 'maria', 'heather', 'diane', 'julie', 'joyce', 'victoria', 'kelly', 'christina',
  'daniel', 'matthew', 'anthony', 'mark', 'donald', 'steven', 'paul', 'andrew', 'joshua', 'kenneth', 'kevin', 'brian', 'george',
  'timothy', 'ronald', 'edward', 'jason', 'jeffrey', 'ryan', 'jacob', 'gary', 'nicholas', 'eric', 'jonathan', 'stephen', 'larry',
  'justin', 'scott', 'brandon', 'benjamin', 'samuel', 'gregory', 'alexander', 'frank', 'patrick', 'raymond', 'jack', 'dennis',
  'jerry', 'tyler', 'aaron', 'jose', 'adam', 'nathan', 'henry', 'douglas', 'zachary', 'peter', 'kyle', 'noah', 'ethan', 'jeremy',
  'walter', 'christian', 'keith', 'roger', 'terry', 'austin', 'sean', 'gerald', 'carl', 'harold', 'dylan', 'arthur', 'lawrence',
  'jordan', 'jesse', 'bryan', 'billy', 'bruce', 'gabriel', 'joe', 'logan', 'alan', 'juan', 'albert', 'willie', 'elijah', 'wayne',
  'randy', 'vincent', 'mason', 'roy', 'ralph', 'bobby', 'russell', 'bradley', 'philip', 'eugene', 'olivia', 'sophia', 'isabella',
  'mia', 'charlotte', 'amelia', 'harper', 'evelyn', 'abigail', 'ella', 'chloe', 'grace', 'zoe', 'lily', 'hannah', 'aria', 'nora',
  'zoey', 'leah', 'audrey', 'claire', 'lucy', 'stella', 'violet', 'aurora', 'hazel', 'ellie', 'paisley', 'naomi', 'ruby', 'alice',
];
const NICKNAMES: Record<string, string> = {
  robert: 'bob', william: 'bill', elizabeth: 'liz', margaret: 'peggy', james: 'jim', michael: 'mike', richard: 'rick',
  joseph: 'joe', thomas: 'tom', charles: 'chuck', jennifer: 'jen', patricia: 'pat', susan: 'sue', daniel: 'dan',
  matthew: 'matt', anthony: 'tony', andrew: 'andy', kenneth: 'ken', edward: 'ted', samuel: 'sam', alexander: 'alex',
  nicholas: 'nick', christopher: 'chris', katherine: 'kate', rebecca: 'becky', victoria: 'vicky', timothy: 'tim',
};
const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'f', 'g', 'gr', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 'sh', 'st', 't', 'th', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'y'];
const CODAS = ['', 'n', 'r', 'l', 's', 'th', 'ck', 'rd', 'nd', 'ng', 'tt', 'ss', 'm'];
const SUFFIXES = ['', '', 'son', 'er', 'ley', 'ton', 'man', 'well', 'wood', 'ford', 'berg', 'ski'];
const STREET_TYPES = ['Street', 'Road', 'Avenue', 'Drive', 'Lane', 'Court', 'Place', 'Boulevard'];
const STREET_ABBR: Record<string, string> = { Street: 'St', Road: 'Rd', Avenue: 'Ave', Drive: 'Dr', Lane: 'Ln', Court: 'Ct', Place: 'Pl', Boulevard: 'Blvd' };
const STATES = ['CA', 'TX', 'NY', 'FL', 'IL', 'PA', 'OH', 'GA', 'NC', 'MI', 'WA', 'AZ', 'MA', 'CO'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'example.org', 'acme.co'];

function generate(n: number, rnd: () => number): Row[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const digits = (k: number): string => Array.from({ length: k }, () => Math.floor(rnd() * 10)).join('');
  const word = (syllables: number): string => Array.from({ length: syllables }, () => pick(ONSETS) + pick(VOWELS) + pick(CODAS)).join('');
  const surnames = Array.from({ length: 6000 }, () => word(1 + Math.floor(rnd() * 2)) + pick(SUFFIXES));
  const streets = Array.from({ length: 3000 }, () => word(1 + Math.floor(rnd() * 2)));
  const cities = Array.from({ length: 800 }, () => ({ name: word(2) + pick(['', 'ville', ' city', 'ton', ' springs']), state: pick(STATES), zip: digits(5) }));
  const cap = (s: string): string => s.replace(/(^|\s)\S/g, (c) => c.toUpperCase());
  const typo = (s: string): string => {
    if (s.length < 3) return s;
    const i = 1 + Math.floor(rnd() * (s.length - 2));
    switch (Math.floor(rnd() * 4)) {
      case 0:
        return s.slice(0, i) + s.slice(i + 1); // deletion
      case 1:
        return s.slice(0, i) + s[i] + s.slice(i); // doubled letter
      case 2:
        return s.slice(0, i) + String.fromCharCode(97 + Math.floor(rnd() * 26)) + s.slice(i + 1); // substitution
      default:
        return s.slice(0, i - 1) + s[i] + s[i - 1] + s.slice(i + 1); // adjacent swap
    }
  };

  const people = Math.round(n * 0.9);
  const rows: Row[] = [];
  // One mailbox is one person: a name-made mailbox already taken gets digits.
  const mailboxes = new Set<string>();
  const emailOf = (first: string, last: string): string => {
    const styles = [`${first}.${last}`, `${first}${last}`, `${first[0]}${last}`, `${first}_${last}`, `${last}.${first}`, `${first}${Math.floor(rnd() * 10000)}`, word(2)];
    let local = pick(styles);
    if (rnd() < 0.3) local += String(Math.floor(rnd() * 100));
    const domain = pick(DOMAINS);
    while (mailboxes.has(`${local}@${domain}`)) local += String(Math.floor(rnd() * 10));
    mailboxes.add(`${local}@${domain}`);
    return `${local}@${domain}`;
  };
  for (let p = 0; p < people; p++) {
    const first = pick(FIRST_NAMES);
    const last = pick(surnames);
    const city = pick(cities);
    const hasAddress = rnd() < 0.5;
    const dob = rnd() < 0.2 ? `${1940 + Math.floor(rnd() * 65)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}` : '';
    const r = rnd();
    rows.push({
      id: '',
      person: String(p),
      firstName: cap(first),
      lastName: cap(last),
      email: r < 0.75 ? emailOf(first, last) : r < 0.78 ? pick(['n/a', 'test@test.com', '-']) : '',
      phone: rnd() < 0.7 ? `+1${2 + Math.floor(rnd() * 8)}${digits(9)}` : rnd() < 0.1 ? '0000000000' : '',
      address1: hasAddress ? `${1 + Math.floor(rnd() * 9999)} ${cap(pick(streets))} ${pick(STREET_TYPES)}` : '',
      city: hasAddress || rnd() < 0.3 ? cap(city.name) : '',
      state: hasAddress || rnd() < 0.3 ? city.state : '',
      postalCode: hasAddress ? city.zip : '',
      dateOfBirth: dob,
    });
  }

  const duplicates = n - people;
  for (let d = 0; d < duplicates; d++) {
    const src = rows[Math.floor(rnd() * people)] as Row;
    const dup: Row = { ...src };
    if (rnd() < 0.4) {
      // Exact: same email or phone, typed again.
      if (dup.email.includes('@')) dup.email = rnd() < 0.5 ? dup.email.toUpperCase() : dup.email;
      if (rnd() < 0.5) dup.address1 = '';
      if (rnd() < 0.3) dup.firstName = dup.firstName.toLowerCase();
    } else {
      // Fuzzy: change names and drop or change the exact keys, keep something that identifies.
      const f = dup.firstName.toLowerCase();
      const roll = rnd();
      if (roll < 0.25 && NICKNAMES[f]) dup.firstName = cap(NICKNAMES[f] as string);
      else if (roll < 0.45) dup.firstName = cap(typo(f));
      else if (roll < 0.6) dup.lastName = cap(typo(dup.lastName.toLowerCase()));
      else if (roll < 0.7) [dup.firstName, dup.lastName] = [dup.lastName, dup.firstName];
      const keep = rnd();
      if (keep < 0.35 && dup.email.includes('@')) {
        dup.phone = '';
      } else if (keep < 0.6 && dup.phone.startsWith('+')) {
        dup.email = dup.email.includes('@') && rnd() < 0.5 ? dup.email.replace(/@.*/, `@${pick(DOMAINS)}`) : '';
      } else {
        // Neither key: another email, no phone; the address or birth date carries it.
        dup.email = dup.email.includes('@') ? dup.email.replace(/@.*/, `@${pick(DOMAINS)}`) : '';
        dup.phone = '';
        if (!src.address1 && !src.dateOfBirth) {
          const city = pick(cities);
          src.address1 = `${1 + Math.floor(rnd() * 9999)} ${cap(pick(streets))} ${pick(STREET_TYPES)}`;
          [src.city, src.state, src.postalCode] = [cap(city.name), city.state, city.zip];
          [dup.address1, dup.city, dup.state, dup.postalCode] = [src.address1, src.city, src.state, src.postalCode];
        }
      }
      if (dup.address1 && rnd() < 0.5) {
        dup.address1 = rnd() < 0.5 ? dup.address1.replace(/\w+$/, (t) => STREET_ABBR[t] ?? t) : typo(dup.address1);
      }
      if (dup.postalCode && rnd() < 0.1) dup.postalCode = typo(dup.postalCode);
      if (dup.dateOfBirth && rnd() < 0.2) dup.dateOfBirth = dup.dateOfBirth.replace(/-(\d\d)-(\d\d)$/, (_, m: string, dd: string) => (Number(dd) <= 12 ? `-${dd}-${m}` : `-${m}-${dd}`));
    }
    rows.push(dup);
  }

  // Shuffle, then number: the order gives nothing away.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as Row, rows[i] as Row];
  }
  rows.forEach((r, i) => (r.id = `c${String(i).padStart(7, '0')}`));
  return rows;
}

// ---------------------------------------------------------------- measure

function readContacts(file: string): MatchContact[] {
  return parse(readFileSync(file), { columns: true }) as MatchContact[];
}

function score(result: FindDuplicatesResult, rows: readonly Row[]): { recall: number; precision: number; truePairs: number } {
  const personOf = new Map(rows.map((r) => [r.id, r.person]));
  const byPerson = new Map<string, number>();
  for (const r of rows) byPerson.set(r.person, (byPerson.get(r.person) ?? 0) + 1);
  let truePairs = 0;
  for (const k of byPerson.values()) truePairs += (k * (k - 1)) / 2;
  let predicted = 0;
  let correct = 0;
  for (const c of result.clusters) {
    for (let i = 0; i < c.ids.length; i++) {
      for (let j = i + 1; j < c.ids.length; j++) {
        predicted++;
        if (personOf.get(c.ids[i] as string) === personOf.get(c.ids[j] as string)) correct++;
      }
    }
  }
  return { recall: truePairs ? correct / truePairs : 1, precision: predicted ? correct / predicted : 1, truePairs };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'hoop-dedup-speed-'));
try {
  const rows = generate(total, prng(seed));
  const file = path.join(dir, 'contacts.csv');
  writeFileSync(file, stringify(rows, { header: true, columns: [...COLUMNS] }));
  const warm = path.join(dir, 'warm.csv');
  writeFileSync(warm, stringify(generate(2000, prng(seed + 1)), { header: true, columns: [...COLUMNS] }));
  findDuplicates(readContacts(warm));

  let t = performance.now();
  const contacts = readContacts(file);
  const readMs = performance.now() - t;

  t = performance.now();
  const result = findDuplicates(contacts);
  const planMs = performance.now() - t;

  const q = score(result, rows);
  const s = result.stats;
  console.log(`dedup speed: ${total} contacts (${total - Math.round(total * 0.9)} duplicates), seed ${seed}`);
  console.log(`read CSV (csv-parse):        ${(readMs / 1000).toFixed(2)} s`);
  console.log(`plan (findDuplicates):       ${(planMs / 1000).toFixed(2)} s`);
  console.log(`plan / read:                 ${(planMs / readMs).toFixed(1)}`);
  console.log(`pairs compared:              ${s.comparedPairs} (${s.blocks} blocks, ${s.oversizedBlocks} oversized, of ${(total * (total - 1)) / 2} pairs)`);
  console.log(`links:                       ${s.scoredLinks} scored, ${s.exactKeyLinks} exact-key; ${s.clusters} clusters holding ${s.contactsInClusters} contacts, the largest ${s.largestCluster}`);
  console.log(`known duplicates:            recall ${q.recall.toFixed(4)}, precision ${q.precision.toFixed(4)} (pairwise, ${q.truePairs} true pairs)`);
  recordFigure({
    bench: 'dedup-speed',
    figure: 'plan-seconds',
    label: `planning (findDuplicates) ${total.toLocaleString('en-US')} contacts, 10% duplicates; "in seconds" taken as under a minute`,
    value: planMs / 1000,
    unit: 's',
    goal: 60,
    comparator: '<',
    baseline: { what: 'reading the same contacts from CSV (readFileSync + csv-parse)', value: readMs / 1000, unit: 's' },
    ratio: planMs / readMs,
    note: `${s.comparedPairs.toLocaleString('en-US')} pairs compared; recall ${q.recall.toFixed(4)}, precision ${q.precision.toFixed(4)}`,
    digits: 1,
  });
  if (opts.keep) console.log(`kept: ${dir}`);
} finally {
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
}
