/**
 * Validates a POST /contacts/search body and compiles it into a SearchQuery:
 * 422 (NestJS-style message arrays) for malformed properties, 400 for unknown
 * filter or sort fields, as the platform answers.
 */
import { badRequest, SearchInputError, unprocessableSearch } from './search-error.js';
import { compileFilters, type Matcher, type Predicate } from './search-filters.js';
import { digitsOf } from './search-fields.js';
import { DEFAULT_SORT, validateCursor } from './search-sort.js';
import {
  SORT_FIELDS,
  type SearchContext,
  type SearchCursor,
  type SearchQuery,
  type SearchSort,
  type SortField,
} from './search-types.js';
import type { ContactRecord } from './types.js';

export const MAX_PAGE_LIMIT = 500;
/** `page * pageLimit` may not pass this; beyond it only `searchAfter` pages. */
export const MAX_PAGED_RESULTS = 10_000;
export const MAX_SORT_KEYS = 2;
export const MAX_QUERY_LENGTH = 75;

const BODY_KEYS = new Set(['locationId', 'pageLimit', 'page', 'searchAfter', 'filters', 'sort', 'query']);
const SORT_ENTRY_KEYS = new Set(['field', 'direction']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Optional properties treat null as absent, as class-validator's @IsOptional does. */
const absent = (v: unknown): v is undefined | null => v === undefined || v === null;

function checkInteger(name: string, v: unknown, min: number, max: number | undefined, out: string[]): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    out.push(`${name} must be an integer number`);
    return undefined;
  }
  if (v < min) {
    out.push(`${name} must not be less than ${min}`);
    return undefined;
  }
  if (max !== undefined && v > max) {
    out.push(`${name} must not be greater than ${max}`);
    return undefined;
  }
  return v;
}

export function parseSearchBody(body: unknown, ctx: SearchContext): SearchQuery {
  const b = absent(body) ? {} : body;
  if (!isObject(b)) throw unprocessableSearch('request body must be a JSON object');
  const errors: string[] = [];

  for (const k of Object.keys(b)) if (!BODY_KEYS.has(k)) errors.push(`property ${k} should not exist`);

  let locationId: string | undefined;
  if (absent(b.locationId) || b.locationId === '') errors.push('locationId should not be empty');
  else if (typeof b.locationId !== 'string') errors.push('locationId must be a string');
  else locationId = b.locationId;

  let pageLimit: number | undefined;
  if (absent(b.pageLimit)) errors.push('pageLimit should not be empty');
  else pageLimit = checkInteger('pageLimit', b.pageLimit, 1, MAX_PAGE_LIMIT, errors);

  let page: number | undefined;
  if (!absent(b.page)) page = checkInteger('page', b.page, 1, undefined, errors);

  let searchAfter: unknown[] | undefined;
  if (!absent(b.searchAfter)) {
    if (!Array.isArray(b.searchAfter)) errors.push('searchAfter must be an array');
    else searchAfter = b.searchAfter;
  }
  if (!absent(b.page) && !absent(b.searchAfter)) {
    errors.push('page and searchAfter cannot be used together: send searchAfter without page');
  }
  if (page !== undefined && pageLimit !== undefined && page * pageLimit > MAX_PAGED_RESULTS) {
    errors.push(
      `page * pageLimit must not be greater than ${MAX_PAGED_RESULTS}: paging with page reaches only the first 10,000 contacts; use searchAfter to go further`,
    );
  }

  let query: string | undefined;
  if (!absent(b.query)) {
    if (typeof b.query !== 'string') errors.push('query must be a string');
    else if (b.query.length > MAX_QUERY_LENGTH) {
      errors.push(`query must be shorter than or equal to ${MAX_QUERY_LENGTH} characters`);
    } else query = b.query.trim().toLowerCase() || undefined;
  }

  let filters: unknown[] = [];
  if (!absent(b.filters)) {
    if (!Array.isArray(b.filters)) errors.push('filters must be an array');
    else filters = b.filters;
  }

  let rawSort: unknown[] = [];
  if (!absent(b.sort)) {
    if (!Array.isArray(b.sort)) errors.push('sort must be an array');
    else if (b.sort.length > MAX_SORT_KEYS) errors.push(`sort must contain no more than ${MAX_SORT_KEYS} elements`);
    else rawSort = b.sort;
  }

  if (errors.length > 0 || locationId === undefined || pageLimit === undefined) throw new SearchInputError(422, errors);

  const sort = rawSort.length > 0 ? rawSort.map(parseSortEntry) : DEFAULT_SORT;
  const cursor: SearchCursor | undefined = searchAfter && validateCursor(searchAfter, sort);
  const compiled = compileFilters(filters, ctx);
  const usesBusinessNames = compiled.usesBusinessNames || sort.some((s) => s.field === 'businessName');

  return {
    locationId,
    pageLimit,
    page,
    searchAfter: cursor,
    query,
    sort,
    cacheKey: JSON.stringify({ f: compiled.key, q: query ?? null, s: sort.map((s) => [s.field, s.direction]) }),
    usesBusinessNames,
    matches: toPredicate(compiled.matcher, query),
    context: ctx,
  };
}

function parseSortEntry(raw: unknown, i: number): SearchSort {
  const path = `sort.${i}`;
  if (!isObject(raw)) throw unprocessableSearch(`${path} must be an object`);
  for (const k of Object.keys(raw)) {
    if (!SORT_ENTRY_KEYS.has(k)) throw unprocessableSearch(`property ${path}.${k} should not exist`);
  }
  if (typeof raw.field !== 'string' || raw.field === '') throw unprocessableSearch(`${path}.field must be a non-empty string`);
  if (!(SORT_FIELDS as readonly string[]).includes(raw.field)) throw badRequest(`Invalid sort field ${raw.field}`);
  if (raw.direction !== 'asc' && raw.direction !== 'desc') {
    throw unprocessableSearch(`${path}.direction must be one of the following values: asc, desc`);
  }
  return { field: raw.field as SortField, direction: raw.direction };
}

/**
 * The full-text `query`: a case-insensitive substring of the first, last or
 * full name, the email or the company name; a query made only of phone
 * characters also matches the phone's digits.
 */
function queryPredicate(q: string): Predicate {
  const digits = /^[\d\s()+.-]+$/.test(q) ? digitsOf(q) : '';
  const has = (v: string | undefined): boolean => v !== undefined && v.toLowerCase().includes(q);
  return (c) =>
    has(c.firstName) ||
    has(c.lastName) ||
    (c.firstName !== undefined && c.lastName !== undefined && has(`${c.firstName} ${c.lastName}`)) ||
    has(c.email) ||
    has(c.companyName) ||
    (digits !== '' && c.phone !== undefined && digitsOf(c.phone).includes(digits));
}

function toPredicate(matcher: Matcher, query: string | undefined): (c: ContactRecord, ctx: SearchContext) => boolean {
  const q = query === undefined ? undefined : queryPredicate(query);
  if (matcher === false) return () => false;
  if (matcher === true) return q ?? (() => true);
  if (!q) return matcher;
  return (c, ctx) => q(c, ctx) && matcher(c, ctx);
}

