import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { consentBase, consentUrl, MARKETPLACE_CONSENT_URL, readCallback } from '../../../../src/api/auth/consent-url.js';
import { chooseGrant, grantForAll } from '../../../../src/api/auth/grant-choice.js';
import { appIdOf, oauthErrorFor, parseTokenAnswer } from '../../../../src/api/auth/oauth-api.js';
import { grantKey, MemoryTokenStore, type GrantRecord, type TokenRecord } from '../../../../src/api/auth/token-store.js';
import { credentialSource, Credentials, parseClientFile, WAYS_TO_SIGN_IN, type CredentialSource } from '../../../../src/api/credentials.js';
import { ConfigError, UsageError } from '../../../../src/core/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'hoop-cred-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const grant = (g: Partial<GrantRecord>): GrantRecord => ({
  kind: 'grant',
  clientId: 'app-1',
  userType: 'Location',
  scopes: [],
  accessToken: 'AT',
  refreshToken: 'RT',
  obtainedAt: 0,
  ...g,
});

describe('credentialSource: the first source that gives a token wins', () => {
  const L = 'LOC1';
  it.each<[string, Record<string, string>, { tokenFile?: string; storeNamed?: boolean; grant?: boolean }, CredentialSource]>([
    ['the location\'s own token beats everything', { HOOPAI_TOKEN_LOC1: 't', HOOPAI_TOKEN: 't' }, { tokenFile: 'f', storeNamed: true, grant: true }, 'location-env'],
    ['another location\'s token does not count', { HOOPAI_TOKEN_LOC2: 't' }, { grant: true }, 'default-store'],
    ['--token-file beats a named store and HOOPAI_TOKEN', { HOOPAI_TOKEN: 't' }, { tokenFile: 'f', storeNamed: true }, 'token-file'],
    ['a named store beats HOOPAI_TOKEN', { HOOPAI_TOKEN: 't' }, { storeNamed: true, grant: true }, 'named-store'],
    ['a named store without a grant is still the source (and says so)', {}, { storeNamed: true }, 'named-store'],
    ['HOOPAI_TOKEN beats the default store', { HOOPAI_TOKEN: 't' }, { grant: true }, 'env'],
    ['a blank HOOPAI_TOKEN counts as unset', { HOOPAI_TOKEN: '  ' }, { grant: true }, 'default-store'],
    ['the default store\'s grant', {}, { grant: true }, 'default-store'],
    ['nothing', {}, {}, 'none'],
  ])('%s', (_n, env, o, want) => {
    expect(credentialSource({ locationId: L, env, tokenFile: o.tokenFile, storeNamed: o.storeNamed ?? false, defaultStoreHasGrant: o.grant ?? false })).toBe(want);
  });
});

describe('Credentials.forLocation', () => {
  const env = { XDG_CONFIG_HOME: join(tmp, 'empty-config') };
  it('names every way to give a token when there is none', async () => {
    const err = await new Credentials({ env, baseUrl: 'http://127.0.0.1:1' }).forLocation('LOC').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    const m = (err as Error).message;
    for (const way of ['HOOPAI_TOKEN', 'HOOPAI_TOKEN_<location>', '--token-file', 'hoop-etl auth login', '--auth-store']) expect(m).toContain(way);
    expect(m).toContain('LOC');
    expect((err as UsageError).exitCode).toBe(2);
  });

  it('gives HOOPAI_TOKEN_<location> to that location and HOOPAI_TOKEN to the others', async () => {
    const c = new Credentials({ env: { ...env, HOOPAI_TOKEN: 'shared', HOOPAI_TOKEN_A: 'own-a' }, baseUrl: 'http://127.0.0.1:1' });
    expect(await c.forLocation('A')).toBe('own-a');
    expect(await c.forLocation('B')).toBe('shared');
  });

  it('refuses --location all where a command acts on one location', async () => {
    await expect(new Credentials({ env: { HOOPAI_TOKEN: 't' }, baseUrl: 'http://127.0.0.1:1' }).forLocation('all')).rejects.toThrow(/--location all is for export and dedup --plan/);
  });

  it('refuses a token flag, naming the ways that work', () => {
    expect(() => new Credentials({ env, tokenFlag: 'x', baseUrl: 'http://127.0.0.1:1' })).toThrow(/--token-file.*auth login/);
  });

  it('takes a Location grant for its own location and says a Location grant reaches no other', async () => {
    const store = new MemoryTokenStore();
    await store.put(grantKey('app-1', 'Location', 'LOC'), grant({ locationId: 'LOC' }));
    const c = new Credentials({ env, authStore: 'x.json', store, baseUrl: 'http://127.0.0.1:1' });
    expect(typeof (await c.forLocation('LOC'))).toBe('object');
    await expect(c.forLocation('OTHER')).rejects.toThrow(/Location grant for LOC: it acts on its own location only, not on OTHER/);
  });

  it('says the named store holds no grant', async () => {
    const c = new Credentials({ env, authStore: join(tmp, 'none.json'), baseUrl: 'http://127.0.0.1:1' });
    await expect(c.forLocation('LOC')).rejects.toThrow(/No OAuth grant in the token store .*none\.json for location LOC/);
  });
});

