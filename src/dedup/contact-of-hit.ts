import type { MatchContact } from './prepare-contact.js';
import type { SurvivorContact } from './survivor.js';

/**
 * A POST /contacts/search hit in the shape GET /contacts/:id answers with,
 * so that a dedup plan can take its before-images from the search pages
 * alone (BEHAVIOUR.md §1 "Search hits"). Pure.
 *
 * Hits call the street `address` (GET: `address1`) and may carry the names
 * only as typed in `firstNameRaw`/`lastNameRaw`, or only as the lower-case
 * copies (the docs say raw names are "not yet available"): a name is the
 * first non-blank of the GET field, the raw copy and the lower-case copy.
 * Keys only hits have (`searchAfter`, `contactName`, `businessName`,
 * `phoneLabel`, `validEmail`, `opportunities`, the name copies) are left out,
 * and so are null and undefined values (GET leaves an unset field out).
 *
 * What a hit lacks stays absent: the platform was seen to leave
 * `dndSettings` out of hits (GH#43), so whatever depends on it (the "do not
 * disturb" a survivor takes) is decided from the apply step's own GET.
 * Values are the hit's own, not copies.
 */

/** Keys of the GET contact (GetContectByIdSchema and what real GETs add) taken from a hit as they are. */
const SAME_KEYS = [
  'id',
  'locationId',
  'email',
  'phone',
  'companyName',
  'city',
  'state',
  'country',
  'postalCode',
  'website',
  'timezone',
  'source',
  'type',
  'assignedTo',
  'gender',
  'dnd',
  'dndSettings',
  'inboundDndSettings',
  'tags',
  'customFields',
  'dateOfBirth',
  'dateAdded',
  'dateUpdated',
  'lastActivity',
  'businessId',
  'followers',
  'additionalEmails',
  'additionalPhones',
  'attributionSource',
  'lastAttributionSource',
  'createdBy',
] as const;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function contactOfHit(hit: Readonly<Record<string, unknown>>): SurvivorContact {
  const out: Record<string, unknown> = {};
  for (const key of SAME_KEYS) {
    const v = hit[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  const firstName = text(hit.firstName) ?? text(hit.firstNameRaw) ?? text(hit.firstNameLowerCase);
  const lastName = text(hit.lastName) ?? text(hit.lastNameRaw) ?? text(hit.lastNameLowerCase);
  const address1 = text(hit.address1) ?? text(hit.address);
  if (firstName !== undefined) out.firstName = firstName;
  if (lastName !== undefined) out.lastName = lastName;
  if (address1 !== undefined) out.address1 = address1;
  out.id = String(hit.id);
  return out as SurvivorContact;
}

/** The fields matching reads, from a contact in the GET shape; blank ones left out. */
export function matchContactOf(c: SurvivorContact): MatchContact {
  return {
    id: c.id,
    firstName: text(c.firstName),
    lastName: text(c.lastName),
    email: text(c.email),
    phone: text(c.phone),
    address1: text(c.address1),
    city: text(c.city),
    state: text(c.state),
    postalCode: text(c.postalCode),
    dateOfBirth: text(c.dateOfBirth),
    dateAdded: text(c.dateAdded),
    dateUpdated: text(c.dateUpdated),
  };
}

/** A search hit as matching reads it: `matchContactOf(contactOfHit(hit))`. */
export function matchContactOfHit(hit: Readonly<Record<string, unknown>>): MatchContact {
  return matchContactOf(contactOfHit(hit));
}
