import type { PreparedContact } from './prepare-contact.js';

/**
 * Which pairs get compared at all. Comparing every pair of 100,000 contacts
 * is 5 billion comparisons; each blocking key puts contacts that share its
 * value in one block, and only pairs within a block are compared. A pair
 * needs to share just one key, so several keys built from different fields
 * let a typo in any one field through: a true pair is missed only when every
 * key differs.
 *
 * A block larger than `maxBlockSize` (a shared office phone, a popular name
 * in one postcode) is not compared all against all: its contacts are sorted
 * by name and compared within a sliding window, so its cost stays linear.
 */

export type BlockingKeyName =
  | 'names'
  | 'lastNamePostalCode'
  | 'firstNameDateOfBirth'
  | 'lastNameDateOfBirth'
  | 'dateOfBirthPostalCode'
  | 'addressStreet'
  | 'addressPostalCode'
  | 'emailLocal'
  | 'phoneTail'
  | 'sortedNames';

type KeyFunction = (c: PreparedContact) => string;

/** Each key's value for a contact; '' puts the contact in no block of that key. */
export const BLOCKING_KEYS: Readonly<Record<Exclude<BlockingKeyName, 'sortedNames'>, KeyFunction>> = {
  // Sound of both names, in sorted order so swapped first/last names share it; nicknames by their full form.
  names: (c) => {
    if (c.firstCanonical === '' || c.last === '') return '';
    const a = c.firstSound;
    const b = c.lastSound;
    return a < b ? `${a}${b}` : `${b}${a}`;
  },
  lastNamePostalCode: (c) => both(c.lastSound, c.postalCode),
  firstNameDateOfBirth: (c) => both(c.firstSound, c.dateOfBirth),
  lastNameDateOfBirth: (c) => both(c.lastSound, c.dateOfBirth),
  dateOfBirthPostalCode: (c) => both(c.dateOfBirth, c.postalCode),
  addressStreet: (c) => (c.addressStreet.length >= 4 ? both(c.addressNumbers, c.addressStreet.slice(0, 4)) : ''),
  addressPostalCode: (c) => both(c.addressNumbers, c.postalCode),
  emailLocal: (c) => c.emailLocal,
  phoneTail: (c) => (c.phone.length >= 7 ? c.phone.slice(-7) : ''),
};

function both(a: string, b: string): string {
  return a === '' || b === '' ? '' : `${a}|${b}`;
}

export const DEFAULT_BLOCKING_KEYS: readonly BlockingKeyName[] = [
  'names',
  'lastNamePostalCode',
  'firstNameDateOfBirth',
  'lastNameDateOfBirth',
  'dateOfBirthPostalCode',
  'addressStreet',
  'addressPostalCode',
  'emailLocal',
  'phoneTail',
  'sortedNames',
];

export interface BlockingOptions {
  /** @default DEFAULT_BLOCKING_KEYS */
  keys?: readonly BlockingKeyName[];
  /** Larger blocks are compared within a sliding window only. @default 100 */
  maxBlockSize?: number;
  /** Width of the sliding window over an oversized block. @default 10 */
  window?: number;
  /**
   * Width of the `sortedNames` window over all contacts sorted by last name,
   * then first name: it catches typos that change every other key, but costs
   * about `n * sortedNamesWindow / 2` comparisons, the most of any key.
   * @default 4
   */
  sortedNamesWindow?: number;
}

export interface CandidatePairs {
  /** Pair k is contacts `left[k]` and `right[k]` (indexes into the input, left < right); each pair once. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly count: number;
  readonly blocks: number;
  readonly oversizedBlocks: number;
}

/** The pairs to compare: every pair sharing a block, each once. */
export function candidatePairs(contacts: readonly PreparedContact[], options: BlockingOptions = {}): CandidatePairs {
  const keys = options.keys ?? DEFAULT_BLOCKING_KEYS;
  const maxBlockSize = options.maxBlockSize ?? 100;
  const window = options.window ?? 10;
  const sortedNamesWindow = options.sortedNamesWindow ?? 4;
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 2) {
    throw new TypeError(`Expected \`maxBlockSize\` to be an integer >= 2, got \`${maxBlockSize}\` (${typeof maxBlockSize})`);
  }
  for (const [name, w] of [['window', window], ['sortedNamesWindow', sortedNamesWindow]] as const) {
    if (!Number.isInteger(w) || w < 2) throw new TypeError(`Expected \`${name}\` to be an integer >= 2, got \`${w}\` (${typeof w})`);
  }

