import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, BareApiError } from './api-error.js';
import { newObjectId } from './ids.js';
import { loadOAuthSpec } from '../platform/openapi/spec.js';
import type { RateDecision } from './rate-limiter.js';
import { RateLimiter } from './rate-limiter.js';
import type { EmulatorState } from './state.js';
import type { LocationState } from './store.js';
import { KNOWN_SCOPES, type AnyScope, type CodeGrant, type RefreshGrant, type TokenRecord, type UserType } from './types.js';

/**
 * The emulator's OAuth 2.0 half (BEHAVIOUR.md section 10): the token endpoint
 * with its two grants, Company → Location tokens, the installed-locations and
 * location-search routes, and the consent step a test (or a browser-like
 * client) drives. Where the platform is silent, the choices are those of
 * BEHAVIOUR.md's OAuth decisions table and docs/decisions/0014-emulator-oauth.md.
 */

export const DEFAULT_TOKEN_TTL_S = 86_399;
export const DEFAULT_REFRESH_TTL_S = 365 * 24 * 60 * 60;
export const DEFAULT_CODE_TTL_S = 600;
export const DEMO_COMPANY_ID = 'hoopDemoCompany00001';
export const DEMO_APP_ID = '65f0c0ffee00000000000e01';
export const DEMO_CLIENT_ID = `${DEMO_APP_ID}-hoopemu01`;
/** The emulator's own made-up secret; printed at start like the demo token. */
export const DEMO_CLIENT_SECRET = 'hoop-emulator-client-secret';
export const DEMO_USER_ID = 'hoopDemoUser00000001';
export const DEMO_VERSION_ID = '65f0c0ffee00000000000e02';
export const CLIENT_SECRET_ENV = 'HOOPAI_EMULATOR_OAUTH_CLIENT_SECRET';

export const MSG_INVALID_TOKEN = 'Invalid token: access token is invalid';
export const MSG_INVALID_JWT = 'Invalid JWT';
export const MSG_SCOPE = 'The token is not authorized for this scope.';
export const MSG_AUTH_CLASS = 'This authClass type is not allowed to access this scope';
export const MSG_LOCATION = 'The token does not have access to this location.';
export const MSG_INVALID_REFRESH = 'Invalid grant: refresh token is invalid';
export const MSG_INVALID_CODE = 'Invalid grant: authorization code is invalid';
export const MSG_INVALID_CLIENT = 'Invalid client: client credentials are invalid';
export const MSG_INACTIVE = 'Location is not active';
export const MSG_NOT_INSTALLED = 'Location not found or app not installed';

export interface OAuthOptions {
  /** @default DEMO_CLIENT_ID (`<appId>-<suffix>`: the app id is the part before the `-`) */
  clientId?: string;
  /** @default DEMO_CLIENT_SECRET */
  clientSecret?: string;
  /** Which token a consent without `user_type` gives, as an app's distribution settings decide on the platform. @default 'Location', 'Company' when `companyId` is given */
  userType?: UserType;
  /** Refresh-token lifetime. @default 365 days */
  refreshTtlS?: number;
  /** Authorization-code lifetime. @default 600 */
  codeTtlS?: number;
  /** A reuse of a refresh token within this many seconds of its first use gets the same pair again. @default 0 */
  refreshGraceSeconds?: number;
  /** Keep the old access token valid until its own expiry after a refresh. @default false (revoked at once) */
  keepOldAccessToken?: boolean;
  /** Include `refresh_token` in `/oauth/locationToken` answers (the newer schema). @default true */
  locationTokenRefresh?: boolean;
  /** `/oauth/token` requests per minute per (client, resource); 0 = no limit. @default 5, 0 when the rate limit is off */
  tokenRequestsPerMinute?: number;
}

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  appId: string;
  versionId: string;
  companyId: string;
  userId: string;
  userType: UserType;
  tokenTtlS: number;
  refreshTtlS: number;
  codeTtlS: number;
  refreshGraceSeconds: number;
  keepOldAccessToken: boolean;
  locationTokenRefresh: boolean;
  /** Undefined: 5, or none while the rate limit is off (`rateLimit.max` 0, also when changed at run time). */
  tokenRequestsPerMinute: number | undefined;
}