describe('chooseGrant', () => {
  const loc: [string, TokenRecord] = ['g1', grant({ locationId: 'L1' })];
  const co: [string, TokenRecord] = ['g2', grant({ userType: 'Company', companyId: 'C1' })];
  const co2: [string, TokenRecord] = ['g3', grant({ userType: 'Company', companyId: 'C2', clientId: 'app-2', approvedLocations: ['L9'] })];
  it.each<[string, Array<[string, TokenRecord]>, string, string | undefined, string | undefined]>([
    ['own Location grant', [loc, co], 'L1', undefined, 'location-grant:g1'],
    ['Company grant for another location', [loc, co], 'L2', undefined, 'company-grant:g2'],
    ['two companies: the one approving the location', [co, co2], 'L9', undefined, 'company-grant:g3'],
    ['the client id filters', [co, co2], 'L5', 'app-2', 'company-grant:g3'],
    ['empty store', [], 'L1', undefined, undefined],
    ['grants of another client only', [co], 'L1', 'app-9', undefined],
  ])('%s', (_n, records, location, clientId, want) => {
    const c = chooseGrant(records, location, clientId, 'auth.json');
    expect(c && `${c.kind}:${c.key}`).toBe(want);
  });

  it('refuses to guess between two companies', () => {
    expect(() => chooseGrant([co, co2], 'L5', undefined, 'auth.json')).toThrow(/several companies .*HOOPAI_CLIENT_ID/);
  });

  it('--location all: the Company grant, a lone Location grant, or a clear refusal', () => {
    expect(grantForAll([loc, co], undefined, 's')?.key).toBe('g2');
    expect(grantForAll([loc], undefined, 's')?.key).toBe('g1');
    expect(() => grantForAll([loc, ['g4', grant({ locationId: 'L2' })]], undefined, 's')).toThrow(/--location all needs an agency sign-in/);
    expect(grantForAll([], undefined, 's')).toBeUndefined();
  });
});

