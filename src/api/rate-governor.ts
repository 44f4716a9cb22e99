import { parseRetryAfter } from './retry-policy.js';

/**
 * The rate governor: one budget per location, shared by every caller of that
 * location. The decisions are pure functions of a small state; the class
 * around them only queues callers and sleeps.
 *
 * It starts conservatively (one request at a time until the first answer
 * tells the limit), then keeps a sliding window of its own sends slightly
 * longer than the platform's, so that requests arriving with different
 * latencies never crowd more than the limit into one server window. Answers
 * correct it: `X-RateLimit-Remaining` lower than it expects means another
 * client uses the same budget; a 429 pauses every caller of the location.
 */

/** One request counted in the local window. */
export interface SentRequest {
  readonly ticket: number;
  readonly at: number;
  /** When it stops counting; undefined while it is unanswered (it may not have arrived yet). */
  expiresAt: number | undefined;
}

export interface RateState {
  /** Learned from `X-RateLimit-Max` / `-Interval-Milliseconds`; undefined until the first answer. */
  max: number | undefined;
  intervalMs: number | undefined;
  /** Requests that may still count in the platform's window, in send order. */
  sent: SentRequest[];
  nextTicket: number;
  pausedUntil: number;
  /** Estimated daily requests left; undefined until an answer carries the header. */
  dailyRemaining: number | undefined;
  dailyResetAt: number | undefined;
  /** Recent round-trip times; the fastest is the base latency. */
  rtts: number[];
}

export function initialRateState(): RateState {
  return { max: undefined, intervalMs: undefined, sent: [], nextTicket: 1, pausedUntil: 0, dailyRemaining: undefined, dailyResetAt: undefined, rtts: [] };
}

export interface GovernorOptions {
  /** Requests in flight before the first answer tells the limit. @default 1 */
  initialConcurrency: number;
  /** Extra length of the local window, as a share of the interval (timer and clock slack). @default 0.005 */
  marginRatio: number;
  /** Daily requests kept in reserve: the job stops when only these are left. @default 0 */
  dailyReserve: number;
  /** Share of the spread of recent round trips added to the window (at most 10% of it). @default 0.5 */
  spreadRatio: number;
}

export const DEFAULT_GOVERNOR: GovernorOptions = { initialConcurrency: 1, marginRatio: 0.005, dailyReserve: 0, spreadRatio: 0.5 };

export type SendDecision =
  | { kind: 'send'; ticket: number }
  /** Wait until `until` (ms), or for the next answer when `until` is undefined. */
  | { kind: 'wait'; until: number | undefined; reason: string }
  | { kind: 'stop'; remaining: number; resetAt: number | undefined };

export function inFlight(state: RateState): number {
  let n = 0;
  for (const s of state.sent) if (s.expiresAt === undefined) n++;
  return n;
}

function prune(state: RateState, now: number): void {
  if (state.sent.some((s) => s.expiresAt !== undefined && s.expiresAt <= now)) {
    state.sent = state.sent.filter((s) => s.expiresAt === undefined || s.expiresAt > now);
  }
}

/**
 * Whether one more request may go now. A request counts until the platform's
 * window has passed since it (probably) arrived: its send time plus how much
 * slower than the fastest round trip its own round trip was, plus the
 * interval and a small margin. An unanswered request counts until answered,
 * since it may still be on its way.
 */
export function decideSend(state: RateState, now: number, opts: GovernorOptions): SendDecision {
  const flying = inFlight(state);
  // dailyRemaining already has the requests in flight taken off (recordSend / recordAnswer).
  if (state.dailyRemaining !== undefined && state.dailyRemaining <= opts.dailyReserve) {
    return { kind: 'stop', remaining: Math.max(0, state.dailyRemaining), resetAt: state.dailyResetAt };
  }
  if (state.pausedUntil > now) return { kind: 'wait', until: state.pausedUntil, reason: 'paused after a 429' };
  if (state.max === undefined || state.intervalMs === undefined) {
    return flying < opts.initialConcurrency
      ? { kind: 'send', ticket: state.nextTicket }
      : { kind: 'wait', until: undefined, reason: 'waiting for the first answer to learn the limit' };
  }
  prune(state, now);
  if (state.sent.length < state.max) return { kind: 'send', ticket: state.nextTicket };
  const needed = state.sent.length - state.max + 1;
  const expiries = state.sent.map((s) => s.expiresAt).filter((e): e is number => e !== undefined).sort((a, b) => a - b);
  const until = expiries.length >= needed ? expiries[needed - 1] : undefined;
  return { kind: 'wait', until, reason: `window full (${state.max} per ${state.intervalMs} ms)` };
}