export function oauthConfig(opts: { companyId?: string; tokenTtlS?: number; oauth?: OAuthOptions }): OAuthConfig {
  const o = opts.oauth ?? {};
  const clientId = o.clientId ?? DEMO_CLIENT_ID;
  return {
    clientId,
    clientSecret: o.clientSecret ?? DEMO_CLIENT_SECRET,
    appId: clientId.split('-')[0]!,
    versionId: DEMO_VERSION_ID,
    companyId: opts.companyId ?? DEMO_COMPANY_ID,
    userId: DEMO_USER_ID,
    userType: o.userType ?? (opts.companyId ? 'Company' : 'Location'),
    tokenTtlS: opts.tokenTtlS ?? DEFAULT_TOKEN_TTL_S,
    refreshTtlS: o.refreshTtlS ?? DEFAULT_REFRESH_TTL_S,
    codeTtlS: o.codeTtlS ?? DEFAULT_CODE_TTL_S,
    refreshGraceSeconds: o.refreshGraceSeconds ?? 0,
    keepOldAccessToken: o.keepOldAccessToken ?? false,
    locationTokenRefresh: o.locationTokenRefresh ?? true,
    tokenRequestsPerMinute: o.tokenRequestsPerMinute,
  };
}

/** Counters `/__emulator/stats` reports under `oauth`. */
export class OAuthStats {
  tokenRequests = 0;
  codeExchanges = 0;
  refreshes = 0;
  /** Reuses inside the grace window, answered with the pair of the first use. */
  refreshReplays = 0;
  /** Every 400 "Invalid grant" of the token endpoint (dead refresh tokens and bad codes). */
  invalidGrant = 0;
  invalidClient = 0;
  locationTokens = 0;
  tokenRateLimited = 0;
  /** 401 Invalid JWT answers to expired or revoked access tokens. */
  expiredTokens = 0;
  revokedTokens = 0;

  reset(): void {
    Object.assign(this, new OAuthStats());
  }

  toJSON(): Record<string, number> {
    const { tokenRequests, codeExchanges, refreshes, refreshReplays, invalidGrant, invalidClient, locationTokens, tokenRateLimited, expiredTokens, revokedTokens } = this;
    return { tokenRequests, codeExchanges, refreshes, refreshReplays, invalidGrant, invalidClient, locationTokens, tokenRateLimited, expiredTokens, revokedTokens };
  }
}

/** Per-location flags of the one company: whether the app is installed there and whether the location is active. */
export class CompanyFlags {
  readonly notInstalled = new Set<string>();
  readonly inactive = new Set<string>();
  clear(): void {
    this.notInstalled.clear();
    this.inactive.clear();
  }
}

const secretDigest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of a client secret. */
function secretMatches(expected: string, given: string): boolean {
  return timingSafeEqual(secretDigest(expected), secretDigest(given)) && given.length > 0;
}

function opaque(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** The rate bucket of a token: a static token keeps its own (as before OAuth); an OAuth token uses its app's bucket for its location or company, so a refresh never gets a fresh budget. */
export function rateKey(token: TokenRecord): string {
  if (!token.oauth) return `${token.token}:${token.locationId}`;
  return `oauth:${token.oauth.clientId}:${token.locationId || token.oauth.companyId}`;
}

/** Why a token found in the store no longer works at `now`, or undefined when it does. */
export function deadToken(state: EmulatorState, token: TokenRecord, now: number): ApiError | undefined {
  const o = token.oauth;
  if (!o) return undefined;
  if (o.revokedAt !== undefined && o.revokedAt <= now) {
    state.stats.oauth.revokedTokens++;
    return new BareApiError(401, MSG_INVALID_JWT);
  }
  if (now >= o.expiresAt) {
    state.stats.oauth.expiredTokens++;
    return new BareApiError(401, MSG_INVALID_JWT);
  }
  return undefined;
}

export function parseScopes(v: unknown, what: string): AnyScope[] {
  if (v === undefined || v === null || v === '') return [...KNOWN_SCOPES];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s+]+/).filter(Boolean) : undefined;
  if (!list || list.some((s) => typeof s !== 'string')) throw new ApiError(400, `${what} must be a list of scopes or a space-separated string`);
  const unknown = (list as string[]).filter((s) => !KNOWN_SCOPES.includes(s as AnyScope));
  if (unknown.length) throw new ApiError(400, `${what}: unknown scopes ${unknown.join(', ')} (known: ${KNOWN_SCOPES.join(', ')})`);
  return [...new Set(list as AnyScope[])];
}

