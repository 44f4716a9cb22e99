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

export interface RateState {
  /** Learned from `X-RateLimit-Max` / `-Interval-Milliseconds`; undefined until the first answer. */
  max: number | undefined;
  intervalMs: number | undefined;
  /** Send times (ms), ascending, of requests that may still count in the window. */
  sent: number[];
  inFlight: number;
  pausedUntil: number;
  /** Estimated daily requests left; undefined until an answer carries the header. */
  dailyRemaining: number | undefined;
  dailyResetAt: number | undefined;
  /** Recent round-trip times, for the window margin. */
  rtts: number[];
}

export function initialRateState(): RateState {
  return { max: undefined, intervalMs: undefined, sent: [], inFlight: 0, pausedUntil: 0, dailyRemaining: undefined, dailyResetAt: undefined, rtts: [] };
}

export interface GovernorOptions {
  /** Requests in flight before the first answer tells the limit. @default 1 */
  initialConcurrency: number;
  /** Smallest extra length of the local window, as a share of the interval. @default 0.01 */
  minMarginRatio: number;
  /** Largest extra length, as a share of the interval. @default 0.1 */
  maxMarginRatio: number;
  /** Daily requests kept in reserve: the job stops when only these are left. @default 0 */
  dailyReserve: number;
}

export const DEFAULT_GOVERNOR: GovernorOptions = { initialConcurrency: 1, minMarginRatio: 0.01, maxMarginRatio: 0.1, dailyReserve: 0 };

export type SendDecision =
  | { kind: 'send' }
  /** Wait until `until` (ms), or for the next answer when `until` is undefined. */
  | { kind: 'wait'; until: number | undefined; reason: string }
  | { kind: 'stop'; remaining: number; resetAt: number | undefined };

/** How much longer than the platform's window the local one is: the spread of round trips, within bounds. */
export function windowMargin(state: RateState, opts: GovernorOptions): number {
  const interval = state.intervalMs ?? 0;
  const lo = interval * opts.minMarginRatio;
  const hi = interval * opts.maxMarginRatio;
  if (state.rtts.length < 2) return hi;
  let min = Infinity;
  let max = -Infinity;
  for (const r of state.rtts) {
    if (r < min) min = r;
    if (r > max) max = r;
  }
  return Math.min(hi, Math.max(lo, max - min));
}

function prune(state: RateState, now: number, windowMs: number): void {
  let i = 0;
  while (i < state.sent.length && state.sent[i]! <= now - windowMs) i++;
  if (i > 0) state.sent.splice(0, i);
}

export function decideSend(state: RateState, now: number, opts: GovernorOptions): SendDecision {
  if (state.dailyRemaining !== undefined && state.dailyRemaining - state.inFlight <= opts.dailyReserve) {
    return { kind: 'stop', remaining: Math.max(0, state.dailyRemaining), resetAt: state.dailyResetAt };
  }
  if (state.pausedUntil > now) return { kind: 'wait', until: state.pausedUntil, reason: 'paused after a 429' };
  if (state.max === undefined || state.intervalMs === undefined) {
    return state.inFlight < opts.initialConcurrency ? { kind: 'send' } : { kind: 'wait', until: undefined, reason: 'waiting for the first answer to learn the limit' };
  }
  const windowMs = state.intervalMs + windowMargin(state, opts);
  prune(state, now, windowMs);
  if (state.sent.length < state.max) return { kind: 'send' };
  const oldest = state.sent[state.sent.length - state.max]!;
  return { kind: 'wait', until: oldest + windowMs, reason: `window full (${state.max} per ${state.intervalMs} ms)` };
}

export function recordSend(state: RateState, now: number): void {
  state.sent.push(now);
  state.inFlight++;
  if (state.dailyRemaining !== undefined) state.dailyRemaining--;
}

export interface AnswerInfo {
  status: number | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rttMs: number;
}

function num(headers: AnswerInfo['headers'], name: string): number | undefined {
  const raw = headers[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Folds one answer (or a failure without one) into the state. */
export function recordAnswer(state: RateState, now: number, answer: AnswerInfo, opts: GovernorOptions): void {
  state.inFlight = Math.max(0, state.inFlight - 1);
  if (answer.status === undefined) return;
  state.rtts.push(answer.rttMs);
  if (state.rtts.length > 50) state.rtts.shift();
  const h = answer.headers;
  const max = num(h, 'x-ratelimit-max');
  const interval = num(h, 'x-ratelimit-interval-milliseconds');
  if (max !== undefined && max > 0) state.max = max;
  if (interval !== undefined && interval > 0) state.intervalMs = interval;

  const daily = num(h, 'x-ratelimit-daily-remaining');
  if (daily !== undefined) state.dailyRemaining = daily - state.inFlight;
  const reset = num(h, 'x-ratelimit-daily-reset');
  if (reset !== undefined) state.dailyResetAt = now + reset;

  if (state.max !== undefined && state.intervalMs !== undefined) {
    const windowMs = state.intervalMs + windowMargin(state, opts);
    prune(state, now, windowMs);
    const remaining = num(h, 'x-ratelimit-remaining');
    // The platform counts more than we sent: someone else shares the budget. Count the difference as sent now.
    if (remaining !== undefined && answer.status !== 429) {
      const used = state.max - remaining;
      for (let missing = used - state.sent.length; missing > 0; missing--) state.sent.push(now);
    }
  }
  if (answer.status === 429) {
    const after = num(h, 'retry-after');
    const waitMs = after !== undefined ? after * 1000 : (state.intervalMs ?? 1000);
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
  private readonly queues = new Map<string, { waiters: Array<{ resolve: () => void; reject: (e: Error) => void }>; pumping: boolean; wake?: () => void }>();

  constructor(options: RateGovernorOptions = {}) {
    this.options = { ...DEFAULT_GOVERNOR, ...options };
    this.store = options.store ?? new MemoryRateStateStore();
    this.now = options.now ?? Date.now;
    this.onDecision = options.onDecision;
  }

  /** Resolves when the caller may send one request for `key`; rejects with DailyBudgetStop. */
  acquire(key: string): Promise<void> {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = { waiters: [], pumping: false }));
    const p = new Promise<void>((resolve, reject) => q!.waiters.push({ resolve, reject }));
    if (!q.pumping) void this.pump(key);
    return p;
  }

  /** Reports the answer (or its absence) of a request sent after `acquire`. */
  async release(key: string, answer: AnswerInfo): Promise<void> {
    await this.store.update(key, (s) => recordAnswer(s, this.now(), answer, this.options));
    this.queues.get(key)?.wake?.();
  }

  private async pump(key: string): Promise<void> {
    const q = this.queues.get(key)!;
    q.pumping = true;
    try {
      while (q.waiters.length > 0) {
        const decision = await this.store.update(key, (s) => {
          const d = decideSend(s, this.now(), this.options);
          if (d.kind === 'send') recordSend(s, this.now());
          return d;
        });
        if (decision.kind === 'send') {
          q.waiters.shift()!.resolve();
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
          // An answer may free the budget (first answer learned, or a pause shortened): look again then.
          q.wake = decision.until === undefined ? done : undefined;
        });
      }
    } finally {
      q.pumping = false;
    }
  }
}
