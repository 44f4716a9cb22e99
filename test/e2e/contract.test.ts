/**
 * Contract test: the real emulator, over real HTTP (global fetch, no mocks),
 * against every operation of the two vendored OpenAPI documents.
 *
 * The list of operations comes from the spec files themselves: an operation
 * added to the spec without a case in CASES fails the "covers every operation"
 * test. Method and path of every request are taken from the spec as well, so a
 * case cannot drift from the route it claims to test.
 *
 * For each operation: one valid request (documented status, body validated with
 * loadSpec().validateResponse, exact values), then the error cases of
 * BEHAVIOUR.md section 6 and the "Emulator decisions" table: no token, unknown
 * token, missing scope, another location's token, missing and unsupported
 * Version, missing required body fields, unknown body properties, unknown
 * contact id.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { loadSpec } from '../../src/platform/openapi/spec.js';
import type { Scope } from '../../src/emulator/types.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = new URL('../../', import.meta.url);
const SPEC_FILES = ['contacts.openapi.json', 'locations-custom-fields.openapi.json'] as const;
const VENDORED = (f: string) => new URL(`src/platform/openapi/${f}`, ROOT);
const SHARED = (f: string) => new URL(`../shared/api/${f}`, ROOT);

const docs = SPEC_FILES.map((f) => JSON.parse(readFileSync(VENDORED(f), 'utf8')) as Json);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface SpecOp {
  operationId: string;
  method: string;
  path: string;
  /** Scopes the spec's `security` names; [] when it names none or has no `security`. */
  scopes: string[];
  /** The request body schema, resolved. */
  requestSchema?: Json;
  /** Statuses whose response the spec gives a JSON schema for. */
  schemaStatuses: number[];
  /** Query parameters the spec marks required. */
  requiredQuery: string[];
  /** Query parameters with an enum schema. */
  enumQuery: Array<{ name: string; values: string[] }>;
}

function specOperations(): Map<string, SpecOp> {
  const out = new Map<string, SpecOp>();
  for (const doc of docs) {
    const schemas = doc.components.schemas as Json;
    for (const [path, methods] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(methods as Json)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref as string | undefined;
        const query = ((op.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'query');
        out.set(op.operationId, {
          operationId: op.operationId,
          method: method.toUpperCase(),
          path,
          scopes: ((op.security as Json[] | undefined) ?? []).flatMap((s) => (s.bearer as string[] | undefined) ?? []),
          requestSchema: ref ? (schemas[ref.split('/').pop()!] as Json) : undefined,
          schemaStatuses: Object.entries(op.responses as Json)
            .filter(([, r]) => r.content?.['application/json']?.schema)
            .map(([status]) => Number(status)),
          requiredQuery: query.filter((p) => p.required).map((p) => p.name as string),
          enumQuery: query.filter((p) => Array.isArray(p.schema?.enum)).map((p) => ({ name: p.name as string, values: p.schema.enum as string[] })),
        });
      }
    }
  }
  return out;
}

const SPEC_OPS = specOperations();
const spec = loadSpec();

// ---------------------------------------------------------------------------
// HTTP helpers

let em: RunningEmulator;
const A = 'contractLocationAAAA'; // the emulator's default location (set in startEmulator)
const B = 'contractLocationBBBB'; // a second location, for the 403 cases
const VERSION = '2021-07-28';

interface Res {
  status: number;
  body: Json;
  headers: Headers;
}

interface CallOptions {
  token?: string | null;
  version?: string | null;
  query?: Record<string, string>;
  body?: unknown;
}

