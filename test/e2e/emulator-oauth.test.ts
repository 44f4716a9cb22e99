/**
 * The emulator's OAuth 2.0 half (BEHAVIOUR.md section 10, decision note
 * 0014): the token endpoint with both grants and client authentication,
 * single-use codes, rotating refresh tokens, expiry on an injected clock,
 * Company → Location tokens, the installed-locations and location-search
 * routes, the rate budget per (app, location), the CLI's lines and the
 * official SDK's OAuth helpers. Everything over real HTTP.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HighLevel } from '@gohighlevel/api-client';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { loadOAuthSpec } from '../../src/platform/openapi/spec.js';
import { CLI, e2eHarness } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

const h = e2eHarness('emulator-oauth');
const VERSION = '2021-07-28';
const spec = loadOAuthSpec();

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
  userType: 'Company' | 'Location';
  companyId: string;
  locationId?: string;
  approvedLocations?: string[];
  userId: string;
  traceId?: string;
}

interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A form POST, as the platform's token endpoint takes it. */
async function form<T = any>(emu: RunningEmulator, path: string, fields: Record<string, string>, opts: { token?: string; contentType?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' };
  if (opts.token) {
    headers.authorization = `Bearer ${opts.token}`;
    headers.version = VERSION;
  }
  const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as T) : (undefined as T), headers: res.headers };
}

function creds(emu: RunningEmulator): { client_id: string; client_secret: string } {
  return { client_id: emu.oauth.clientId, client_secret: emu.oauth.clientSecret };
}

async function code(emu: RunningEmulator, consent: Record<string, unknown>): Promise<string> {
  return (await admin<{ code: string }>(emu, 'POST', '/oauth/authorize', consent)).code;
}

async function exchange(emu: RunningEmulator, consent: Record<string, unknown>): Promise<Answer<TokenAnswer>> {
  return form<TokenAnswer>(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: await code(emu, consent) });
}

async function refresh(emu: RunningEmulator, refreshToken: string, userType = 'Location'): Promise<Answer<TokenAnswer>> {
  return form<TokenAnswer>(emu, '/oauth/token', { ...creds(emu), grant_type: 'refresh_token', refresh_token: refreshToken, user_type: userType });
}

const oauthStats = async (emu: RunningEmulator) => (await admin<{ oauth: Record<string, number> }>(emu, 'GET', '/stats')).oauth;

function expectSpec(operationId: string, r: Answer): void {
  expect(spec.validateResponse(operationId, r.status, r.body), `${operationId} ${r.status} ${JSON.stringify(r.body)}`).toEqual([]);
}

