import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HoopClient } from '../../src/api/client.js';
import { ContactsApi } from '../../src/api/endpoints.js';
import { HoopApiError } from '../../src/api/errors.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin } from '../helpers/http.js';

/**
 * Every fault the emulator injects, on every kind of operation, through the
 * real client over HTTP: the call succeeds or raises a typed error, and the
 * emulator ends with exactly the state one successful call would leave.
 */

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => emu.close());

function newApi(maxAttempts = 6): ContactsApi {
  return new ContactsApi(
    new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: emu.locationId, retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts }, timeoutMs: 5_000 }),
  );
}

interface Seeded {
  id: string;
}

async function seedContact(): Promise<Seeded> {
  const r = await admin<{ ids: string[] }>(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: [{ email: 'seeded@example.com', firstName: 'Seeded', tags: ['existing'] }],
  });
  return { id: r.ids[0]! };
}

async function state(): Promise<Array<{ id: string; email?: string; tags: string[]; notes: unknown[]; tasks: unknown[]; firstName?: string }>> {
  return (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts;
}

interface OperationCase {
  name: string;
  operation: string;
  run: (api: ContactsApi, seeded: Seeded) => Promise<unknown>;
  check: (contacts: Awaited<ReturnType<typeof state>>, seeded: Seeded) => void;
}

const OPERATIONS: OperationCase[] = [
  {
    name: 'read (get contact)',
    operation: 'get-contact',
    run: (api, s) => api.getContact(s.id),
    check: (cs) => expect(cs).toHaveLength(1),
  },
  {
    name: 'upsert',
    operation: 'upsert-contact',
    run: (api) => api.upsertContact({ email: 'new@example.com', firstName: 'New' }),
    check: (cs) => expect(cs.filter((c) => c.email === 'new@example.com')).toHaveLength(1),
  },
  {
    name: 'update (PUT)',
    operation: 'update-contact',
    run: (api, s) => api.updateContact(s.id, { firstName: 'Renamed' }),
    check: (cs) => expect(cs.map((c) => c.firstName)).toEqual(['Renamed']),
  },
  {
    name: 'add tags',
    operation: 'add-tags',
    run: (api, s) => api.addTags(s.id, ['added']),
    check: (cs) => expect(cs[0]!.tags).toEqual(['existing', 'added']),
  },
  {
    name: 'bulk tags',
    operation: 'create-association',
    run: (api, s) => api.bulkTags('add', [s.id], ['bulk']),
    check: (cs) => expect(cs[0]!.tags).toEqual(['existing', 'bulk']),
  },
  {
    name: 'create contact',
    operation: 'create-contact',
    run: (api) => api.createContact({ email: 'created@example.com', firstName: 'Created' }),
    check: (cs) => expect(cs.filter((c) => c.email === 'created@example.com')).toHaveLength(1),
  },
  {
    name: 'create note',
    operation: 'create-note',
    run: (api, s) => api.createNote(s.id, { body: 'Called back on Monday.' }),
    check: (cs) => expect(cs[0]!.notes).toHaveLength(1),
  },
  {
    name: 'create task',
    operation: 'create-task',
    run: (api, s) => api.createTask(s.id, { title: 'Send the quote', dueDate: '2026-12-01T10:00:00Z', completed: false }),
    check: (cs) => expect(cs[0]!.tasks).toHaveLength(1),
  },
];

const FAULTS = ['status=503', 'drop', 'ambiguous', 'ambiguous=drop', '429', 'latency=30'];

beforeEach(async () => {
  await admin(emu, 'POST', '/reset', { rateLimit: { max: 100, intervalMs: 1_000, retryAfter: true } });
});

describe.each(FAULTS)('fault %s', (fault) => {
  it.each(OPERATIONS)('$name: succeeds once, leaving exactly one effect', async (op) => {
    const seeded = await seedContact();
    await admin(emu, 'POST', '/faults', { faults: [{ fault, count: 1, operation: op.operation }] });
    const api = newApi();
    await expect(op.run(api, seeded)).resolves.toBeDefined();
    op.check(await state(), seeded);
    const stats = await admin(emu, 'GET', '/config');
    expect(stats.pendingFaults).toBe(0);
  });
});

describe('429 without Retry-After', () => {
  it.each(OPERATIONS)('$name: waits for the window and succeeds once', async (op) => {
    await admin(emu, 'PATCH', '/config', { rateLimit: { retryAfter: false } });
    const seeded = await seedContact();
    await admin(emu, 'POST', '/faults', { faults: [{ fault: '429', count: 1, operation: op.operation }] });
    await op.run(newApi(), seeded);
    op.check(await state(), seeded);
  });
});

describe('faults that outlast the retries', () => {
  it.each(OPERATIONS)('$name under persistent 503: a typed UNAVAILABLE error, and no effect', async (op) => {
    const seeded = await seedContact();
    const before = await state();
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'status=503', count: 50, operation: op.operation }] });
    const err = await op.run(newApi(3), seeded).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HoopApiError);
    expect((err as HoopApiError).code).toBe('UNAVAILABLE');
    expect((err as HoopApiError).message).toContain('after 3 attempts');
    await admin(emu, 'DELETE', '/faults');
    expect(await state()).toEqual(before);
  });

  it('an ambiguous create repeated on every attempt still makes one contact', async () => {
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'ambiguous', count: 50, operation: 'create-contact' }] });
    const r = await newApi(3).createContact({ email: 'once@example.com' });
    expect(r.contact.email).toBe('once@example.com');
    expect((await state()).filter((c) => c.email === 'once@example.com')).toHaveLength(1);
  });

  it('a create without email or phone is not sent again after an ambiguous failure: it fails typed, never duplicates', async () => {
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'ambiguous=drop', count: 1, operation: 'create-contact' }] });
    const err = await newApi()
      .createContact({ firstName: 'Nameonly' })
      .then(
        () => undefined,
        (e: unknown) => e as HoopApiError,
      );
    expect(err?.code).toBe('UNAVAILABLE');
    expect(err?.message).toContain('cannot be checked, so it is not sent again');
    expect((await state()).filter((c) => c.firstName === 'Nameonly')).toHaveLength(1);
  });

  it('a persistent 429 ends in a typed RATE_LIMITED error', async () => {
    await admin(emu, 'PATCH', '/config', { rateLimit: { retryAfter: false, intervalMs: 100 } });
    await admin(emu, 'POST', '/faults', { faults: [{ fault: '429', count: 50, operation: 'get-duplicate-contact' }] });
    const err = await newApi(2)
      .getDuplicateContact({ email: 'a@example.com' })
      .then(
        () => undefined,
        (e: unknown) => e as HoopApiError,
      );
    expect(err?.code).toBe('RATE_LIMITED');
  });
});

