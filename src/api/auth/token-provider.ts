import type { Logger } from '../../core/logger.js';
import { HoopApiError } from '../errors.js';
import { OAuthError, type OAuthApi, type TokenAnswer } from './oauth-api.js';
import { expiresAtOf, needsRefresh, type Expiring } from './token-expiry.js';
import { locationTokenKey, type GrantRecord, type LocationTokenRecord, type TokenStore } from './token-store.js';

/**
 * Where a client's access token comes from when it is not one static string:
 * an OAuth grant in a token store, refreshed shortly before it expires and at
 * once after the platform refuses it. One refresh per grant at a time: within
 * the process, callers share one in-flight promise; across processes, the
 * store's lock, after which the store is read again, since another process
 * may have refreshed while we waited. The new pair is in the store before the
 * old refresh token is forgotten.
 */

export interface TokenProvider {
  /** The access token to send now (refreshed first if it is about to expire). */
  token(): Promise<string>;
  /** The platform refused `used` (expired, revoked): a token that is not `used`, or throws when none can be had. */
  renew(used: string): Promise<string>;
}

/** The grant is gone for good: the run stops (resumable) and says to sign in again. A run-level error, like a bad token. */
export class GrantLostError extends HoopApiError {
  constructor(why: string) {
    super('UNAUTHORIZED', `the OAuth grant can no longer be refreshed (${why}); sign in again with hoop-etl auth login`, { method: 'POST', path: '/oauth/token', operation: 'refresh-token' });
  }
}

export interface ProviderCounters {
  /** Refreshes (or mints) this provider sent to the platform. */
  refreshes: number;
  /** Times another process (or caller) had refreshed already when the lock was taken. */
  adopted: number;
}

interface ProviderOptions {
  store: TokenStore;
  oauth: OAuthApi;
  /** The app's client secret; read only when a refresh needs it. */
  clientSecret: () => Promise<string>;
  /** @default Date.now */
  now?: () => number;
  logger?: Logger;
}

function renewed<R extends GrantRecord | LocationTokenRecord>(rec: R, answer: TokenAnswer, now: number): R {
  const expiresAt = expiresAtOf(now, answer.expiresInS);
  return {
    ...rec,
    accessToken: answer.accessToken,
    // Rotation: the platform sends a new refresh token; an answer without one (the older location-token schema) leaves none to reuse.
    refreshToken: answer.refreshToken ?? (rec.kind === 'grant' ? rec.refreshToken : undefined),
    expiresAt,
    lifetimeMs: expiresAt !== undefined ? expiresAt - now : undefined,
    scopes: answer.scopes.length ? answer.scopes : rec.scopes,
    refreshedAt: now,
  };
}

/** One in-flight refresh per provider: every caller that finds the token expired waits for the same one. */
abstract class SingleFlight<R extends Expiring & { accessToken: string }> {
  readonly counters: ProviderCounters = { refreshes: 0, adopted: 0 };
  protected inflight: Promise<string> | undefined;
  protected cached: R | undefined;
  protected abstract readonly now: () => number;

  /** Takes and stores a new token (under the store's lock); `stale` is the one the caller saw fail or expire. */
  protected abstract refresh(stale: string | undefined): Promise<string>;

  /** After a 401 for `used`: a newer token already held, else one refresh shared by every caller. */
  async renew(used: string): Promise<string> {
    if (this.cached && this.cached.accessToken !== used && !needsRefresh(this.cached, this.now())) return this.cached.accessToken;
    return this.once(used, (s) => this.refresh(s));
  }

  protected once(stale: string | undefined, run: (stale: string | undefined) => Promise<string>): Promise<string> {
    this.inflight ??= run(stale).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }
}

/** The access token of a grant (`auth login`'s record): a Location grant's for contacts, a Company grant's for the agency routes. */
export class GrantTokenProvider extends SingleFlight<GrantRecord> implements TokenProvider {
  protected readonly now: () => number;

  constructor(
    readonly key: string,
    private readonly o: ProviderOptions,
  ) {
    super();
    this.now = o.now ?? Date.now;
  }

  /** The grant as last read (for its company id, client id, scopes). */
  async record(): Promise<GrantRecord> {
    if (this.cached) return this.cached;
    const rec = await this.o.store.get(this.key);
    if (!rec || rec.kind !== 'grant') throw new GrantLostError(`no grant in the token store ${this.o.store.describe}`);
    return (this.cached = rec);
  }

  async token(): Promise<string> {
    const rec = this.cached ?? (await this.record());
    if (!needsRefresh(rec, this.now())) return rec.accessToken;
    return this.once(rec.accessToken, (s) => this.refresh(s));
  }

