/**
 * Values that stand for "no value" in a contact field (`-`, `n/a`,
 * `test@test.com`, `0000000000`). Matching treats them as blank: otherwise
 * every contact with `n/a` as its email would be one person, and two strangers
 * whose city is `unknown` would agree on it.
 */

/** A string equals the value (compared trimmed and lower-cased); a RegExp is tested against it. */
export type FillerPattern = string | RegExp;

export type FillerField = 'firstName' | 'lastName' | 'email' | 'phone' | 'address1' | 'city' | 'state' | 'postalCode' | 'dateOfBirth';

export type FillerLists = Readonly<Record<FillerField, readonly FillerPattern[]>>;

const NOTHING: readonly FillerPattern[] = [
  '-', '--', '---', '.', '..', '?', '??', '_', '0', 'x', 'xx', 'xxx',
  'n/a', 'na', 'n.a.', 'none', 'null', 'nil', 'undefined', 'unknown', 'not known', 'not provided', 'not available', 'tbd', 'tba',
];

const TEXT: readonly FillerPattern[] = [...NOTHING, 'test', 'asdf', 'no name', 'noname'];

export const DEFAULT_FILLERS: FillerLists = {
  firstName: TEXT,
  lastName: TEXT,
  email: [
    ...NOTHING,
    'test@test.com',
    'test@example.com',
    'email@email.com',
    'email@example.com',
    'no@email.com',
    'none@none.com',
    'na@na.com',
    'noreply@noreply.com',
    // noemail@…, no-email@…, nomail@…, no_email@… at any domain
    /^no[-_.]?e?mail@/,
    // test@…, test1@…, fake@…, none@… at any domain
    /^(?:test|fake|none|nobody|asdf)\d*@/,
  ],
  phone: [
    ...NOTHING,
    '1234567890',
    '0123456789',
    // The same digit over and over, after an optional country code: 0000000000, +1 555-555-5555, 999-9999.
    /^\+?\d{0,3}?(\d)\1{6,}$/,
  ],
  address1: [...TEXT, 'no address', 'address'],
  city: TEXT,
  state: NOTHING,
  postalCode: [...NOTHING, /^0+$/, /^9+$/],
  dateOfBirth: [...NOTHING, '1900-01-01', '0000-00-00', '1970-01-01'],
};

/**
 * Whether `value` is a filler for `field`: compared trimmed and lower-cased,
 * for phones also as digits alone (so `000-000-0000` matches like
 * `0000000000`). An empty value is not a filler (it is simply blank).
 */
export function isFiller(field: FillerField, value: string, fillers: FillerLists = DEFAULT_FILLERS): boolean {
  const v = value.trim().toLowerCase();
  if (v === '') return false;
  const { exact, patterns } = compiled(fillers)[field];
  if (test(v, exact, patterns)) return true;
  if (field !== 'phone') return false;
  const digits = v.replace(/[^\d+]/g, '');
  return digits !== v && test(digits, exact, patterns);
}

function test(v: string, exact: ReadonlySet<string>, patterns: readonly RegExp[]): boolean {
  if (exact.has(v)) return true;
  for (const p of patterns) {
    p.lastIndex = 0;
    if (p.test(v)) return true;
  }
  return false;
}

type Compiled = Record<FillerField, { exact: Set<string>; patterns: RegExp[] }>;

// Matching asks about every field of every contact: split each list once into a Set and its RegExps.
const compiledLists = new WeakMap<FillerLists, Compiled>();

function compiled(fillers: FillerLists): Compiled {
  let c = compiledLists.get(fillers);
  if (!c) {
    c = {} as Compiled;
    for (const [field, list] of Object.entries(fillers) as Array<[FillerField, readonly FillerPattern[]]>) {
      c[field] = {
        exact: new Set(list.filter((p): p is string => typeof p === 'string').map((p) => p.trim().toLowerCase())),
        patterns: list.filter((p): p is RegExp => p instanceof RegExp),
      };
    }
    compiledLists.set(fillers, c);
  }
  return c;
}

/**
 * The default lists with some fields' lists replaced (`{ city: ['-'] }`) or
 * extended (`{ extend: { email: ['info@acme.com'] } }`).
 */
export function fillerLists(options: { replace?: Partial<FillerLists>; extend?: Partial<FillerLists> } = {}): FillerLists {
  const out: Record<FillerField, readonly FillerPattern[]> = { ...DEFAULT_FILLERS, ...options.replace };
  for (const [field, extra] of Object.entries(options.extend ?? {}) as Array<[FillerField, readonly FillerPattern[]]>) {
    out[field] = [...out[field], ...extra];
  }
  return out;
}