  const n = contacts.length;
  const nameOrder = sortedByName(contacts);
  const groups: Int32Array[] = [];
  let oversized = 0;
  let rank: Int32Array | undefined;
  // Overlapping chunks of a sorted list: every two contacts fewer than `window / 2` apart share a chunk.
  const addWindows = (sorted: Int32Array, window: number): void => {
    const step = Math.max(1, window >> 1);
    for (let start = 0; start < sorted.length - 1; start += step) {
      groups.push(sorted.subarray(start, Math.min(sorted.length, start + window)));
      if (start + window >= sorted.length) break;
    }
  };

  for (const name of keys) {
    if (name === 'sortedNames') {
      addWindows(nameOrder.filter((i) => (contacts[i] as PreparedContact).last !== '' || (contacts[i] as PreparedContact).first !== ''), sortedNamesWindow);
      continue;
    }
    const keyOf = BLOCKING_KEYS[name];
    if (!keyOf) throw new TypeError(`Expected a blocking key (${DEFAULT_BLOCKING_KEYS.join(', ')}), got \`${String(name)}\``);
    const blocks = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const k = keyOf(contacts[i] as PreparedContact);
      if (k === '') continue;
      const block = blocks.get(k);
      if (block) block.push(i);
      else blocks.set(k, [i]);
    }
    for (const block of blocks.values()) {
      if (block.length < 2) continue;
      if (block.length <= maxBlockSize) groups.push(Int32Array.from(block));
      else {
        oversized++;
        rank ??= rankOf(nameOrder);
        const r = rank;
        addWindows(Int32Array.from(block).sort((a, b) => (r[a] as number) - (r[b] as number)), window);
      }
    }
  }

  // Each contact's groups, as CSR arrays, then each contact's later block-mates once (a stamp per contact).
  const groupCount = new Int32Array(n + 1);
  for (const g of groups) for (const i of g) groupCount[i + 1] = (groupCount[i + 1] as number) + 1;
  for (let i = 0; i < n; i++) groupCount[i + 1] = (groupCount[i + 1] as number) + (groupCount[i] as number);
  const groupsOf = new Int32Array(groupCount[n] as number);
  const fill = groupCount.slice(0, n);
  groups.forEach((g, gi) => {
    for (const i of g) {
      groupsOf[fill[i] as number] = gi;
      fill[i] = (fill[i] as number) + 1;
    }
  });

  let left: Int32Array<ArrayBuffer> = new Int32Array(1024);
  let right: Int32Array<ArrayBuffer> = new Int32Array(1024);
  let count = 0;
  const stamp = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let s = groupCount[i] as number; s < (groupCount[i + 1] as number); s++) {
      const g = groups[groupsOf[s] as number] as Int32Array;
      for (let t = 0; t < g.length; t++) {
        const j = g[t] as number;
        if (j <= i || stamp[j] === i) continue;
        stamp[j] = i;
        if (count === left.length) {
          left = grow(left);
          right = grow(right);
        }
        left[count] = i;
        right[count] = j;
        count++;
      }
    }
  }
  return { left: left.subarray(0, count), right: right.subarray(0, count), count, blocks: groups.length, oversizedBlocks: oversized };
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Contact indexes sorted by last name, then first name (blanks last), then index. */
function sortedByName(contacts: readonly PreparedContact[]): Int32Array {
  const keys = contacts.map((c) => `${c.last || '\uffff'} ${c.first || '\uffff'}`);
  return Int32Array.from(contacts.keys()).sort((a, b) => {
    const ka = keys[a] as string;
    const kb = keys[b] as string;
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  });
}

/** Each contact's place in `order`. */
function rankOf(order: Int32Array): Int32Array {
  const rank = new Int32Array(order.length);
  order.forEach((i, r) => (rank[i] = r));
  return rank;
}
