import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin, call } from '../helpers/http.js';

/** Each fault is observable by an ordinary HTTP client; an ambiguous failure leaves the write applied. */

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, rateLimit: { max: 0 } });
});
afterAll(async () => emu.close());
beforeEach(async () => {
  await admin(emu, 'POST', '/reset');
});

const upsertBody = (email: string) => ({ locationId: emu.locationId, email, firstName: 'Faulty' });
const contactsIn = async () => (await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`)).contacts as Array<{ email?: string }>;

async function expectDropped(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as Error & { cause?: { code?: string } },
  );
  expect(err, 'the request should fail at the socket').toBeInstanceOf(Error);
  expect(['UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CLOSED']).toContain(err!.cause?.code);
}

describe('per-request fault header', () => {
  it('status=503 answers 503 in the platform error shape and applies nothing', async () => {
    const r = await call(emu, 'POST', '/contacts/upsert', { body: upsertBody('s@example.com'), headers: { 'x-emulator-fault': 'status=503' } });
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(await contactsIn()).toHaveLength(0);
  });

  it('drop closes the socket before any response and applies nothing', async () => {
    await expectDropped(call(emu, 'POST', '/contacts/upsert', { body: upsertBody('d@example.com'), headers: { 'x-emulator-fault': 'drop' } }));
    expect(await contactsIn()).toHaveLength(0);
  });

  it('ambiguous answers 502 although the write was applied', async () => {
    const r = await call(emu, 'POST', '/contacts/upsert', { body: upsertBody('a@example.com'), headers: { 'x-emulator-fault': 'ambiguous' } });
    expect(r.status).toBe(502);
    const after = await contactsIn();
    expect(after.map((c) => c.email)).toEqual(['a@example.com']);
  });

  it('ambiguous=drop closes the socket although the write was applied', async () => {
    const c = await call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, email: 'n@example.com' } });
    await expectDropped(
      call(emu, 'POST', `/contacts/${c.body.contact.id}/notes`, { body: { body: 'hello' }, headers: { 'x-emulator-fault': 'ambiguous=drop' } }),
    );
    const notes = await call(emu, 'GET', `/contacts/${c.body.contact.id}/notes`);
    expect(notes.body.notes.map((n: { body: string }) => n.body)).toEqual(['hello']);
  });

  it('429 answers Too Many Requests with the rate headers although the limit is not reached', async () => {
    const r = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`, { headers: { 'x-emulator-fault': '429' } });
    expect(r.status).toBe(429);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(r.headers.get('retry-after')).not.toBeNull();
  });

  it('latency delays the answer by at least the given time', async () => {
    const t0 = performance.now();
    const r = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`, { headers: { 'x-emulator-fault': 'latency=200' } });
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(195);
  });

  it('an unknown fault is a 400 that names the fault', async () => {
    const r = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`, { headers: { 'x-emulator-fault': 'explode' } });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain("unknown fault 'explode'");
  });
});

describe('scripted plan and rates', () => {
  it('serves planned faults to matching operations only, in order, then stops', async () => {
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'status=500', count: 2, operation: 'upsert-contact' }] });
    const dup = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`);
    expect(dup.status).toBe(200);
    const s1 = await call(emu, 'POST', '/contacts/upsert', { body: upsertBody('p@example.com') });
    const s2 = await call(emu, 'POST', '/contacts/upsert', { body: upsertBody('p@example.com') });
    const s3 = await call(emu, 'POST', '/contacts/upsert', { body: upsertBody('p@example.com') });
    expect([s1.status, s2.status, s3.status]).toEqual([500, 500, 200]);
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.faults.status).toBe(2);
    expect(stats.byOperation['upsert-contact']).toBe(3);
  });

  it('a fail rate of 1 fails every request; the same seed replays the same faults', async () => {
    await admin(emu, 'PATCH', '/config', { faults: { failRate: 1 } });
    const r = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`);
    expect([500, 502, 503, 504]).toContain(r.status);

    const run = async () => {
      await admin(emu, 'PATCH', '/config', { faults: { failRate: 0.3, dropRate: 0, seed: 42 } });
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`)).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.some((s) => s !== 200)).toBe(true);
    expect(a.some((s) => s === 200)).toBe(true);
  });
});
