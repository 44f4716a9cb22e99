/**
 * The emulator's contact search: a pure engine behind POST /contacts/search.
 *
 * `parseSearchBody` validates and compiles a body once per request;
 * `runSearch` answers it from a snapshot of one location's contacts.
 *
 * Speed: filtering and sorting a location is done once per (contacts map,
 * version, filters + query + sort, business names when they matter) and kept
 * in a small LRU, so paging with `page` or walking with `searchAfter` costs a
 * binary search and a slice. The cache lives in a {@link SearchEngine}; the
 * module-level `runSearch` uses one shared engine. Each engine keys its cache
 * by the identity of the `contacts` Map (a WeakMap, so dropped maps free their
 * entries) and then by `version`: the store must give `version` a new value
 * (compared for equality only) whenever that Map's content changes, and may hand the same Map (mutated in place) or a new
 * one per version. A new Map object per request defeats the cache.
 */
import { cursorOf, indexAfter, sortContacts, type SortedResult } from './search-sort.js';
import type { SearchContext, SearchQuery } from './search-types.js';
import type { ContactRecord } from './types.js';

export { SearchInputError } from './search-error.js';
export { parseSearchBody, MAX_PAGE_LIMIT, MAX_PAGED_RESULTS, MAX_QUERY_LENGTH, MAX_SORT_KEYS } from './search-body.js';
export { MAX_FILTER_DEPTH, MAX_VALUE_LENGTH } from './search-filters.js';
export { toSearchHit } from './search-hit.js';
export { SORT_FIELDS } from './search-types.js';
export type { SortedResult } from './search-sort.js';
export type {
  CursorValue,
  SearchContext,
  SearchCursor,
  SearchQuery,
  SearchSort,
  SortDirection,
  SortField,
} from './search-types.js';

/** What the store hands the search: one location's contacts at one version. Building it is free. */
export interface SearchIndexSnapshot {
  /** Takes a new value on every change of `contacts` (compared for equality only; a store-wide counter is fine). */
  readonly version: number;
  /** Contact id -> record, for one location. */
  readonly contacts: ReadonlyMap<string, ContactRecord>;
}

export interface SearchResult {
  /** The requested page, in order. */
  readonly contacts: ContactRecord[];
  /** Every contact that matches, not only this page. */
  readonly total: number;
}

export interface SearchEngineOptions {
  /**
   * Filtered+sorted results kept per contacts Map (least recently used goes first).
   * @default 8
   */
  readonly cacheSize?: number;
}

interface MapCache {
  version: number;
  readonly entries: Map<string, SortedResult>;
}

/** Holds the result cache; one per emulator instance, or use the shared one through `runSearch`. */
export class SearchEngine {
  readonly #maps = new WeakMap<object, MapCache>();
  readonly #cacheSize: number;

  constructor(options: SearchEngineOptions = {}) {
    const size = options.cacheSize ?? 8;
    if (!Number.isInteger(size) || size < 0) {
      throw new TypeError(`Expected \`cacheSize\` to be an integer >= 0, got \`${String(size)}\` (${typeof size})`);
    }
    this.#cacheSize = size;
  }

  /** One page of the result, and the total number of matches. */
  run(index: SearchIndexSnapshot, query: SearchQuery, ctx: SearchContext): SearchResult {
    const sorted = this.sorted(index, query, ctx);
    let start: number;
    if (query.searchAfter) start = indexAfter(sorted, query.sort, query.searchAfter);
    else start = ((query.page ?? 1) - 1) * query.pageLimit;
    return { contacts: sorted.contacts.slice(start, start + query.pageLimit), total: sorted.contacts.length };
  }

  /** Every match in result order (cached). */
  sorted(index: SearchIndexSnapshot, query: SearchQuery, ctx: SearchContext): SortedResult {
    const key = query.usesBusinessNames ? `${query.cacheKey}\u0000${businessNamesKey(ctx)}` : query.cacheKey;
    let cache = this.#maps.get(index.contacts);
    if (!cache || cache.version !== index.version) {
      cache = { version: index.version, entries: new Map() };
      this.#maps.set(index.contacts, cache);
    }
    const hit = cache.entries.get(key);
    if (hit) {
      cache.entries.delete(key);
      cache.entries.set(key, hit);
      return hit;
    }
    const matches: ContactRecord[] = [];
    for (const c of index.contacts.values()) if (query.matches(c, ctx)) matches.push(c);
    const result = sortContacts(matches, query.sort, ctx);
    if (this.#cacheSize > 0) {
      if (cache.entries.size >= this.#cacheSize) cache.entries.delete(cache.entries.keys().next().value!);
      cache.entries.set(key, result);
    }
    return result;
  }
}

function businessNamesKey(ctx: SearchContext): string {
  return JSON.stringify([...ctx.businessNames]);
}

const sharedEngine = new SearchEngine();

/** One page of the search and the total, through the module's shared engine and cache. */
export function runSearch(index: SearchIndexSnapshot, query: SearchQuery, ctx: SearchContext): SearchResult {
  return sharedEngine.run(index, query, ctx);
}

/**
 * The cursor a hit carries: its sort values (dates as epoch ms, dnd as 0/1,
 * strings lower-cased, missing as null), then its id. With the default sort
 * it is `[dateAddedMs, id]`. `ctx` (default: the one the query was parsed
 * with) is only read for a businessName sort.
 */
export function searchAfterOf(
  contact: ContactRecord,
  query: SearchQuery,
  ctx: SearchContext = query.context,
): (string | number | null)[] {
  return cursorOf(contact, query.sort, ctx);
}