export interface ConsentInput {
  userType?: unknown;
  companyId?: unknown;
  locationId?: unknown;
  scopes?: unknown;
  clientId?: unknown;
  redirectUri?: unknown;
}

/** The consent step: what the user approves on the platform's chooselocation page; returns a single-use code. */
export function authorize(state: EmulatorState, input: ConsentInput): CodeGrant {
  const cfg = state.oauth;
  const userType = input.userType ?? cfg.userType;
  if (userType !== 'Company' && userType !== 'Location') throw new ApiError(400, `userType must be 'Company' or 'Location', got ${JSON.stringify(input.userType)}`);
  const clientId = input.clientId ?? cfg.clientId;
  if (clientId !== cfg.clientId) throw new ApiError(400, `Unknown client_id ${String(clientId)}`);
  const companyId = input.companyId ?? cfg.companyId;
  if (companyId !== cfg.companyId) throw new ApiError(400, `Unknown companyId ${String(companyId)} (the emulator hosts ${cfg.companyId})`);
  let locationId: string | undefined;
  if (userType === 'Location') {
    locationId = (input.locationId as string | undefined) ?? state.tenant.locationId;
    if (typeof locationId !== 'string' || !state.store.location(locationId)) throw new ApiError(400, `Unknown locationId ${String(input.locationId)}`);
    if (state.company.notInstalled.has(locationId)) throw new ApiError(400, MSG_NOT_INSTALLED);
  } else if (input.locationId !== undefined) {
    throw new ApiError(400, 'locationId is for userType Location; a Company consent covers the company');
  }
  if (input.redirectUri !== undefined && typeof input.redirectUri !== 'string') throw new ApiError(400, 'redirectUri must be a string');
  const grant: CodeGrant = {
    code: opaque('emu-code-'),
    clientId,
    userType,
    companyId,
    ...(locationId !== undefined && { locationId }),
    scopes: parseScopes(input.scopes, 'scopes'),
    ...(typeof input.redirectUri === 'string' && { redirectUri: input.redirectUri }),
    expiresAt: state.store.now() + cfg.codeTtlS * 1000,
  };
  state.store.putCode(grant);
  return grant;
}

/** The locations of the company: every location the emulator holds, in id order. */
export function companyLocations(state: EmulatorState): LocationState[] {
  return [...state.store.locations.values()].sort((a, b) => (a.settings.id < b.settings.id ? -1 : a.settings.id > b.settings.id ? 1 : 0));
}

export function installedLocationIds(state: EmulatorState): string[] {
  return companyLocations(state)
    .map((l) => l.settings.id)
    .filter((id) => !state.company.notInstalled.has(id));
}

interface Issued {
  token: TokenRecord;
  grant: RefreshGrant | undefined;
}

/** Mints an access token (and a refresh token) for a grant. */
function issue(
  state: EmulatorState,
  g: { clientId: string; userType: UserType; companyId: string; locationId?: string; scopes: readonly AnyScope[] },
  withRefresh: boolean,
): Issued {
  const now = state.store.now();
  const cfg = state.oauth;
  const token: TokenRecord = {
    token: opaque('emu-at-'),
    locationId: g.userType === 'Location' ? g.locationId! : '',
    scopes: [...g.scopes],
    oauth: { clientId: g.clientId, userType: g.userType, companyId: g.companyId, expiresAt: now + cfg.tokenTtlS * 1000 },
  };
  state.store.putToken(token);
  let grant: RefreshGrant | undefined;
  if (withRefresh) {
    grant = {
      refreshToken: opaque('emu-rt-'),
      refreshTokenId: newObjectId(),
      clientId: g.clientId,
      userType: g.userType,
      companyId: g.companyId,
      ...(g.locationId !== undefined && g.userType === 'Location' && { locationId: g.locationId }),
      scopes: [...g.scopes],
      accessToken: token.token,
      expiresAt: now + cfg.refreshTtlS * 1000,
    };
    state.store.putRefreshGrant(grant);
  }
  return { token, grant };
}

