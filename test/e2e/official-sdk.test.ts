/**
 * "Done when": a client written against the real service works unchanged
 * against the emulator. The client here is the official TypeScript SDK,
 * `@gohighlevel/api-client`, configured the way its README says
 * (`privateIntegrationToken`, `apiVersion: '2021-07-28'`). The only change is
 * the base URL: the SDK hard-codes `https://services.leadconnectorhq.com` in a
 * private static and has no option for it, so the test sets `baseURL` on the
 * axios instance that `getHttpClient()` hands out ("for advanced usage").
 * Every request still goes through the SDK's own interceptors, token lookup,
 * headers and error mapping; the package's files are not touched.
 *
 * Every method of the SDK's Contacts service is called (the last test checks
 * the list against the SDK's prototype, so a method added in a later SDK
 * version fails here), plus the custom-field methods of its Locations service.
 * The admin routes (`/__emulator`) are used with fetch only for what the API
 * has no endpoint for: a business, an appointment, and reading back campaigns
 * and workflows, which the API never returns.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { GHLAuthenticationError, GHLError, GHLValidationError, HighLevel } from '@gohighlevel/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const VERSION = '2021-07-28';

// ---------------------------------------------------------------------------
// Local shapes for what the SDK types as `any` or types wrongly.

/** `{statusCode, message, error, meta?, traceId}`, which GHLError keeps as `response`. */
interface ApiErrorBody {
  statusCode: number;
  message: string | string[];
  error?: string;
  meta?: { contactId: string; matchingField: 'email' | 'phone' };
  traceId?: string;
}

interface ContactJson {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  emailLowerCase?: string;
  phone?: string;
  tags: string[];
  followers?: string[];
  businessId?: string;
  customFields?: Array<{ id: string; value: unknown }>;
}

/** POST /contacts/search: the SDK returns `any`. */
interface SearchResult {
  contacts: Array<ContactJson & { searchAfter: unknown[] }>;
  total: number;
  traceId?: string;
}

/** GET /contacts/search/duplicate: the SDK returns `any`. */
interface DuplicateResult {
  contact: ContactJson | null;
}

/** The deprecated GET /contacts/ also carries `meta` (BEHAVIOUR.md note a); the SDK type has only `contacts`, `count`. */
interface ListMeta {
  total: number;
  startAfterId: string | null;
  startAfter: number | null;
}

/**
 * One entry of `responses` on bulk tags. The SDK (like the spec's schema)
 * types `responses` as `string[]`; the spec's own example, and the service,
 * give one object per contact.
 */
interface BulkTagResponse {
  contactId: string;
  message: string;
  type: 'success' | 'error';
  oldTags?: string[];
  tagsAdded?: string[];
  tagsRemoved?: string[];
}

/** GET /__emulator/locations/:id/contacts/:contactId */
interface InspectedContact {
  contact: ContactJson & { campaigns: string[]; activeWorkflows: string[] };
}

interface WireRequest {
  method: string;
  url: string;
  version: string | undefined;
  authorization: string | undefined;
}

// ---------------------------------------------------------------------------
// Setup

let emu: RunningEmulator;
let hl: HighLevel;
let contacts: HighLevel['contacts'];
let locations: HighLevel['locations'];
const called = new Set<string>();
const wire: WireRequest[] = [];

/** Records which SDK methods a test calls, without changing what they do. */
function tracked<T extends object>(service: T, prefix: string): T {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        called.add(`${prefix}.${prop}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function must<T>(v: T | null | undefined, what: string): T {
  if (v === undefined || v === null) throw new Error(`${what} is missing`);
  return v;
}

/** The GHLError an SDK call rejects with. */
async function rejection(p: Promise<unknown>): Promise<GHLError & { response: ApiErrorBody }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GHLError) return e as GHLError & { response: ApiErrorBody };
    throw e;
  }
  throw new Error('expected the SDK call to reject');
}

async function adminCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.url}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 400) throw new Error(`admin ${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const inspect = async (id: string) => (await adminCall<InspectedContact>('GET', `/locations/${emu.locationId}/contacts/${id}`)).contact;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, rateLimit: { max: 0 } });
  // What actually reached the server, as sent by the SDK.
  emu.server.on('request', (req: IncomingMessage) => {
    if (req.url?.startsWith('/__emulator')) return;
    const v = req.headers.version;
    wire.push({ method: req.method ?? '', url: req.url ?? '', version: Array.isArray(v) ? v.join(',') : v, authorization: req.headers.authorization });
  });
  hl = new HighLevel({ privateIntegrationToken: emu.token, apiVersion: VERSION, logLevel: 'none' });
  hl.getHttpClient().defaults.baseURL = emu.url;
  contacts = tracked(hl.contacts, 'contacts');
  locations = tracked(hl.locations, 'locations');
});
afterAll(async () => emu?.close());