describe('parseClientFile', () => {
  it.each<[string, string]>([
    ['the emulator\'s line', 'oauth client_id=app-1 client_secret=s3cr3t\n'],
    ['one per line', 'client_id=app-1\nclient_secret=s3cr3t\n'],
    ['JSON', '{"client_id":"app-1","client_secret":"s3cr3t"}'],
    ['JSON, camel case', '{"clientId":"app-1","clientSecret":"s3cr3t"}'],
  ])('reads %s', (_n, text) => {
    expect(parseClientFile(text, 'app.txt')).toEqual({ clientId: 'app-1', clientSecret: 's3cr3t' });
  });

  it.each<[string, string, RegExp]>([
    ['a missing secret', 'client_id=app-1', /both client_id and client_secret \(app\.txt\)/],
    ['an unknown word', 'client_id=a\npassword=s3cr3t', /unknown word at line 2/],
    ['broken JSON', '{"client_id":', /not valid JSON \(app\.txt\)/],
  ])('refuses %s, naming the file and never quoting the secret', (_n, text, re) => {
    let err: unknown;
    try {
      parseClientFile(text, 'app.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain('s3cr3t');
  });

  it('reads the file given with --client-file', async () => {
    const f = join(tmp, 'client.txt');
    writeFileSync(f, 'client_id=app-7 client_secret=xyz\n');
    const c = new Credentials({ env: {}, clientFile: f, baseUrl: 'http://127.0.0.1:1' });
    expect(await c.client()).toEqual({ clientId: 'app-7', clientSecret: 'xyz' });
  });
});

describe('the OAuth answers', () => {
  it('reads a token answer in our names', () => {
    expect(
      parseTokenAnswer({ access_token: 'a', refresh_token: 'r', expires_in: 86399, scope: 'contacts.readonly contacts.write', userType: 'Company', companyId: 'C', approvedLocations: ['L1'], userId: 'U' }),
    ).toEqual({ accessToken: 'a', refreshToken: 'r', expiresInS: 86399, scopes: ['contacts.readonly', 'contacts.write'], userType: 'Company', companyId: 'C', locationId: undefined, userId: 'U', approvedLocations: ['L1'] });
    expect(() => parseTokenAnswer({ token_type: 'Bearer' })).toThrow(/without an access_token/);
  });

  it.each<[number, unknown, string]>([
    [400, { statusCode: 400, message: 'Invalid grant: refresh token is invalid' }, 'INVALID_GRANT'],
    [400, { error: 'invalid_grant' }, 'INVALID_GRANT'],
    [400, { statusCode: 400, message: 'Location is not active' }, 'LOCATION_INACTIVE'],
    [401, { statusCode: 401, message: 'Invalid JWT' }, 'OAUTH_UNAUTHORIZED'],
    [400, { statusCode: 400, message: 'Location not found or app not installed' }, 'OAUTH_REFUSED'],
  ])('HTTP %d %j is %s', (status, body, code) => {
    expect(oauthErrorFor(status, body, 'x').code).toBe(code);
  });

  it('never quotes a secret the platform echoed', () => {
    expect(oauthErrorFor(400, { message: 'bad client_secret SEKRIT-123' }, 'x', ['SEKRIT-123']).message).not.toContain('SEKRIT-123');
  });

  it('takes the app id from the client id', () => {
    expect(appIdOf('64f1c0ffee-lq2x3')).toBe('64f1c0ffee');
    expect(appIdOf('plain')).toBe('plain');
  });
});

describe('consent URL and the local redirect', () => {
  it('goes to the marketplace for the platform and to the base URL otherwise', () => {
    expect(consentBase('https://services.leadconnectorhq.com')).toBe(MARKETPLACE_CONSENT_URL);
    expect(consentBase('http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010/v2/oauth/chooselocation');
    expect(consentBase('http://127.0.0.1:4010', 'https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation')).toBe('https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation');
  });

  it('carries the client id, the redirect, the scopes space-separated and the state', () => {
    const u = new URL(consentUrl({ base: MARKETPLACE_CONSENT_URL, clientId: 'app-1', redirectUri: 'http://127.0.0.1:53682/callback', scopes: ['contacts.readonly', 'oauth.write'], state: 'st' }));
    expect(Object.fromEntries(u.searchParams)).toEqual({ response_type: 'code', redirect_uri: 'http://127.0.0.1:53682/callback', client_id: 'app-1', scope: 'contacts.readonly oauth.write', state: 'st' });
  });

  it.each<[string, string, unknown]>([
    ['the code', '/callback?code=abc&state=st', { kind: 'code', code: 'abc' }],
    ['a code without state', '/callback?code=abc', { kind: 'code', code: 'abc' }],
    ['another sign-in\'s state', '/callback?code=abc&state=other', { kind: 'ignore', why: 'state does not match this sign-in' }],
    ['another path', '/favicon.ico', { kind: 'ignore', why: 'not /callback' }],
    ['a refusal', '/callback?error=access_denied&state=st', { kind: 'error', message: 'access_denied' }],
  ])('reads %s', (_n, url, want) => {
    expect(readCallback(url, 'st')).toEqual(want);
  });
});
