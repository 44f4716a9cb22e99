/**
 * Every contact a search selects, page after page, through the `searchAfter`
 * cursor (page numbers stop at 10,000 records). The cursor is the last hit's
 * own `searchAfter` (its sort values and its id, the tie-break), sent back
 * unchanged, so contacts sharing one timestamp are neither repeated nor
 * skipped. The next page is asked for as soon as a page arrives, while the
 * caller writes the current one; at most two pages are in memory.
 */
import type { ContactsApi } from '../api/endpoints.js';
import type { SearchRequest } from '../api/types.js';
import { HoopError } from '../core/errors.js';
import type { Hit } from './columns.js';

export interface SearchPage {
  readonly contacts: readonly Hit[];
  /** Matches of the whole search, as the platform counted them for this page. */
  readonly total: number;
}

export type PageQuery = Omit<SearchRequest, 'locationId' | 'page' | 'searchAfter'> & { readonly pageLimit: number };

/** `startAfter`: continue a walk after this cursor (a hit's own `searchAfter`). */
export async function* searchPages(api: ContactsApi, query: PageQuery, startAfter?: unknown[]): AsyncGenerator<SearchPage> {
  let pending: Promise<SearchPage> = fetchPage(api, query, startAfter);
  let lastCursor = startAfter ? JSON.stringify(startAfter) : '';
  for (;;) {
    const page = await pending;
    const more = page.contacts.length >= query.pageLimit;
    if (more) {
      const cursor = page.contacts[page.contacts.length - 1]!.searchAfter;
      if (!Array.isArray(cursor) || cursor.length === 0) {
        throw new HoopError('SEARCH_CURSOR', 'The search answered hits without a searchAfter cursor; the export cannot page past them safely');
      }
      const key = JSON.stringify(cursor);
      if (key === lastCursor) throw new HoopError('SEARCH_CURSOR', `The search cursor did not advance (${key}); stopping instead of exporting the same page again`);
      lastCursor = key;
      pending = fetchPage(api, query, cursor);
      // Handled when awaited; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
    }
    yield page;
    if (!more) return;
  }
}

async function fetchPage(api: ContactsApi, query: PageQuery, searchAfter: unknown[] | undefined): Promise<SearchPage> {
  const res = await api.searchContacts({ ...query, ...(searchAfter ? { searchAfter } : {}) });
  return { contacts: res.contacts as unknown as Hit[], total: typeof res.total === 'number' ? res.total : Number(res.total ?? 0) };
}