// Shared across the tests below, which run in order.
let ada: string; // the main contact
let bob: string;
let cleo: string;

// ---------------------------------------------------------------------------

describe('configuration', () => {
  it('the SDK defaults to Version 2023-02-21 unless configured (BEHAVIOUR.md pitfall 14), so the test sets 2021-07-28', () => {
    const unconfigured = new HighLevel({ privateIntegrationToken: 'x', logLevel: 'none' });
    expect(unconfigured.getHeaders().Version).toBe('2023-02-21');
    expect(hl.getHeaders().Version).toBe(VERSION);
    expect(hl.getHttpClient().defaults.baseURL).toBe(emu.url);
  });
});

describe('contacts: create, read, update, upsert, duplicates', () => {
  it('createContact: 201 body, phone in E.164, tags trimmed + lower-cased + de-duplicated, lower-case email copy', async () => {
    const r = await contacts.createContact({
      locationId: emu.locationId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada.Lovelace@Example.com',
      phone: '(415) 555-2671',
      tags: ['VIP ', 'Lead', 'vip'],
      source: 'official-sdk-test',
    });
    const c = must(r.contact, 'contact');
    ada = must(c.id, 'contact.id');
    expect(ada).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(c).toMatchObject({
      locationId: emu.locationId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada.Lovelace@Example.com',
      emailLowerCase: 'ada.lovelace@example.com',
      phone: '+14155552671',
      source: 'official-sdk-test',
    });
    expect(c.tags).toEqual(['vip', 'lead']);

    const b = must((await contacts.createContact({ locationId: emu.locationId, firstName: 'Bob', email: 'bob@example.com', phone: '+1 212-555-0199' })).contact, 'contact');
    bob = must(b.id, 'id');
    expect(b.phone).toBe('+12125550199');
    const c3 = must((await contacts.createContact({ locationId: emu.locationId, firstName: 'Cleo', email: 'cleo@example.com', tags: ['Lead'] })).contact, 'contact');
    cleo = must(c3.id, 'id');
  });

  it('createContact: a duplicate email is refused with 400, meta.contactId readable from the SDK error', async () => {
    const err = await rejection(contacts.createContact({ locationId: emu.locationId, firstName: 'Ada again', email: 'ADA.LOVELACE@example.com' }));
    expect(err).toBeInstanceOf(GHLValidationError);
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toBe('This location does not allow duplicated contacts.');
    expect(err.response.meta).toEqual({ contactId: ada, matchingField: 'email' });
    expect(typeof err.response.traceId).toBe('string');
  });

  it('createContact: the same phone in another format is a duplicate too (matching on E.164)', async () => {
    const err = await rejection(contacts.createContact({ locationId: emu.locationId, firstName: 'Other', phone: '415.555.2671' }));
    expect(err.statusCode).toBe(400);
    expect(err.response.meta).toEqual({ contactId: ada, matchingField: 'phone' });
  });

  it('getContact: the stored contact', async () => {
    const c = must((await contacts.getContact({ contactId: ada })).contact, 'contact');
    expect(c).toMatchObject({ id: ada, email: 'Ada.Lovelace@Example.com', phone: '+14155552671', tags: ['vip', 'lead'] });
  });

  it('getContact: an unknown id gives 400 "Contact not found", not 404', async () => {
    const unknown = 'zzzzzzzzzzzzzzzzzzzz';
    const err = await rejection(contacts.getContact({ contactId: unknown }));
    expect(err).toBeInstanceOf(GHLValidationError);
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe(`Contact not found for id:${unknown}`);
  });

  it('updateContact: succeded, phone normalised, tags replaced (not merged)', async () => {
    const r = await contacts.updateContact({ contactId: bob }, { lastName: 'Builder', phone: '212 555 0100', tags: ['Customer'] });
    expect(r.succeded).toBe(true);
    expect(r.contact).toMatchObject({ id: bob, firstName: 'Bob', lastName: 'Builder', phone: '+12125550100', tags: ['customer'] });
  });

  it("updateContact: taking another contact's email is refused with 400 and meta", async () => {
    const err = await rejection(contacts.updateContact({ contactId: bob }, { email: 'cleo@example.com' }));
    expect(err.statusCode).toBe(400);
    expect(err.response.meta).toEqual({ contactId: cleo, matchingField: 'email' });
    expect(must((await contacts.getContact({ contactId: bob })).contact, 'contact').email).toBe('bob@example.com');
  });

  it('upsertContact: an existing email updates that contact (new: false); a new one creates (new: true)', async () => {
    const upd = await contacts.upsertContact({ locationId: emu.locationId, email: 'CLEO@example.com', lastName: 'Patra' });
    expect(upd.new).toBe(false);
    // Matched case-insensitively; the email is stored as sent, with a lower-case copy.
    expect(upd.contact).toMatchObject({ id: cleo, lastName: 'Patra', email: 'CLEO@example.com', emailLowerCase: 'cleo@example.com' });

    const created = await contacts.upsertContact({ locationId: emu.locationId, firstName: 'Dan', phone: '+44 20 7946 0958', tags: ['Lead'] });
    expect(created.new).toBe(true);
    const dan = must(created.contact, 'contact');
    expect(dan.id).not.toBe(cleo);
    expect(dan.phone).toBe('+442079460958');
    expect(dan.tags).toEqual(['lead']);
  });

  it('getDuplicateContact: by E.164 number, by email in any case, and null when nothing matches', async () => {
    const byPhone = (await contacts.getDuplicateContact({ locationId: emu.locationId, number: '+14155552671' })) as DuplicateResult;
    expect(byPhone.contact?.id).toBe(ada);
    const byEmail = (await contacts.getDuplicateContact({ locationId: emu.locationId, email: 'ada.LOVELACE@example.com' })) as DuplicateResult;
    expect(byEmail.contact?.id).toBe(ada);
    const none = (await contacts.getDuplicateContact({ locationId: emu.locationId, email: 'nobody@example.com' })) as DuplicateResult;
    expect(none.contact).toBeNull();
  });

  it('getContacts (deprecated): count, limit and startAfter/startAfterId paging', async () => {
    const first = await contacts.getContacts({ locationId: emu.locationId, limit: 2 });
    const meta = (first as { meta?: ListMeta }).meta;
    expect(first.count).toBe(4);
    expect(first.contacts).toHaveLength(2);
    const m = must(meta, 'meta');
    expect(m.total).toBe(4);
    const next = await contacts.getContacts({
      locationId: emu.locationId,
      limit: 2,
      startAfterId: must(m.startAfterId, 'startAfterId'),
      startAfter: must(m.startAfter, 'startAfter'),
    });
    expect(next.contacts).toHaveLength(2);
    const ids = [...(first.contacts ?? []), ...(next.contacts ?? [])].map((c) => c.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toEqual(expect.arrayContaining([ada, bob, cleo]));
  });
});

describe('search', () => {
  it('searchContactsAdvanced: filters, total, and searchAfter paging', async () => {
    const leads = (await contacts.searchContactsAdvanced({
      locationId: emu.locationId,
      pageLimit: 10,
      filters: [{ field: 'tags', operator: 'eq', value: 'lead' }],
    })) as SearchResult;
    expect(leads.total).toBe(3); // ada, cleo, dan
    expect(leads.contacts.map((c) => c.id)).toEqual(expect.arrayContaining([ada, cleo]));

    const byPhone = (await contacts.searchContactsAdvanced({
      locationId: emu.locationId,
      pageLimit: 10,
      filters: [{ field: 'phone', operator: 'eq', value: '+14155552671' }],
    })) as SearchResult;
    expect(byPhone.total).toBe(1);
    expect(byPhone.contacts[0]?.id).toBe(ada);

    const page1 = (await contacts.searchContactsAdvanced({ locationId: emu.locationId, pageLimit: 3 })) as SearchResult;
    expect(page1.total).toBe(4);
    expect(page1.contacts).toHaveLength(3);
    const cursor = must(page1.contacts[2], 'last hit').searchAfter;
    expect(Array.isArray(cursor)).toBe(true);
    const page2 = (await contacts.searchContactsAdvanced({ locationId: emu.locationId, pageLimit: 3, searchAfter: cursor })) as SearchResult;
    expect(page2.total).toBe(4);
    expect(page2.contacts).toHaveLength(1);
    const all = [...page1.contacts, ...page2.contacts].map((c) => c.id);
    expect(new Set(all).size).toBe(4);
  });

  it('searchContactsAdvanced: a body without pageLimit is a 422 whose message array the SDK joins', async () => {
    const err = await rejection(contacts.searchContactsAdvanced({ locationId: emu.locationId }));
    expect(err).toBeInstanceOf(GHLValidationError);
    expect(err.statusCode).toBe(422);
    expect(Array.isArray(err.response.message)).toBe(true);
    expect(err.message).toBe((err.response.message as string[]).join(', '));
    expect(err.message).toMatch(/pageLimit/);
  });
});

describe('tags', () => {
  it('addTags / removeTags: the full list comes back, lower-cased', async () => {
    const added = await contacts.addTags({ contactId: ada }, { tags: ['Newsletter', ' VIP'] });
    expect(added.tags).toEqual(['vip', 'lead', 'newsletter']);
    const removed = await contacts.removeTags({ contactId: ada }, { tags: ['LEAD'] });
    expect(removed.tags).toEqual(['vip', 'newsletter']);
    expect(must((await contacts.getContact({ contactId: ada })).contact, 'contact').tags).toEqual(['vip', 'newsletter']);
  });

  it('createAssociation (bulk tags add, then remove): succeded, per-contact responses, errors per contact', async () => {
    // BEHAVIOUR.md pitfall 14 says the SDK sends a literal `{type}`; SDK 3.1.0 declares
    // `type` as a path parameter and substitutes it, so no workaround is needed.
    const add = await contacts.createAssociation({ type: 'add' }, { locationId: emu.locationId, contacts: [bob, cleo], tags: ['Bulk-A', 'Bulk-B'] });
    expect(add.succeded).toBe(true);
    expect(add.errorCount).toBe(0);
    const addResponses = add.responses as unknown as BulkTagResponse[];
    expect(addResponses).toEqual([
      expect.objectContaining({ contactId: bob, type: 'success', message: 'Tags updated', oldTags: ['customer'], tagsAdded: ['bulk-a', 'bulk-b'] }),
      expect.objectContaining({ contactId: cleo, type: 'success', tagsAdded: ['bulk-a', 'bulk-b'] }),
    ]);
    expect(must((await contacts.getContact({ contactId: bob })).contact, 'contact').tags).toEqual(['customer', 'bulk-a', 'bulk-b']);

    const remove = await contacts.createAssociation({ type: 'remove' }, { locationId: emu.locationId, contacts: [bob, 'not-a-firebase-id'], tags: ['bulk-a'] });
    expect(remove.succeded).toBe(false);
    expect(remove.errorCount).toBe(1);
    expect(remove.responses as unknown as BulkTagResponse[]).toEqual([
      expect.objectContaining({ contactId: bob, type: 'success', tagsRemoved: ['bulk-a'] }),
      { contactId: 'not-a-firebase-id', type: 'error', message: 'contact id is not a valid firebase id' },
    ]);
    expect(must((await contacts.getContact({ contactId: bob })).contact, 'contact').tags).toEqual(['customer', 'bulk-b']);

    const removeAll = await contacts.createAssociation({ type: 'remove' }, { locationId: emu.locationId, contacts: [cleo], tags: [], removeAllTags: true });
    expect(removeAll.succeded).toBe(true);
    expect(must((await contacts.getContact({ contactId: cleo })).contact, 'contact').tags).toEqual([]);
  });
});

describe('notes', () => {
  it('createNote / getAllNotes / getNote / updateNote / deleteNote, counting after each call', async () => {
    expect((await contacts.getAllNotes({ contactId: ada })).notes).toEqual([]);
    const n1 = must((await contacts.createNote({ contactId: ada }, { body: 'First call went well', title: 'Call' })).note, 'note');
    expect(n1).toMatchObject({ body: 'First call went well', title: 'Call', contactId: ada });
    const id1 = must(n1.id, 'note id');
    expect((await contacts.getAllNotes({ contactId: ada })).notes).toHaveLength(1);
    const n2 = must((await contacts.createNote({ contactId: ada }, { body: 'Second note', pinned: true })).note, 'note');
    const id2 = must(n2.id, 'note id');
    expect((await contacts.getAllNotes({ contactId: ada })).notes?.map((n) => n.id)).toEqual([id1, id2]);

    expect((await contacts.getNote({ contactId: ada, id: id1 })).note).toMatchObject({ id: id1, body: 'First call went well' });
    const upd = await contacts.updateNote({ contactId: ada, id: id1 }, { body: 'First call went very well' });
    expect(upd.note).toMatchObject({ id: id1, body: 'First call went very well', title: 'Call' });
    expect((await contacts.getNote({ contactId: ada, id: id1 })).note?.body).toBe('First call went very well');

    expect((await contacts.deleteNote({ contactId: ada, id: id2 })).succeded).toBe(true);
    expect((await contacts.getAllNotes({ contactId: ada })).notes?.map((n) => n.id)).toEqual([id1]);
  });
});

describe('tasks', () => {
  it('createTask / getAllTasks / getTask / updateTask / updateTaskCompleted / deleteTask, counting after each call', async () => {
    expect((await contacts.getAllTasks({ contactId: ada })).tasks).toEqual([]);
    const t = must((await contacts.createTask({ contactId: ada }, { title: 'Send contract', dueDate: '2030-01-15T10:00:00Z', completed: false })).task, 'task');
    expect(t).toMatchObject({ title: 'Send contract', completed: false, contactId: ada });
    expect(Date.parse(must(t.dueDate, 'dueDate'))).toBe(Date.parse('2030-01-15T10:00:00Z'));
    const taskId = must(t.id, 'task id');
    expect((await contacts.getAllTasks({ contactId: ada })).tasks).toHaveLength(1);
    const t2 = must((await contacts.createTask({ contactId: ada }, { title: 'Follow up', dueDate: '2030-02-01T09:00:00Z', completed: false, body: 'ring' })).task, 'task');
    expect((await contacts.getAllTasks({ contactId: ada })).tasks).toHaveLength(2);

    expect((await contacts.getTask({ contactId: ada, taskId })).task).toMatchObject({ id: taskId, title: 'Send contract' });
    const upd = await contacts.updateTask({ contactId: ada, taskId }, { title: 'Send signed contract', body: 'PDF' });
    expect(upd.task).toMatchObject({ id: taskId, title: 'Send signed contract', body: 'PDF', completed: false });
    const done = await contacts.updateTaskCompleted({ contactId: ada, taskId }, { completed: true });
    expect(done.task).toMatchObject({ id: taskId, completed: true, title: 'Send signed contract' });
    expect((await contacts.getTask({ contactId: ada, taskId })).task?.completed).toBe(true);

    expect((await contacts.deleteTask({ contactId: ada, taskId: must(t2.id, 'id') })).succeded).toBe(true);
    expect((await contacts.getAllTasks({ contactId: ada })).tasks?.map((x) => x.id)).toEqual([taskId]);
  });
});

describe('appointments, followers, campaigns, workflows', () => {
  it('getAppointmentsForContact: the events booked for the contact', async () => {
    expect((await contacts.getAppointmentsForContact({ contactId: ada })).events).toEqual([]);
    await adminCall('POST', `/locations/${emu.locationId}/appointments`, { contactId: ada, title: 'Discovery call', startTime: '2030-01-20 15:00:00', endTime: '2030-01-20 15:30:00' });
    const events = must((await contacts.getAppointmentsForContact({ contactId: ada })).events, 'events');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ contactId: ada, title: 'Discovery call', startTime: '2030-01-20 15:00:00', locationId: emu.locationId });
  });

  it('addFollowersContact / removeFollowersContact: followers and what was added or removed', async () => {
    const u1 = 'userAAAAAAAAAAAAAAA1';
    const u2 = 'userBBBBBBBBBBBBBBB2';
    const u3 = 'userCCCCCCCCCCCCCCC3';
    const a = await contacts.addFollowersContact({ contactId: ada }, { followers: [u1, u2] });
    expect(a.followers).toEqual([u1, u2]);
    expect(a.followersAdded).toEqual([u1, u2]);
    const b = await contacts.addFollowersContact({ contactId: ada }, { followers: [u2, u3] });
    expect(b.followers).toEqual([u1, u2, u3]);
    expect(b.followersAdded).toEqual([u3]);
    const r = await contacts.removeFollowersContact({ contactId: ada }, { followers: [u1] });
    expect(r.followers).toEqual([u2, u3]);
    expect(r.followersRemoved).toEqual([u1]);
    expect((must((await contacts.getContact({ contactId: ada })).contact, 'contact') as { followers?: string[] }).followers).toEqual([u2, u3]);
  });

  it('addContactToCampaign / removeContactFromCampaign / removeContactFromEveryCampaign', async () => {
    const c1 = 'campaignAAAAAAAAAAA1';
    const c2 = 'campaignBBBBBBBBBBB2';
    const c3 = 'campaignCCCCCCCCCCC3';
    for (const campaignId of [c1, c2, c3]) {
      expect((await contacts.addContactToCampaign({ contactId: ada, campaignId }, {})).succeded).toBe(true);
    }
    expect((await inspect(ada)).campaigns).toEqual([c1, c2, c3]);
    expect((await contacts.removeContactFromCampaign({ contactId: ada, campaignId: c2 })).succeded).toBe(true);
    expect((await inspect(ada)).campaigns).toEqual([c1, c3]);
    expect((await contacts.removeContactFromEveryCampaign({ contactId: ada })).succeded).toBe(true);
    expect((await inspect(ada)).campaigns).toEqual([]);
  });

  it('addContactToWorkflow / deleteContactFromWorkflow', async () => {
    const w = 'workflowAAAAAAAAAAA1';
    expect((await contacts.addContactToWorkflow({ contactId: ada, workflowId: w }, { eventStartTime: '2030-06-23T03:30:00+01:00' })).succeded).toBe(true);
    expect((await inspect(ada)).activeWorkflows).toEqual([w]);
    expect((await contacts.deleteContactFromWorkflow({ contactId: ada, workflowId: w }, {})).succeded).toBe(true);
    expect((await inspect(ada)).activeWorkflows).toEqual([]);
  });
});

