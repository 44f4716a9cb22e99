import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HoopClient } from '../../src/api/client.js';
import { ContactsApi } from '../../src/api/endpoints.js';
import { RateGovernor } from '../../src/api/rate-governor.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { admin } from '../helpers/http.js';

/**
 * Many callers, one location budget: the governor keeps what arrives in any
 * window at or under the limit (the emulator counts arrivals, refused ones
 * too) and 429s under 1%. Two locations keep two budgets.
 */

let emu: RunningEmulator;
const LIMIT = 20;
const INTERVAL = 1_000;
const RUN_MS = 10_000;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => emu.close());
beforeEach(async () => {
  await admin(emu, 'POST', '/reset', { rateLimit: { max: LIMIT, intervalMs: INTERVAL, dailyLimit: 200_000 } });
});

/** `callers` loops sharing one client, each reading until the deadline. */
async function drive(api: ContactsApi, callers: number, deadline: number): Promise<number> {
  let calls = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (Date.now() < deadline) {
        await api.getDuplicateContact({ email: 'nobody@example.com' });
        calls++;
      }
    }),
  );
  return calls;
}

describe('rate governor against the emulator', () => {
  it(`20 concurrent callers on one location at ${LIMIT} per ${INTERVAL} ms for ${RUN_MS / 1000} s: under 1% 429s, never more than the limit in a window`, async () => {
    const api = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: emu.locationId }));
    const calls = await drive(api, 20, Date.now() + RUN_MS);
    const stats = await admin(emu, 'GET', '/stats');
    expect(calls).toBeGreaterThan(0);
    expect(stats.requests).toBe(api.client.stats.requests);
    expect(stats.rateLimited / stats.requests).toBeLessThan(0.01);
    // The emulator's peak counts refused arrivals too, and a 429 means the window already held
    // the limit: each 429 allowed above adds one to the peak, and nothing else may.
    expect(stats.windowPeaks[emu.locationId]).toBeLessThanOrEqual(LIMIT + stats.rateLimited);
    // Every caller got through: the budget was shared, not starved.
    expect(calls).toBe(stats.byStatus['200']);
  }, 30_000);

  it('two locations at once each get their own limit', async () => {
    const other = await admin(emu, 'POST', '/locations', {});
    const otherToken = await admin(emu, 'POST', '/tokens', { locationId: other.location.id });
    const governor = new RateGovernor();
    const a = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: emu.locationId, governor }));
    const b = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: otherToken.token, locationId: other.location.id, governor }));
    const deadline = Date.now() + 4_000;
    const [ca, cb] = await Promise.all([drive(a, 10, deadline), drive(b, 10, deadline)]);
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.rateLimited).toBeLessThanOrEqual(1);
    // Peaks count refused arrivals too (see above): the one 429 allowed is the only excess.
    expect(stats.windowPeaks[emu.locationId]).toBeLessThanOrEqual(LIMIT + stats.rateLimited);
    expect(stats.windowPeaks[other.location.id]).toBeLessThanOrEqual(LIMIT + stats.rateLimited);
    // Each location filled its own windows: together they sent more than one location's limit allows.
    const oneLocationMax = LIMIT * Math.ceil(4_000 / INTERVAL + 1);
    expect(ca + cb).toBeGreaterThan(oneLocationMax);
    expect(stats.windowPeaks[emu.locationId]).toBeGreaterThan(LIMIT / 2);
    expect(stats.windowPeaks[other.location.id]).toBeGreaterThan(LIMIT / 2);
  }, 30_000);

  it('leaves room for another client sharing the budget (X-RateLimit-Remaining lower than expected)', async () => {
    const api = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: emu.locationId }));
    const deadline = Date.now() + 3_000;
    // Another process on the same location: a plain caller at a steady pace, outside our governor.
    const outsider = (async () => {
      let n = 0;
      while (Date.now() < deadline) {
        await fetch(`${emu.url}/contacts/search/duplicate?locationId=${emu.locationId}&email=x%40y.co`, {
          headers: { authorization: `Bearer ${emu.token}`, version: '2021-07-28' },
        });
        n++;
        await new Promise((r) => setTimeout(r, 100));
      }
      return n;
    })();
    const ours = await drive(api, 10, deadline);
    const theirs = await outsider;
    // The outsider is not governed: its requests land at moments our client cannot know, so a
    // request of ours sent into a slot the outsider takes a moment later meets a 429. Each 429
    // pauses the location, so there is no storm: a storm would be most requests refused.
    expect(ours).toBeGreaterThan(0);
    expect(theirs).toBeGreaterThan(0);
    expect(api.client.stats.rateLimited / api.client.stats.requests).toBeLessThan(0.25);
    // The client learned of the outsider from X-RateLimit-Remaining and left it room.
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.byStatus['200']).toBeGreaterThan(ours);
  }, 30_000);
});
