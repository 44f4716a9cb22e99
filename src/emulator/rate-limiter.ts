/**
 * The platform's two limits per (token, location): a burst window (100 requests
 * per 10 s) and a daily budget (200,000). The window is sliding, which is
 * stricter than a fixed one; the day is a rolling 24 h from the bucket's first
 * request (BEHAVIOUR.md, emulator decisions). Requests refused with 429 are not
 * counted, so a client that waits as told always gets through.
 */

export interface RateLimitConfig {
  /** Requests per window; 0 turns the burst limit off. @default 100 */
  max: number;
  /** @default 10000 */
  intervalMs: number;
  /** Requests per rolling day; 0 turns the daily limit off. @default 200000 */
  dailyLimit: number;
  /** Send `Retry-After` on 429s. @default true */
  retryAfter: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { max: 100, intervalMs: 10_000, dailyLimit: 200_000, retryAfter: true };

export const DAY_MS = 24 * 60 * 60 * 1000;
/** What the headers report when a limit is switched off, so clients still see numbers. */
const UNLIMITED = 1_000_000_000;

interface Bucket {
  stamps: number[];
  head: number;
  dayStart: number;
  dayCount: number;
  /** Every arrival, refused ones too, for the peak a client sent into one window. */
  arrivals: number[];
  arrivalsHead: number;
  peakArrivals: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Why a request was refused: the burst window or the daily budget. */
  reason?: 'burst' | 'daily';
  headers: Record<string, string>;
  retryAfterSeconds?: number;
}

export class RateLimiter {
  config: RateLimitConfig;
  private readonly buckets = new Map<string, Bucket>();

  constructor(config: Partial<RateLimitConfig> = {}) {
    this.config = { ...DEFAULT_RATE_LIMIT, ...config };
  }

  private bucket(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { stamps: [], head: 0, dayStart: now, dayCount: 0, arrivals: [], arrivalsHead: 0, peakArrivals: 0 }));
    if (now - b.dayStart >= DAY_MS) {
      b.dayStart = now;
      b.dayCount = 0;
    }
    const cutoff = now - this.config.intervalMs;
    while (b.head < b.stamps.length && b.stamps[b.head]! <= cutoff) b.head++;
    if (b.head > 256) {
      b.stamps.splice(0, b.head);
      b.head = 0;
    }
    return b;
  }

  /** Decides one request at `now` and records it when allowed. */
  take(key: string, now: number): RateDecision {
    const { max, dailyLimit, intervalMs } = this.config;
    const b = this.bucket(key, now);
    this.countArrival(b, now);
    const inWindow = b.stamps.length - b.head;
    if (dailyLimit > 0 && b.dayCount >= dailyLimit) {
      const wait = b.dayStart + DAY_MS - now;
      return this.refuse(b, now, 'daily', Math.max(1, Math.ceil(wait / 1000)));
    }
    if (max > 0 && inWindow >= max) {
      const wait = b.stamps[b.head]! + intervalMs - now;
      return this.refuse(b, now, 'burst', Math.max(1, Math.ceil(wait / 1000)));
    }
    if (max > 0) b.stamps.push(now);
    b.dayCount++;
    return { allowed: true, headers: this.headers(b, now) };
  }

  private countArrival(b: Bucket, now: number): void {
    const cutoff = now - this.config.intervalMs;
    b.arrivals.push(now);
    while (b.arrivalsHead < b.arrivals.length && b.arrivals[b.arrivalsHead]! <= cutoff) b.arrivalsHead++;
    if (b.arrivalsHead > 1024) {
      b.arrivals.splice(0, b.arrivalsHead);
      b.arrivalsHead = 0;
    }
    b.peakArrivals = Math.max(b.peakArrivals, b.arrivals.length - b.arrivalsHead);
  }

  /**
   * The most requests, refused ones included, that arrived within one window
   * for each bucket since the last clear: what a client really sent, which the
   * limit alone cannot show.
   */
  peaks(): Map<string, number> {
    return new Map([...this.buckets].map(([k, b]) => [k, b.peakArrivals]));
  }

  /** The headers of a 429 the fault injector forces, without touching the counts. */
  forced(key: string, now: number): RateDecision {
    const b = this.bucket(key, now);
    return this.refuse(b, now, 'burst', Math.max(1, Math.ceil(this.config.intervalMs / 1000)), true);
  }

  private refuse(b: Bucket, now: number, reason: 'burst' | 'daily', retryAfterSeconds: number, zero = false): RateDecision {
    const headers = this.headers(b, now);
    if (zero || reason === 'burst') headers['x-ratelimit-remaining'] = '0';
    if (this.config.retryAfter) headers['retry-after'] = String(retryAfterSeconds);
    return { allowed: false, reason, headers, retryAfterSeconds };
  }

  headers(b: Bucket, now: number): Record<string, string> {
    const { max, intervalMs, dailyLimit } = this.config;
    const inWindow = b.stamps.length - b.head;
    return {
      'x-ratelimit-limit-daily': String(dailyLimit > 0 ? dailyLimit : UNLIMITED),
      'x-ratelimit-daily-remaining': String(dailyLimit > 0 ? Math.max(0, dailyLimit - b.dayCount) : UNLIMITED),
      'x-ratelimit-interval-milliseconds': String(intervalMs),
      'x-ratelimit-max': String(max > 0 ? max : UNLIMITED),
      'x-ratelimit-remaining': String(max > 0 ? Math.max(0, max - inWindow) : UNLIMITED),
      'x-ratelimit-daily-reset': String(Math.max(0, b.dayStart + DAY_MS - now)),
    };
  }

  /** Starts a new day for every bucket (or one), as the platform's reset would. */
  resetDay(now: number, key?: string): void {
    for (const [k, b] of this.buckets) {
      if (key && k !== key) continue;
      b.dayStart = now;
      b.dayCount = 0;
    }
  }

  clear(): void {
    this.buckets.clear();
  }

  clearPeaks(): void {
    for (const b of this.buckets.values()) b.peakArrivals = 0;
  }
}