describe('business', () => {
  it('addRemoveContactFromBusiness / getContactsByBusinessId: set, list, clear with null', async () => {
    const { business } = await adminCall<{ business: { id: string } }>('POST', `/locations/${emu.locationId}/businesses`, { name: 'Analytical Engines Ltd' });
    expect(business.id).toMatch(/^[0-9a-f]{24}$/);

    const set = await contacts.addRemoveContactFromBusiness({ locationId: emu.locationId, ids: [ada, bob], businessId: business.id });
    expect(set).toMatchObject({ success: true, ids: [ada, bob] });
    expect(must((await contacts.getContact({ contactId: ada })).contact, 'contact').businessId).toBe(business.id);

    const listed = await contacts.getContactsByBusinessId({ businessId: business.id, locationId: emu.locationId, limit: '10' });
    expect(listed.count).toBe(2);
    expect(listed.contacts?.map((c) => c.id).sort()).toEqual([ada, bob].sort());
    const paged = await contacts.getContactsByBusinessId({ businessId: business.id, locationId: emu.locationId, limit: '1', skip: '1' });
    expect(paged.count).toBe(2);
    expect(paged.contacts).toHaveLength(1);

    // The method's own doc and the spec say a null businessId removes it; the SDK's
    // ContactsBusinessUpdate types it as `string`, hence the cast.
    type BusinessBody = Parameters<HighLevel['contacts']['addRemoveContactFromBusiness']>[0];
    const clear = await contacts.addRemoveContactFromBusiness({ locationId: emu.locationId, ids: [bob], businessId: null } as unknown as BusinessBody);
    expect(clear).toMatchObject({ success: true, ids: [bob] });
    const after = await contacts.getContactsByBusinessId({ businessId: business.id, locationId: emu.locationId });
    expect(after.count).toBe(1);
    expect(after.contacts?.map((c) => c.id)).toEqual([ada]);
    expect(must((await contacts.getContact({ contactId: bob })).contact, 'contact').businessId).toBeUndefined();
  });
});

