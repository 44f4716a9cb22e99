/**
 * Shared shapes of the search engine: the location context a search runs in,
 * and the compiled query that `parseSearchBody` produces.
 */
import type { ContactRecord, CustomFieldDefinition } from './types.js';

export interface SearchContext {
  /** Custom field definitions of the location, by id. */
  readonly customFields: ReadonlyMap<string, CustomFieldDefinition>;
  /** Business name by businessId (may be empty). */
  readonly businessNames: ReadonlyMap<string, string>;
  /** IANA timezone of the location; date-only range values are whole days in this zone. */
  readonly timezone: string;
}

export const SORT_FIELDS = [
  'firstNameLowerCase',
  'lastNameLowerCase',
  'businessName',
  'dateAdded',
  'dateUpdated',
  'email',
  'dnd',
  'source',
] as const;

export type SortField = (typeof SORT_FIELDS)[number];
export type SortDirection = 'asc' | 'desc';

export interface SearchSort {
  readonly field: SortField;
  readonly direction: SortDirection;
}

/** One element of a `searchAfter` cursor: a sort value (dates as epoch ms, dnd as 0/1, missing as null) or the id. */
export type CursorValue = string | number | null;

/** The `searchAfter` of a hit: one value per sort key, then the contact id. */
export type SearchCursor = readonly CursorValue[];

/** A search body after validation and compilation. Build it with `parseSearchBody`. */
export interface SearchQuery {
  readonly locationId: string;
  readonly pageLimit: number;
  /** 1-based page as sent; undefined when not sent (then page 1, or the searchAfter cursor). */
  readonly page: number | undefined;
  readonly searchAfter: SearchCursor | undefined;
  /** Full-text query, trimmed and lower-cased; undefined when absent or blank. */
  readonly query: string | undefined;
  /** Effective sort keys (the default is dateAdded asc); `id` asc always follows as the final tie-break. */
  readonly sort: readonly SearchSort[];
  /**
   * Canonical text of filters + query + sort. Two queries with the same key
   * select and order the same contacts of the same index version; paging
   * (`page`, `pageLimit`, `searchAfter`) is not part of it.
   */
  readonly cacheKey: string;
  /** Whether the result depends on `SearchContext.businessNames` (businessName filter or sort). */
  readonly usesBusinessNames: boolean;
  /** The context the body was compiled against (custom field types, timezone of date-only ranges). */
  readonly context: SearchContext;
  /** True when the contact passes the filters and the full-text query. */
  readonly matches: (contact: ContactRecord, ctx: SearchContext) => boolean;
}