/** The `/oauth/token` 200 body (GetAccessCodeSuccessfulResponseDto). */
function tokenBody(state: EmulatorState, { token, grant }: Issued): Record<string, unknown> {
  const cfg = state.oauth;
  const o = token.oauth!;
  const body: Record<string, unknown> = {
    access_token: token.token,
    token_type: 'Bearer',
    expires_in: cfg.tokenTtlS,
    refresh_token: grant!.refreshToken,
    scope: token.scopes.join(' '),
    userType: o.userType,
    companyId: o.companyId,
    ...(o.userType === 'Location' && { locationId: token.locationId }),
    userId: cfg.userId,
    refreshTokenId: grant!.refreshTokenId,
    isBulkInstallation: false,
  };
  if (o.userType === 'Company') {
    body.approvedLocations = installedLocationIds(state);
    body.installToFutureLocations = true;
    body.approveAllLocations = state.company.notInstalled.size === 0;
  }
  return body;
}

export interface OAuthResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const reply = (body: Record<string, unknown>, headers?: Record<string, string>): OAuthResponse => ({ status: 200, body, ...(headers && { headers }) });

function isForm(contentType: string | undefined): boolean {
  return !!contentType && /^application\/x-www-form-urlencoded\b/i.test(contentType.trim());
}

/** A form body as a flat object (the last of repeated fields wins). */
function readForm(raw: Buffer, contentType: string | undefined, route: string): Record<string, string> {
  if (!isForm(contentType)) {
    throw new ApiError(400, `${route} takes an application/x-www-form-urlencoded body, got ${contentType ? `Content-Type ${contentType.split(';')[0]}` : 'no Content-Type'}`);
  }
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

/** Token-endpoint validation in the platform's words: `Missing parameter: client_id`, `Invalid parameter: grant_type`. */
function tokenRequestProblem(form: Record<string, string>): string | undefined {
  const errors = loadOAuthSpec().requestErrors('get-access-token', form);
  for (const e of errors) {
    if (e.keyword === 'required') return `Missing parameter: ${(e.params as { missingProperty: string }).missingProperty}`;
  }
  for (const e of errors) return `Invalid parameter: ${e.instancePath.replace(/^\//, '') || 'body'}`;
  for (const k of ['client_id', 'client_secret', 'grant_type'] as const) if (form[k] === '') return `Missing parameter: ${k}`;
  return undefined;
}

export interface OAuthRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  raw: Buffer;
  contentType: string | undefined;
  version: string | undefined;
  bearer: string | undefined;
}

export const OAUTH_PATHS = ['/oauth/token', '/oauth/locationToken', '/oauth/installedLocations', '/locations/search', '/oauth/chooselocation', '/v2/oauth/chooselocation'];

export function isOAuthPath(pathname: string): boolean {
  const p = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return OAUTH_PATHS.includes(p);
}

/** The spec's operationId of an OAuth API route and method; undefined for the consent page (no API route) and a wrong method. */
export function oauthOperationId(method: string, pathname: string): string | undefined {
  const p = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const ops: Record<string, [string, string]> = {
    '/oauth/token': ['POST', 'get-access-token'],
    '/oauth/locationToken': ['POST', 'get-location-access-token'],
    '/oauth/installedLocations': ['GET', 'get-installed-location'],
    '/locations/search': ['GET', 'search-locations'],
  };
  const op = ops[p];
  return op && op[0] === method ? op[1] : undefined;
}

/**
 * Answers an OAuth or agency route (the caller has counted it with
 * `state.routedRequest`). Throws ApiError for the error answers;
 * `out.headers` is filled with the rate headers once a request counted.
 */
