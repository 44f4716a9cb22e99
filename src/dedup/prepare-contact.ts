import { toE164 } from '../transforms/phone.js';
import { DEFAULT_FILLERS, isFiller, type FillerField, type FillerLists } from './filler.js';
import { canonicalFirstName } from './nicknames.js';
import { foldText, soundex } from './similarity.js';

/**
 * A contact as matching sees it: the HoopAI contact fields that say who a
 * person is. Every field is optional; blanks and fillers carry no evidence.
 */
export interface MatchContact {
  readonly id: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly address1?: string | null;
  readonly city?: string | null;
  readonly state?: string | null;
  readonly postalCode?: string | null;
  readonly dateOfBirth?: string | null;
  readonly dateAdded?: string | null;
  readonly dateUpdated?: string | null;
}

/**
 * A contact's fields folded once for comparing and blocking. '' means blank
 * (or a filler). Names and places are folded (`foldText`) with spaces
 * removed; `*Words` keep the spaces for token comparisons.
 */
export interface PreparedContact {
  readonly id: string;
  readonly first: string;
  readonly firstWords: string;
  /** `first` with a nickname replaced by its full form (`bob` -> `robert`). */
  readonly firstCanonical: string;
  /** Soundex of `firstCanonical` (for blocking). */
  readonly firstSound: string;
  readonly last: string;
  readonly lastWords: string;
  readonly lastSound: string;
  /** Lower-cased; with `emailProviderRules`, Gmail dots and `+tags` removed. */
  readonly email: string;
  readonly emailLocal: string;
  /**
   * The mailbox name is made of the contact's own names (`ada.lovelace`,
   * `alovelace2`, `lovelace_ada`): then a shared mailbox name at another
   * domain says no more than the names already do.
   */
  readonly emailFromName: boolean;
  /** E.164; '' when blank, a filler or not a phone number. */
  readonly phone: string;
  /** Street address folded, abbreviations spelled out, spaces removed: `12 Main St.` -> `12mainstreet`. */
  readonly address: string;
  /** The address's numbers (house, unit), space-separated: `12`. */
  readonly addressNumbers: string;
  /** The address without its numbers: `mainstreet`. */
  readonly addressStreet: string;
  readonly city: string;
  readonly state: string;
  readonly postalCode: string;
  /** `YYYYMMDD` when the date parses, else its digits. */
  readonly dateOfBirth: string;
}

export interface PrepareOptions {
  /** Values ignored as blank, per field. @default DEFAULT_FILLERS */
  fillers?: FillerLists;
  /**
   * Mailbox rules of providers that ignore parts of the address: for
   * gmail.com and googlemail.com, dots in the local part and a `+tag` are
   * dropped and the domain is gmail.com. Off by default: it is right for
   * Gmail only, and a wrong merge is worse than a missed one.
   * @default false
   */
  emailProviderRules?: boolean;
  /** Country of phones written without `+`. @default 'US' */
  defaultCountry?: string;
}

// Single-letter directions are left alone: a typo splits `s treet` as often as anyone writes `S` for south.
const STREET_WORDS: Readonly<Record<string, string>> = {
  st: 'street', str: 'street', rd: 'road', ave: 'avenue', av: 'avenue', dr: 'drive', drv: 'drive', ln: 'lane',
  ct: 'court', crt: 'court', pl: 'place', blvd: 'boulevard', hwy: 'highway', pkwy: 'parkway', cres: 'crescent',
  cct: 'circuit', cir: 'circle', tce: 'terrace', ter: 'terrace', pde: 'parade', sq: 'square', cl: 'close',
  apt: 'apartment', ste: 'suite', mt: 'mount',
};

const E164 = /^\+[1-9]\d{6,14}$/;
const DIGITS = /\d+/g;

