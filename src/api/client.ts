import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { got, type Got, type Response } from 'got';
import type { Logger } from '../core/logger.js';
import { checkBaseUrl, isLoopbackHost, API_VERSION, DEFAULT_BASE_URL } from './connection.js';
import {
  AccessTokenError,
  DailyBudgetExhaustedError,
  errorForResponse,
  platformMessages,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  type ApiRequestInfo,
  type ApiResponseInfo,
} from './errors.js';
import { DailyBudgetStop, RateGovernor } from './rate-governor.js';
import { LockTimeoutError } from './auth/file-lock.js';
import { OAuthError } from './auth/oauth-api.js';
import type { TokenProvider } from './auth/token-provider.js';
import { decideRetry, DEFAULT_RETRY, type Outcome, type RetryOptions, type Safety } from './retry-policy.js';

/**
 * The one place hoop-etl speaks HTTP to the platform: every request goes
 * through the location's rate governor, the retry policy and, for writes that
 * must not happen twice, a look before writing again.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface CallSpec<T> {
  /** operationId from the spec, for logs and errors. */
  operation: string;
  method: HttpMethod;
  /** Path with parameters already substituted and encoded. */
  path: string;
  json?: unknown;
  searchParams?: Record<string, string | undefined>;
  safety: Safety;
  /**
   * For unsafe writes: after an ambiguous failure, finds the effect of the
   * write if it happened (the body the write would have answered), or
   * undefined. `since` is when the first attempt was sent.
   */
  reconcile?: (since: number) => Promise<T | undefined>;
}

export interface ClientOptions {
  /** @default https://services.leadconnectorhq.com */
  baseUrl?: string;
  /**
   * A static token (a Private Integration Token: sent as is, set once on the
   * HTTP instance), or a provider of OAuth access tokens, asked before each
   * request and told when the platform refuses one as expired.
   */
  token: string | TokenProvider;
  /** The location whose rate budget requests count against. */
  locationId: string;
  /** Shared by every client of the process, so that one location has one budget. @default a new governor */
  governor?: RateGovernor;
  retry?: Partial<RetryOptions>;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  logger?: Logger;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
  /** Extra headers on every request (e.g. the emulator's fault header in tests). */
  headers?: Record<string, string>;
  /**
   * Which setting chose the base URL (`--base-url`, `HOOPAI_BASE_URL`), for
   * the message of a connection that fails. @default 'the default'
   */
  baseUrlFrom?: string;
}

export interface CallResult<T> {
  body: T;
  status: number;
  attempts: number;
  /** True when an ambiguous write was found to have happened and was not sent again. */
  reconciled: boolean;
}

/** Counters a job reports in its summary. */
export interface ClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  reconciled: number;
  /** Requests sent again with a new access token after a 401 refused the old one. */
  tokenRenewals: number;
  /** Requests that waited 50 ms or more for the location's rate budget before going out. */
  paced: number;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function outcomeOfError(err: unknown): Outcome {
  const e = err as { code?: string; event?: string; name?: string };
  const code = e.code ?? e.name ?? 'UNKNOWN';
  // A timeout before the socket connected means nothing was sent.
  const sent = !NOT_SENT.has(code) && !(code === 'ETIMEDOUT' && (e.event === 'lookup' || e.event === 'connect'));
  return { kind: 'network', code, sent };
}

function isScopeRefusal(body: unknown): boolean {
  return /scope/i.test(platformMessages(body).join(' '));
}

/** A network failure in words, with the host it concerns. */
export function networkProblem(code: string, host: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host} (${code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host name ${host} (${code})`;
    case 'ETIMEDOUT':
      return `no answer from ${host} in time (${code})`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection to ${host} was closed before an answer (${code})`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `${host} cannot be reached from this machine (${code})`;
    default:
      return `no answer from ${host} (${code})`;
  }
}

