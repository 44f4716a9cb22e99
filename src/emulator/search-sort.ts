/**
 * Sort keys of POST /contacts/search: their values, the total order
 * (sort keys, then id ascending), and the `searchAfter` cursor built from them.
 */
import { unprocessableSearch } from './search-error.js';
import { businessNameOf, nonEmpty } from './search-fields.js';
import type { CursorValue, SearchContext, SearchCursor, SearchSort, SortField } from './search-types.js';
import type { ContactRecord } from './types.js';

type SortValue = string | number | null;

interface SortKeyDef {
  readonly type: 'string' | 'number';
  readonly get: (c: ContactRecord, ctx: SearchContext) => SortValue;
}

const lower = (v: unknown): string | null => nonEmpty(v)?.toLowerCase() ?? null;

/**
 * String keys are lower-cased and compared by UTF-16 code units (no locale);
 * dates are epoch ms; dnd is 0/1; a missing or empty value is null.
 */
export const SORT_KEYS: Readonly<Record<SortField, SortKeyDef>> = {
  firstNameLowerCase: { type: 'string', get: (c) => lower(c.firstName) },
  lastNameLowerCase: { type: 'string', get: (c) => lower(c.lastName) },
  businessName: { type: 'string', get: (c, ctx) => lower(businessNameOf(c, ctx)) },
  dateAdded: { type: 'number', get: (c) => c.dateAdded },
  dateUpdated: { type: 'number', get: (c) => c.dateUpdated },
  email: { type: 'string', get: (c) => lower(c.email) },
  dnd: { type: 'number', get: (c) => (c.dnd ? 1 : 0) },
  source: { type: 'string', get: (c) => lower(c.source) },
};

export const DEFAULT_SORT: readonly SearchSort[] = [{ field: 'dateAdded', direction: 'asc' }];

/** A filtered result in its final order, with the sort values kept for cursor look-ups. */
export interface SortedResult {
  readonly contacts: readonly ContactRecord[];
  /** `columns[k][i]` is sort key k of `contacts[i]`. */
  readonly columns: readonly (readonly SortValue[])[];
  readonly ids: readonly string[];
}

/** Missing values (null) sort last in both directions, as Elasticsearch's default `missing: _last`. */
function compareValues(a: SortValue, b: SortValue, dir: number): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -dir : dir;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortContacts(matches: readonly ContactRecord[], sort: readonly SearchSort[], ctx: SearchContext): SortedResult {
  const n = matches.length;
  const cols = sort.map((s) => {
    const get = SORT_KEYS[s.field].get;
    const col = new Array<SortValue>(n);
    for (let i = 0; i < n; i++) col[i] = get(matches[i]!, ctx);
    return col;
  });
  const dirs = sort.map((s) => (s.direction === 'asc' ? 1 : -1));
  const ids = matches.map((c) => c.id);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const c0 = cols[0];
  const d0 = dirs[0] ?? 1;
  if (cols.length === 1 && SORT_KEYS[sort[0]!.field].type === 'number') {
    // The common case (default sort): numbers that are never null.
    const nums = c0 as number[];
    order.sort((a, b) => (nums[a]! - nums[b]!) * d0 || compareIds(ids[a]!, ids[b]!));
  } else {
    order.sort((a, b) => {
      for (let k = 0; k < cols.length; k++) {
        const col = cols[k]!;
        const r = compareValues(col[a]!, col[b]!, dirs[k]!);
        if (r !== 0) return r;
      }
      return compareIds(ids[a]!, ids[b]!);
    });
  }
  return {
    contacts: order.map((i) => matches[i]!),
    columns: cols.map((col) => order.map((i) => col[i]!)),
    ids: order.map((i) => ids[i]!),
  };
}

/** Index of the first contact that sorts strictly after `cursor` (binary search). */
export function indexAfter(result: SortedResult, sort: readonly SearchSort[], cursor: SearchCursor): number {
  const dirs = sort.map((s) => (s.direction === 'asc' ? 1 : -1));
  const id = cursor[sort.length] as string;
  const compareAt = (i: number): number => {
    for (let k = 0; k < dirs.length; k++) {
      const r = compareValues(result.columns[k]![i]!, cursor[k] as SortValue, dirs[k]!);
      if (r !== 0) return r;
    }
    return compareIds(result.ids[i]!, id);
  };
  let lo = 0;
  let hi = result.contacts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAt(mid) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `searchAfter` a hit carries: its sort values, then its id. */
export function cursorOf(c: ContactRecord, sort: readonly SearchSort[], ctx: SearchContext): CursorValue[] {
  const out: CursorValue[] = sort.map((s) => SORT_KEYS[s.field].get(c, ctx));
  out.push(c.id);
  return out;
}

/**
 * Checks a client's `searchAfter` against the sort it is used with. A cursor
 * is opaque to clients, but it must be one this sort produces.
 */
export function validateCursor(value: readonly unknown[], sort: readonly SearchSort[]): SearchCursor {
  const shape = `[${[...sort.map((s) => s.field), 'id'].join(', ')}]`;
  const bad = (): Error =>
    unprocessableSearch(`searchAfter must be the searchAfter of a hit returned with the same sort: ${shape}`);
  if (value.length !== sort.length + 1) throw bad();
  sort.forEach((s, k) => {
    const v = value[k];
    const def = SORT_KEYS[s.field];
    if (def.type === 'number' ? typeof v !== 'number' || !Number.isFinite(v) : v !== null && typeof v !== 'string') throw bad();
  });
  if (typeof value[sort.length] !== 'string') throw bad();
  return value as SearchCursor;
}
