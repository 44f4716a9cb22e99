import { setTimeout as sleep } from 'node:timers/promises';
import { got, type Got, type Response } from 'got';
import { HoopError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { API_VERSION, checkBaseUrl, DEFAULT_BASE_URL } from '../connection.js';
import { platformMessages } from '../errors.js';
import { backoffDelay, parseRetryAfter } from '../retry-policy.js';
import type { UserType } from './token-store.js';

/**
 * The platform's OAuth routes (BEHAVIOUR.md §10): the code exchange and the
 * refresh (POST /oauth/token, form-encoded), agency token to location token
 * (POST /oauth/locationToken), and where the app is installed
 * (GET /oauth/installedLocations). No bearer on /oauth/token; the Company
 * access token on the other two. Messages never carry a token or the secret.
 */

export interface TokenAnswer {
  accessToken: string;
  refreshToken?: string;
  expiresInS?: number;
  scopes: string[];
  userType?: UserType;
  companyId?: string;
  locationId?: string;
  userId?: string;
  approvedLocations?: string[];
}

export type OAuthErrorCode = 'INVALID_GRANT' | 'LOCATION_INACTIVE' | 'OAUTH_UNAUTHORIZED' | 'OAUTH_REFUSED' | 'OAUTH_UNAVAILABLE';

export class OAuthError extends HoopError {
  declare readonly code: OAuthErrorCode;
  readonly status: number | undefined;

  constructor(code: OAuthErrorCode, message: string, status?: number) {
    super(code, message);
    this.status = status;
  }
}

export interface OAuthApiOptions {
  /** @default https://services.leadconnectorhq.com */
  baseUrl?: string;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  /** Attempts in all for a 429, a 5xx or a dropped connection. @default 5 */
  maxAttempts?: number;
  /** @default 500 */
  baseDelayMs?: number;
  /** @default 20000 */
  maxDelayMs?: number;
  /** A 429 asking to wait longer than this is not waited for. @default 120000 */
  maxRetryAfterMs?: number;
  random?: () => number;
  logger?: Logger;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The answer of /oauth/token or /oauth/locationToken, in our names; refused when it holds no access token. */
export function parseTokenAnswer(body: unknown): TokenAnswer {
  const b = (body ?? {}) as Record<string, unknown>;
  const accessToken = str(b.access_token);
  if (!accessToken) throw new OAuthError('OAUTH_REFUSED', 'The platform answered without an access_token');
  const expires = typeof b.expires_in === 'string' ? Number(b.expires_in) : b.expires_in;
  const userType = b.userType === 'Company' || b.userType === 'Location' ? b.userType : undefined;
  return {
    accessToken,
    refreshToken: str(b.refresh_token),
    expiresInS: typeof expires === 'number' && Number.isFinite(expires) && expires > 0 ? expires : undefined,
    scopes: typeof b.scope === 'string' ? b.scope.split(/\s+/).filter(Boolean) : Array.isArray(b.scope) ? b.scope.map(String) : [],
    userType,
    companyId: str(b.companyId),
    locationId: str(b.locationId),
    userId: str(b.userId),
    approvedLocations: Array.isArray(b.approvedLocations) ? b.approvedLocations.map(String) : undefined,
  };
}

/** The app id is the part of the client id before the `-` (BEHAVIOUR.md §10.5). */
export const appIdOf = (clientId: string): string => clientId.split('-')[0]!;

function scrub(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** Classifies a refused answer: a dead refresh token, an inactive location (the token is kept), a bad bearer, or another refusal. */
export function oauthErrorFor(status: number, body: unknown, what: string, secrets: ReadonlyArray<string | undefined> = []): OAuthError {
  const b = body as { error?: unknown } | null;
  const text = scrub(platformMessages(body).join('; ') || (typeof body === 'string' && body.length < 200 ? body : '') || `HTTP ${status}`, secrets);
  if (/invalid[ _]grant/i.test(text) || b?.error === 'invalid_grant') return new OAuthError('INVALID_GRANT', `${what}: ${text}`, status);
  if (/location is not active/i.test(text)) return new OAuthError('LOCATION_INACTIVE', `${what}: ${text}`, status);
  if (status === 401) return new OAuthError('OAUTH_UNAUTHORIZED', `${what}: ${text}`, status);
  return new OAuthError('OAUTH_REFUSED', `${what}: ${text} (HTTP ${status})`, status);
}

export class OAuthApi {
  private readonly http: Got;
  private readonly o: Required<Omit<OAuthApiOptions, 'logger' | 'baseUrl'>> & { logger?: Logger };

  constructor(options: OAuthApiOptions = {}) {
    const base = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.o = {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 20_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      random: options.random ?? Math.random,
      logger: options.logger,
    };
    this.http = got.extend({
      prefixUrl: base.toString(),
      headers: { version: API_VERSION, accept: 'application/json', 'user-agent': 'hoop-etl' },
      timeout: { request: this.o.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      responseType: 'text',
      followRedirect: false,
    });
  }

  /** Exchanges an authorization code for the app's grant. */
  async exchangeCode(input: { clientId: string; clientSecret: string; code: string; userType?: UserType; redirectUri?: string }): Promise<TokenAnswer> {
    const form: Record<string, string> = { client_id: input.clientId, client_secret: input.clientSecret, grant_type: 'authorization_code', code: input.code };
    if (input.userType) form.user_type = input.userType;
    if (input.redirectUri) form.redirect_uri = input.redirectUri;
    const body = await this.send('POST', 'oauth/token', 'The code exchange', { form }, [input.clientSecret, input.code]);
    return parseTokenAnswer(body);
  }

  /**
   * Spends a refresh token for a new pair. Sent again after a 429, a 5xx or a
   * dropped connection: if the first one reached the platform, the token is
   * spent and the repeat answers "Invalid grant" (or the same pair inside a
   * reuse grace), which the caller handles like any dead grant.
   */
  async refresh(input: { clientId: string; clientSecret: string; refreshToken: string; userType: UserType }): Promise<TokenAnswer> {
    const form = { client_id: input.clientId, client_secret: input.clientSecret, grant_type: 'refresh_token', refresh_token: input.refreshToken, user_type: input.userType };
    const body = await this.send('POST', 'oauth/token', 'The token refresh', { form }, [input.clientSecret, input.refreshToken]);
    return parseTokenAnswer(body);
  }

  /** A location token from a Company (agency) access token. */
  async locationToken(companyToken: string, companyId: string, locationId: string): Promise<TokenAnswer> {
    const body = await this.send('POST', 'oauth/locationToken', `A location token for ${locationId}`, { form: { companyId, locationId }, bearer: companyToken }, [companyToken]);
    return parseTokenAnswer(body);
  }

  /** Every location where the app is installed, paged to the first empty page (a short page is not the last, §10 emulator table). */
  async installedLocations(companyToken: string, companyId: string, appId: string, pageSize = 100): Promise<string[]> {
    const ids: string[] = [];
    const seen = new Set<string>();
    for (let skip = 0; ; skip += pageSize) {
      const body = (await this.send('GET', 'oauth/installedLocations', 'The list of installed locations', {
        searchParams: { companyId, appId, isInstalled: 'true', skip: String(skip), limit: String(pageSize) },
        bearer: companyToken,
      }, [companyToken])) as { locations?: Array<{ _id?: unknown; id?: unknown; isInstalled?: unknown }> } | undefined;
      const page = Array.isArray(body?.locations) ? body.locations : [];
      if (page.length === 0) return ids;
      let fresh = 0;
      for (const l of page) {
        const id = str(l._id) ?? str(l.id);
        if (!id || l.isInstalled === false || seen.has(id)) continue;
        seen.add(id);
        ids.push(id);
        fresh++;
      }
      // A platform that ignores skip would page forever: a page with nothing new ends the list.
      if (fresh === 0 && page.every((l) => seen.has(str(l._id) ?? str(l.id) ?? ''))) return ids;
    }
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    req: { form?: Record<string, string>; searchParams?: Record<string, string>; bearer?: string },
    secrets: ReadonlyArray<string | undefined>,
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      let res: Response<string> | undefined;
      let failure: string;
      try {
        res = await this.http(path, {
          method,
          form: req.form,
          searchParams: req.searchParams,
          headers: req.bearer ? { authorization: `Bearer ${req.bearer}` } : undefined,
        });
      } catch (e) {
        res = undefined;
        failure = (e as { code?: string }).code ?? 'network error';
      }
      let body: unknown;
      if (res) {
        try {
          body = res.body ? JSON.parse(res.body) : undefined;
        } catch {
          body = res.body;
        }
        if (res.statusCode < 300) return body;
        failure = `HTTP ${res.statusCode}`;
        if (res.statusCode !== 429 && res.statusCode < 500) throw oauthErrorFor(res.statusCode, body, what, secrets);
      }
      if (attempt >= this.o.maxAttempts) throw new OAuthError('OAUTH_UNAVAILABLE', `${what} failed after ${attempt} attempts: ${failure!}`, res?.statusCode);
      let delay = backoffDelay(attempt, this.o, this.o.random);
      if (res?.statusCode === 429) {
        const h = res.headers['retry-after'];
        const after = parseRetryAfter(Array.isArray(h) ? h[0] : h, Date.now());
        if (after !== undefined && after > this.o.maxRetryAfterMs) throw new OAuthError('OAUTH_UNAVAILABLE', `${what}: rate limited (429) for ${Math.round(after / 1000)} s`, 429);
        if (after !== undefined) delay = after + Math.floor(this.o.random() * 100);
      }
      this.o.logger?.debug({ path, attempt, delayMs: delay, failure: failure! }, 'retrying OAuth request');
      await sleep(delay);
    }
  }
}
