/**
 * The JSON shape of one POST /contacts/search hit, which differs from the GET
 * contact shape (BEHAVIOUR.md §1 "Search hits").
 */
import { businessNameOf, contactNameOf, lowerOrUndefined, validEmailOf } from './search-fields.js';
import { cursorOf } from './search-sort.js';
import type { SearchContext, SearchQuery } from './search-types.js';
import type { ContactRecord, DndSettings } from './types.js';

const DAY_MS = 86_400_000;
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()`, several times faster for years 1970..9999
 * (days-to-civil arithmetic after H. Hinnant); other instants use Date.
 * Hits carry three dates each, so this is a large share of a page's cost.
 */
export function isoDate(ms: number): string {
  if (!(ms >= 0 && ms < 253_402_300_800_000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad3(rest - s * 1000)}Z`;
}

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
 * ISO strings with milliseconds; `opportunities` is always empty. Arrays and
 * objects are copies, never the record's own.
 */
export function toSearchHit(c: ContactRecord, query: SearchQuery, ctx: SearchContext): Record<string, unknown> {
  // Named stores in a fixed order keep hits on shared hidden classes, which
  // makes building and JSON.stringify several times faster than keyed stores.
  const hit: Record<string, unknown> = { id: c.id, locationId: c.locationId };
  const contactName = contactNameOf(c);
  if (contactName !== undefined) hit.contactName = contactName;
  if (c.firstName !== undefined) hit.firstNameLowerCase = lowerOrUndefined(c.firstName);
  if (c.lastName !== undefined) hit.lastNameLowerCase = lowerOrUndefined(c.lastName);
  if (c.firstName !== undefined) hit.firstNameRaw = c.firstName;
  if (c.lastName !== undefined) hit.lastNameRaw = c.lastName;
  if (c.email !== undefined) hit.email = c.email;
  if (c.phone !== undefined) hit.phone = c.phone;
  hit.phoneLabel = null;
  if (c.companyName !== undefined) hit.companyName = c.companyName;
  const businessName = businessNameOf(c, ctx);
  if (businessName !== undefined) hit.businessName = businessName;
  if (c.address1 !== undefined) hit.address = c.address1;
  if (c.city !== undefined) hit.city = c.city;
  if (c.state !== undefined) hit.state = c.state;
  if (c.country !== undefined) hit.country = c.country;
  if (c.postalCode !== undefined) hit.postalCode = c.postalCode;
  if (c.website !== undefined) hit.website = c.website;
  if (c.timezone !== undefined) hit.timezone = c.timezone;
  if (c.source !== undefined) hit.source = c.source;
  hit.type = c.type;
  hit.dnd = c.dnd;
  if (c.dndSettings !== undefined) hit.dndSettings = copyDnd(c.dndSettings);
  hit.tags = c.tags.slice();
  hit.customFields = c.customFields.map((cf) => ({ id: cf.id, value: cf.value }));
  if (c.dateOfBirth !== undefined) hit.dateOfBirth = c.dateOfBirth;
  hit.dateAdded = isoDate(c.dateAdded);
  hit.dateUpdated = isoDate(c.dateUpdated);
  hit.lastActivity = c.lastActivity === undefined ? null : isoDate(c.lastActivity);
  if (c.assignedTo !== undefined) hit.assignedTo = c.assignedTo;
  hit.followers = c.followers.slice();
  if (c.businessId !== undefined) hit.businessId = c.businessId;
  hit.additionalEmails = c.additionalEmails.slice();
  hit.additionalPhones = c.additionalPhones.slice();
  const validEmail = validEmailOf(c);
  if (validEmail !== undefined) hit.validEmail = validEmail;
  hit.opportunities = [];
  hit.searchAfter = cursorOf(c, query.sort, ctx);
  return hit;
}