describe('custom fields (Locations service)', () => {
  it('getCustomFields / createCustomField / getCustomField / updateCustomField / deleteCustomField, and a value on a contact', async () => {
    expect((await locations.getCustomFields({ locationId: emu.locationId, model: 'contact' })).customFields).toEqual([]);
    const created = must((await locations.createCustomField({ locationId: emu.locationId }, { name: 'Favourite Colour', dataType: 'TEXT' })).customField, 'customField');
    const fieldId = must(created.id, 'field id');
    expect(created).toMatchObject({ name: 'Favourite Colour', dataType: 'TEXT', fieldKey: 'contact.favourite_colour', locationId: emu.locationId, model: 'contact' });
    expect((await locations.getCustomFields({ locationId: emu.locationId, model: 'contact' })).customFields?.map((f) => f.id)).toEqual([fieldId]);
    expect((await locations.getCustomField({ locationId: emu.locationId, id: fieldId })).customField).toMatchObject({ id: fieldId, name: 'Favourite Colour' });

    const renamed = await locations.updateCustomField({ locationId: emu.locationId, id: fieldId }, { name: 'Favorite Color', placeholder: 'e.g. blue' });
    expect(renamed.customField).toMatchObject({ id: fieldId, name: 'Favorite Color', placeholder: 'e.g. blue', fieldKey: 'contact.favourite_colour' });

    // Written with the documented `field_value`, read back as `{id, value}`.
    const upd = await contacts.updateContact({ contactId: ada }, { customFields: [{ id: fieldId, field_value: 'teal' }] });
    expect(upd.contact?.customFields).toEqual([{ id: fieldId, value: 'teal' }]);
    const found = (await contacts.searchContactsAdvanced({
      locationId: emu.locationId,
      pageLimit: 10,
      filters: [{ field: `customFields.${fieldId}`, operator: 'eq', value: 'teal' }],
    })) as SearchResult;
    expect(found.total).toBe(1);
    expect(found.contacts[0]?.id).toBe(ada);

    expect((await locations.deleteCustomField({ locationId: emu.locationId, id: fieldId })).succeded).toBe(true);
    expect((await locations.getCustomFields({ locationId: emu.locationId })).customFields).toEqual([]);
  });
});