export function recordSend(state: RateState, now: number): number {
  const ticket = state.nextTicket++;
  state.sent.push({ ticket, at: now, expiresAt: undefined });
  if (state.dailyRemaining !== undefined) state.dailyRemaining--;
  return ticket;
}

export interface AnswerInfo {
  /** Undefined when no answer came (connection error, timeout). */
  status: number | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** When the request finished leaving the client, if known (same clock as `now`). */
  sentAt?: number;
}

function num(headers: AnswerInfo['headers'], name: string): number | undefined {
  const raw = headers[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Folds the answer to `ticket` (or its absence) into the state. */
export function recordAnswer(state: RateState, ticket: number, now: number, answer: AnswerInfo, opts: GovernorOptions): void {
  const h = answer.headers;
  const max = num(h, 'x-ratelimit-max');
  const interval = num(h, 'x-ratelimit-interval-milliseconds');
  if (max !== undefined && max > 0) state.max = max;
  if (interval !== undefined && interval > 0) state.intervalMs = interval;
  // When round trips vary a lot (a loaded machine or network), arrivals are harder to
  // place: widen the window by a share of the spread of recent round trips, at most 10%.
  const windowOf = (): number => {
    const intervalMs = state.intervalMs ?? 0;
    const spread = state.rtts.length > 1 ? Math.max(...state.rtts) - Math.min(...state.rtts) : 0;
    return intervalMs * (1 + opts.marginRatio) + Math.min(intervalMs * 0.1, spread * opts.spreadRatio);
  };

  const entry = state.sent.find((s) => s.ticket === ticket);
  if (entry) {
    if (answer.status === undefined) {
      // No answer: it may have arrived at any time up to now.
      entry.expiresAt = now + windowOf();
    } else {
      // From the moment the request left (or, without that, the decision to send) to its answer.
      const left = answer.sentAt !== undefined ? Math.max(entry.at, answer.sentAt) : entry.at;
      const rtt = Math.max(0, now - left);
      state.rtts.push(rtt);
      if (state.rtts.length > 100) state.rtts.shift();
      const fastest = Math.min(...state.rtts);
      // A round trip slower than the fastest was delayed somewhere: assume on the way in. Of the
      // fastest round trip itself, assume half was the way in (a symmetric network).
      entry.expiresAt = left + (rtt - fastest) + fastest / 2 + windowOf();
    }
  }
  if (answer.status === undefined) return;

  const daily = num(h, 'x-ratelimit-daily-remaining');
  if (daily !== undefined) state.dailyRemaining = daily - inFlight(state);
  const reset = num(h, 'x-ratelimit-daily-reset');
  if (reset !== undefined) state.dailyResetAt = now + reset;

  if (state.max !== undefined && state.intervalMs !== undefined) {
    prune(state, now);
    const remaining = num(h, 'x-ratelimit-remaining');
    // The platform counts more than we sent: someone else shares the budget. Count the difference as sent now.
    if (remaining !== undefined && answer.status !== 429) {
      const used = state.max - remaining;
      for (let missing = used - state.sent.length; missing > 0; missing--) {
        state.sent.push({ ticket: 0, at: now, expiresAt: now + windowOf() });
      }
    }
  }
  if (answer.status === 429) {
    const raw = h['retry-after'];
    const after = parseRetryAfter(Array.isArray(raw) ? raw[0] : raw, now);
    const waitMs = after ?? state.intervalMs ?? 1000;
    state.pausedUntil = Math.max(state.pausedUntil, now + waitMs);
  }
}

/**
 * Where the state of each location lives. In memory by default; a shared store
 * (Redis, for several processes on one location) implements the same atomic
 * read-modify-write.
 */
export interface RateStateStore {
  update<T>(key: string, fn: (state: RateState) => T): Promise<T>;
}

export class MemoryRateStateStore implements RateStateStore {
  private readonly states = new Map<string, RateState>();

  async update<T>(key: string, fn: (state: RateState) => T): Promise<T> {
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = initialRateState()));
    return fn(s);
  }

  /** For inspection in tests and logs. */
  peek(key: string): RateState | undefined {
    return this.states.get(key);
  }
}

