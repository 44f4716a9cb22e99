import { ApiError } from '../api-error.js';
import { FIREBASE_ID } from '../ids.js';
import { normaliseTags } from '../../platform/normalise.js';
import type { ContactRecord } from '../types.js';
import { ok, type RouteContext, type RouteDef } from './route.js';

/** Contacts per bulk-tags call; more is a 422 (the platform's cap is undocumented). */
export const BULK_TAGS_MAX_CONTACTS = 100;

function touch(ctx: RouteContext, c: ContactRecord, tags: readonly string[]): ContactRecord {
  const rec = { ...c, tags, dateUpdated: Math.max(ctx.now, c.dateUpdated + 1) };
  ctx.store.putContact(rec);
  return rec;
}

function addTags(ctx: RouteContext) {
  const c = ctx.contact!;
  const add = normaliseTags(ctx.body.tags as unknown[]);
  const merged = normaliseTags([...c.tags, ...add]);
  const rec = merged.length === c.tags.length ? c : touch(ctx, c, merged);
  return ok({ tags: [...rec.tags] }, 201);
}

function removeTags(ctx: RouteContext) {
  const c = ctx.contact!;
  const drop = new Set(normaliseTags(ctx.body.tags as unknown[]));
  const kept = c.tags.filter((t) => !drop.has(t));
  const rec = kept.length === c.tags.length ? c : touch(ctx, c, kept);
  return ok({ tags: [...rec.tags] });
}

/** POST /contacts/bulk/tags/update/{add|remove}: per-contact results, never a failed call for one bad id. */
function bulkTags(ctx: RouteContext) {
  const type = ctx.params.type;
  if (type !== 'add' && type !== 'remove') throw new ApiError(422, [`type must be one of the following values: add, remove`]);
  const ids = ctx.body.contacts as string[];
  const tags = normaliseTags(ctx.body.tags as unknown[]);
  const removeAll = ctx.body.removeAllTags === true;
  if (removeAll && type === 'add') throw new ApiError(422, ['removeAllTags can only be used with remove']);
  if (ids.length === 0) throw new ApiError(422, ['contacts should not be empty']);
  if (ids.length > BULK_TAGS_MAX_CONTACTS) throw new ApiError(422, [`contacts must contain no more than ${BULK_TAGS_MAX_CONTACTS} elements`]);
  if (tags.length === 0 && !removeAll) throw new ApiError(422, ['tags should not be empty']);
  const responses: Record<string, unknown>[] = [];
  let errorCount = 0;
  for (const id of ids) {
    const fail = (message: string) => {
      errorCount++;
      responses.push({ contactId: id, message, type: 'error' });
    };
    if (typeof id !== 'string' || !FIREBASE_ID.test(id)) {
      fail('contact id is not a valid firebase id');
      continue;
    }
    const c = ctx.loc.contacts.get(id);
    if (!c) {
      const elsewhere = [...ctx.store.locations.values()].some((l) => l !== ctx.loc && l.contacts.has(id));
      fail(ctx.loc.deletedContacts.has(id) ? 'contact is deleted' : elsewhere ? 'contact does not belong to location' : 'contact not found');
      continue;
    }
    const oldTags = [...c.tags];
    let next: string[];
    if (type === 'add') next = normaliseTags([...c.tags, ...tags]);
    else if (removeAll) next = [];
    else next = c.tags.filter((t) => !tags.includes(t));
    const added = next.filter((t) => !oldTags.includes(t));
    const removed = oldTags.filter((t) => !next.includes(t));
    if (added.length || removed.length) touch(ctx, c, next);
    responses.push({ contactId: id, message: 'Tags updated', type: 'success', oldTags, tagsAdded: added, tagsRemoved: removed });
  }
  return ok({ succeded: errorCount === 0, errorCount, responses }, 201);
}

export const tagRoutes: RouteDef[] = [
  { method: 'POST', path: '/contacts/{contactId}/tags', operationId: 'add-tags', scope: 'contacts.write', locationFrom: 'token', handler: addTags },
  { method: 'DELETE', path: '/contacts/{contactId}/tags', operationId: 'remove-tags', scope: 'contacts.write', locationFrom: 'token', handler: removeTags },
  { method: 'POST', path: '/contacts/bulk/tags/update/{type}', operationId: 'create-association', scope: 'contacts.write', locationFrom: 'body', handler: bulkTags },
];