export function handleOAuth(state: EmulatorState, req: OAuthRequest, acceptedVersions: readonly string[], out: { headers?: Record<string, string> }): OAuthResponse {
  const path = req.pathname.length > 1 && req.pathname.endsWith('/') ? req.pathname.slice(0, -1) : req.pathname;
  const expect = (method: string) => {
    if (req.method !== method) throw new ApiError(404, `Cannot ${req.method} ${req.pathname}`);
  };
  if (path === '/oauth/chooselocation' || path === '/v2/oauth/chooselocation') {
    expect('GET');
    return chooseLocation(state, req.query);
  }
  if (path === '/oauth/token') {
    expect('POST');
    return tokenEndpoint(state, req, out);
  }
  const operationId = path === '/oauth/locationToken' ? 'get-location-access-token' : path === '/oauth/installedLocations' ? 'get-installed-location' : 'search-locations';
  expect(operationId === 'get-location-access-token' ? 'POST' : 'GET');
  if (typeof req.version !== 'string' || req.version === '') throw new ApiError(400, 'Version header was not found');
  if (!acceptedVersions.includes(req.version)) throw new ApiError(400, `Version header value ${req.version} is not supported`);
  const token = req.bearer ? state.store.tokens.get(req.bearer) : undefined;
  if (!token) throw new ApiError(401, MSG_INVALID_TOKEN);
  const now = state.store.now();
  const dead = deadToken(state, token, now);
  if (dead) throw dead;

  if (operationId === 'search-locations') {
    // A Location PIT is reported to get 403 here whatever its scopes (BEHAVIOUR.md 10.6).
    if (!token.oauth) throw new ApiError(403, 'You do not have permission to access this resource');
    if (!token.scopes.includes('locations.readonly')) throw new ApiError(401, MSG_SCOPE);
  } else {
    // Agency-Access-Only: neither PITs nor Location tokens.
    if (!token.oauth || token.oauth.userType !== 'Company') throw new ApiError(401, MSG_AUTH_CLASS);
    if (!token.scopes.includes(operationId === 'get-location-access-token' ? 'oauth.write' : 'oauth.readonly')) throw new ApiError(401, MSG_SCOPE);
  }
  takeRate(state, rateKey(token), now, out);

  if (operationId === 'get-location-access-token') return locationToken(state, token, readForm(req.raw, req.contentType, 'POST /oauth/locationToken'));
  if (operationId === 'get-installed-location') return installedLocations(state, token, req.query);
  return searchLocations(state, token, req.query);
}

function takeRate(state: EmulatorState, key: string, now: number, out: { headers?: Record<string, string> }): void {
  const decision: RateDecision = state.limiter.take(key, now);
  out.headers = decision.headers;
  if (!decision.allowed) {
    state.stats.rateLimited++;
    if (decision.reason === 'daily') state.stats.dailyLimited++;
    throw new ApiError(429, 'Too Many Requests');
  }
}

function invalidGrant(state: EmulatorState, message: string): ApiError {
  state.stats.oauth.invalidGrant++;
  return new ApiError(400, message);
}

function tokenEndpoint(state: EmulatorState, req: OAuthRequest, out: { headers?: Record<string, string> }): OAuthResponse {
  state.stats.oauth.tokenRequests++;
  const form = readForm(req.raw, req.contentType, 'POST /oauth/token');
  const problem = tokenRequestProblem(form);
  if (problem) throw new ApiError(400, problem);
  const cfg = state.oauth;
  if (form.client_id !== cfg.clientId || !secretMatches(cfg.clientSecret, form.client_secret!)) {
    state.stats.oauth.invalidClient++;
    throw new ApiError(401, MSG_INVALID_CLIENT);
  }
  const now = state.store.now();
  if (form.grant_type === 'authorization_code') {
    if (!form.code) throw new ApiError(400, 'Missing parameter: code');
    const code = state.store.codes.get(form.code);
    if (!code || code.clientId !== form.client_id || code.usedAt !== undefined || now >= code.expiresAt) throw invalidGrant(state, MSG_INVALID_CODE);
    if (code.redirectUri !== undefined && form.redirect_uri !== undefined && form.redirect_uri !== code.redirectUri) throw invalidGrant(state, MSG_INVALID_CODE);
    tokenRate(state, form.client_id, code.locationId ?? code.companyId, now, out);
    state.store.putCode({ ...code, usedAt: now });
    if (code.locationId && state.company.notInstalled.has(code.locationId)) throw new ApiError(400, MSG_NOT_INSTALLED);
    state.stats.oauth.codeExchanges++;
    return reply(tokenBody(state, issue(state, code, true)), out.headers);
  }
  if (form.grant_type === 'refresh_token') {
    if (!form.refresh_token) throw new ApiError(400, 'Missing parameter: refresh_token');
    const grant = state.store.refreshGrants.get(form.refresh_token);
    if (!grant || grant.clientId !== form.client_id || now >= grant.expiresAt) throw invalidGrant(state, MSG_INVALID_REFRESH);
    if (grant.usedAt !== undefined) {
      if (grant.rotatedTo && now - grant.usedAt <= cfg.refreshGraceSeconds * 1000) {
        state.stats.oauth.refreshReplays++;
        return reply({ ...grant.rotatedTo }, out.headers);
      }
      throw invalidGrant(state, MSG_INVALID_REFRESH);
    }
    tokenRate(state, form.client_id, grant.locationId ?? grant.companyId, now, out);
    // Not consumed: the same refresh token works once the location is active again (BEHAVIOUR.md 10.3).
    if (grant.locationId && state.company.inactive.has(grant.locationId)) throw new ApiError(400, MSG_INACTIVE);
    if (grant.locationId && state.company.notInstalled.has(grant.locationId)) throw invalidGrant(state, MSG_INVALID_REFRESH);
    const issued = issue(state, grant, true);
    const body = tokenBody(state, issued);
    state.store.putRefreshGrant({ ...grant, usedAt: now, rotatedTo: body });
    if (!cfg.keepOldAccessToken) revokeAccessToken(state, grant.accessToken, now);
    state.stats.oauth.refreshes++;
    return reply(body, out.headers);
  }
  // client_credentials is in the spec's enum and nowhere else (BEHAVIOUR.md 10.2).
  throw new ApiError(400, `Unsupported grant_type: ${form.grant_type}`);
}