  protected async refresh(stale: string | undefined): Promise<string> {
    return this.o.store.lock(this.key, async () => {
      const rec = await this.o.store.get(this.key);
      if (!rec || rec.kind !== 'grant') throw new GrantLostError(`the grant was removed from the token store ${this.o.store.describe}`);
      if (rec.accessToken !== stale && !needsRefresh(rec, this.now())) {
        // Refreshed by another process while we waited for the lock.
        this.counters.adopted++;
        this.cached = rec;
        return rec.accessToken;
      }
      const secret = await this.o.clientSecret();
      let answer: TokenAnswer;
      try {
        this.counters.refreshes++;
        answer = await this.o.oauth.refresh({ clientId: rec.clientId, clientSecret: secret, refreshToken: rec.refreshToken, userType: rec.userType });
      } catch (e) {
        if (e instanceof OAuthError && e.code === 'INVALID_GRANT') {
          // The lock makes this unlikely, but a process without it (an older hoop-etl, another tool) may have spent the token: take what it stored.
          const again = await this.o.store.get(this.key);
          if (again?.kind === 'grant' && again.refreshToken !== rec.refreshToken) {
            this.counters.adopted++;
            this.cached = again;
            return again.accessToken;
          }
          throw new GrantLostError(e.message);
        }
        throw e;
      }
      const next = renewed(rec, answer, this.now());
      await this.o.store.put(this.key, next);
      this.cached = next;
      this.o.logger?.debug({ grant: `${rec.userType} ${rec.companyId ?? rec.locationId ?? ''}`, expiresAt: next.expiresAt }, 'OAuth grant refreshed');
      return next.accessToken;
    });
  }
}

/**
 * A location's token from a Company grant: minted with POST /oauth/locationToken,
 * kept in the store until it expires, then refreshed with its own refresh
 * token when it has one (as the official SDK does) or minted again.
 */
export class LocationTokenProvider extends SingleFlight<LocationTokenRecord> implements TokenProvider {
  readonly key: string;
  protected readonly now: () => number;

  constructor(
    private readonly company: GrantTokenProvider,
    private readonly grant: { clientId: string; companyId: string },
    readonly locationId: string,
    private readonly o: ProviderOptions,
  ) {
    super();
    this.now = o.now ?? Date.now;
    this.key = locationTokenKey(grant.clientId, grant.companyId, locationId);
  }

  async token(): Promise<string> {
    if (!this.cached) {
      const rec = await this.o.store.get(this.key);
      if (rec?.kind === 'location') this.cached = rec;
    }
    if (this.cached && !needsRefresh(this.cached, this.now())) return this.cached.accessToken;
    return this.once(this.cached?.accessToken, (s) => this.refresh(s));
  }

  protected async refresh(stale: string | undefined): Promise<string> {
    return this.o.store.lock(this.key, async () => {
      const rec = await this.o.store.get(this.key);
      const held = rec?.kind === 'location' ? rec : undefined;
      if (held && held.accessToken !== stale && !needsRefresh(held, this.now())) {
        this.counters.adopted++;
        this.cached = held;
        return held.accessToken;
      }
      let next: LocationTokenRecord | undefined;
      if (held?.refreshToken) {
        try {
          this.counters.refreshes++;
          const answer = await this.o.oauth.refresh({ clientId: this.grant.clientId, clientSecret: await this.o.clientSecret(), refreshToken: held.refreshToken, userType: 'Location' });
          next = renewed(held, answer, this.now());
        } catch (e) {
          // A dead location refresh token costs nothing: the Company grant mints a new one.
          if (!(e instanceof OAuthError && e.code === 'INVALID_GRANT')) throw e;
          this.o.logger?.debug({ location: this.locationId }, 'location refresh token refused; minting a new location token');
        }
      }
      next ??= await this.mint();
      await this.o.store.put(this.key, next);
      this.cached = next;
      return next.accessToken;
    });
  }

  private async mint(): Promise<LocationTokenRecord> {
    let companyToken = await this.company.token();
    let answer: TokenAnswer;
    this.counters.refreshes++;
    try {
      answer = await this.o.oauth.locationToken(companyToken, this.grant.companyId, this.locationId);
    } catch (e) {
      if (!(e instanceof OAuthError && e.code === 'OAUTH_UNAUTHORIZED')) throw e;
      companyToken = await this.company.renew(companyToken);
      answer = await this.o.oauth.locationToken(companyToken, this.grant.companyId, this.locationId);
    }
    const now = this.now();
    const expiresAt = expiresAtOf(now, answer.expiresInS);
    return {
      kind: 'location',
      clientId: this.grant.clientId,
      companyId: this.grant.companyId,
      locationId: this.locationId,
      scopes: answer.scopes,
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      expiresAt,
      lifetimeMs: expiresAt !== undefined ? expiresAt - now : undefined,
      obtainedAt: now,
    };
  }
}