describe('typed 4xx errors', () => {
  it('maps duplicate, validation, not found, scope and location errors', async () => {
    const api = newApi();
    const a = await api.createContact({ email: 'dupe@example.com' });
    const dup = (await api.createContact({ email: 'DUPE@example.com' }).catch((e: unknown) => e)) as HoopApiError & { contactId?: string; matchingField?: string };
    expect(dup.code).toBe('DUPLICATE');
    expect(dup.contactId).toBe(a.contact.id);
    expect(dup.matchingField).toBe('email');

    const invalid = (await api.createContact({ email: 'nope' }).catch((e: unknown) => e)) as HoopApiError & { messages?: string[] };
    expect(invalid.code).toBe('VALIDATION');
    expect(invalid.messages).toEqual(['email must be an email']);
    // Refused by the client before sending, with the platform's message; the same body sent as is gets it from the platform.
    expect((invalid as HoopApiError & { local?: boolean }).local).toBe(true);
    const sent = (await api.client
      .call({ operation: 'create-contact', method: 'POST', path: '/contacts/', json: { locationId: emu.locationId, email: 'nope' }, safety: 'safe' })
      .catch((e: unknown) => e)) as HoopApiError & { messages?: string[]; local?: boolean };
    expect({ code: sent.code, status: sent.status, messages: sent.messages, local: sent.local }).toEqual({ code: 'VALIDATION', status: 422, messages: ['email must be an email'], local: false });

    const missing = (await api.getContact('abcdefghij0123456789').catch((e: unknown) => e)) as HoopApiError;
    expect(missing.code).toBe('NOT_FOUND');

    const readOnly = await admin(emu, 'POST', '/tokens', { locationId: emu.locationId, scopes: ['contacts.readonly'] });
    const ro = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: readOnly.token, locationId: emu.locationId }));
    expect(((await ro.upsertContact({ email: 'x@example.com' }).catch((e: unknown) => e)) as HoopApiError).code).toBe('MISSING_SCOPE');

    const other = await admin(emu, 'POST', '/locations', {});
    const foreign = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: other.location.id }));
    expect(((await foreign.searchContacts({ pageLimit: 1 }).catch((e: unknown) => e)) as HoopApiError).code).toBe('FORBIDDEN_LOCATION');

    const bad = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: 'pit-wrong', locationId: emu.locationId }));
    const unauth = (await bad.getContact(a.contact.id).catch((e: unknown) => e)) as HoopApiError;
    expect(unauth.code).toBe('UNAUTHORIZED');
    expect(Object.keys(unauth)).not.toContain('response');
  });
});

describe('daily budget', () => {
  it('stops cleanly with the requests left and the reset time, then works after the day resets', async () => {
    await admin(emu, 'PATCH', '/config', { rateLimit: { dailyLimit: 5 } });
    const api = newApi();
    const done: number[] = [];
    let stop: HoopApiError | undefined;
    for (let i = 0; i < 10 && !stop; i++) {
      try {
        await api.upsertContact({ email: `d${i}@example.com` });
        done.push(i);
      } catch (e) {
        stop = e as HoopApiError;
      }
    }
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(stop?.code).toBe('DAILY_BUDGET_EXHAUSTED');
    expect(stop?.message).toMatch(/0 requests left; the day resets at \d{4}-\d{2}-\d{2}T/);
    expect((await admin(emu, 'GET', '/stats')).rateLimited).toBe(0);
    await admin(emu, 'POST', '/daily-reset');
    // A new client (a resumed job) learns the new budget from the first answer.
    await expect(newApi().upsertContact({ email: 'after@example.com' })).resolves.toMatchObject({ new: true });
  });
});