/** The token endpoint's own limit: 5 requests per minute per (client, resource). */
function tokenRate(state: EmulatorState, clientId: string, resource: string, now: number, out: { headers?: Record<string, string> }): void {
  const perMinute = state.oauth.tokenRequestsPerMinute ?? (state.limiter.config.max === 0 ? 0 : 5);
  if (perMinute <= 0) return;
  state.tokenLimiter.config = { ...state.tokenLimiter.config, max: perMinute };
  const d = state.tokenLimiter.take(`${clientId}:${resource}`, now);
  if (!d.allowed) {
    state.stats.oauth.tokenRateLimited++;
    state.stats.rateLimited++;
    out.headers = d.retryAfterSeconds !== undefined && state.limiter.config.retryAfter ? { 'retry-after': String(d.retryAfterSeconds) } : {};
    throw new ApiError(429, 'Too Many Requests');
  }
}

export function newTokenLimiter(): RateLimiter {
  return new RateLimiter({ max: 5, intervalMs: 60_000, dailyLimit: 0 });
}

export function revokeAccessToken(state: EmulatorState, value: string, now: number): boolean {
  const t = state.store.tokens.get(value);
  if (!t?.oauth || t.oauth.revokedAt !== undefined) return false;
  state.store.putToken({ ...t, oauth: { ...t.oauth, revokedAt: now } });
  return true;
}

function locationToken(state: EmulatorState, company: TokenRecord, form: Record<string, string>): OAuthResponse {
  const messages = loadOAuthSpec().validateRequest('get-location-access-token', form);
  for (const k of ['companyId', 'locationId'] as const) if (form[k] === '') messages.push(`${k} should not be empty`);
  if (messages.length) throw new ApiError(422, messages);
  if (form.companyId !== company.oauth!.companyId) throw new ApiError(403, 'The token does not have access to this company.');
  const locationId = form.locationId!;
  if (!state.store.location(locationId) || state.company.notInstalled.has(locationId)) throw new ApiError(400, MSG_NOT_INSTALLED);
  if (state.company.inactive.has(locationId)) throw new ApiError(400, MSG_INACTIVE);
  const cfg = state.oauth;
  const issued = issue(state, { clientId: company.oauth!.clientId, userType: 'Location', companyId: company.oauth!.companyId, locationId, scopes: company.scopes }, cfg.locationTokenRefresh);
  state.stats.oauth.locationTokens++;
  const body: Record<string, unknown> = {
    access_token: issued.token.token,
    token_type: 'Bearer',
    expires_in: cfg.tokenTtlS,
    scope: issued.token.scopes.join(' '),
    locationId,
    userId: cfg.userId,
    appId: cfg.appId,
    versionId: cfg.versionId,
  };
  if (issued.grant) {
    body.refresh_token = issued.grant.refreshToken;
    body.refreshTokenId = issued.grant.refreshTokenId;
  }
  return reply(body);
}

function paging(query: URLSearchParams, defaultLimit: number): { skip: number; limit: number } {
  const num = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) throw new ApiError(422, [`${name} must be a number string`]);
    return Number(raw);
  };
  // limit is clamped to 100, silently (BEHAVIOUR.md OAuth decisions).
  return { skip: num('skip', 0), limit: Math.min(100, num('limit', defaultLimit)) };
}

function boolQuery(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (v !== 'true' && v !== 'false') throw new ApiError(422, [`${name} must be a boolean value`]);
  return v === 'true';
}