export class DailyBudgetStop extends Error {
  constructor(
    readonly remaining: number,
    readonly resetAt: number | undefined,
  ) {
    super('daily budget exhausted');
    this.name = 'DailyBudgetStop';
  }
}

export interface RateGovernorOptions extends Partial<GovernorOptions> {
  store?: RateStateStore;
  /** @default Date.now */
  now?: () => number;
  /** Called for every decision to wait or stop. */
  onDecision?: (key: string, decision: SendDecision) => void;
}

/**
 * Queues the callers of each location in arrival order and lets the head go
 * when the pure decision says so.
 */
export class RateGovernor {
  readonly options: GovernorOptions;
  private readonly store: RateStateStore;
  private readonly now: () => number;
  private readonly onDecision: ((key: string, d: SendDecision) => void) | undefined;
  private readonly queues = new Map<string, { waiters: Array<{ resolve: (ticket: number) => void; reject: (e: Error) => void }>; pumping: boolean; wake?: () => void }>();

  constructor(options: RateGovernorOptions = {}) {
    this.options = { ...DEFAULT_GOVERNOR, ...options };
    this.store = options.store ?? new MemoryRateStateStore();
    this.now = options.now ?? Date.now;
    this.onDecision = options.onDecision;
  }

  /** Resolves with a ticket when the caller may send one request for `key`; rejects with DailyBudgetStop. */
  acquire(key: string): Promise<number> {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = { waiters: [], pumping: false }));
    const p = new Promise<number>((resolve, reject) => q!.waiters.push({ resolve, reject }));
    if (!q.pumping) void this.pump(key);
    return p;
  }

  /** The limit learned from the answers so far (undefined before the first), for estimates. */
  limit(key: string): Promise<{ max: number; intervalMs: number } | undefined> {
    return this.store.update(key, (s) => (s.max !== undefined && s.intervalMs !== undefined ? { max: s.max, intervalMs: s.intervalMs } : undefined));
  }

  /** Reports the answer (or its absence) to the request sent with `ticket`. */
  async release(key: string, ticket: number, answer: AnswerInfo): Promise<void> {
    await this.store.update(key, (s) => recordAnswer(s, ticket, this.now(), answer, this.options));
    this.queues.get(key)?.wake?.();
  }

  private async pump(key: string): Promise<void> {
    const q = this.queues.get(key)!;
    q.pumping = true;
    try {
      while (q.waiters.length > 0) {
        const decision = await this.store.update(key, (s) => {
          const d = decideSend(s, this.now(), this.options);
          return d.kind === 'send' ? { ...d, ticket: recordSend(s, this.now()) } : d;
        });
        if (decision.kind === 'send') {
          q.waiters.shift()!.resolve(decision.ticket);
          continue;
        }
        this.onDecision?.(key, decision);
        if (decision.kind === 'stop') {
          const err = new DailyBudgetStop(decision.remaining, decision.resetAt);
          for (const w of q.waiters.splice(0)) w.reject(err);
          break;
        }
        await new Promise<void>((resolve) => {
          const timer = decision.until !== undefined ? setTimeout(done, Math.max(1, decision.until - this.now())) : undefined;
          function done(): void {
            if (timer) clearTimeout(timer);
            q.wake = undefined;
            resolve();
          }
          // An answer can free the budget sooner (or for the first time): look again then.
          q.wake = done;
        });
      }
    } finally {
      q.pumping = false;
    }
  }
}
