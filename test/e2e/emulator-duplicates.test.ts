import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin, call } from '../helpers/http.js';

/** Every branch of the duplicate rules, over HTTP (BEHAVIOUR.md section 3). */

let emu: RunningEmulator;
const loc = () => emu.locationId;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, rateLimit: { max: 0 } });
});
afterAll(async () => emu.close());
beforeEach(async () => {
  await admin(emu, 'POST', '/reset');
});

async function setLocation(settings: Record<string, unknown>): Promise<void> {
  await admin(emu, 'PATCH', `/locations/${loc()}`, settings);
}

async function create(body: Record<string, unknown>) {
  return call(emu, 'POST', '/contacts/', { body: { locationId: loc(), ...body } });
}

async function upsert(body: Record<string, unknown>) {
  return call(emu, 'POST', '/contacts/upsert', { body: { locationId: loc(), ...body } });
}

describe('create', () => {
  it('refuses a second contact with the same email (any case) with 400 and meta', async () => {
    const a = await create({ firstName: 'Ann', email: 'ann@example.com' });
    expect(a.status).toBe(201);
    const b = await create({ firstName: 'Ann2', email: 'ANN@Example.com' });
    expect(b.status).toBe(400);
    expect(b.body).toMatchObject({
      statusCode: 400,
      message: 'This location does not allow duplicated contacts.',
      error: 'Bad Request',
      meta: { contactId: a.body.contact.id, matchingField: 'email' },
    });
    expect(typeof b.body.traceId).toBe('string');
  });

  it('refuses the same phone written in another format (matching is on E.164)', async () => {
    const a = await create({ phone: '+1 212-555-0199' });
    const b = await create({ phone: '(212) 555-0199' });
    expect(b.status).toBe(400);
    expect(b.body.meta).toEqual({ contactId: a.body.contact.id, matchingField: 'phone' });
  });

  it('names the first identifier in the location priority order', async () => {
    const a = await create({ email: 'a@example.com' });
    const b = await create({ phone: '+12125550100' });
    const both = { email: 'a@example.com', phone: '+12125550100' };
    expect((await create(both)).body.meta).toEqual({ contactId: a.body.contact.id, matchingField: 'email' });
    await setLocation({ contactUniqueIdentifiers: ['phone', 'email'] });
    expect((await create(both)).body.meta).toEqual({ contactId: b.body.contact.id, matchingField: 'phone' });
  });

  it('ignores fields that are not unique identifiers of the location', async () => {
    await setLocation({ contactUniqueIdentifiers: ['email'] });
    await create({ email: 'x@example.com', phone: '+12125550101' });
    const b = await create({ email: 'y@example.com', phone: '+12125550101' });
    expect(b.status).toBe(201);
  });

  it('creates a second contact when the location allows duplicates', async () => {
    await setLocation({ allowDuplicateContact: true });
    const a = await create({ email: 'dup@example.com' });
    const b = await create({ email: 'dup@example.com' });
    expect(b.status).toBe(201);
    expect(b.body.contact.id).not.toBe(a.body.contact.id);
  });

  it('refuses a contact with no email, phone, first or last name with 422', async () => {
    const r = await create({ companyName: 'Nobody Inc' });
    expect(r.status).toBe(422);
    expect(r.body.message).toEqual(['Contacts without email, phone, firstName and lastName are not allowed.']);
  });
});

describe('update', () => {
  it("refuses taking another contact's email with 400 and meta", async () => {
    const a = await create({ email: 'a@example.com' });
    const b = await create({ email: 'b@example.com' });
    const r = await call(emu, 'PUT', `/contacts/${b.body.contact.id}`, { body: { email: 'A@example.com' } });
    expect(r.status).toBe(400);
    expect(r.body.meta).toEqual({ contactId: a.body.contact.id, matchingField: 'email' });
    const after = await call(emu, 'GET', `/contacts/${b.body.contact.id}`);
    expect(after.body.contact.email).toBe('b@example.com');
  });

  it("refuses taking another contact's phone", async () => {
    const a = await create({ phone: '+12125550111' });
    const b = await create({ phone: '+12125550112' });
    const r = await call(emu, 'PUT', `/contacts/${b.body.contact.id}`, { body: { phone: '212 555 0111' } });
    expect(r.status).toBe(400);
    expect(r.body.meta).toEqual({ contactId: a.body.contact.id, matchingField: 'phone' });
  });

  it('lets a contact keep or re-case its own email', async () => {
    const a = await create({ email: 'self@example.com' });
    const r = await call(emu, 'PUT', `/contacts/${a.body.contact.id}`, { body: { email: 'Self@Example.com', firstName: 'Me' } });
    expect(r.status).toBe(200);
    expect(r.body.contact).toMatchObject({ email: 'Self@Example.com', emailLowerCase: 'self@example.com', firstName: 'Me' });
  });
});

