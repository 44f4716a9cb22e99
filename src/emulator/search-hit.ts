/**
 * The JSON shape of one POST /contacts/search hit, which differs from the GET
 * contact shape (BEHAVIOUR.md §1 "Search hits").
 */
import { businessNameOf, contactNameOf, lowerOrUndefined, validEmailOf } from './search-fields.js';
import { cursorOf } from './search-sort.js';
import type { SearchContext, SearchQuery } from './search-types.js';
import type { ContactRecord, DndSettings } from './types.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function copyDnd(settings: DndSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [channel, setting] of Object.entries(settings)) {
    if (setting) out[channel] = { ...setting };
  }
  return out;
}

/**
 * One hit. Keys whose value is undefined are left out (as JSON would);
 * `phoneLabel` is always null and `lastActivity` null when unknown; dates are
 * ISO strings with milliseconds; `opportunities` is always empty.
 */
export function toSearchHit(c: ContactRecord, query: SearchQuery, ctx: SearchContext): Record<string, unknown> {
  const hit: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    if (value !== undefined) hit[key] = value;
  };
  put('id', c.id);
  put('locationId', c.locationId);
  put('contactName', contactNameOf(c));
  put('firstNameLowerCase', lowerOrUndefined(c.firstName));
  put('lastNameLowerCase', lowerOrUndefined(c.lastName));
  put('firstNameRaw', c.firstName);
  put('lastNameRaw', c.lastName);
  put('email', c.email);
  put('phone', c.phone);
  put('phoneLabel', null);
  put('companyName', c.companyName);
  put('businessName', businessNameOf(c, ctx));
  put('address', c.address1);
  put('city', c.city);
  put('state', c.state);
  put('country', c.country);
  put('postalCode', c.postalCode);
  put('website', c.website);
  put('timezone', c.timezone);
  put('source', c.source);
  put('type', c.type);
  put('dnd', c.dnd);
  put('dndSettings', c.dndSettings && copyDnd(c.dndSettings));
  put('tags', c.tags.slice());
  put('customFields', c.customFields.map((cf) => ({ id: cf.id, value: cf.value })));
  put('dateOfBirth', c.dateOfBirth);
  put('dateAdded', iso(c.dateAdded));
  put('dateUpdated', iso(c.dateUpdated));
  put('lastActivity', c.lastActivity === undefined ? null : iso(c.lastActivity));
  put('assignedTo', c.assignedTo);
  put('followers', c.followers.slice());
  put('businessId', c.businessId);
  put('additionalEmails', c.additionalEmails.slice());
  put('additionalPhones', c.additionalPhones.slice());
  put('validEmail', validEmailOf(c));
  put('opportunities', []);
  put('searchAfter', cursorOf(c, query.sort, ctx));
  return hit;
}