/** The answer of a server that has no route for the path (Express and NestJS: `Cannot GET /path`; a web page), or undefined. */
function noSuchRoute(body: unknown): string | undefined {
  const message = typeof body === 'string' ? body : typeof (body as { message?: unknown } | undefined)?.message === 'string' ? (body as { message: string }).message : undefined;
  if (message === undefined) return undefined;
  if (/^Cannot (GET|POST|PUT|PATCH|DELETE) \//.test(message) || /<html|<!doctype/i.test(message)) return message.replace(/\s+/g, ' ').slice(0, 100).trim();
  return undefined;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class HoopClient {
  readonly locationId: string;
  readonly governor: RateGovernor;
  readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0, reconciled: 0, tokenRenewals: 0, paced: 0 };
  /** The platform's clock as the last answer's `Date` header gave it (whole seconds), and when that answer came (this client's clock). */
  lastServerDate: { date: number; receivedAt: number } | undefined;
  private readonly http: Got;
  private readonly retry: RetryOptions;
  private readonly logger: Logger | undefined;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly provider: TokenProvider | undefined;
  /** The server and the setting that chose it, for connection errors. */
  private readonly base: URL;
  private readonly baseUrlFrom: string;

  constructor(options: ClientOptions) {
    const base = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.base = base;
    this.baseUrlFrom = options.baseUrlFrom ?? (options.baseUrl === undefined ? 'the default' : 'the client options');
    this.locationId = options.locationId;
    this.governor =
      options.governor ??
      new RateGovernor({
        now: options.now,
        onDecision: (location, d) => options.logger?.debug({ location, decision: d.kind, ...(d.kind === 'wait' ? { until: d.until, reason: d.reason } : {}) }, 'rate governor'),
      });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.provider = typeof options.token === 'string' ? undefined : options.token;
    this.http = got.extend({
      prefixUrl: base.toString(),
      headers: {
        ...(typeof options.token === 'string' ? { authorization: `Bearer ${options.token}` } : {}),
        version: API_VERSION,
        accept: 'application/json',
        'user-agent': 'hoop-etl',
        ...options.headers,
      },
      agent: {
        http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
        https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
      },
      timeout: { request: options.timeoutMs ?? 30_000 },
      retry: { limit: 0 },
      throwHttpErrors: false,
      responseType: 'text',
      followRedirect: false,
    });
  }

  async call<T>(spec: CallSpec<T>): Promise<CallResult<T>> {
    const req: ApiRequestInfo = { method: spec.method, path: spec.path, operation: spec.operation };
    let firstSentAt: number | undefined;
    let lastResponse: ApiResponseInfo | undefined;
    // The access token this call sends (OAuth only), and whether it was renewed once already after a 401.
    let bearer: string | undefined;
    let renewedOnce = false;
    for (let attempt = 1; ; attempt++) {
      // Asked at every attempt: a backoff can outlast the token; the provider answers from memory until it nears its end.
      if (this.provider) bearer = await this.tokenFrom(() => this.provider!.token(), req);
      let ticket: number;
      const asked = this.now();
      try {
        ticket = await this.governor.acquire(this.locationId);
      } catch (e) {
        if (e instanceof DailyBudgetStop) {
          throw new DailyBudgetExhaustedError(this.locationId, e.remaining, e.resetAt !== undefined ? new Date(e.resetAt) : undefined, req);
        }
        throw e;
      }
      const started = this.now();
      if (started - asked >= 50) this.stats.paced++;
      firstSentAt ??= started;
      this.stats.requests++;
      let outcome: Outcome;
      let response: Response<string> | undefined;
      try {
        response = await this.http(spec.path.replace(/^\//, ''), {
          method: spec.method,
          json: spec.json,
          headers: bearer !== undefined ? { authorization: `Bearer ${bearer}` } : undefined,
          searchParams: spec.searchParams ? Object.fromEntries(Object.entries(spec.searchParams).filter(([, v]) => v !== undefined)) as Record<string, string> : undefined,
        });
        outcome = { kind: 'response', status: response.statusCode, headers: response.headers };
        this.logger?.trace({ operation: spec.operation, method: spec.method, path: spec.path, query: spec.searchParams, status: response.statusCode, attempt }, 'request');
      } catch (err) {
        outcome = outcomeOfError(err);
      }
      const t = response?.timings;
      await this.governor.release(this.locationId, ticket, {
        status: response?.statusCode,
        headers: response?.headers ?? {},
        // got's timings are wall-clock; shift them onto this client's clock.
        sentAt: t?.upload !== undefined ? started + (t.upload - t.start) : undefined,
      });

      if (response) {
        const date = typeof response.headers.date === 'string' ? Date.parse(response.headers.date) : NaN;
        if (!Number.isNaN(date)) this.lastServerDate = { date, receivedAt: this.now() };
        lastResponse = { status: response.statusCode, body: parseBody(response.body), headers: response.headers };
        if (response.statusCode < 400) return { body: lastResponse.body as T, status: response.statusCode, attempts: attempt, reconciled: false };
        if (response.statusCode === 429) this.stats.rateLimited++;
        // An OAuth access token that expired (or was revoked by a refresh elsewhere): renew it and send again at once.
        // A scope refusal is a 401 too, and no new token cures it.
        if (response.statusCode === 401 && this.provider && bearer !== undefined && !renewedOnce && !isScopeRefusal(lastResponse.body)) {
          renewedOnce = true;
          const used = bearer;
          await this.tokenFrom(() => this.provider!.renew(used), req);
          this.stats.tokenRenewals++;
          this.logger?.debug({ operation: spec.operation, path: spec.path, attempt }, 'access token refused; renewed and sending again');
          attempt--;
          continue;
        }
      }

      const decision = decideRetry({ attempt, outcome, safety: spec.safety, options: this.retry, random: this.random, now: this.now() });
      if (decision.action === 'fail') {
        this.logger?.debug({ operation: spec.operation, path: spec.path, attempt, reason: decision.reason }, 'request failed, not retried');
        throw this.failure(req, outcome, lastResponse, attempt, decision.reason);
      }
      this.stats.retries++;
      if (outcome.kind === 'network') {
        // A server that cannot be reached is news at the default level: the user sees the retries as they happen.
        this.logger?.warn({ host: this.base.host, attempt, of: this.retry.maxAttempts, delayMs: decision.delayMs }, `${networkProblem(outcome.code, this.base.host)} (attempt ${attempt} of ${this.retry.maxAttempts}); retrying in ${(decision.delayMs / 1000).toFixed(1)} s`);
      } else {
        this.logger?.debug({ operation: spec.operation, path: spec.path, attempt, delayMs: decision.delayMs, reason: decision.reason, action: decision.action }, 'retrying request');
      }
      await sleep(decision.delayMs);
      if (decision.action === 'reconcile') {
        if (!spec.reconcile) throw new UnavailableError(attempt, `${decision.reason}; the write may have happened and cannot be checked, so it is not sent again`, req, lastResponse);
        const found = await spec.reconcile(firstSentAt);
        if (found !== undefined) {
          this.stats.reconciled++;
          this.logger?.debug({ operation: spec.operation, path: spec.path, attempt }, 'ambiguous write had happened; not sent again');
          return { body: found, status: 200, attempts: attempt, reconciled: true };
        }
      }
    }
  }

  /** A provider's failure as a run-level API error: a job stops (resumable) instead of failing rows one by one. */
  private async tokenFrom(get: () => Promise<string>, req: ApiRequestInfo): Promise<string> {
    try {
      return await get();
    } catch (e) {
      if (e instanceof OAuthError || e instanceof LockTimeoutError) {
        if (e.code === 'OAUTH_UNAVAILABLE' || e.code === 'LOCK_TIMEOUT') throw new UnavailableError(1, e.message, req, undefined, { cause: e });
        throw new AccessTokenError(e.message, req, { cause: e });
      }
      throw e;
    }
  }

  private failure(req: ApiRequestInfo, outcome: Outcome, res: ApiResponseInfo | undefined, attempt: number, reason: string): Error {
    if (outcome.kind === 'response' && res) {
      if (outcome.status === 429) {
        const h = res.headers['x-ratelimit-daily-remaining'];
        if ((Array.isArray(h) ? h[0] : h) === '0') {
          const reset = Number(res.headers['x-ratelimit-daily-reset']);
          return new DailyBudgetExhaustedError(this.locationId, 0, Number.isFinite(reset) ? new Date(this.now() + reset) : undefined, req);
        }
        return new RateLimitedError(attempt, req, res);
      }
      if (outcome.status >= 500) return new UnavailableError(attempt, reason, req, res);
      const noRoute = outcome.status === 404 ? noSuchRoute(res.body) : undefined;
      if (noRoute) {
        // The server has no such route at all (not: no such contact): the base URL points at a path or a server that is not the API.
        return new NotFoundError(`${this.base.host} has no such route (it answered: ${noRoute}); check the base URL ${this.base.href} from ${this.baseUrlFrom}: the platform's is ${DEFAULT_BASE_URL}, with no path`, req, res);
      }
      return errorForResponse(req, res);
    }
    const code = outcome.kind === 'network' ? outcome.code : 'no answer';
    return new UnavailableError(attempt, `${networkProblem(code, this.base.host)}; the base URL ${this.base.href} comes from ${this.baseUrlFrom}: ${this.whatToCheck()}`, req, res);
  }

  private whatToCheck(): string {
    if (isLoopbackHost(this.base.hostname)) return `is the emulator (or the server you meant) listening on port ${this.base.port || '80'}? Start it, or set --base-url / HOOPAI_BASE_URL to where it listens`;
    return 'check the network, a proxy or firewall, and --base-url / HOOPAI_BASE_URL';
  }
}