describe('upsert', () => {
  it('creates when nothing matches, then updates the same contact (200 both times)', async () => {
    const a = await upsert({ email: 'u@example.com', firstName: 'U' });
    expect(a.status).toBe(200);
    expect(a.body.new).toBe(true);
    const b = await upsert({ email: 'U@EXAMPLE.COM', lastName: 'Later' });
    expect(b.status).toBe(200);
    expect(b.body.new).toBe(false);
    expect(b.body.contact).toMatchObject({ id: a.body.contact.id, firstName: 'U', lastName: 'Later' });
  });

  it('matches on phone when the email is new, and adds the email', async () => {
    const a = await upsert({ phone: '+12125550120' });
    const b = await upsert({ phone: '2125550120', email: 'new@example.com' });
    expect(b.body).toMatchObject({ new: false, contact: { id: a.body.contact.id, email: 'new@example.com' } });
  });

  it('email of A with phone of B: updates A and silently drops the phone', async () => {
    const a = await create({ email: 'a@example.com', phone: '+12125550130' });
    const b = await create({ email: 'b@example.com', phone: '+12125550131' });
    const r = await upsert({ email: 'a@example.com', phone: '+12125550131', firstName: 'Alice' });
    expect(r.status).toBe(200);
    expect(r.body.new).toBe(false);
    expect(r.body.contact).toMatchObject({ id: a.body.contact.id, firstName: 'Alice', phone: '+12125550130' });
    const bAfter = await call(emu, 'GET', `/contacts/${b.body.contact.id}`);
    expect(bAfter.body.contact.phone).toBe('+12125550131');
  });

  it('with phone first in priority, phone of B with email of A updates B and drops the email', async () => {
    await setLocation({ contactUniqueIdentifiers: ['phone', 'email'] });
    const a = await create({ email: 'a@example.com' });
    const b = await create({ phone: '+12125550140' });
    const r = await upsert({ email: 'a@example.com', phone: '+12125550140', lastName: 'B' });
    expect(r.body.contact).toMatchObject({ id: b.body.contact.id, lastName: 'B' });
    expect(r.body.contact.email).toBeUndefined();
    expect((await call(emu, 'GET', `/contacts/${a.body.contact.id}`)).body.contact.email).toBe('a@example.com');
  });

  it('replaces every tag when tags are sent (the overwrite trap)', async () => {
    const a = await create({ email: 't@example.com', tags: ['Old', 'keep'] });
    expect(a.body.contact.tags).toEqual(['old', 'keep']);
    const r = await upsert({ email: 't@example.com', tags: ['  New ', 'new'] });
    expect(r.body.contact.tags).toEqual(['new']);
  });

  it('needs an email or a phone: 400 otherwise, even with a name', async () => {
    const r = await upsert({ firstName: 'Only', name: 'Only Name' });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Pass at least one of number, email query parameter');
  });

  it('createNewIfDuplicateAllowed creates a duplicate only when the location allows it', async () => {
    const a = await upsert({ email: 'c@example.com' });
    const same = await upsert({ email: 'c@example.com', createNewIfDuplicateAllowed: true });
    expect(same.body).toMatchObject({ new: false, contact: { id: a.body.contact.id } });
    await setLocation({ allowDuplicateContact: true });
    const dup = await upsert({ email: 'c@example.com', createNewIfDuplicateAllowed: true });
    expect(dup.body.new).toBe(true);
    expect(dup.body.contact.id).not.toBe(a.body.contact.id);
    const plain = await upsert({ email: 'c@example.com' });
    expect(plain.body).toMatchObject({ new: false, contact: { id: a.body.contact.id } });
  });
});

describe('GET /contacts/search/duplicate', () => {
  it('finds by email (any case) and by E.164 number, and answers {contact: null} otherwise', async () => {
    const a = await create({ email: 'd@example.com', phone: '+12125550150' });
    const q = (p: Record<string, string>) => call(emu, 'GET', `/contacts/search/duplicate?${new URLSearchParams({ locationId: loc(), ...p })}`);
    expect((await q({ email: 'D@example.com' })).body.contact.id).toBe(a.body.contact.id);
    expect((await q({ number: '+12125550150' })).body.contact.id).toBe(a.body.contact.id);
    expect((await q({ number: '2125550150' })).body.contact).toBeNull();
    expect((await q({ email: 'none@example.com' })).body).toMatchObject({ contact: null });
    const none = await q({});
    expect(none.status).toBe(400);
    expect(none.body.message).toBe('Pass at least one of number, email query parameter');
  });

  it('returns the oldest contact when duplicates are allowed and several match', async () => {
    await setLocation({ allowDuplicateContact: true });
    const first = await create({ email: 'many@example.com' });
    await create({ email: 'many@example.com' });
    const r = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${loc()}&email=many%40example.com`);
    expect(r.body.contact.id).toBe(first.body.contact.id);
  });
});

describe('normalisation', () => {
  it('stores E.164 phones (location country for numbers without +), lower-case copies and trimmed unique tags', async () => {
    const r = await create({ firstName: 'Émile', lastName: 'Zola', email: 'Emile.Zola@Example.FR', phone: '(212) 555-0160', tags: [' VIP ', 'vip', '', 'Paris'] });
    expect(r.body.contact).toMatchObject({
      phone: '+12125550160',
      email: 'Emile.Zola@Example.FR',
      emailLowerCase: 'emile.zola@example.fr',
      firstNameLowerCase: 'émile',
      lastNameLowerCase: 'zola',
      fullNameLowerCase: 'émile zola',
      tags: ['vip', 'paris'],
    });
  });

  it('parses phones with the location country', async () => {
    await setLocation({ country: 'DE' });
    const r = await create({ phone: '030 1234567' });
    expect(r.body.contact.phone).toBe('+49301234567');
  });

  it('refuses an unparsable phone and an invalid email with 422', async () => {
    const r = await create({ phone: '12', email: 'not-an-email' });
    expect(r.status).toBe(422);
    expect(r.body.message).toEqual(['email must be an email', 'phone must be a valid phone number']);
  });
});
