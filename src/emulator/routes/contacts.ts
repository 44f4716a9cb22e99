import { ApiError } from '../api-error.js';
import { applyContactInput, duplicateError, findDuplicate, hasIdentity } from '../contact-rules.js';
import { toContactJson, toCreatedContactJson } from '../contact-json.js';
import { emailValue, hasIdentityIn, MSG_REQUIRE_IDENTITY, phoneValue } from '../../platform/contact-write.js';
import type { ContactRecord } from '../types.js';
import { ok, type RouteContext, type RouteDef } from './route.js';

const NEED_EMAIL_OR_PHONE = 'Pass at least one of number, email query parameter';

/** The email and phone a write names, normalised as they would be stored; 422 when invalid. */
function identifiersOf(body: Record<string, unknown>, country: string): { email?: string; phone?: string } {
  const out: { email?: string; phone?: string } = {};
  const errors: string[] = [];
  if (typeof body.email === 'string' && body.email.trim()) {
    const email = emailValue(body.email);
    if (email.ok) out.email = email.value;
    else errors.push(email.message);
  }
  if (typeof body.phone === 'string' && body.phone.trim()) {
    const phone = phoneValue(body.phone, country);
    if (phone.ok) out.phone = phone.value;
    else errors.push(phone.message);
  }
  if (errors.length) throw new ApiError(422, errors);
  return out;
}

function withoutLocation(body: Record<string, unknown>): Record<string, unknown> {
  const { locationId: _l, createNewIfDuplicateAllowed: _c, ...rest } = body;
  return rest;
}

/**
 * Create needs email, phone, firstName or lastName; `name` alone is refused even
 * though it is split into first and last name when sent with one of them
 * (BEHAVIOUR.md section 3, observed live).
 */
function requireIdentity(body: Record<string, unknown>, rec: ContactRecord): void {
  // The body's values are valid by now (applyContactInput refused the others), so the body says it all.
  if (!hasIdentity(rec) || !hasIdentityIn(body)) throw new ApiError(422, [MSG_REQUIRE_IDENTITY]);
}

function createContact(ctx: RouteContext) {
  const rec = applyContactInput(undefined, withoutLocation(ctx.body), ctx.loc, ctx.now);
  requireIdentity(ctx.body, rec);
  if (!ctx.loc.settings.allowDuplicateContact) {
    const dup = findDuplicate(ctx.loc, rec);
    if (dup) throw duplicateError(dup);
  }
  ctx.store.putContact(rec);
  return ok({ contact: toCreatedContactJson(rec) }, 201);
}

function updateContact(ctx: RouteContext) {
  const existing = ctx.contact!;
  const rec = applyContactInput(existing, ctx.body, ctx.loc, ctx.now);
  if (!ctx.loc.settings.allowDuplicateContact) {
    const changed: ContactRecord = {
      ...rec,
      email: rec.email?.toLowerCase() !== existing.email?.toLowerCase() ? rec.email : undefined,
      phone: rec.phone !== existing.phone ? rec.phone : undefined,
    };
    const dup = findDuplicate(ctx.loc, changed, existing.id);
    if (dup) throw duplicateError(dup);
  }
  ctx.store.putContact(rec);
  return ok({ succeded: true, contact: toContactJson(rec) });
}

/**
 * Upsert: match on the location's unique identifiers in priority order. When
 * email names contact A and phone names contact B, A is updated and the
 * lower-priority field is dropped, as the platform does (GH#37).
 */
function upsertContact(ctx: RouteContext) {
  const body = withoutLocation(ctx.body);
  const settings = ctx.loc.settings;
  if (ctx.body.createNewIfDuplicateAllowed === true && settings.allowDuplicateContact) {
    const rec = applyContactInput(undefined, body, ctx.loc, ctx.now);
    requireIdentity(body, rec);
    ctx.store.putContact(rec);
    return ok({ new: true, contact: toContactJson(rec) });
  }
  // Normalise first, so matching sees the stored forms (E.164, any case of email).
  const probe = identifiersOf(body, ctx.loc.settings.country);
  if (!probe.email && !probe.phone) throw new ApiError(400, NEED_EMAIL_OR_PHONE);
  let target: ContactRecord | undefined;
  let matchedOn: 'email' | 'phone' | undefined;
  for (const field of settings.contactUniqueIdentifiers) {
    const id = field === 'email' ? probe.email && ctx.loc.findByEmail(probe.email.toLowerCase()) : probe.phone && ctx.loc.findByPhone(probe.phone);
    if (id) {
      target = ctx.loc.contacts.get(id);
      matchedOn = field;
      break;
    }
  }
  const input = { ...body };
  if (target) {
    // Any other identifier owned by a different contact is silently dropped.
    for (const field of settings.contactUniqueIdentifiers) {
      if (field === matchedOn) continue;
      const owner = field === 'email' ? probe.email && ctx.loc.findByEmail(probe.email.toLowerCase(), target.id) : probe.phone && ctx.loc.findByPhone(probe.phone, target.id);
      if (owner) delete input[field];
    }
    const rec = applyContactInput(target, input, ctx.loc, ctx.now);
    ctx.store.putContact(rec);
    return ok({ new: false, contact: toContactJson(rec) });
  }
  const rec = applyContactInput(undefined, input, ctx.loc, ctx.now);
  ctx.store.putContact(rec);
  return ok({ new: true, contact: toContactJson(rec) });
}