async function http(method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  const url = new URL(em.url + path);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = opts.token === undefined ? em.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const version = opts.version === undefined ? VERSION : opts.version;
  if (version !== null) headers.version = version;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

async function admin(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${em.url}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  if (res.status >= 300) throw new Error(`admin ${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Fills `{param}` in the spec's path template; every placeholder must have a value. */
function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return encodeURIComponent(v);
  });
}

// ---------------------------------------------------------------------------
// The world every case starts from (rebuilt before each test)

interface World {
  /** Tokens of location A with exactly one scope each. */
  only: Record<Scope, string>;
  /** A token of location B with every scope. */
  otherLocation: string;
}

let world: World;

const ALL: Scope[] = ['contacts.readonly', 'contacts.write', 'locations/customFields.readonly', 'locations/customFields.write'];
const OTHER_SCOPE: Record<Scope, Scope> = {
  'contacts.readonly': 'contacts.write',
  'contacts.write': 'contacts.readonly',
  'locations/customFields.readonly': 'locations/customFields.write',
  'locations/customFields.write': 'locations/customFields.readonly',
};

async function buildWorld(): Promise<World> {
  await admin('POST', '/reset');
  await admin('POST', '/locations', { id: B, name: 'Other location' });
  const only = {} as Record<Scope, string>;
  for (const s of ALL) only[s] = ((await admin('POST', '/tokens', { locationId: A, scopes: [s] })) as Json).token as string;
  const otherLocation = (await admin('POST', '/tokens', { locationId: B, scopes: ALL })).token as string;
  return { only, otherLocation };
}

async function seed(contacts: Json[], location = A): Promise<string[]> {
  return (await admin('POST', `/locations/${location}/contacts`, { contacts })).ids as string[];
}

async function seedOne(c: Json = {}): Promise<string> {
  return (await seed([{ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '415-555-2671', ...c }]))[0]!;
}

async function inspect(contactId: string): Promise<Json> {
  return (await admin('GET', `/locations/${A}/contacts/${contactId}`)).contact as Json;
}

/** A call to a spec operation with A's all-scope token unless told otherwise. */
async function call(operationId: string, req: Req, opts: Omit<CallOptions, 'query' | 'body'> = {}): Promise<Res> {
  const op = SPEC_OPS.get(operationId)!;
  return http(op.method, fillPath(op.path, req.params ?? {}), { ...opts, query: req.query, body: req.body });
}

/** validateResponse must really check every body the spec has a schema for: never `undefined` there. */
function expectMatchesSpec(operationId: string, status: number, body: unknown): void {
  const errors = spec.validateResponse(operationId, status, body);
  if (SPEC_OPS.get(operationId)!.schemaStatuses.includes(status)) expect(errors, `${operationId} ${status}`).toEqual([]);
  else expect(errors, `${operationId} ${status}: the spec has no schema`).toBeUndefined();
}

function expectValid(operationId: string, res: Res, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expectMatchesSpec(operationId, status, res.body);
  expect(typeof res.body.traceId).toBe('string');
  expect(res.body.traceId.length).toBeGreaterThan(0);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  // Present on every response, not only on 429 (BEHAVIOUR.md section 6).
  for (const h of RATE_HEADERS) expect(res.headers.get(h), h).toMatch(/^\d+$/);
}

const RATE_HEADERS = [
  'x-ratelimit-limit-daily',
  'x-ratelimit-daily-remaining',
  'x-ratelimit-interval-milliseconds',
  'x-ratelimit-max',
  'x-ratelimit-remaining',
];

const ERROR_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 422: 'Unprocessable Entity' };

/** The platform's error body: `{statusCode, message, error, traceId}`, message an array on 422 only. */
function expectError(operationId: string, res: Res, status: number, message?: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const b = res.body;
  expect(b.statusCode).toBe(status);
  expect(b.error).toBe(ERROR_TEXT[status]);
  expect(typeof b.traceId).toBe('string');
  expect(b.traceId.length).toBeGreaterThan(0);
  if (status === 422) {
    expect(Array.isArray(b.message)).toBe(true);
    expect(b.message.length).toBeGreaterThan(0);
    for (const m of b.message) expect(typeof m).toBe('string');
  } else {
    expect(typeof b.message).toBe('string');
    if (typeof message === 'string') expect(b.message).toBe(message);
    else if (message) expect(b.message).toMatch(message);
  }
  // Where the spec documents the error body, it must match.
  expectMatchesSpec(operationId, status, b);
}

/** A value of the wrong JSON type for each schema type. */
const WRONG_TYPE: Record<string, unknown> = { string: 12345, number: 'abc', boolean: 'yes', array: 'not-an-array', object: 'x' };

const FIREBASE_ID = /^[A-Za-z0-9]{20}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const USER_1 = 'sx6wyHhbFdRXh302Lunr';
const USER_2 = 'GCs5KuzPqTls7vWclkEV';
const UNKNOWN_CONTACT = 'Zq9UnknownContact000';

// ---------------------------------------------------------------------------
// One case per operationId

interface Req {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Json;
}

type Ctx = Record<string, string>;

interface Case {
  /** The scope a token needs. Must equal the spec's `security` where the spec names one. */
  scope: Scope;
  /** Where the location is named: a token of another location must get 403. */
  location: 'body' | 'query' | 'path' | 'contact';
  setup: () => Promise<Ctx>;
  request: (c: Ctx) => Req;
  status: number;
  check: (body: Json, c: Ctx) => void | Promise<void>;
  /** Required body fields the platform documents but the spec's schema leaves out. */
  documentedRequired?: string[];
  /** Why `scope` is what it is, when the spec names no scope. */
  scopeNote?: string;
}

const contactOnly = async (): Promise<Ctx> => ({ contactId: await seedOne() });

async function withTask(): Promise<Ctx> {
  const contactId = await seedOne();
  const r = await call('create-task', { params: { contactId }, body: { title: 'Call back', dueDate: '2030-01-02T10:00:00Z', completed: false, body: 'about the invoice' } });
  expect(r.status).toBe(201);
  return { contactId, taskId: r.body.task.id };
}

async function withNote(): Promise<Ctx> {
  const contactId = await seedOne();
  const r = await call('create-note', { params: { contactId }, body: { body: 'First call went well', title: 'Call', userId: USER_1 } });
  expect(r.status).toBe(201);
  return { contactId, noteId: r.body.note.id };
}

async function withBusiness(): Promise<Ctx> {
  const businessId = (await admin('POST', `/locations/${A}/businesses`, { name: 'Acme Ltd' })).business.id as string;
  return { businessId };
}

async function withCustomField(): Promise<Ctx> {
  const r = await admin('POST', `/locations/${A}/custom-fields`, { name: 'Favourite Colour', dataType: 'TEXT', placeholder: 'blue' });
  return { fieldId: r.customFields[0].id, fieldKey: r.customFields[0].fieldKey };
}

const CASES: Record<string, Case> = {
  'create-contact': {
    scope: 'contacts.write',
    location: 'body',
    setup: async () => ({}),
    request: () => ({
      body: {
        locationId: A,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'Ada.Lovelace@Example.com',
        phone: '(415) 555-2671',
        tags: [' VIP ', 'vip', 'Lead'],
        source: 'contract-test',
      },
    }),
    status: 201,
    check: async (b) => {
      const c = b.contact;
      expect(c.id).toMatch(FIREBASE_ID);
      expect(c.locationId).toBe(A);
      expect(c.phone).toBe('+14155552671');
      expect(c.email).toBe('Ada.Lovelace@Example.com');
      expect(c.emailLowerCase).toBe('ada.lovelace@example.com');
      expect(c.tags).toEqual(['vip', 'lead']);
      expect(c.firstNameLowerCase).toBe('ada');
      expect(c.fullNameLowerCase).toBe('ada lovelace');
      expect(c.dateAdded).toMatch(ISO_MS);
      const got = await call('get-contact', { params: { contactId: c.id } });
      expect(got.status).toBe(200);
      expect(got.body.contact.phone).toBe('+14155552671');
      // Duplicates off (the default): the same email again is a 400 naming the existing contact (section 3).
      const dup = await call('create-contact', { body: { locationId: A, firstName: 'Other', email: 'ADA.LOVELACE@example.com' } });
      expectError('create-contact', dup, 400, 'This location does not allow duplicated contacts.');
      expect(dup.body.meta).toEqual({ contactId: c.id, matchingField: 'email' });
      // No email, phone, firstName or lastName: 422; `name` alone does not count (section 3).
      for (const body of [{ locationId: A }, { locationId: A, name: 'Ada Lovelace' }]) {
        const anon = await call('create-contact', { body });
        expectError('create-contact', anon, 422);
        expect(anon.body.message).toEqual(['Contacts without email, phone, firstName and lastName are not allowed.']);
      }
    },
  },
  'get-contacts': {
    scope: 'contacts.readonly',
    location: 'query',
    setup: async () => {
      const [first, second] = await seed([
        { firstName: 'First', email: 'first@example.com', dateAdded: '2024-01-01T00:00:00.000Z' },
        { firstName: 'Second', email: 'second@example.com', dateAdded: '2024-01-02T00:00:00.000Z' },
      ]);
      return { first: first!, second: second! };
    },
    request: () => ({ query: { locationId: A, limit: '1' } }),
    status: 200,
    check: async (b, c) => {
      expect(b.contacts.map((x: Json) => x.id)).toEqual([c.first]);
      expect(b.count).toBe(2);
      // Paging as real clients do it (BEHAVIOUR.md section 1 note a): meta.startAfterId + meta.startAfter.
      expect(b.meta.startAfterId).toBe(c.first);
      expect(b.meta.startAfter).toBe(Date.parse('2024-01-01T00:00:00.000Z'));
      const next = await call('get-contacts', { query: { locationId: A, limit: '1', startAfterId: b.meta.startAfterId, startAfter: String(b.meta.startAfter) } });
      expectValid('get-contacts', next, 200);
      expect(next.body.contacts.map((x: Json) => x.id)).toEqual([c.second]);
      // Clients use `/contacts` without the trailing slash as well (section 1 note e).
      const bare = await http('GET', '/contacts', { query: { locationId: A } });
      expectValid('get-contacts', bare, 200);
      expect(bare.body.contacts.map((x: Json) => x.id)).toEqual([c.first, c.second]);
      // limit: max 100.
      expectError('get-contacts', await call('get-contacts', { query: { locationId: A, limit: '101' } }), 422);
    },
  },
  'get-contact': {
    scope: 'contacts.readonly',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne({ email: 'Grace@Example.com', tags: ['VIP', ' Lead '] }) }),
    request: (c) => ({ params: { contactId: c.contactId! } }),
    status: 200,
    check: (b, c) => {
      expect(b.contact.id).toBe(c.contactId);
      expect(b.contact.locationId).toBe(A);
      expect(b.contact.phone).toBe('+14155552671');
      expect(b.contact.email).toBe('Grace@Example.com');
      expect(b.contact.emailLowerCase).toBe('grace@example.com');
      expect(b.contact.tags).toEqual(['vip', 'lead']);
      expect(b.contact.dateAdded).toMatch(ISO_MS);
    },
  },
  'update-contact': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne({ tags: ['vip'] }) }),
    request: (c) => ({ params: { contactId: c.contactId! }, body: { firstName: 'Grace', phone: '+1 415 555 2672', tags: ['New'] } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect(b.contact.id).toBe(c.contactId);
      expect(b.contact.firstName).toBe('Grace');
      expect(b.contact.phone).toBe('+14155552672');
      // `tags` on update replaces every tag (BEHAVIOUR.md section 4).
      expect(b.contact.tags).toEqual(['new']);
      expect((await inspect(c.contactId!)).firstName).toBe('Grace');
      // Setting an email another contact owns is the duplicate 400 on PUT too (section 3).
      const other = await seedOne({ email: 'taken@example.com', phone: '+14155550111' });
      const dup = await call('update-contact', { params: { contactId: c.contactId! }, body: { email: 'Taken@Example.com' } });
      expectError('update-contact', dup, 400, 'This location does not allow duplicated contacts.');
      expect(dup.body.meta).toEqual({ contactId: other, matchingField: 'email' });
    },
  },
  'delete-contact': {
    scope: 'contacts.write',
    location: 'contact',
    setup: contactOnly,
    request: (c) => ({ params: { contactId: c.contactId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      const after = await call('get-contact', { params: { contactId: c.contactId! } });
      expectError('get-contact', after, 400, `Contact not found for id:${c.contactId}`);
    },
  },
  'upsert-contact': {
    scope: 'contacts.write',
    location: 'body',
    setup: async () => ({}),
    request: () => ({ body: { locationId: A, email: 'upsert@example.com', firstName: 'Up' } }),
    status: 200,
    check: async (b) => {
      expect(b.new).toBe(true);
      expect(b.contact.email).toBe('upsert@example.com');
      // Same email in another case: the same contact is updated, still 200.
      const again = await call('upsert-contact', { body: { locationId: A, email: 'UPSERT@example.com', phone: '(415) 555-0100' } });
      expectValid('upsert-contact', again, 200);
      expect(again.body.new).toBe(false);
      expect(again.body.contact.id).toBe(b.contact.id);
      expect(again.body.contact.phone).toBe('+14155550100');
      expect(again.body.contact.firstName).toBe('Up');
      // Neither email nor phone (name alone does not count): 400 (section 3).
      const anon = await call('upsert-contact', { body: { locationId: A, name: 'No Identifier' } });
      expectError('upsert-contact', anon, 400, 'Pass at least one of number, email query parameter');
    },
  },
  'search-contacts-advanced': {
    scope: 'contacts.readonly',
    location: 'body',
    setup: async () => {
      const [x, y] = await seed([
        { firstName: 'Xena', email: 'xena@example.com', dateAdded: '2024-01-01T00:00:00.000Z' },
        { firstName: 'Yuri', email: 'yuri@example.com', dateAdded: '2024-01-02T00:00:00.000Z' },
      ]);
      return { x: x!, y: y! };
    },
    request: () => ({ body: { locationId: A, pageLimit: 10 } }),
    status: 200,
    // SearchBodyV2DTO is empty in the spec; locationId and pageLimit are required (BEHAVIOUR.md section 2, GH#31).
    documentedRequired: ['locationId', 'pageLimit'],
    check: async (b, c) => {
      expect(b.total).toBe(2);
      // Default sort: dateAdded ascending, then id (emulator decision); each hit carries its cursor.
      expect(b.contacts.map((h: Json) => h.id)).toEqual([c.x, c.y]);
      expect(b.contacts[0].searchAfter).toEqual([Date.parse('2024-01-01T00:00:00.000Z'), c.x]);
      const filtered = await call('search-contacts-advanced', {
        body: { locationId: A, pageLimit: 10, filters: [{ field: 'email', operator: 'eq', value: 'yuri@example.com' }] },
      });
      expectValid('search-contacts-advanced', filtered, 200);
      expect(filtered.body.total).toBe(1);
      expect(filtered.body.contacts[0].id).toBe(c.y);
      // Unknown filter field: 400 "Invalid field <x>" (section 2, GH#170).
      const bad = await call('search-contacts-advanced', {
        body: { locationId: A, pageLimit: 10, filters: [{ field: 'contact_name', operator: 'eq', value: 'x' }] },
      });
      expectError('search-contacts-advanced', bad, 400, 'Invalid field contact_name');
    },
  },
  'get-duplicate-contact': {
    scope: 'contacts.readonly',
    location: 'query',
    setup: async () => ({ contactId: await seedOne({ email: 'dup@example.com', phone: '+14155552671' }) }),
    request: () => ({ query: { locationId: A, email: 'dup@example.com' } }),
    status: 200,
    check: async (b, c) => {
      expect(b.contact.id).toBe(c.contactId);
      const byPhone = await call('get-duplicate-contact', { query: { locationId: A, number: '+14155552671' } });
      expectValid('get-duplicate-contact', byPhone, 200);
      expect(byPhone.body.contact.id).toBe(c.contactId);
      const none = await call('get-duplicate-contact', { query: { locationId: A, email: 'nobody@example.com' } });
      expectValid('get-duplicate-contact', none, 200);
      expect(none.body.contact).toBeNull();
      const neither = await call('get-duplicate-contact', { query: { locationId: A } });
      expectError('get-duplicate-contact', neither, 400, 'Pass at least one of number, email query parameter');
    },
  },
  'get-contacts-by-businessId': {
    scope: 'contacts.readonly',
    location: 'query',
    setup: async () => {
      const { businessId } = await withBusiness();
      const contactId = await seedOne({ businessId });
      await seedOne({ email: 'not-in-business@example.com', phone: '+14155550199' });
      return { businessId: businessId!, contactId };
    },
    request: (c) => ({ params: { businessId: c.businessId! }, query: { locationId: A } }),
    status: 200,
    check: (b, c) => {
      expect(b.count).toBe(1);
      expect(b.contacts.map((x: Json) => x.id)).toEqual([c.contactId]);
      expect(b.contacts[0].businessId).toBe(c.businessId);
    },
  },
  'create-association': {
    scope: 'contacts.write',
    scopeNote: 'no security in the spec; a contacts.write token is needed in practice (BEHAVIOUR.md section 1 note c)',
    location: 'body',
    setup: async () => ({ contactId: await seedOne({ tags: ['old'] }) }),
    request: (c) => ({ params: { type: 'add' }, body: { locationId: A, contacts: [c.contactId!], tags: ['Alpha', ' beta '] } }),
    status: 201,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect(b.errorCount).toBe(0);
      expect(b.responses).toEqual([
        { contactId: c.contactId, message: 'Tags updated', type: 'success', oldTags: ['old'], tagsAdded: ['alpha', 'beta'], tagsRemoved: [] },
      ]);
      // The `remove` form of the same path is 201 too.
      const rm = await call('create-association', { params: { type: 'remove' }, body: { locationId: A, contacts: [c.contactId!, 'abcdef'], tags: ['ALPHA'] } });
      expectValid('create-association', rm, 201);
      expect(rm.body.succeded).toBe(false);
      expect(rm.body.errorCount).toBe(1);
      expect(rm.body.responses[0]).toMatchObject({ contactId: c.contactId, type: 'success', tagsRemoved: ['alpha'] });
      expect(rm.body.responses[1]).toEqual({ contactId: 'abcdef', message: 'contact id is not a valid firebase id', type: 'error' });
      expect((await inspect(c.contactId!)).tags).toEqual(['old', 'beta']);
      // More than 100 contacts in one call: 422 (emulator decision).
      const many = Array.from({ length: 101 }, () => c.contactId!);
      expectError('create-association', await call('create-association', { params: { type: 'add' }, body: { locationId: A, contacts: many, tags: ['x'] } }), 422);
    },
  },
  'add-remove-contact-from-business': {
    scope: 'contacts.write',
    scopeNote: 'no security in the spec; a contacts.write token is needed in practice (BEHAVIOUR.md section 1 note c)',
    location: 'body',
    setup: async () => ({ ...(await withBusiness()), contactId: await seedOne() }),
    request: (c) => ({ body: { locationId: A, ids: [c.contactId!], businessId: c.businessId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.success).toBe(true);
      expect(b.succeded).toBeUndefined();
      expect(b.ids).toEqual([c.contactId]);
      expect((await inspect(c.contactId!)).businessId).toBe(c.businessId);
      // businessId null removes the contact from its business.
      const clear = await call('add-remove-contact-from-business', { body: { locationId: A, ids: [c.contactId!], businessId: null } });
      expectValid('add-remove-contact-from-business', clear, 200);
      expect(clear.body.ids).toEqual([c.contactId]);
      expect((await inspect(c.contactId!)).businessId).toBeUndefined();
    },
  },
  'get-all-tasks': {
    scope: 'contacts.readonly',
    location: 'contact',
    setup: withTask,
    request: (c) => ({ params: { contactId: c.contactId! } }),
    status: 200,
    check: (b, c) => {
      expect(b.tasks).toHaveLength(1);
      expect(b.tasks[0]).toMatchObject({ id: c.taskId, title: 'Call back', completed: false, contactId: c.contactId });
    },
  },
  'create-task': {
    scope: 'contacts.write',
    location: 'contact',
    setup: contactOnly,
    request: (c) => ({
      params: { contactId: c.contactId! },
      body: { title: 'Send quote', dueDate: '2030-01-02T10:00:00Z', completed: false, body: 'v2 pricing', assignedTo: USER_1 },
    }),
    status: 201,
    check: async (b, c) => {
      expect(b.task.id).toMatch(FIREBASE_ID);
      expect(b.task).toMatchObject({ title: 'Send quote', body: 'v2 pricing', completed: false, assignedTo: USER_1, contactId: c.contactId });
      expect(Date.parse(b.task.dueDate)).toBe(Date.parse('2030-01-02T10:00:00Z'));
      expect((await inspect(c.contactId!)).tasks.map((t: Json) => t.id)).toEqual([b.task.id]);
    },
  },
  'get-task': {
    scope: 'contacts.readonly',
    location: 'contact',
    setup: withTask,
    request: (c) => ({ params: { contactId: c.contactId!, taskId: c.taskId! } }),
    status: 200,
    check: (b, c) => {
      expect(b.task).toMatchObject({ id: c.taskId, title: 'Call back', body: 'about the invoice', completed: false, contactId: c.contactId });
    },
  },
  'update-task': {
    scope: 'contacts.write',
    location: 'contact',
    setup: withTask,
    request: (c) => ({ params: { contactId: c.contactId!, taskId: c.taskId! }, body: { title: 'Call back (2)', completed: true } }),
    status: 200,
    check: (b, c) => {
      expect(b.task).toMatchObject({ id: c.taskId, title: 'Call back (2)', body: 'about the invoice', completed: true });
    },
  },
  'delete-task': {
    scope: 'contacts.write',
    location: 'contact',
    setup: withTask,
    request: (c) => ({ params: { contactId: c.contactId!, taskId: c.taskId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      const list = await call('get-all-tasks', { params: { contactId: c.contactId! } });
      expect(list.body.tasks).toEqual([]);
    },
  },
  'update-task-completed': {
    scope: 'contacts.write',
    location: 'contact',
    setup: withTask,
    request: (c) => ({ params: { contactId: c.contactId!, taskId: c.taskId! }, body: { completed: true } }),
    status: 200,
    check: (b, c) => {
      expect(b.task).toMatchObject({ id: c.taskId, title: 'Call back', completed: true });
    },
  },
  'get-appointments-for-contact': {
    scope: 'contacts.readonly',
    location: 'contact',
    setup: async () => {
      const contactId = await seedOne();
      await admin('POST', `/locations/${A}/appointments`, { contactId, title: 'Demo', startTime: '2030-01-02 10:00:00', endTime: '2030-01-02 10:30:00' });
      return { contactId };
    },
    request: (c) => ({ params: { contactId: c.contactId! } }),
    status: 200,
    check: (b, c) => {
      expect(b.events).toHaveLength(1);
      expect(b.events[0]).toMatchObject({ contactId: c.contactId, locationId: A, title: 'Demo', startTime: '2030-01-02 10:00:00', endTime: '2030-01-02 10:30:00' });
    },
  },
  'add-tags': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne({ tags: ['old'] }) }),
    request: (c) => ({ params: { contactId: c.contactId! }, body: { tags: ['Hot', ' hot ', 'OLD'] } }),
    status: 201,
    check: async (b, c) => {
      expect(b.tags).toEqual(['old', 'hot']);
      expect((await inspect(c.contactId!)).tags).toEqual(['old', 'hot']);
    },
  },
  'remove-tags': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne({ tags: ['old', 'hot'] }) }),
    request: (c) => ({ params: { contactId: c.contactId! }, body: { tags: ['HOT'] } }),
    status: 200,
    check: async (b, c) => {
      expect(b.tags).toEqual(['old']);
      expect((await inspect(c.contactId!)).tags).toEqual(['old']);
    },
  },
  'get-all-notes': {
    scope: 'contacts.readonly',
    location: 'contact',
    setup: withNote,
    request: (c) => ({ params: { contactId: c.contactId! } }),
    status: 200,
    check: (b, c) => {
      expect(b.notes).toHaveLength(1);
      expect(b.notes[0]).toMatchObject({ id: c.noteId, body: 'First call went well', title: 'Call', userId: USER_1, contactId: c.contactId });
    },
  },
  'create-note': {
    scope: 'contacts.write',
    location: 'contact',
    setup: contactOnly,
    request: (c) => ({ params: { contactId: c.contactId! }, body: { body: 'Met at the fair', title: 'Intro', color: '#FFAA00', pinned: true, userId: USER_1 } }),
    status: 201,
    check: (b, c) => {
      expect(b.note.id).toMatch(FIREBASE_ID);
      expect(b.note).toMatchObject({ body: 'Met at the fair', title: 'Intro', color: '#FFAA00', pinned: true, userId: USER_1, contactId: c.contactId });
      expect(b.note.dateAdded).toMatch(ISO_MS);
    },
  },
  'get-note': {
    scope: 'contacts.readonly',
    location: 'contact',
    setup: withNote,
    request: (c) => ({ params: { contactId: c.contactId!, id: c.noteId! } }),
    status: 200,
    check: (b, c) => {
      expect(b.note).toMatchObject({ id: c.noteId, body: 'First call went well', contactId: c.contactId });
    },
  },
  'update-note': {
    scope: 'contacts.write',
    location: 'contact',
    setup: withNote,
    request: (c) => ({ params: { contactId: c.contactId!, id: c.noteId! }, body: { pinned: true } }),
    status: 200,
    check: (b, c) => {
      // UpdateNoteDTO: any subset; the rest is kept.
      expect(b.note).toMatchObject({ id: c.noteId, body: 'First call went well', title: 'Call', pinned: true });
    },
  },
  'delete-note': {
    scope: 'contacts.write',
    location: 'contact',
    setup: withNote,
    request: (c) => ({ params: { contactId: c.contactId!, id: c.noteId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      const list = await call('get-all-notes', { params: { contactId: c.contactId! } });
      expect(list.body.notes).toEqual([]);
    },
  },
  'add-followers-contact': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne({ followers: [USER_1] }) }),
    request: (c) => ({ params: { contactId: c.contactId! }, body: { followers: [USER_1, USER_2] } }),
    status: 201,
    check: (b) => {
      expect(b.followers).toEqual([USER_1, USER_2]);
      expect(b.followersAdded).toEqual([USER_2]);
    },
  },
  'remove-followers-contact': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne({ followers: [USER_1, USER_2] }) }),
    request: (c) => ({ params: { contactId: c.contactId! }, body: { followers: [USER_1] } }),
    status: 200,
    check: (b) => {
      expect(b.followers).toEqual([USER_2]);
      expect(b.followersRemoved).toEqual([USER_1]);
    },
  },
  'add-contact-to-campaign': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne(), campaignId: 'campaignOne000000001' }),
    request: (c) => ({ params: { contactId: c.contactId!, campaignId: c.campaignId! }, body: {} }),
    status: 201,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect((await inspect(c.contactId!)).campaigns).toEqual([c.campaignId]);
    },
  },
  'remove-contact-from-campaign': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => {
      const contactId = await seedOne();
      for (const campaignId of ['campaignOne000000001', 'campaignTwo000000002']) {
        expect((await call('add-contact-to-campaign', { params: { contactId, campaignId }, body: {} })).status).toBe(201);
      }
      return { contactId, campaignId: 'campaignOne000000001' };
    },
    request: (c) => ({ params: { contactId: c.contactId!, campaignId: c.campaignId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect((await inspect(c.contactId!)).campaigns).toEqual(['campaignTwo000000002']);
    },
  },
  'remove-contact-from-every-campaign': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => {
      const contactId = await seedOne();
      for (const campaignId of ['campaignOne000000001', 'campaignTwo000000002']) {
        expect((await call('add-contact-to-campaign', { params: { contactId, campaignId }, body: {} })).status).toBe(201);
      }
      return { contactId };
    },
    request: (c) => ({ params: { contactId: c.contactId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect((await inspect(c.contactId!)).campaigns).toEqual([]);
    },
  },
  'add-contact-to-workflow': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => ({ contactId: await seedOne(), workflowId: 'workflow-0001' }),
    request: (c) => ({ params: { contactId: c.contactId!, workflowId: c.workflowId! }, body: { eventStartTime: '2021-06-23T03:30:00+01:00' } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect((await inspect(c.contactId!)).activeWorkflows).toEqual([c.workflowId]);
    },
  },
  'delete-contact-from-workflow': {
    scope: 'contacts.write',
    location: 'contact',
    setup: async () => {
      const contactId = await seedOne();
      const r = await call('add-contact-to-workflow', { params: { contactId, workflowId: 'workflow-0001' }, body: {} });
      expect(r.status).toBe(200);
      return { contactId, workflowId: 'workflow-0001' };
    },
    request: (c) => ({ params: { contactId: c.contactId!, workflowId: c.workflowId! }, body: {} }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      expect((await inspect(c.contactId!)).activeWorkflows).toEqual([]);
    },
  },
  'get-custom-fields': {
    scope: 'locations/customFields.readonly',
    location: 'path',
    setup: withCustomField,
    request: () => ({ params: { locationId: A }, query: { model: 'contact' } }),
    status: 200,
    check: (b, c) => {
      expect(b.customFields).toHaveLength(1);
      expect(b.customFields[0]).toMatchObject({ id: c.fieldId, name: 'Favourite Colour', fieldKey: 'contact.favourite_colour', dataType: 'TEXT', locationId: A, model: 'contact' });
    },
  },
  'create-custom-field': {
    scope: 'locations/customFields.write',
    location: 'path',
    setup: async () => ({}),
    request: () => ({ params: { locationId: A }, body: { name: 'Pet Name', dataType: 'TEXT', placeholder: 'Rex', model: 'contact' } }),
    status: 201,
    check: async (b) => {
      expect(b.customField.id).toMatch(FIREBASE_ID);
      expect(b.customField).toMatchObject({ name: 'Pet Name', fieldKey: 'contact.pet_name', dataType: 'TEXT', placeholder: 'Rex', locationId: A, model: 'contact' });
      const list = await call('get-custom-fields', { params: { locationId: A } });
      expect(list.body.customFields.map((f: Json) => f.id)).toEqual([b.customField.id]);
    },
  },
  'get-custom-field': {
    scope: 'locations/customFields.readonly',
    scopeNote: 'the spec declares `bearer: []`; reading a field needs the readonly scope like the list',
    location: 'path',
    setup: withCustomField,
    request: (c) => ({ params: { locationId: A, id: c.fieldId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.customField).toMatchObject({ id: c.fieldId, name: 'Favourite Colour', fieldKey: 'contact.favourite_colour' });
      // The spec's `id` parameter is "Custom Field Id or Field Key".
      const byKey = await call('get-custom-field', { params: { locationId: A, id: c.fieldKey! } });
      expectValid('get-custom-field', byKey, 200);
      expect(byKey.body.customField.id).toBe(c.fieldId);
    },
  },
  'update-custom-field': {
    scope: 'locations/customFields.write',
    scopeNote: 'the spec declares `bearer: []`; changing a field needs the write scope like create',
    location: 'path',
    setup: withCustomField,
    request: (c) => ({ params: { locationId: A, id: c.fieldId! }, body: { name: 'Colour', placeholder: 'red' } }),
    status: 200,
    check: (b, c) => {
      expect(b.customField).toMatchObject({ id: c.fieldId, name: 'Colour', placeholder: 'red', fieldKey: 'contact.favourite_colour', dataType: 'TEXT' });
    },
  },
  'delete-custom-field': {
    scope: 'locations/customFields.write',
    scopeNote: 'the spec declares `bearer: []`; deleting a field needs the write scope like create',
    location: 'path',
    setup: withCustomField,
    request: (c) => ({ params: { locationId: A, id: c.fieldId! } }),
    status: 200,
    check: async (b, c) => {
      expect(b.succeded).toBe(true);
      const after = await call('get-custom-field', { params: { locationId: A, id: c.fieldId! } });
      expect(after.status).toBe(400);
    },
  },
};

// ---------------------------------------------------------------------------

beforeAll(async () => {
  em = await startEmulator({ port: 0, locationId: A, rateLimit: { max: 0 }, log: () => {} });
});

afterAll(async () => {
  await em?.close();
});

beforeEach(async () => {
  world = await buildWorld();
});

describe('spec files', () => {
  it.each(SPEC_FILES)('src/platform/openapi/%s is byte-identical to ../shared/api', (f) => {
    expect(readFileSync(VENDORED(f)).equals(readFileSync(SHARED(f)))).toBe(true);
  });

  it('covers every operation of both specs, and only those', () => {
    expect(SPEC_OPS.size).toBe(37);
    expect(Object.keys(CASES).sort()).toEqual([...SPEC_OPS.keys()].sort());
  });

  it('the emulator compiles the same operations', () => {
    expect([...spec.operations.keys()].sort()).toEqual([...SPEC_OPS.keys()].sort());
    for (const [id, op] of SPEC_OPS) {
      const c = spec.operations.get(id)!;
      expect([c.method, c.path]).toEqual([op.method, op.path]);
    }
  });

  it('validateResponse rejects a body of the wrong shape for every documented schema', () => {
    for (const op of SPEC_OPS.values()) {
      for (const status of op.schemaStatuses) {
        expect(spec.validateResponse(op.operationId, status, ['not', 'an', 'object'])?.length, `${op.operationId} ${status}`).toBeGreaterThan(0);
      }
    }
  });

  it.each([...SPEC_OPS.values()].map((o) => [o.operationId, o] as const))('%s: the case needs the scope the spec names', (id, op) => {
    const c = CASES[id];
    expect(c, `no case for ${id}`).toBeDefined();
    if (op.scopes.length) expect(op.scopes).toEqual([c!.scope]);
    else expect(c!.scopeNote, `${id}: the spec names no scope, so the case must say why it uses ${c!.scope}`).toBeTruthy();
  });
});

for (const [operationId, op] of SPEC_OPS) {
  const c = CASES[operationId];
  if (!c) continue; // reported by "covers every operation"
  const hasContact = op.path.includes('{contactId}');
  const required = [...((op.requestSchema?.required as string[] | undefined) ?? []), ...(c.documentedRequired ?? [])];
  const declaresProperties = Object.keys((op.requestSchema?.properties as Json | undefined) ?? {}).length > 0 || !!c.documentedRequired;

  describe(`${op.method} ${op.path} (${operationId})`, () => {
    it(`valid request -> ${c.status}, body matches the spec`, async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx));
      expectValid(operationId, res, c.status);
      await c.check(res.body, ctx);
    });

    it('no Authorization header -> 401', async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { token: null });
      expectError(operationId, res, 401, 'Invalid token: access token is invalid');
    });

    it('unknown token -> 401', async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { token: 'pit-not-a-real-token-000000' });
      expectError(operationId, res, 401, 'Invalid token: access token is invalid');
    });

    it(`token without ${c.scope} (only ${OTHER_SCOPE[c.scope]}) -> 401`, async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { token: world.only[OTHER_SCOPE[c.scope]] });
      expectError(operationId, res, 401, 'The token is not authorized for this scope.');
    });

    it(`token with only ${c.scope} -> ${c.status}`, async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { token: world.only[c.scope] });
      expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    });

    it(`token of another location (location named in ${c.location}) -> 403`, async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { token: world.otherLocation });
      expectError(operationId, res, 403, 'The token does not have access to this location.');
    });

    if (c.location !== 'contact') {
      it(`A's token naming location B (in ${c.location}) -> 403`, async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        const swap = <T extends Record<string, unknown> | undefined>(o: T): T =>
          (o && 'locationId' in o ? { ...o, locationId: B } : o) as T;
        const moved: Req = { params: swap(req.params), query: swap(req.query), body: swap(req.body) };
        expect(JSON.stringify(moved), 'the request must name location B somewhere').toContain(B);
        const res = await call(operationId, moved);
        expectError(operationId, res, 403, 'The token does not have access to this location.');
      });
    }

    for (const name of op.requiredQuery) {
      it(`query without required ${name} -> 422 naming it`, async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        expect(req.query, 'the valid request must send the required parameter').toHaveProperty(name);
        const { [name]: _dropped, ...rest } = req.query!;
        const res = await call(operationId, { ...req, query: rest });
        expectError(operationId, res, 422);
        expect(res.body.message.some((m: string) => m.startsWith(`${name} `)), JSON.stringify(res.body.message)).toBe(true);
      });
    }

    for (const { name, values } of op.enumQuery) {
      it(`query ${name} outside its enum -> 422`, async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        const res = await call(operationId, { ...req, query: { ...req.query, [name]: 'notAnEnumValue' } });
        expectError(operationId, res, 422);
        expect(res.body.message.some((m: string) => m.includes(name) && values.every((v) => m.includes(v))), JSON.stringify(res.body.message)).toBe(true);
      });
    }

    it('no Version header -> 400', async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { version: null });
      expectError(operationId, res, 400, 'Version header was not found');
    });

    it('Version 1999-01-01 -> 400', async () => {
      const ctx = await c.setup();
      const res = await call(operationId, c.request(ctx), { version: '1999-01-01' });
      expectError(operationId, res, 400, /version/i);
    });

    for (const field of required) {
      it(`body without required ${field} -> 422 naming it`, async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        expect(req.body, 'the valid request must send the required field').toHaveProperty(field);
        const { [field]: _dropped, ...rest } = req.body!;
        const res = await call(operationId, { ...req, body: rest });
        expectError(operationId, res, 422);
        expect(res.body.message.some((m: string) => m.startsWith(`${field} `)), JSON.stringify(res.body.message)).toBe(true);
      });
    }

    for (const field of required) {
      const type = (op.requestSchema?.properties as Json | undefined)?.[field]?.type as string | undefined;
      if (!type || !(type in WRONG_TYPE)) continue;
      it(`body with ${field} not a ${type} -> 422 naming it`, async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        const res = await call(operationId, { ...req, body: { ...req.body, [field]: WRONG_TYPE[type] } });
        expectError(operationId, res, 422);
        expect(res.body.message.some((m: string) => m.startsWith(`${field} `)), JSON.stringify(res.body.message)).toBe(true);
      });
    }

    if (declaresProperties) {
      it('unknown body property -> 422 "property <x> should not exist"', async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        const res = await call(operationId, { ...req, body: { ...req.body, notADocumentedField: 'x' } });
        expectError(operationId, res, 422);
        expect(res.body.message).toContain('property notADocumentedField should not exist');
      });
    }

    if (hasContact) {
      it('unknown contact id -> 400 "Contact not found for id:<id>"', async () => {
        const ctx = await c.setup();
        const req = c.request(ctx);
        const res = await call(operationId, { ...req, params: { ...req.params, contactId: UNKNOWN_CONTACT } });
        expectError(operationId, res, 400, `Contact not found for id:${UNKNOWN_CONTACT}`);
      });
    }
  });
}
