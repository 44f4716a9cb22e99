import { parseSearchBody, runSearch, toSearchHit, type SearchContext } from '../search.js';
import { ok, type RouteContext, type RouteDef } from './route.js';

function searchContext(ctx: RouteContext): SearchContext {
  return { customFields: ctx.loc.customFields, businessNames: ctx.loc.businesses, timezone: ctx.loc.settings.timezone };
}

/** POST /contacts/search: reads the lagged index, never the live store. */
function search(ctx: RouteContext) {
  const sctx = searchContext(ctx);
  const query = parseSearchBody(ctx.body, sctx);
  const view = ctx.loc.searchView(ctx.now, ctx.store.searchLagMs);
  const { contacts, total } = runSearch(view, query, sctx);
  const omit = ctx.store.searchHitOmit;
  const hits = contacts.map((c) => toSearchHit(c, query, sctx));
  if (omit.length) for (const hit of hits) for (const key of omit) delete hit[key];
  return ok({ contacts: hits, total });
}

export const searchRoutes: RouteDef[] = [
  { method: 'POST', path: '/contacts/search', operationId: 'search-contacts-advanced', scope: 'contacts.readonly', locationFrom: 'body', handler: search },
];