describe('delete and auth errors', () => {
  it('deleteContact: succeded; afterwards GET is a 400 and search no longer counts it', async () => {
    expect((await contacts.deleteContact({ contactId: cleo })).succeded).toBe(true);
    const err = await rejection(contacts.getContact({ contactId: cleo }));
    expect(err.statusCode).toBe(400);
    expect(err.message).toBe(`Contact not found for id:${cleo}`);
    const all = (await contacts.searchContactsAdvanced({ locationId: emu.locationId, pageLimit: 10 })) as SearchResult;
    expect(all.total).toBe(3);
    expect(all.contacts.map((c) => c.id)).not.toContain(cleo);
  });

  it('an unknown token surfaces as GHLAuthenticationError 401', async () => {
    const stranger = new HighLevel({ privateIntegrationToken: 'pit-not-a-real-token', apiVersion: VERSION, logLevel: 'none' });
    stranger.getHttpClient().defaults.baseURL = emu.url;
    const err = await rejection(stranger.contacts.getContact({ contactId: ada }));
    expect(err).toBeInstanceOf(GHLAuthenticationError);
    expect(err.statusCode).toBe(401);
    expect(err.message).toBe('Invalid token: access token is invalid');
  });
});

describe('coverage', () => {
  it('every method of the SDK Contacts service, and its custom-field methods for locations, was called', () => {
    const contactMethods = Object.getOwnPropertyNames(Object.getPrototypeOf(hl.contacts) as object).filter((m) => m !== 'constructor');
    expect(contactMethods).toHaveLength(32);
    const missing = contactMethods.filter((m) => !called.has(`contacts.${m}`));
    expect(missing).toEqual([]);
    // uploadFileCustomFields (multipart upload of a FILE_UPLOAD value) is not emulated.
    for (const m of ['getCustomFields', 'createCustomField', 'getCustomField', 'updateCustomField', 'deleteCustomField']) {
      expect(called.has(`locations.${m}`), m).toBe(true);
    }
  });

  it('the emulator saw every operation of both vendored specs, each sent with Version 2021-07-28 and the bearer token', async () => {
    const specOps: string[] = [];
    for (const f of ['contacts.openapi.json', 'locations-custom-fields.openapi.json']) {
      const doc = JSON.parse(readFileSync(new URL(`../../src/platform/openapi/${f}`, import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
      for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) if (op.operationId) specOps.push(op.operationId);
    }
    const stats = await adminCall<{ byOperation: Record<string, number>; byStatus: Record<string, number> }>('GET', '/stats');
    expect(specOps.filter((op) => !stats.byOperation[op])).toEqual([]);
    expect(stats.byStatus['404']).toBeUndefined(); // no SDK path missed a route

    expect(wire.length).toBeGreaterThan(60);
    const own = wire.filter((w) => w.authorization === `Bearer ${emu.token}`);
    expect(own.length).toBe(wire.length - 1); // all but the unknown-token request
    expect(wire.filter((w) => w.version !== VERSION)).toEqual([]);
  });
});