export function prepareContact(contact: MatchContact, options: PrepareOptions = {}): PreparedContact {
  const fillers = options.fillers ?? DEFAULT_FILLERS;
  const firstWords = foldText(valueOf(contact, 'firstName', fillers));
  const first = firstWords.replace(/ /g, '');
  const lastWords = foldText(valueOf(contact, 'lastName', fillers));
  const last = lastWords.replace(/ /g, '');
  const firstCanonical = canonicalFirstName(first);

  const email = prepareEmail(valueOf(contact, 'email', fillers), options.emailProviderRules ?? false);
  const emailLocal = email.slice(0, email.indexOf('@'));
  const addressWords = foldText(valueOf(contact, 'address1', fillers)).split(' ');
  let address = '';
  let addressNumbers = '';
  for (const w of addressWords) {
    address += STREET_WORDS[w] ?? w;
    for (const digits of w.match(DIGITS) ?? []) addressNumbers = addressNumbers === '' ? digits : `${addressNumbers} ${digits}`;
  }
  return {
    id: contact.id,
    first,
    firstWords,
    firstCanonical,
    firstSound: soundex(firstCanonical),
    last,
    lastWords,
    lastSound: soundex(last),
    email,
    emailLocal,
    emailFromName: emailLocal !== '' && isFromName(emailLocal, first, last),
    phone: preparePhone(valueOf(contact, 'phone', fillers), options.defaultCountry ?? 'US'),
    address,
    addressNumbers,
    addressStreet: address.replace(DIGITS, ''),
    city: foldText(valueOf(contact, 'city', fillers)).replace(/ /g, ''),
    state: foldText(valueOf(contact, 'state', fillers)).replace(/ /g, ''),
    postalCode: preparePostalCode(valueOf(contact, 'postalCode', fillers)),
    dateOfBirth: prepareDate(valueOf(contact, 'dateOfBirth', fillers)),
  };
}

function isFromName(local: string, first: string, last: string): boolean {
  const letters = local.replace(/[^a-z]/g, '');
  if (letters === '' || (first === '' && last === '')) return false;
  const f = first.slice(0, 1);
  const l = last.slice(0, 1);
  return [first, last, first + last, last + first, f + last, last + f, first + l, l + first].includes(letters);
}

function valueOf(contact: MatchContact, field: FillerField, fillers: FillerLists): string {
  const raw = contact[field];
  if (typeof raw !== 'string' || raw === '') return '';
  return isFiller(field, raw, fillers) ? '' : raw;
}

function prepareEmail(raw: string, providerRules: boolean): string {
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '';
  if (!providerRules) return email;
  let local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (domain !== 'gmail.com' && domain !== 'googlemail.com') return email;
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  return `${local.replace(/\./g, '')}@gmail.com`;
}

function preparePhone(raw: string, defaultCountry: string): string {
  const s = raw.trim();
  if (s === '') return '';
  const compact = s.replace(/[\s().-]/g, '');
  // Contacts read from the platform are E.164 already: skip the parser, which costs more than the rest of preparing.
  if (E164.test(compact)) return compact;
  const parsed = toE164(s, { defaultCountry });
  return parsed.ok ? parsed.value : '';
}

function preparePostalCode(raw: string): string {
  const s = foldText(raw).replace(/ /g, '');
  // ZIP+4: the first five digits identify the area.
  return /^\d{9}$/.test(s) ? s.slice(0, 5) : s;
}

/**
 * `1987-02-05`, `1987-02-05T00:00:00Z`, `19870205` -> `19870205`; `2/5/1987`
 * is read month first (the day/month swap is a comparison level anyway).
 */
export function prepareDate(raw: string): string {
  const s = raw.trim();
  if (s === '') return '';
  const pad = (n: string): string => n.padStart(2, '0');
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])/.exec(s);
  if (m) return `${m[1]}${pad(m[2] as string)}${pad(m[3] as string)}`;
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) return `${m[3]}${pad(m[1] as string)}${pad(m[2] as string)}`;
  return s.replace(/\D/g, '');
}