function getDuplicate(ctx: RouteContext) {
  const email = ctx.query.get('email')?.trim();
  const number = ctx.query.get('number')?.trim();
  if (!email && !number) throw new ApiError(400, NEED_EMAIL_OR_PHONE);
  // With duplicates allowed, email is tried first; otherwise the location's priority order.
  const order = ctx.loc.settings.allowDuplicateContact ? (['email', 'phone'] as const) : ctx.loc.settings.contactUniqueIdentifiers;
  for (const field of order) {
    let id: string | undefined;
    if (field === 'email' && email) id = ctx.loc.findByEmail(email.toLowerCase());
    // Only an exact E.164 number matches, as on the platform.
    if (field === 'phone' && number) id = ctx.loc.findByPhone(number);
    if (id) return ok({ contact: toContactJson(ctx.loc.contacts.get(id)!) });
  }
  return ok({ contact: null });
}

/** Deprecated GET /contacts/: pages by `startAfter` (dateAdded ms) + `startAfterId`, oldest first. */
function listContacts(ctx: RouteContext) {
  const limitRaw = ctx.query.get('limit');
  const limit = limitRaw === null ? 20 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(422, ['limit must not be greater than 100']);
  const q = ctx.query.get('query')?.toLowerCase();
  const startAfter = ctx.query.get('startAfter');
  const startAfterId = ctx.query.get('startAfterId') ?? '';
  const after = startAfter === null ? -Infinity : Number(startAfter);
  const all = [...ctx.loc.contacts.values()]
    .filter((c) => !q || [c.firstName, c.lastName, c.email, c.phone, c.companyName].some((v) => v?.toLowerCase().includes(q)))
    .sort((a, b) => a.dateAdded - b.dateAdded || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = all.findIndex((c) => c.dateAdded > after || (c.dateAdded === after && c.id > startAfterId));
  const page = start < 0 ? [] : all.slice(start, start + limit);
  const last = page[page.length - 1];
  return ok({
    contacts: page.map(toContactJson),
    count: all.length,
    meta: {
      total: all.length,
      startAfterId: last?.id ?? null,
      startAfter: last?.dateAdded ?? null,
    },
  });
}

function contactsByBusiness(ctx: RouteContext) {
  const limit = Number(ctx.query.get('limit') ?? '25');
  const skip = Number(ctx.query.get('skip') ?? '0');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(422, ['limit must be an integer between 1 and 100']);
  if (!Number.isInteger(skip) || skip < 0) throw new ApiError(422, ['skip must be an integer >= 0']);
  const q = ctx.query.get('query')?.toLowerCase();
  const all = [...ctx.loc.contacts.values()].filter(
    (c) => c.businessId === ctx.params.businessId && (!q || [c.firstName, c.lastName, c.email].some((v) => v?.toLowerCase().includes(q))),
  );
  return ok({ contacts: all.slice(skip, skip + limit).map(toContactJson), count: all.length });
}

export const contactRoutes: RouteDef[] = [
  { method: 'POST', path: '/contacts/', operationId: 'create-contact', scope: 'contacts.write', locationFrom: 'body', handler: createContact },
  { method: 'GET', path: '/contacts/', operationId: 'get-contacts', scope: 'contacts.readonly', locationFrom: 'query', handler: listContacts },
  { method: 'GET', path: '/contacts/{contactId}', operationId: 'get-contact', scope: 'contacts.readonly', locationFrom: 'token', handler: (ctx) => ok({ contact: toContactJson(ctx.contact!) }) },
  { method: 'PUT', path: '/contacts/{contactId}', operationId: 'update-contact', scope: 'contacts.write', locationFrom: 'token', handler: updateContact },
  {
    method: 'DELETE',
    path: '/contacts/{contactId}',
    operationId: 'delete-contact',
    scope: 'contacts.write',
    locationFrom: 'token',
    handler: (ctx) => {
      ctx.store.deleteContact(ctx.loc.settings.id, ctx.contact!.id);
      return ok({ succeded: true });
    },
  },
  { method: 'POST', path: '/contacts/upsert', operationId: 'upsert-contact', scope: 'contacts.write', locationFrom: 'body', handler: upsertContact },
  { method: 'GET', path: '/contacts/search/duplicate', operationId: 'get-duplicate-contact', scope: 'contacts.readonly', locationFrom: 'query', handler: getDuplicate },
  { method: 'GET', path: '/contacts/business/{businessId}', operationId: 'get-contacts-by-businessId', scope: 'contacts.readonly', locationFrom: 'query', handler: contactsByBusiness },
];
