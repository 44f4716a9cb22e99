import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin, call } from '../helpers/http.js';

let emu: RunningEmulator;
let clock = Date.UTC(2026, 5, 1);

beforeAll(async () => {
  emu = await startEmulator({ port: 0, rateLimit: { max: 0 }, now: () => clock });
});
afterAll(async () => emu.close());
beforeEach(async () => {
  await admin(emu, 'POST', '/reset');
});

describe('custom fields', () => {
  async function define(name: string, dataType: string) {
    const r = await call(emu, 'POST', `/locations/${emu.locationId}/customFields`, { body: { name, dataType } });
    expect(r.status).toBe(201);
    return r.body.customField as { id: string; fieldKey: string };
  }

  it('accepts values by id or key (with or without contact.) under field_value, fieldValue or value, and reads back [{id, value}]', async () => {
    const pin = await define('Pin Code', 'TEXT');
    const score = await define('Lead Score', 'NUMERICAL');
    const colours = await define('Colours', 'MULTIPLE_OPTIONS');
    expect(pin.fieldKey).toBe('contact.pin_code');
    const r = await call(emu, 'POST', '/contacts/', {
      body: {
        locationId: emu.locationId,
        email: 'cf@example.com',
        customFields: [
          { id: pin.id, field_value: '560001' },
          { key: 'lead_score', fieldValue: 42 },
          { key: 'contact.colours', value: ['red', 'blue'] },
        ],
      },
    });
    expect(r.status).toBe(201);
    const got = await call(emu, 'GET', `/contacts/${r.body.contact.id}`);
    expect(got.body.contact.customFields).toEqual([
      { id: pin.id, value: '560001' },
      { id: score.id, value: 42 },
      { id: colours.id, value: ['red', 'blue'] },
    ]);
    // Writing one field leaves the others; a blank value clears it.
    const upd = await call(emu, 'PUT', `/contacts/${r.body.contact.id}`, { body: { customFields: [{ id: pin.id, field_value: '' }, { id: score.id, field_value: '7' }] } });
    expect(upd.body.contact.customFields).toEqual([
      { id: score.id, value: 7 },
      { id: colours.id, value: ['red', 'blue'] },
    ]);
  });

  it('refuses an unknown field, a non-number for NUMERICAL, and an item with neither id nor key', async () => {
    await define('Lead Score', 'NUMERICAL');
    const bad = async (item: Record<string, unknown>) =>
      call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, email: 'x@example.com', customFields: [item] } });
    const unknown = await bad({ key: 'nope', field_value: 'x' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message[0]).toContain('unknown custom field (nope)');
    const nan = await bad({ key: 'lead_score', field_value: 'lots' });
    expect(nan.status).toBe(422);
    expect(nan.body.message[0]).toContain('must be a number');
    const neither = await bad({ field_value: 'x' });
    expect(neither.status).toBe(422);
    expect(neither.body.message).toContain('customFields.0.id should not be empty');
  });

  it('lists definitions with fieldKey and dataType, and gets one by id', async () => {
    const d = await define('Birthday Club', 'DATE');
    const list = await call(emu, 'GET', `/locations/${emu.locationId}/customFields?model=contact`);
    expect(list.body.customFields).toEqual([expect.objectContaining({ id: d.id, name: 'Birthday Club', fieldKey: 'contact.birthday_club', dataType: 'DATE', model: 'contact' })]);
    const one = await call(emu, 'GET', `/locations/${emu.locationId}/customFields/${d.id}`);
    expect(one.body.customField.id).toBe(d.id);
  });
});

describe('search-index lag', () => {
  it('hides writes from /contacts/search until the lag has passed, while GET by id is never stale', async () => {
    await admin(emu, 'PATCH', '/config', { searchLagMs: 5_000 });
    const c = await call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, email: 'lag@example.com', tags: ['one'] } });
    const id = c.body.contact.id;
    const search = () => call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 10 } });
    expect((await search()).body.total).toBe(0);
    expect((await call(emu, 'GET', `/contacts/${id}`)).status).toBe(200);
    clock += 4_999;
    expect((await search()).body.total).toBe(0);
    clock += 1;
    const seen = await search();
    expect(seen.body.contacts.map((h: { id: string; tags: string[] }) => [h.id, h.tags])).toEqual([[id, ['one']]]);

    await call(emu, 'POST', `/contacts/${id}/tags`, { body: { tags: ['two'] } });
    expect((await search()).body.contacts[0].tags).toEqual(['one']);
    clock += 5_000;
    expect((await search()).body.contacts[0].tags).toEqual(['one', 'two']);

    await call(emu, 'DELETE', `/contacts/${id}`);
    expect((await search()).body.total).toBe(1);
    expect((await call(emu, 'GET', `/contacts/${id}`)).status).toBe(400);
    clock += 5_000;
    expect((await search()).body.total).toBe(0);
  });
});
