import { FaultInjector, type FaultConfig } from './faults.js';
import { CompanyFlags, newTokenLimiter, OAuthStats, type OAuthConfig } from './oauth.js';
import { RateLimiter, type RateLimitConfig } from './rate-limiter.js';
import { EmulatorStore } from './store.js';
import { ALL_SCOPES, type LocationSettings, type UniqueIdentifier } from './types.js';

/** Everything one running emulator holds: the store, the limiter, the fault dice, the counters. */

export const DEMO_LOCATION_ID = 'hoopDemoLocation0001';
export const DEMO_TOKEN = 'pit-hoop-etl-demo-token';

export class EmulatorStats {
  requests = 0;
  byOperation: Record<string, number> = {};
  byStatus: Record<string, number> = {};
  rateLimited = 0;
  dailyLimited = 0;
  faults = { status: 0, drop: 0, ambiguous: 0, rateLimit: 0 };
  /** The OAuth routes' counters: refreshes, invalid_grant answers, location tokens... */
  readonly oauth = new OAuthStats();

  /** Set by the state: reads the limiter's per-bucket peaks, keyed by location. */
  windowPeaks: () => Record<string, number> = () => ({});

  countOperation(op: string): void {
    this.requests++;
    this.byOperation[op] = (this.byOperation[op] ?? 0) + 1;
  }

  countStatus(status: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  reset(): void {
    this.requests = 0;
    this.byOperation = {};
    this.byStatus = {};
    this.rateLimited = 0;
    this.dailyLimited = 0;
    this.faults = { status: 0, drop: 0, ambiguous: 0, rateLimit: 0 };
    this.oauth.reset();
  }

  toJSON(): Record<string, unknown> {
    return {
      /** Per location: the most requests that arrived within one rate window (refused ones too). */
      windowPeaks: this.windowPeaks(),
      requests: this.requests,
      byOperation: this.byOperation,
      byStatus: this.byStatus,
      rateLimited: this.rateLimited,
      dailyLimited: this.dailyLimited,
      faults: this.faults,
      oauth: this.oauth.toJSON(),
    };
  }
}

export interface DefaultTenant {
  locationId: string;
  token: string;
  country: string;
  timezone: string;
  allowDuplicateContact: boolean;
  contactUniqueIdentifiers: UniqueIdentifier[];
  /** The company's further locations, each with its static token (`--locations N`). */
  extraLocations: Array<{ locationId: string; token: string }>;
}

export class EmulatorState {
  readonly store: EmulatorStore;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly stats = new EmulatorStats();
  readonly tenant: DefaultTenant;
  readonly log: (line: string) => void;
  readonly oauth: OAuthConfig;
  /** Per-location install and active flags of the company. */
  readonly company = new CompanyFlags();
  /** The token endpoint's own limit (5 / min per client and resource). */
  readonly tokenLimiter = newTokenLimiter();
  /** When the emulator started, on its clock: the apps' install time. */
  readonly startedAt: number;
  /** API requests routed since start; never reset, unlike the stats. */
  routed = 0;
  private readonly onRequest: ((operationId: string, count: number) => void) | undefined;

  constructor(opts: {
    store: EmulatorStore;
    rate: Partial<RateLimitConfig>;
    faults: Partial<FaultConfig>;
    tenant: DefaultTenant;
    oauth: OAuthConfig;
    log: (line: string) => void;
    onRequest?: (operationId: string, count: number) => void;
  }) {
    this.onRequest = opts.onRequest;
    this.store = opts.store;
    this.limiter = new RateLimiter(opts.rate);
    this.faults = new FaultInjector(opts.faults);
    this.tenant = opts.tenant;
    this.log = opts.log;
    this.oauth = opts.oauth;
    this.startedAt = this.store.now();
    this.stats.windowPeaks = () => {
      const out: Record<string, number> = {};
      for (const [key, peak] of this.limiter.peaks()) {
        const location = key.slice(key.lastIndexOf(':') + 1);
        out[location] = Math.max(out[location] ?? 0, peak);
      }
      return out;
    };
  }

  /** Counts an API request as it is routed and tells the observer, if any. */
  routedRequest(operationId: string): void {
    this.stats.countOperation(operationId);
    this.routed++;
    this.onRequest?.(operationId, this.routed);
  }

  defaultLocation(): LocationSettings {
    const t = this.tenant;
    return {
      id: t.locationId,
      name: 'HoopAI demo location',
      country: t.country,
      timezone: t.timezone,
      allowDuplicateContact: t.allowDuplicateContact,
      contactUniqueIdentifiers: t.contactUniqueIdentifiers,
    };
  }

  /** Creates the default location and token when they are missing (first start, or after a reset). */
  ensureDefaultTenant(): void {
    if (!this.store.location(this.tenant.locationId)) this.store.putLocation(this.defaultLocation());
    if (!this.store.tokens.has(this.tenant.token)) {
      this.store.putToken({ token: this.tenant.token, locationId: this.tenant.locationId, scopes: [...ALL_SCOPES] });
    }
    this.tenant.extraLocations.forEach(({ locationId, token }, i) => {
      if (!this.store.location(locationId)) this.store.putLocation({ ...this.defaultLocation(), id: locationId, name: `HoopAI demo location ${i + 2}` });
      if (!this.store.tokens.has(token)) this.store.putToken({ token, locationId, scopes: [...ALL_SCOPES] });
    });
  }

  reset(): void {
    this.store.reset();
    this.limiter.clear();
    this.faults.clear();
    this.stats.reset();
    this.company.clear();
    this.tokenLimiter.clear();
    this.ensureDefaultTenant();
  }
}