describe('POST /oauth/token', () => {
  it('authorization_code gives a Location token that reaches its location, in the spec shape', async () => {
    const emu = await h.emulator({ locations: 2 });
    const r = await exchange(emu, { userType: 'Location', locationId: emu.locations[1]!.locationId });
    expect(r.status).toBe(200);
    expectSpec('get-access-token', r);
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86399,
      userType: 'Location',
      companyId: emu.companyId,
      locationId: 'hoopDemoLocation0002',
    });
    expect(r.body.scope.split(' ')).toContain('contacts.write');
    expect(r.body.access_token).not.toBe(r.body.refresh_token);
    const created = await call(emu, 'POST', '/contacts/', { token: r.body.access_token, body: { locationId: 'hoopDemoLocation0002', email: 'oauth@example.com' } });
    expect(created.status).toBe(201);
    // Its location only: the first location is another one.
    const other = await call(emu, 'POST', '/contacts/', { token: r.body.access_token, body: { locationId: emu.locationId, email: 'x@example.com' } });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('The token does not have access to this location.');
  });

  it('a code is single use, and a bad code is invalid_grant', async () => {
    const emu = await h.emulator();
    const c = await code(emu, { userType: 'Location' });
    const first = await form(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: c });
    expect(first.status).toBe(200);
    const again = await form(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: c });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ statusCode: 400, message: 'Invalid grant: authorization code is invalid' });
    const unknown = await form(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: 'nope' });
    expect(unknown.status).toBe(400);
    expect((await oauthStats(emu)).invalidGrant).toBe(2);
  });

  it('client authentication: a wrong secret or client is 401, missing fields are 400 naming the field, JSON is refused', async () => {
    const emu = await h.emulator();
    const c = await code(emu, { userType: 'Location' });
    const wrong = await form(emu, '/oauth/token', { client_id: emu.oauth.clientId, client_secret: 'not-the-secret', grant_type: 'authorization_code', code: c });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-secret');
    expect(JSON.stringify(wrong.body)).not.toContain(emu.oauth.clientSecret);
    const otherClient = await form(emu, '/oauth/token', { client_id: 'abc-def', client_secret: emu.oauth.clientSecret, grant_type: 'authorization_code', code: c });
    expect(otherClient.status).toBe(401);
    const missing = await form(emu, '/oauth/token', { client_id: emu.oauth.clientId, grant_type: 'authorization_code', code: c });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('Missing parameter: client_secret');
    const badGrant = await form(emu, '/oauth/token', { ...creds(emu), grant_type: 'password' });
    expect(badGrant.body.message).toBe('Invalid parameter: grant_type');
    const json = await fetch(`${emu.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...creds(emu), grant_type: 'authorization_code', code: c }) });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toMatch(/application\/x-www-form-urlencoded/);
    // The code survived all of that: a failed client authentication does not spend it.
    expect((await form(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: c })).status).toBe(200);
    expect((await oauthStats(emu)).invalidClient).toBe(2);
  });

  it('refresh rotates: new pair, the old refresh token is invalid_grant (counted), the old access token is dead', async () => {
    const emu = await h.emulator();
    const first = (await exchange(emu, { userType: 'Location' })).body;
    const r1 = await refresh(emu, first.refresh_token);
    expect(r1.status).toBe(200);
    expectSpec('get-access-token', r1);
    expect(r1.body.refresh_token).not.toBe(first.refresh_token);
    expect(r1.body.access_token).not.toBe(first.access_token);
    const r2 = await refresh(emu, r1.body.refresh_token);
    expect(r2.status).toBe(200);
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 2, invalidGrant: 0 });

    const reuse = await refresh(emu, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ statusCode: 400, message: 'Invalid grant: refresh token is invalid', error: 'Bad Request' });
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 2, invalidGrant: 1 });

    const old = await call(emu, 'GET', `/contacts/?locationId=${emu.locationId}`, { token: first.access_token });
    expect(old.status).toBe(401);
    expect(old.body).toEqual({ statusCode: 401, message: 'Invalid JWT', traceId: expect.any(String) });
    const current = await call(emu, 'GET', `/contacts/?locationId=${emu.locationId}`, { token: r2.body.access_token });
    expect(current.status).toBe(200);
  });

  it('two concurrent refreshes of one token: exactly one wins, the other is invalid_grant (the race a token store must serialise)', async () => {
    const emu = await h.emulator();
    const t = (await exchange(emu, { userType: 'Location' })).body;
    const answers = await Promise.all([refresh(emu, t.refresh_token), refresh(emu, t.refresh_token), refresh(emu, t.refresh_token)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400]);
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 1, invalidGrant: 2 });
  });

  it('refreshGraceSeconds: a reuse inside the window gets the same pair, after it invalid_grant', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const emu = await h.emulator({ now: () => now, oauth: { refreshGraceSeconds: 5 } });
    const first = (await exchange(emu, { userType: 'Location' })).body;
    const a = await refresh(emu, first.refresh_token);
    now += 4000;
    const b = await refresh(emu, first.refresh_token);
    expect(b.status).toBe(200);
    expect([b.body.access_token, b.body.refresh_token]).toEqual([a.body.access_token, a.body.refresh_token]);
    now += 2000;
    expect((await refresh(emu, first.refresh_token)).status).toBe(400);
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 1, refreshReplays: 1, invalidGrant: 1 });
  });

  it('tokens expire after tokenTtlS on the injected clock: 401 Invalid JWT, then a refresh works', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const emu = await h.emulator({ now: () => now, tokenTtlS: 60 });
    const t = (await exchange(emu, { userType: 'Location' })).body;
    expect(t.expires_in).toBe(60);
    const path = `/contacts/?locationId=${emu.locationId}`;
    now += 59_000;
    expect((await call(emu, 'GET', path, { token: t.access_token })).status).toBe(200);
    now += 1_000;
    const expired = await call(emu, 'GET', path, { token: t.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('Invalid JWT');
    const r = await refresh(emu, t.refresh_token);
    expect(r.status).toBe(200);
    expect((await call(emu, 'GET', path, { token: r.body.access_token })).status).toBe(200);
    expect((await oauthStats(emu)).expiredTokens).toBe(1);
  });

  it('an unknown token is the documented UnauthorizedDTO; a revoked one is Invalid JWT', async () => {
    const emu = await h.emulator();
    const unknown = await call(emu, 'GET', `/contacts/?locationId=${emu.locationId}`, { token: 'emu-at-unknown' });
    expect(unknown.body).toMatchObject({ statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' });
    const t = (await exchange(emu, { userType: 'Location' })).body;
    expect(await admin(emu, 'POST', '/oauth/revoke', { token: t.access_token })).toEqual({ revoked: 'access_token' });
    const revoked = await call(emu, 'GET', `/contacts/?locationId=${emu.locationId}`, { token: t.access_token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.message).toBe('Invalid JWT');
    await admin(emu, 'POST', '/oauth/revoke', { token: t.refresh_token });
    expect((await refresh(emu, t.refresh_token)).status).toBe(400);
  });
});

describe('Company tokens and /oauth/locationToken', () => {
  it('a Company token is refused on contacts, and mints Location tokens for each installed location', async () => {
    const emu = await h.emulator({ companyId: 'agencyCompany0000001', locations: 3 });
    const company = await exchange(emu, { userType: 'Company' });
    expect(company.status).toBe(200);
    expectSpec('get-access-token', company);
    expect(company.body).toMatchObject({ userType: 'Company', companyId: 'agencyCompany0000001' });
    expect(company.body.locationId).toBeUndefined();
    expect(company.body.approvedLocations).toEqual(emu.locations.map((l) => l.locationId).sort());

    const refused = await call(emu, 'GET', `/contacts/?locationId=${emu.locationId}`, { token: company.body.access_token });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('The token is not authorized for this scope.');

    for (const { locationId } of emu.locations) {
      const lt = await form(emu, '/oauth/locationToken', { companyId: emu.companyId, locationId }, { token: company.body.access_token });
      expect(lt.status).toBe(200);
      expectSpec('get-location-access-token', lt);
      expect(lt.body).toMatchObject({ token_type: 'Bearer', expires_in: 86399, locationId, appId: emu.oauth.appId });
      expect(typeof lt.body.refresh_token).toBe('string');
      const list = await call(emu, 'GET', `/contacts/?locationId=${locationId}`, { token: lt.body.access_token });
      expect(list.status).toBe(200);
      // The minted token's refresh token renews it as a Location token.
      const renewed = await refresh(emu, lt.body.refresh_token as string);
      expect(renewed.body).toMatchObject({ userType: 'Location', locationId });
    }
    expect((await oauthStats(emu)).locationTokens).toBe(3);
  });

  it('locationToken refuses Location tokens, PITs, other companies and not-installed locations', async () => {
    const emu = await h.emulator({ locations: 2 });
    const company = (await exchange(emu, { userType: 'Company' })).body.access_token;
    const location = (await exchange(emu, { userType: 'Location' })).body.access_token;
    const body = { companyId: emu.companyId, locationId: emu.locationId };
    for (const token of [location, emu.token]) {
      const r = await form(emu, '/oauth/locationToken', body, { token });
      expect(r.status).toBe(401);
    }
    expect((await form(emu, '/oauth/locationToken', { ...body, companyId: 'someOtherCompany0001' }, { token: company })).status).toBe(403);
    const missing = await form(emu, '/oauth/locationToken', { companyId: emu.companyId }, { token: company });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toEqual(['locationId should not be empty']);
    await admin(emu, 'PATCH', `/oauth/locations/${emu.locations[1]!.locationId}`, { installed: false });
    const notInstalled = await form(emu, '/oauth/locationToken', { ...body, locationId: emu.locations[1]!.locationId }, { token: company });
    expect(notInstalled.status).toBe(400);
    expect(notInstalled.body.message).toBe('Location not found or app not installed');
  });
});

describe('rate budget', () => {
  it('belongs to the (app, location): a refreshed token does not get a fresh budget; a PIT keeps its own', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const emu = await h.emulator({ now: () => now, rateLimit: { max: 3, intervalMs: 10_000 }, oauth: { tokenRequestsPerMinute: 0 } });
    const path = `/contacts/?locationId=${emu.locationId}`;
    const first = (await exchange(emu, { userType: 'Location' })).body;
    for (let i = 0; i < 2; i++) expect((await call(emu, 'GET', path, { token: first.access_token })).status).toBe(200);
    const renewed = (await refresh(emu, first.refresh_token)).body;
    const third = await call(emu, 'GET', path, { token: renewed.access_token });
    expect(third.status).toBe(200);
    expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
    const fourth = await call(emu, 'GET', path, { token: renewed.access_token });
    expect(fourth.status).toBe(429);
    // A token minted through the Company token for the same location shares the bucket too.
    const company = (await exchange(emu, { userType: 'Company' })).body.access_token;
    const minted = await form(emu, '/oauth/locationToken', { companyId: emu.companyId, locationId: emu.locationId }, { token: company });
    expect((await call(emu, 'GET', path, { token: minted.body.access_token })).status).toBe(429);
    // The static token of the location has its own bucket, as before OAuth.
    expect((await call(emu, 'GET', path)).status).toBe(200);
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.windowPeaks[emu.locationId]).toBe(5);
  });

  it('the token endpoint allows 5 requests a minute per (client, resource) by default', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const emu = await h.emulator({ now: () => now, rateLimit: { max: 100 } });
    let t = (await exchange(emu, { userType: 'Location' })).body;
    for (let i = 0; i < 4; i++) {
      const r = await refresh(emu, t.refresh_token);
      expect(r.status).toBe(200);
      t = r.body;
    }
    const limited = await refresh(emu, t.refresh_token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
    now += 60_001;
    // The 429 did not spend the refresh token.
    expect((await refresh(emu, t.refresh_token)).status).toBe(200);
    expect(await oauthStats(emu)).toMatchObject({ tokenRateLimited: 1, invalidGrant: 0 });
  });
});

describe('GET /oauth/installedLocations and GET /locations/search', () => {
  it('installedLocations lists the company with _id, filters and pages; count is every location', async () => {
    const emu = await h.emulator({ locations: 5 });
    const company = (await exchange(emu, { userType: 'Company' })).body.access_token;
    await admin(emu, 'PATCH', `/oauth/locations/${emu.locations[4]!.locationId}`, { installed: false });
    const q = (extra: string) => call(emu, 'GET', `/oauth/installedLocations?companyId=${emu.companyId}&appId=${emu.oauth.appId}${extra}`, { token: company });
    const all = await q('');
    expect(all.status).toBe(200);
    expectSpec('get-installed-location', all);
    expect(all.body.count).toBe(5);
    expect(all.body.locations.map((l: { _id: string }) => l._id)).toEqual(emu.locations.map((l) => l.locationId).sort());
    const installed = await q('&isInstalled=true');
    expect(installed.body.locations).toHaveLength(4);
    expect(installed.body.locations.every((l: { isInstalled: boolean }) => l.isInstalled)).toBe(true);
    const page = await q('&skip=2&limit=2');
    expect(page.body.locations.map((l: { _id: string }) => l._id)).toEqual(all.body.locations.slice(2, 4).map((l: { _id: string }) => l._id));
    expect((await q('&skip=5')).body.locations).toEqual([]);
    const missing = await call(emu, 'GET', `/oauth/installedLocations?companyId=${emu.companyId}`, { token: company });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toEqual(['appId should not be empty']);
    const location = (await exchange(emu, { userType: 'Location' })).body.access_token;
    expect((await call(emu, 'GET', `/oauth/installedLocations?companyId=${emu.companyId}&appId=${emu.oauth.appId}`, { token: location })).status).toBe(401);
    expect((await call(emu, 'GET', `/oauth/installedLocations?companyId=${emu.companyId}&appId=${emu.oauth.appId}`, { token: company, version: null })).status).toBe(400);
  });

  it('locations/search: the Company sees every location sorted by id, pages with skip/limit, desc flips; a Location token sees its own; a PIT gets 403', async () => {
    const emu = await h.emulator({ locations: 3 });
    const company = (await exchange(emu, { userType: 'Company' })).body.access_token;
    const ids = emu.locations.map((l) => l.locationId).sort();
    const all = await call(emu, 'GET', '/locations/search', { token: company });
    expect(all.status).toBe(200);
    expectSpec('search-locations', all);
    expect(all.body.locations.map((l: { id: string }) => l.id)).toEqual(ids);
    expect(all.body.locations[0]).toMatchObject({ name: expect.any(String), country: 'US', timezone: 'America/New_York', settings: { allowDuplicateContact: false } });
    const desc = await call(emu, 'GET', `/locations/search?companyId=${emu.companyId}&order=desc&skip=1&limit=1`, { token: company });
    expect(desc.body.locations.map((l: { id: string }) => l.id)).toEqual([ids[1]]);
    expect((await call(emu, 'GET', '/locations/search?skip=3', { token: company })).body.locations).toEqual([]);
    const byEmail = await call(emu, 'GET', `/locations/search?email=${encodeURIComponent(all.body.locations[2].email)}`, { token: company });
    expect(byEmail.body.locations.map((l: { id: string }) => l.id)).toEqual([ids[2]]);
    const own = (await exchange(emu, { userType: 'Location', locationId: emu.locations[1]!.locationId })).body.access_token;
    expect((await call(emu, 'GET', '/locations/search', { token: own })).body.locations.map((l: { id: string }) => l.id)).toEqual([emu.locations[1]!.locationId]);
    expect((await call(emu, 'GET', '/locations/search')).status).toBe(403);
    expect((await call(emu, 'GET', '/locations/search?companyId=someOtherCompany0001', { token: company })).status).toBe(403);
  });
});

describe('consent URL', () => {
  it('GET /oauth/chooselocation redirects at once to redirect_uri with a code (and state) that the token endpoint takes', async () => {
    const emu = await h.emulator({ companyId: 'agencyCompany0000001', locations: 2 });
    const redirect = 'http://127.0.0.1:53682/callback?x=1';
    const url = `${emu.url}/oauth/chooselocation?${new URLSearchParams({ response_type: 'code', client_id: emu.oauth.clientId, redirect_uri: redirect, scope: 'contacts.readonly oauth.write oauth.readonly', state: 's-123' })}`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe('http://127.0.0.1:53682/callback');
    expect(to.searchParams.get('x')).toBe('1');
    expect(to.searchParams.get('state')).toBe('s-123');
    const c = to.searchParams.get('code')!;
    const wrongRedirect = await form(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: c, redirect_uri: 'http://127.0.0.1:1/other' });
    expect(wrongRedirect.status).toBe(400);
    const t = await form<TokenAnswer>(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: c, redirect_uri: redirect });
    expect(t.status).toBe(200);
    // --company makes the app an agency app: a Company token with the scopes asked for.
    expect(t.body).toMatchObject({ userType: 'Company', companyId: 'agencyCompany0000001', scope: 'contacts.readonly oauth.write oauth.readonly' });
    // The emulator-only user_type and location_id pick a Location token, also under /v2/.
    const v2 = await fetch(`${emu.url}/v2/oauth/chooselocation?${new URLSearchParams({ response_type: 'code', client_id: emu.oauth.clientId, redirect_uri: redirect, user_type: 'Location', location_id: 'hoopDemoLocation0002' })}`, { redirect: 'manual' });
    const c2 = new URL(v2.headers.get('location')!).searchParams.get('code')!;
    const lt = await form<TokenAnswer>(emu, '/oauth/token', { ...creds(emu), grant_type: 'authorization_code', code: c2 });
    expect(lt.body).toMatchObject({ userType: 'Location', locationId: 'hoopDemoLocation0002' });
  });

  it('refuses an unknown client, a missing redirect_uri and unknown scopes with a 400 naming the problem', async () => {
    const emu = await h.emulator();
    const go = (q: Record<string, string>) => fetch(`${emu.url}/oauth/chooselocation?${new URLSearchParams(q)}`, { redirect: 'manual' });
    const base = { response_type: 'code', client_id: emu.oauth.clientId, redirect_uri: 'http://127.0.0.1:9/cb' };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...base, client_id: 'other-client' }, /Unknown client_id other-client/],
      [{ response_type: 'code', client_id: emu.oauth.clientId }, /Missing parameter: redirect_uri/],
      [{ ...base, redirect_uri: 'javascript:alert(1)' }, /absolute http\(s\) URL/],
      [{ ...base, response_type: 'token' }, /response_type must be 'code'/],
      [{ ...base, scope: 'contacts.readonly calendars.write' }, /unknown scopes calendars.write/],
    ];
    for (const [q, message] of cases) {
      const r = await go(q);
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(((await r.json()) as { message: string }).message).toMatch(message);
    }
  });
});

describe('persistence', () => {
  it('with --data, a refresh token issued before a restart still refreshes after it, once', async () => {
    const data = `${h.freshDir('oauth-data')}/state.sqlite`;
    const a = await h.emulator({ data });
    const t = (await exchange(a, { userType: 'Location' })).body;
    const r1 = (await refresh(a, t.refresh_token)).body;
    await a.close();
    const b = await h.emulator({ data });
    expect((await call(b, 'GET', `/contacts/?locationId=${b.locationId}`, { token: r1.access_token })).status).toBe(200);
    expect((await call(b, 'GET', `/contacts/?locationId=${b.locationId}`, { token: t.access_token })).body.message).toBe('Invalid JWT');
    expect((await refresh(b, t.refresh_token)).status).toBe(400);
    expect((await refresh(b, r1.refresh_token)).status).toBe(200);
  });
});

describe('vendored specs', () => {
  it.each(['oauth.openapi.json', 'locations-search.openapi.json'])('src/platform/openapi/%s is byte-identical to ../shared/api', async (f) => {
    const { readFileSync } = await import('node:fs');
    const root = new URL('../../', import.meta.url);
    expect(readFileSync(new URL(`src/platform/openapi/${f}`, root)).equals(readFileSync(new URL(`../shared/api/${f}`, root)))).toBe(true);
  });
});

describe('hoop-etl emulator --company --locations', () => {
  /** The CLI's first `n` stdout lines; the process is left running for the test. */
  async function startCli(args: string[], n: number, env: NodeJS.ProcessEnv = process.env) {
    const child = h.track(spawn(process.execPath, [CLI, 'emulator', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }));
    const lines = await new Promise<string[]>((resolve, reject) => {
      const got: string[] = [];
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (l) => {
        got.push(l);
        if (got.length === n) resolve(got);
      });
      child.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${got.join('\n')}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, lines, exited };
  }

  it('prints the first line as before, one line per further location, then the OAuth client; all of them work', async () => {
    const { child, lines, exited } = await startCli(['--company', 'agencyCompany0000001', '--locations', '3', '--oauth-client-id', 'abc123-def456', '--token-ttl-s', '120'], 4, {
      ...process.env,
      HOOPAI_EMULATOR_OAUTH_CLIENT_SECRET: 'secret-from-env',
    });
    const first = /^HoopAI emulator listening on (http:\/\/127\.0\.0\.1:\d+) location=hoopDemoLocation0001 token=pit-hoop-etl-demo-token$/.exec(lines[0]!);
    expect(first, lines[0]).not.toBeNull();
    expect(lines.slice(1)).toEqual([
      'location=hoopDemoLocation0002 token=pit-hoop-etl-demo-token-2',
      'location=hoopDemoLocation0003 token=pit-hoop-etl-demo-token-3',
      'oauth client_id=abc123-def456 client_secret=secret-from-env',
    ]);
    const url = first![1]!;
    const emu = { url, token: 'pit-hoop-etl-demo-token-3', oauth: { clientId: 'abc123-def456', clientSecret: 'secret-from-env', appId: 'abc123' } } as RunningEmulator;
    expect((await call(emu, 'GET', '/contacts/?locationId=hoopDemoLocation0003')).status).toBe(200);
    const t = await exchange(emu, {});
    expect(t.body).toMatchObject({ userType: 'Company', companyId: 'agencyCompany0000001', expires_in: 120 });
    expect(t.body.approvedLocations).toEqual(['hoopDemoLocation0001', 'hoopDemoLocation0002', 'hoopDemoLocation0003']);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('without the flags: the demo company, one location, the default OAuth client', async () => {
    const { child, lines, exited } = await startCli([], 2);
    expect(lines[1]).toBe('oauth client_id=65f0c0ffee00000000000e01-hoopemu01 client_secret=hoop-emulator-client-secret');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([
    [['--locations', '0'], 'Expected --locations to be an integer from 1 to 9999, got 0'],
    [['--company', 'short'], "Expected --company to be a 20-character [A-Za-z0-9] id, got 'short'"],
    [['--token-ttl-s', '0'], 'Expected --token-ttl-s to be an integer >= 1, got 0'],
    [['--oauth-user-type', 'Agency'], "Expected --oauth-user-type to be Company or Location, got 'Agency'"],
    [['--oauth-client-id', 'no dash'], 'Expected --oauth-client-id to be <appId>-<suffix>'],
  ])('refuses %j with exit 2 and one clear line', (args, message) => {
    const r = spawnSync(process.execPath, [CLI, 'emulator', '--port', '0', ...args], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the official SDK\'s OAuth helpers, unchanged (only the axios baseURL points at the emulator, as in official-sdk.test.ts)', () => {
  it('exchanges a code, mints a location token from the Company session, calls contacts with it, refreshes by hand and by itself', async () => {
    const emu = await h.emulator({ locations: 2, tokenTtlS: 20 });
    const hl = new HighLevel({ clientId: emu.oauth.clientId, clientSecret: emu.oauth.clientSecret, apiVersion: VERSION, logLevel: 'none' });
    hl.getHttpClient().defaults.baseURL = emu.url;

    const company = await hl.oauth.getAccessToken({ client_id: emu.oauth.clientId, client_secret: emu.oauth.clientSecret, grant_type: 'authorization_code', code: await code(emu, { userType: 'Company' }) });
    expect(company).toMatchObject({ userType: 'Company', companyId: emu.companyId, token_type: 'Bearer', expires_in: 20 });
    await hl.getSessionStorage().setSession(emu.companyId, company);

    // The SDK finds the Company token in its session storage by the body's companyId (Agency-Access-Only);
    // its 20 s lifetime is inside the SDK's 30 s margin, so the SDK refreshes it first, by itself.
    const locationId = emu.locations[1]!.locationId;
    const minted = await hl.oauth.getLocationAccessToken({ companyId: emu.companyId, locationId });
    expect(minted).toMatchObject({ locationId, token_type: 'Bearer' });
    // The SDK's type is the older schema without refresh_token (BEHAVIOUR.md 10.3); the answer has it.
    const mintedRefresh = (minted as typeof minted & { refresh_token: string }).refresh_token;
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 1, invalidGrant: 0, locationTokens: 1 });
    expect((await hl.getSessionStorage().getSession(emu.companyId))?.access_token).not.toBe(company.access_token);

    // By hand: the SDK's refreshToken helper rotates the minted location token.
    const renewed = await hl.oauth.refreshToken(mintedRefresh, emu.oauth.clientId, emu.oauth.clientSecret, 'refresh_token', 'Location');
    expect(renewed).toMatchObject({ userType: 'Location', locationId });
    expect(renewed.refresh_token).not.toBe(mintedRefresh);
    await expect(hl.oauth.refreshToken(mintedRefresh, emu.oauth.clientId, emu.oauth.clientSecret, 'refresh_token', 'Location')).rejects.toThrow();
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 2, invalidGrant: 1, locationTokens: 1 });

    // By itself: a session whose token ends within the SDK's 30 s margin (TTL 20 s) is refreshed before the call.
    await hl.getSessionStorage().setSession(locationId, { ...renewed, userType: 'Location', companyId: emu.companyId });
    const found = await hl.contacts.searchContactsAdvanced({ locationId, pageLimit: 1 });
    expect(found).toMatchObject({ total: 0 });
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 3, invalidGrant: 1 });
    const session = await hl.getSessionStorage().getSession(locationId);
    expect(session?.access_token).not.toBe(renewed.access_token);
    // The SDK stored the rotated pair: the old access token is dead, the stored one works.
    expect((await call(emu, 'POST', '/contacts/search', { token: renewed.access_token, body: { locationId, pageLimit: 1 } })).status).toBe(401);
    expect((await call(emu, 'POST', '/contacts/search', { token: session!.access_token, body: { locationId, pageLimit: 1 } })).status).toBe(200);
  });
});

describe('faults and inactive locations on the OAuth routes', () => {
  it('an ambiguous refresh (applied, then 502) leaves the old refresh token spent: the retry is invalid_grant, the pair it lost works', async () => {
    const emu = await h.emulator();
    const t = (await exchange(emu, { userType: 'Location' })).body;
    const r = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-emulator-fault': 'ambiguous' },
      body: new URLSearchParams({ ...creds(emu), grant_type: 'refresh_token', refresh_token: t.refresh_token }).toString(),
    });
    expect(r.status).toBe(502);
    expect((await refresh(emu, t.refresh_token)).status).toBe(400);
    const stats = await admin(emu, 'GET', '/stats');
    expect(stats.oauth).toMatchObject({ refreshes: 1, invalidGrant: 1 });
    expect(stats.faults.ambiguous).toBe(1);
    expect(stats.byOperation['get-access-token']).toBe(3);
  });

  it('scheduled faults by operationId: a 503 and a drop on the token endpoint spend nothing', async () => {
    const emu = await h.emulator();
    const t = (await exchange(emu, { userType: 'Location' })).body;
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'status=503', operation: 'get-access-token' }, { fault: 'drop', operation: 'get-access-token' }] });
    expect((await refresh(emu, t.refresh_token)).status).toBe(503);
    await expect(refresh(emu, t.refresh_token)).rejects.toThrow();
    expect((await refresh(emu, t.refresh_token)).status).toBe(200);
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 1, invalidGrant: 0 });
  });

  it('an inactive location: refresh and locationToken answer 400 Location is not active and the refresh token is kept', async () => {
    const emu = await h.emulator();
    const t = (await exchange(emu, { userType: 'Location' })).body;
    const company = (await exchange(emu, { userType: 'Company' })).body.access_token;
    await admin(emu, 'PATCH', `/oauth/locations/${emu.locationId}`, { active: false });
    const r = await refresh(emu, t.refresh_token);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, message: 'Location is not active' });
    const lt = await form(emu, '/oauth/locationToken', { companyId: emu.companyId, locationId: emu.locationId }, { token: company });
    expect(lt.body).toMatchObject({ statusCode: 400, message: 'Location is not active' });
    await admin(emu, 'PATCH', `/oauth/locations/${emu.locationId}`, { active: true });
    expect((await refresh(emu, t.refresh_token)).status).toBe(200);
    expect(await oauthStats(emu)).toMatchObject({ refreshes: 1, invalidGrant: 0 });
  });
});

describe('admin', () => {
  it('GET /__emulator/oauth shows the app without its secret; reset recreates the further locations and forgets the grants', async () => {
    const emu = await h.emulator({ locations: 3 });
    const shown = await admin(emu, 'GET', '/oauth');
    expect(shown).toMatchObject({ clientId: emu.oauth.clientId, appId: emu.oauth.appId, companyId: emu.companyId, tokenTtlS: 86399, installedLocations: emu.locations.map((l) => l.locationId).sort() });
    expect(JSON.stringify(shown)).not.toContain(emu.oauth.clientSecret);
    const t = (await exchange(emu, { userType: 'Location' })).body;
    await admin(emu, 'PATCH', `/oauth/locations/${emu.locations[2]!.locationId}`, { installed: false });
    await admin(emu, 'POST', '/reset');
    expect((await admin(emu, 'GET', '/locations')).locations.map((l: { id: string }) => l.id).sort()).toEqual(emu.locations.map((l) => l.locationId).sort());
    expect((await call(emu, 'GET', `/contacts/?locationId=${emu.locations[2]!.locationId}`, { token: emu.locations[2]!.token })).status).toBe(200);
    expect((await refresh(emu, t.refresh_token)).status).toBe(400);
    expect((await admin(emu, 'GET', '/oauth')).installedLocations).toHaveLength(3);
    const bad = await fetch(`${emu.url}/__emulator/oauth/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userType: 'Agency' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe("userType must be 'Company' or 'Location', got \"Agency\"");
  });
});