function installedLocations(state: EmulatorState, company: TokenRecord, query: URLSearchParams): OAuthResponse {
  const missing = ['companyId', 'appId'].filter((k) => !query.get(k)).map((k) => `${k} should not be empty`);
  if (missing.length) throw new ApiError(422, missing);
  if (query.get('companyId') !== company.oauth!.companyId) throw new ApiError(403, 'The token does not have access to this company.');
  const cfg = state.oauth;
  if (query.get('appId') !== cfg.appId) throw new ApiError(400, `App not found for id:${query.get('appId')}`);
  const { skip, limit } = paging(query, 20);
  const isInstalled = boolQuery(query, 'isInstalled');
  const name = query.get('query')?.toLowerCase();
  const only = query.get('locationId');
  const all = companyLocations(state);
  const rows = all
    .filter((l) => isInstalled === undefined || !state.company.notInstalled.has(l.settings.id) === isInstalled)
    .filter((l) => !name || l.settings.name.toLowerCase().includes(name))
    .filter((l) => !only || l.settings.id === only)
    .slice(skip, skip + limit)
    .map((l) => {
      const installed = !state.company.notInstalled.has(l.settings.id);
      return {
        _id: l.settings.id,
        name: l.settings.name,
        address: '',
        isInstalled: installed,
        ...(installed && { versionId: cfg.versionId, installedAt: new Date(state.startedAt).toISOString() }),
      };
    });
  return reply({ locations: rows, count: all.length, installToFutureLocations: true });
}

function searchLocations(state: EmulatorState, token: TokenRecord, query: URLSearchParams): OAuthResponse {
  const o = token.oauth!;
  const companyId = query.get('companyId');
  if (companyId && companyId !== o.companyId) throw new ApiError(403, 'The token does not have access to this company.');
  const order = query.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new ApiError(422, ['order must be one of the following values: asc, desc']);
  const { skip, limit } = paging(query, 10);
  const email = query.get('email')?.toLowerCase();
  // A Location token sees its own location only.
  let list = companyLocations(state).filter((l) => o.userType === 'Company' || l.settings.id === token.locationId);
  if (email) list = list.filter((l) => locationEmail(l).toLowerCase() === email);
  if (order === 'desc') list = list.reverse();
  const locations = list.slice(skip, skip + limit).map((l) => ({
    id: l.settings.id,
    name: l.settings.name,
    email: locationEmail(l),
    address: '',
    city: '',
    state: '',
    country: l.settings.country,
    postalCode: '',
    website: '',
    timezone: l.settings.timezone,
    settings: {
      allowDuplicateContact: l.settings.allowDuplicateContact,
      allowDuplicateOpportunity: false,
      allowFacebookNameMerge: false,
      disableContactTimezone: false,
    },
    social: {},
  }));
  return reply({ locations });
}

/** Locations have no email of their own in the emulator; one is made from the id so `email=` can find it. */
export function locationEmail(l: LocationState): string {
  return `${l.settings.id.toLowerCase()}@locations.emulator.invalid`;
}

/**
 * GET /oauth/chooselocation (and /v2/…): the platform's consent page. The
 * emulator consents at once and redirects (302) to `redirect_uri?code=…`
 * (with `state` passed back). Emulator extras: `user_type` and `location_id`
 * choose the grant; otherwise the app's setting (`oauth.userType`) and the
 * first location decide.
 */
function chooseLocation(state: EmulatorState, query: URLSearchParams): OAuthResponse {
  const responseType = query.get('response_type');
  if (responseType !== 'code') throw new ApiError(400, `response_type must be 'code', got ${responseType === null ? 'none' : `'${responseType}'`}`);
  const clientId = query.get('client_id');
  if (!clientId) throw new ApiError(400, 'Missing parameter: client_id');
  const redirect = query.get('redirect_uri');
  if (!redirect) throw new ApiError(400, 'Missing parameter: redirect_uri');
  let target: URL;
  try {
    target = new URL(redirect);
  } catch {
    throw new ApiError(400, 'redirect_uri must be an absolute http(s) URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new ApiError(400, 'redirect_uri must be an absolute http(s) URL');
  const userType = query.get('user_type') ?? undefined;
  const grant = authorize(state, {
    clientId,
    userType,
    locationId: query.get('location_id') ?? undefined,
    scopes: query.get('scope') ?? undefined,
    redirectUri: redirect,
  });
  target.searchParams.set('code', grant.code);
  const st = query.get('state');
  if (st !== null) target.searchParams.set('state', st);
  return { status: 302, body: {}, headers: { location: target.toString() } };
}
