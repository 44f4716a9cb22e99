import { ApiError } from '../api-error.js';
import { toAppointmentJson } from '../contact-json.js';
import { OBJECT_ID } from '../ids.js';
import type { ContactRecord } from '../types.js';
import { ok, type RouteContext, type RouteDef } from './route.js';

/** Followers, campaigns, workflows, appointments and business: state a test can count. */

export const BULK_BUSINESS_MAX_CONTACTS = 100;

function save(ctx: RouteContext, c: ContactRecord, patch: Partial<ContactRecord>): ContactRecord {
  const rec = { ...c, ...patch, dateUpdated: Math.max(ctx.now, c.dateUpdated + 1) };
  ctx.store.putContact(rec);
  return rec;
}

function userIds(body: Record<string, unknown>): string[] {
  const ids = (body.followers as unknown[]).filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  if (ids.length === 0) throw new ApiError(422, ['followers should not be empty']);
  return [...new Set(ids)];
}

function addFollowers(ctx: RouteContext) {
  const c = ctx.contact!;
  const added = userIds(ctx.body).filter((u) => !c.followers.includes(u));
  const rec = added.length ? save(ctx, c, { followers: [...c.followers, ...added] }) : c;
  return ok({ followers: [...rec.followers], followersAdded: added }, 201);
}

function removeFollowers(ctx: RouteContext) {
  const c = ctx.contact!;
  const drop = new Set(userIds(ctx.body));
  const removed = c.followers.filter((u) => drop.has(u));
  const rec = removed.length ? save(ctx, c, { followers: c.followers.filter((u) => !drop.has(u)) }) : c;
  return ok({ followers: [...rec.followers], followersRemoved: removed });
}

function eventStartTime(body: Record<string, unknown>): void {
  const v = body.eventStartTime;
  if (v === undefined) return;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new ApiError(422, ['eventStartTime must be a valid ISO 8601 date string']);
}

function addToWorkflow(ctx: RouteContext) {
  eventStartTime(ctx.body);
  const c = ctx.contact!;
  const id = ctx.params.workflowId!;
  if (!c.activeWorkflows.includes(id)) save(ctx, c, { activeWorkflows: [...c.activeWorkflows, id] });
  return ok({ succeded: true });
}

function removeFromWorkflow(ctx: RouteContext) {
  eventStartTime(ctx.body);
  const c = ctx.contact!;
  const id = ctx.params.workflowId!;
  if (c.activeWorkflows.includes(id)) save(ctx, c, { activeWorkflows: c.activeWorkflows.filter((w) => w !== id) });
  return ok({ succeded: true });
}

function addToCampaign(ctx: RouteContext) {
  const c = ctx.contact!;
  const id = ctx.params.campaignId!;
  if (!c.campaigns.includes(id)) save(ctx, c, { campaigns: [...c.campaigns, id] });
  return ok({ succeded: true }, 201);
}

function removeFromCampaign(ctx: RouteContext) {
  const c = ctx.contact!;
  const id = ctx.params.campaignId!;
  if (c.campaigns.includes(id)) save(ctx, c, { campaigns: c.campaigns.filter((x) => x !== id) });
  return ok({ succeded: true });
}

function bulkBusiness(ctx: RouteContext) {
  const ids = ctx.body.ids as string[];
  const businessId = ctx.body.businessId as string | null;
  if (ids.length === 0) throw new ApiError(422, ['ids should not be empty']);
  if (ids.length > BULK_BUSINESS_MAX_CONTACTS) throw new ApiError(422, [`ids must contain no more than ${BULK_BUSINESS_MAX_CONTACTS} elements`]);
  if (businessId !== null && !OBJECT_ID.test(businessId)) throw new ApiError(422, ['businessId must be a mongodb id']);
  const done: string[] = [];
  for (const id of ids) {
    const c = ctx.loc.contacts.get(id);
    if (!c) continue;
    if (businessId === null) {
      const { businessId: _b, ...rest } = c;
      ctx.store.putContact({ ...rest, dateUpdated: Math.max(ctx.now, c.dateUpdated + 1) });
    } else save(ctx, c, { businessId });
    done.push(id);
  }
  return ok({ success: true, ids: done });
}

export const relatedRoutes: RouteDef[] = [
  { method: 'POST', path: '/contacts/{contactId}/followers', operationId: 'add-followers-contact', scope: 'contacts.write', locationFrom: 'token', handler: addFollowers },
  { method: 'DELETE', path: '/contacts/{contactId}/followers', operationId: 'remove-followers-contact', scope: 'contacts.write', locationFrom: 'token', handler: removeFollowers },
  { method: 'POST', path: '/contacts/{contactId}/campaigns/{campaignId}', operationId: 'add-contact-to-campaign', scope: 'contacts.write', locationFrom: 'token', handler: addToCampaign },
  { method: 'DELETE', path: '/contacts/{contactId}/campaigns/{campaignId}', operationId: 'remove-contact-from-campaign', scope: 'contacts.write', locationFrom: 'token', handler: removeFromCampaign },
  {
    method: 'DELETE',
    path: '/contacts/{contactId}/campaigns/removeAll',
    operationId: 'remove-contact-from-every-campaign',
    scope: 'contacts.write',
    locationFrom: 'token',
    handler: (ctx) => {
      if (ctx.contact!.campaigns.length) save(ctx, ctx.contact!, { campaigns: [] });
      return ok({ succeded: true });
    },
  },
  { method: 'POST', path: '/contacts/{contactId}/workflow/{workflowId}', operationId: 'add-contact-to-workflow', scope: 'contacts.write', locationFrom: 'token', handler: addToWorkflow },
  { method: 'DELETE', path: '/contacts/{contactId}/workflow/{workflowId}', operationId: 'delete-contact-from-workflow', scope: 'contacts.write', locationFrom: 'token', handler: removeFromWorkflow },
  {
    method: 'GET',
    path: '/contacts/{contactId}/appointments',
    operationId: 'get-appointments-for-contact',
    scope: 'contacts.readonly',
    locationFrom: 'token',
    handler: (ctx) => ok({ events: (ctx.loc.appointments.get(ctx.contact!.id) ?? []).map(toAppointmentJson) }),
  },
  { method: 'POST', path: '/contacts/bulk/business', operationId: 'add-remove-contact-from-business', scope: 'contacts.write', locationFrom: 'body', handler: bulkBusiness },
];
