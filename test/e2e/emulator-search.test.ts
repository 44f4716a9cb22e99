import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin, call } from '../helpers/http.js';

/** Search over HTTP: the cursor walk and the page cap, as a client pages through a location. */

let emu: RunningEmulator;
const SAME_TIME = '2026-03-01T12:00:00.000Z';
const N = 12_000;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, rateLimit: { max: 0 } });
  for (let start = 0; start < N; start += 3000) {
    const contacts = Array.from({ length: 3000 }, (_, i) => ({
      email: `walker${start + i}@example.com`,
      tags: (start + i) % 3 === 0 ? ['third'] : [],
      dateAdded: SAME_TIME,
    }));
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts });
  }
}, 60_000);
afterAll(async () => emu.close());

async function walk(body: Record<string, unknown>): Promise<{ ids: string[]; pages: number; totals: Set<number> }> {
  const ids: string[] = [];
  const totals = new Set<number>();
  let searchAfter: unknown;
  let pages = 0;
  for (;;) {
    const r = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 500, ...body, ...(searchAfter ? { searchAfter } : {}) } });
    expect(r.status).toBe(200);
    pages++;
    totals.add(r.body.total);
    const hits = r.body.contacts as Array<{ id: string; searchAfter: unknown[] }>;
    ids.push(...hits.map((h) => h.id));
    if (hits.length < 500) break;
    searchAfter = hits[hits.length - 1]!.searchAfter;
  }
  return { ids, pages, totals };
}

describe('searchAfter walk', () => {
  it(`returns each of ${N} contacts sharing one dateAdded exactly once`, async () => {
    const { ids, pages, totals } = await walk({});
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    expect(pages).toBe(N / 500 + 1);
    expect([...totals]).toEqual([N]);
  });

  it('does the same with a filter and a descending sort', async () => {
    const { ids, totals } = await walk({ filters: [{ field: 'tags', operator: 'eq', value: 'third' }], sort: [{ field: 'dateAdded', direction: 'desc' }] });
    expect(ids).toHaveLength(N / 3);
    expect(new Set(ids).size).toBe(N / 3);
    expect([...totals]).toEqual([N / 3]);
  });

  it('carries [dateAddedMs, id] as the default cursor', async () => {
    const r = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 1 } });
    const hit = r.body.contacts[0];
    expect(hit.searchAfter).toEqual([Date.parse(SAME_TIME), hit.id]);
    expect(hit.dateAdded).toBe(SAME_TIME);
  });
});

describe('page paging', () => {
  it('reaches 10,000 records with page x pageLimit and refuses past the cap with 422', async () => {
    const last = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 500, page: 20 } });
    expect(last.status).toBe(200);
    expect(last.body.contacts).toHaveLength(500);
    const past = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 500, page: 21 } });
    expect(past.status).toBe(422);
    expect(Array.isArray(past.body.message)).toBe(true);
    expect(past.body.message.join(' ')).toMatch(/10,?000/);
  });

  it('refuses page together with searchAfter, and a pageLimit over 500', async () => {
    const both = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 10, page: 1, searchAfter: [1, 'x'] } });
    expect(both.status).toBe(422);
    const big = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 501 } });
    expect(big.status).toBe(422);
  });

  it('answers an unknown filter field with 400 Invalid field', async () => {
    const r = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 10, filters: [{ field: 'contact_name', operator: 'eq', value: 'x' }] } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, message: 'Invalid field contact_name', error: 'Bad Request' });
  });
});

describe('thin hits (searchHitOmit)', () => {
  it('leaves the named keys out of every hit, not out of GET; PATCH /config sets it, a bad list is a 400', async () => {
    const other = await startEmulator({ port: 0, rateLimit: { max: 0 }, searchHitOmit: ['dndSettings'] });
    try {
      const made = await call(other, 'POST', '/contacts/', { body: { locationId: other.locationId, firstName: 'Ann', email: 'ann@example.com', dndSettings: { SMS: { status: 'permanent' } } } });
      expect(made.status).toBe(201);
      const id = made.body.contact.id as string;
      const hit = async (): Promise<Record<string, unknown>> =>
        (await call(other, 'POST', '/contacts/search', { body: { locationId: other.locationId, pageLimit: 10 } })).body.contacts[0];
      expect(await hit()).not.toHaveProperty('dndSettings');
      expect((await call(other, 'GET', `/contacts/${id}`)).body.contact.dndSettings).toEqual({ SMS: { status: 'permanent' } });

      expect((await admin(other, 'PATCH', '/config', { searchHitOmit: ['firstNameRaw'] })).searchHitOmit).toEqual(['firstNameRaw']);
      const h = await hit();
      expect(h.dndSettings).toEqual({ SMS: { status: 'permanent' } });
      expect(h).not.toHaveProperty('firstNameRaw');
      expect(h.firstNameLowerCase).toBe('ann');
      await expect(admin(other, 'PATCH', '/config', { searchHitOmit: ['searchAfter'] })).rejects.toThrow('searchHitOmit must be a list of hit keys');
      await expect(admin(other, 'PATCH', '/config', { searchHitOmit: 'dndSettings' })).rejects.toThrow('400');
    } finally {
      await other.close();
    }
  });
});
