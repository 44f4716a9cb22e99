import { describe, expect, it } from 'vitest';
import {
  DailyBudgetStop,
  decideSend,
  DEFAULT_GOVERNOR,
  inFlight,
  initialRateState,
  MemoryRateStateStore,
  RateGovernor,
  recordAnswer,
  recordSend,
  type AnswerInfo,
  type GovernorOptions,
  type RateState,
  type SendDecision,
} from '../../../src/api/rate-governor.js';

type Headers = AnswerInfo['headers'];

/** One step on one state, at an explicit time. */
type Step =
  | { at: number; decide: SendDecision }
  /** recordSend; `ticket` is the ticket it must return. */
  | { at: number; send: number }
  | { at: number; answer: number; status: number | undefined; headers?: Headers; sentAt?: number }
  | { check: Partial<RateState>; flying?: number };

function run(steps: readonly Step[], opts: GovernorOptions = DEFAULT_GOVERNOR, state: RateState = initialRateState()): RateState {
  steps.forEach((step, i) => {
    const where = `step ${i}: ${JSON.stringify(step)}`;
    if ('decide' in step) expect(decideSend(state, step.at, opts), where).toEqual(step.decide);
    else if ('send' in step) expect(recordSend(state, step.at), where).toBe(step.send);
    else if ('answer' in step) {
      const answer: AnswerInfo = { status: step.status, headers: step.headers ?? {} };
      if (step.sentAt !== undefined) answer.sentAt = step.sentAt;
      recordAnswer(state, step.answer, step.at, answer, opts);
    }
    else {
      expect(state, where).toMatchObject(step.check);
      if (step.flying !== undefined) expect(inFlight(state), where).toBe(step.flying);
    }
  });
  return state;
}

const SEND = (ticket: number): SendDecision => ({ kind: 'send', ticket });
const FIRST: SendDecision = { kind: 'wait', until: undefined, reason: 'waiting for the first answer to learn the limit' };
const PAUSED = (until: number): SendDecision => ({ kind: 'wait', until, reason: 'paused after a 429' });
const FULL = (until: number | undefined, max: number, interval: number): SendDecision => ({ kind: 'wait', until, reason: `window full (${max} per ${interval} ms)` });
const STOP = (remaining: number, resetAt: number | undefined): SendDecision => ({ kind: 'stop', remaining, resetAt });
const limits = (max: number, interval: number, extra: Headers = {}): Headers => ({
  'x-ratelimit-max': String(max),
  'x-ratelimit-interval-milliseconds': String(interval),
  ...extra,
});
const req = (ticket: number, at: number, expiresAt: number | undefined) => ({ ticket, at, expiresAt });
/**
 * The local window of a 1000 ms interval with the default margin, computed as the governor does:
 * 1000 × (1 + 0.005) is 1004.9999999999999 in binary floating point, not 1005. Expiries are
 * written as `(whole ms) + W`, which is the exact double the governor stores.
 */
const W = 1000 * (1 + 0.005);

describe('rate governor decisions, step by step', () => {
  // Default margin: 0.5% of the interval, so a 1000 ms interval gives a local window of W (≈ 1005 ms).
  // An answered request counts until: when it left + how much slower than the fastest its round
  // trip was + half the fastest round trip (the way in, on a symmetric network) + the window.
  it.each<{ name: string; opts?: Partial<GovernorOptions>; steps: Step[] }>([
    {
      name: 'conservative start: one in flight until the first answer, then the learned limit',
      steps: [
        { check: { max: undefined, intervalMs: undefined, sent: [], nextTicket: 1 }, flying: 0 },
        { at: 0, decide: SEND(1) },
        { at: 0, send: 1 },
        { check: { sent: [req(1, 0, undefined)], nextTicket: 2 }, flying: 1 },
        { at: 1, decide: FIRST },
        { at: 5000, decide: FIRST }, // no clock frees it: only an answer does
        { at: 100, answer: 1, status: 200, headers: limits(3, 1000, { 'x-ratelimit-remaining': '2' }) },
        // Learned 3 per 1000 ms; the only round trip is the fastest, so it counts from half of it
        // (50 ms) after its send time.
        { check: { max: 3, intervalMs: 1000, rtts: [100], sent: [req(1, 0, 50 + W)] }, flying: 0 },
        { at: 100, decide: SEND(2) },
        { at: 100, send: 2 },
        { at: 100, decide: SEND(3) },
        { at: 100, send: 3 },
        { at: 100, decide: FULL(50 + W, 3, 1000) },
        { at: 1054, decide: FULL(50 + W, 3, 1000) },
        { at: 50 + W, decide: SEND(4) }, // 1055 exactly: it stops counting at its expiry
        { check: { sent: [req(2, 100, undefined), req(3, 100, undefined)] }, flying: 2 },
      ],
    },
    {
      name: 'initialConcurrency 2 lets two go before the first answer; a failure frees a slot',
      opts: { initialConcurrency: 2 },
      steps: [
        { at: 0, decide: SEND(1) },
        { at: 0, send: 1 },
        { at: 0, decide: SEND(2) },
        { at: 0, send: 2 },
        { at: 0, decide: FIRST },
        { at: 50, answer: 1, status: undefined },
        // No answer: nothing learned, no RTT; the request counts as arrived up to now.
        { check: { max: undefined, rtts: [], sent: [req(1, 0, 50), req(2, 0, undefined)] }, flying: 1 },
        { at: 50, decide: SEND(3) },
      ],
    },
    {
      name: 'an answer without usable rate headers teaches nothing; array headers do',
      steps: [
        { at: 0, send: 1 },
        { at: 80, answer: 1, status: 200, headers: { 'x-ratelimit-max': '', 'x-ratelimit-interval-milliseconds': 'ten' } },
        { check: { max: undefined, intervalMs: undefined, rtts: [80] }, flying: 0 },
        { at: 80, decide: SEND(2) },
        { at: 80, send: 2 },
        { at: 80, decide: FIRST },
        { at: 90, answer: 2, status: 200, headers: { 'x-ratelimit-max': ['2', '9'], 'x-ratelimit-interval-milliseconds': ['500'] } },
        { check: { max: 2, intervalMs: 500, rtts: [80, 10] } },
      ],
    },
    {
      name: 'window full: wait until enough counted requests expire; a slow round trip counts longer',
      steps: [
        { at: 0, send: 1 },
        { at: 100, answer: 1, status: 200, headers: limits(2, 1000) },
        { at: 200, send: 2 },
        // 180 ms, 80 more than the fastest: assumed late on the way in → counts 80 ms longer
        // (on top of half the fastest, 50 ms).
        { at: 380, answer: 2, status: 200, headers: limits(2, 1000) },
        { check: { rtts: [100, 180], sent: [req(1, 0, 50 + W), req(2, 200, 330 + W)] } },
        { at: 380, decide: FULL(50 + W, 2, 1000) },
        { at: 1054, decide: FULL(50 + W, 2, 1000) },
        { at: 1055, decide: SEND(3) },
        { at: 1055, send: 3 },
        { check: { sent: [req(2, 200, 330 + W), req(3, 1055, undefined)] } },
        { at: 1055, decide: FULL(330 + W, 2, 1000) },
        { at: 1335, decide: SEND(4) },
        { at: 1335, send: 4 },
        // Full of unanswered requests: no time frees it, only an answer.
        { at: 1335, decide: FULL(undefined, 2, 1000) },
        { at: 9999, decide: FULL(undefined, 2, 1000) },
        // A faster round trip becomes the base: 50 ms, so this request counts from half of it
        // (25 ms) after its send time.
        { at: 1105, answer: 3, status: 200, headers: {} },
        { check: { rtts: [100, 180, 50], sent: [req(3, 1055, 1080 + W), req(4, 1335, undefined)] } },
        { at: 1340, decide: FULL(1080 + W, 2, 1000) },
        { at: 2085, decide: SEND(5) },
      ],
    },
    {
      name: 'the round trip counts from when the request left, when the caller tells it',
      steps: [
        { at: 0, send: 1 },
        // Left 60 ms after the decision: a 40 ms round trip, counted from 60 (+ 20, half of it).
        { at: 100, answer: 1, status: 200, headers: limits(2, 1000), sentAt: 60 },
        { check: { rtts: [40], sent: [req(1, 0, 80 + W)] } },
        { at: 200, send: 2 },
        // A sentAt before the decision is not believed: counted from the decision, 100 ms, 60 slower (+ 20).
        { at: 300, answer: 2, status: 200, headers: limits(2, 1000), sentAt: 150 },
        { check: { rtts: [40, 100], sent: [req(1, 0, 80 + W), req(2, 200, 280 + W)] } },
        { at: 300, decide: FULL(80 + W, 2, 1000) },
        { at: 1085, decide: SEND(3) },
        { at: 1085, send: 3 },
        { at: 1085, decide: FULL(280 + W, 2, 1000) },
      ],
    },
    {
      name: 'window full: the nth expiry when several must leave',
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 1, status: 200, headers: limits(3, 1000, { 'x-ratelimit-remaining': '0' }) },
        // The platform counts 3, we sent 1: two counted as sent now (for a window, with no round-trip share).
        { check: { sent: [req(1, 0, 5 + W), req(0, 10, 10 + W), req(0, 10, 10 + W)] } },
        { at: 20, send: 2 },
        { at: 20, send: 3 },
        // 5 counted, 3 allowed: the third expiry, in time order, frees a place.
        { at: 20, decide: FULL(10 + W, 3, 1000) },
        { at: 1014, decide: FULL(10 + W, 3, 1000) },
        { at: 1015, decide: SEND(4) },
      ],
    },
    {
      name: 'a larger marginRatio counts each request longer',
      opts: { marginRatio: 0.1 },
      steps: [
        { at: 0, send: 1 },
        { at: 50, answer: 1, status: 200, headers: limits(1, 1000) },
        // 25 ms (half the fastest round trip) + 1000 × 1.1.
        { check: { sent: [req(1, 0, 1125)] } },
        { at: 50, decide: FULL(1125, 1, 1000) },
        { at: 1125, decide: SEND(2) },
        { at: 1125, send: 2 },
        // No answer: counts a whole window from now.
        { at: 1500, answer: 2, status: undefined },
        { check: { sent: [req(2, 1125, 2600)], rtts: [50] } },
        { at: 2599, decide: FULL(2600, 1, 1000) },
        { at: 2600, decide: SEND(3) },
      ],
    },
    {
      name: 'X-RateLimit-Remaining lower than our count: another client shares the budget',
      steps: [
        { at: 0, send: 1 },
        { at: 50, answer: 1, status: 200, headers: limits(10, 1000, { 'x-ratelimit-remaining': '9' }) },
        { check: { sent: [req(1, 0, 25 + W)] } }, // 10 - 9 = 1 used, as we sent: no correction
        { at: 100, send: 2 },
        { at: 150, answer: 2, status: 200, headers: limits(10, 1000, { 'x-ratelimit-remaining': '4' }) },
        // 6 used by the platform's count, 2 by ours: 4 counted as sent now, for a window.
        {
          check: { sent: [req(1, 0, 25 + W), req(2, 100, 125 + W), req(0, 150, 150 + W), req(0, 150, 150 + W), req(0, 150, 150 + W), req(0, 150, 150 + W)] },
          flying: 0,
        },
        { at: 200, send: 3 },
        { at: 200, send: 4 },
        { at: 200, send: 5 },
        { at: 200, send: 6 },
        { at: 200, decide: FULL(25 + W, 10, 1000) },
        { at: 1030, decide: SEND(7) },
        // The four phantom sends leave the window like the real ones.
        { at: 1155, decide: SEND(7) },
        { check: { sent: [req(3, 200, undefined), req(4, 200, undefined), req(5, 200, undefined), req(6, 200, undefined)] }, flying: 4 },
      ],
    },
    {
      name: 'X-RateLimit-Remaining higher than our count never removes sends; a 429 is not a count',
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 1, status: 200, headers: limits(5, 1000) },
        { at: 20, send: 2 },
        { at: 20, send: 3 },
        { at: 30, answer: 2, status: 200, headers: limits(5, 1000, { 'x-ratelimit-remaining': '5' }) },
        { check: { sent: [req(1, 0, 5 + W), req(2, 20, 25 + W), req(3, 20, undefined)] } },
        { at: 40, answer: 3, status: 429, headers: limits(5, 1000, { 'x-ratelimit-remaining': '0' }) },
        { check: { sent: [req(1, 0, 5 + W), req(2, 20, 25 + W), req(3, 20, 35 + W)], pausedUntil: 1040 } },
      ],
    },
    {
      name: '429 with Retry-After pauses every caller until then; only a longer one extends it',
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 1, status: 200, headers: limits(100, 10_000) },
        { at: 20, send: 2 },
        { at: 20, send: 3 },
        { at: 20, send: 4 },
        { at: 500, answer: 2, status: 429, headers: limits(100, 10_000, { 'retry-after': '2', 'x-ratelimit-remaining': '0' }) },
        { check: { pausedUntil: 2500 }, flying: 2 },
        { at: 500, decide: PAUSED(2500) },
        { at: 2499, decide: PAUSED(2500) },
        { at: 1000, answer: 3, status: 429, headers: { 'retry-after': '1' } },
        { check: { pausedUntil: 2500 } },
        { at: 2000, answer: 4, status: 429, headers: { 'retry-after': '3' } },
        { at: 2500, decide: PAUSED(5000) },
        { at: 5000, decide: SEND(5) },
      ],
    },
    {
      name: '429 without Retry-After pauses for the learned interval',
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 1, status: 200, headers: limits(100, 10_000) },
        { at: 20, send: 2 },
        { at: 40, answer: 2, status: 429, headers: {} },
        { at: 40, decide: PAUSED(10_040) },
        { at: 10_040, decide: SEND(3) },
      ],
    },
    {
      name: '429 before any limit is known pauses 1 s, and teaches the limit it carries',
      steps: [
        { at: 0, send: 1 },
        { at: 30, answer: 1, status: 429, headers: {} },
        { check: { pausedUntil: 1030, max: undefined } },
        { at: 30, decide: PAUSED(1030) },
        { at: 1030, decide: SEND(2) },
        { at: 1030, send: 2 },
        { at: 1060, answer: 2, status: 429, headers: limits(100, 5000) },
        { check: { pausedUntil: 6060, max: 100, intervalMs: 5000 } },
      ],
    },
    {
      name: 'answers to unknown tickets still teach the limits',
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 42, status: 200, headers: limits(7, 700) },
        { check: { max: 7, intervalMs: 700, rtts: [], sent: [req(1, 0, undefined)] }, flying: 1 },
      ],
    },
    {
      name: 'daily stop when the daily remaining reaches the reserve, with remaining and resetAt',
      steps: [
        { at: 0, send: 1 },
        { at: 1000, answer: 1, status: 200, headers: limits(100, 10_000, { 'x-ratelimit-daily-remaining': '2', 'x-ratelimit-daily-reset': '60000' }) },
        { check: { dailyRemaining: 2, dailyResetAt: 61_000 } },
        { at: 1000, decide: SEND(2) },
        { at: 1000, send: 2 },
        { check: { dailyRemaining: 1 }, flying: 1 },
        { at: 1100, answer: 2, status: 200, headers: { 'x-ratelimit-daily-remaining': '1' } },
        { check: { dailyRemaining: 1, dailyResetAt: 61_000 }, flying: 0 },
        { at: 1100, decide: SEND(3) },
        { at: 1100, send: 3 },
        { at: 1200, answer: 3, status: 200, headers: { 'x-ratelimit-daily-remaining': '0', 'x-ratelimit-daily-reset': '58800' } },
        { at: 1200, decide: STOP(0, 60_000) },
        // The stop holds whatever the clock says: only a new day (a new answer) lifts it.
        { at: 100_000, decide: STOP(0, 60_000) },
      ],
    },
    {
      name: 'daily stop keeps the reserve',
      opts: { dailyReserve: 5 },
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 1, status: 200, headers: limits(100, 10_000, { 'x-ratelimit-daily-remaining': '6' }) },
        { at: 10, decide: SEND(2) },
        { at: 10, send: 2 },
        { at: 20, answer: 2, status: 200, headers: { 'x-ratelimit-daily-remaining': '5' } },
        { at: 20, decide: STOP(5, undefined) },
      ],
    },
    {
      name: 'the daily header counts the other requests still in flight as spent',
      steps: [
        { at: 0, send: 1 },
        { at: 10, answer: 1, status: 200, headers: limits(100, 10_000) },
        { at: 10, send: 2 },
        { at: 10, send: 3 },
        { at: 10, send: 4 },
        { at: 20, answer: 2, status: 200, headers: { 'x-ratelimit-daily-remaining': '10' } },
        { check: { dailyRemaining: 8 }, flying: 2 },
        { at: 21, answer: 3, status: 200, headers: { 'x-ratelimit-daily-remaining': '0' } },
        // 0 left and one still in flight: remaining is reported as 0, never negative.
        { check: { dailyRemaining: -1 }, flying: 1 },
        { at: 21, decide: STOP(0, undefined) },
      ],
    },
    {
      name: 'a daily 429 stops rather than pauses',
      steps: [
        { at: 0, send: 1 },
        {
          at: 10,
          answer: 1,
          status: 429,
          headers: limits(100, 10_000, { 'retry-after': '5', 'x-ratelimit-daily-remaining': '0', 'x-ratelimit-daily-reset': '3600000' }),
        },
        { check: { pausedUntil: 5010 } },
        { at: 10, decide: STOP(0, 3_600_010) },
      ],
    },
  ])('$name', ({ opts, steps }) => {
    // These cases pin the arrival rule; the spread widening has its own case below.
    run(steps, { ...DEFAULT_GOVERNOR, spreadRatio: 0, ...opts });
  });

  // recordSend already takes each request in flight off dailyRemaining (and recordAnswer sets it
  // to header - inFlight), so decideSend tests `state.dailyRemaining` alone. Here the platform
  // said 2 were left and one has been sent since: 1 is left, so a third request may still go.
  it('daily stop counts a request in flight once, not twice', () => {
    run([
      { at: 0, send: 1 },
      { at: 10, answer: 1, status: 200, headers: limits(100, 10_000, { 'x-ratelimit-daily-remaining': '2' }) },
      { at: 10, decide: SEND(2) },
      { at: 10, send: 2 },
      { check: { dailyRemaining: 1 }, flying: 1 },
      { at: 10, decide: SEND(3) },
    ]);
  });

  it('recordAnswer keeps the last 100 round trips, measured from the send', () => {
    const s = initialRateState();
    for (let i = 0; i < 110; i++) {
      const ticket = recordSend(s, 1000 * i);
      recordAnswer(s, ticket, 1000 * i + i, { status: 200, headers: {} }, DEFAULT_GOVERNOR);
    }
    expect(s.rtts).toEqual(Array.from({ length: 100 }, (_, i) => i + 10));
    expect(inFlight(s)).toBe(0);
    expect(s.nextTicket).toBe(111);
  });

  it('DEFAULT_GOVERNOR', () => {
    expect(DEFAULT_GOVERNOR).toEqual({ initialConcurrency: 1, marginRatio: 0.005, dailyReserve: 0, spreadRatio: 0.5 });
  });
});

describe('RateGovernor', () => {
  /** Settles pending promise callbacks and short timers. */
  const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

  /**
   * A clock the test owns. When the governor decides to wait until a time, the clock jumps
   * there, so that the real timer (until - now, at least 1 ms) fires at once and the
   * decision after it is taken at exactly that time.
   */
  function simulated(start: number, opts: Partial<GovernorOptions> = {}) {
    let t = start;
    const decisions: Array<[string, SendDecision]> = [];
    const store = new MemoryRateStateStore();
    const gov = new RateGovernor({
      marginRatio: 0.5, // exact in binary: windows of 1.5 × the interval
      spreadRatio: 0, // these cases pin the arrival rule; the spread widening has its own case
      ...opts,
      store,
      now: () => t,
      onDecision: (key, d) => {
        decisions.push([key, d]);
        if (d.kind === 'wait' && d.until !== undefined) t = d.until;
      },
    });
    const order: string[] = [];
    const acquire = (key: string, name: string): Promise<number> =>
      gov.acquire(key).then(
        (ticket) => {
          order.push(name);
          return ticket;
        },
        (e: unknown) => {
          order.push(`${name}!`);
          throw e;
        },
      );
    const release = (key: string, ticket: number, at: number, headers: Headers = {}, status: number | undefined = 200): Promise<void> => {
      t = at;
      return gov.release(key, ticket, { status, headers });
    };
    return { gov, store, decisions, order, acquire, release };
  }

  it('releases the callers of one key in arrival order, through the first answer and full windows', async () => {
    // 2 per 30 ms, margin 50%: a request counts for 45 ms after it (probably) arrived.
    const g = simulated(1000);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const done = names.map((n) => g.acquire('LOC', n));
    expect(await done[0]).toBe(1);
    await tick(5);
    expect(g.order).toEqual(['a']); // the others wait for the first answer

    await g.release('LOC', 1, 1010, limits(2, 30, { 'x-ratelimit-remaining': '1' }));
    // b goes at once; c when a is over (half its 10 ms round trip, then 45 ms); d finds the window
    // full of unanswered requests.
    expect(await done[1]).toBe(2);
    expect(await done[2]).toBe(3);
    await tick(5);
    expect(g.order).toEqual(['a', 'b', 'c']);

    // b answered after 40 ms, 30 more than the fastest: counts until 1010 + 30 + 5 + 45.
    await g.release('LOC', 2, 1050);
    expect(await done[3]).toBe(4);
    await tick(5);
    expect(g.order).toEqual(['a', 'b', 'c', 'd']);

    // c answered after 50 ms, 40 more than the fastest: counts until 1050 + 40 + 5 + 45.
    await g.release('LOC', 3, 1100);
    expect(await Promise.all(done)).toEqual([1, 2, 3, 4, 5]);
    expect(g.order).toEqual(names);
    expect(g.decisions).toEqual([
      ['LOC', FIRST],
      ['LOC', FULL(1050, 2, 30)],
      ['LOC', FULL(undefined, 2, 30)],
      ['LOC', FULL(1090, 2, 30)],
      ['LOC', FULL(undefined, 2, 30)],
      ['LOC', FULL(1140, 2, 30)],
    ]);
    expect(g.store.peek('LOC')).toMatchObject({ sent: [req(4, 1090, undefined), req(5, 1140, undefined)], max: 2, intervalMs: 30, rtts: [10, 40, 50] });
  });

  it('keeps FIFO order for callers that arrive while others wait', async () => {
    const g = simulated(0);
    const first = g.acquire('LOC', 'w0');
    expect(await first).toBe(1);
    const rest = [1, 2, 3].map((i) => g.acquire('LOC', `w${i}`));
    await tick(5);
    const late = [4, 5].map((i) => g.acquire('LOC', `w${i}`));
    const all = [first, ...rest, ...late];
    // 1 per 20 ms: each caller answers 5 ms after it was let go.
    let at = 5;
    for (let i = 0; i < all.length; i++) {
      const ticket = await all[i]!;
      expect(ticket).toBe(i + 1);
      at = Math.max(at, g.store.peek('LOC')!.sent.at(-1)!.at + 5);
      await g.release('LOC', ticket, at, limits(1, 20));
    }
    expect(g.order).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);
    expect(inFlight(g.store.peek('LOC')!)).toBe(0);
  });

  it('keeps two keys independent', async () => {
    const g = simulated(0);
    const a1 = g.acquire('A', 'a1');
    const a2 = g.acquire('A', 'a2');
    expect(await a1).toBe(1);
    // A waits for its first answer; B is not held by it, and has tickets of its own.
    const b = [g.acquire('B', 'b1'), g.acquire('B', 'b2')];
    expect(await b[0]).toBe(1);
    await tick(5);
    expect(g.order).toEqual(['a1', 'b1']);

    await g.release('B', 1, 5, limits(50, 50));
    expect(await b[1]).toBe(2);
    await tick(5);
    expect(g.order).toEqual(['a1', 'b1', 'b2']); // B's answer does not free A

    await g.release('A', 1, 10, limits(5, 20));
    expect(await a2).toBe(2);
    expect(g.order).toEqual(['a1', 'b1', 'b2', 'a2']);
    expect(g.decisions).toEqual([
      ['A', FIRST],
      ['B', FIRST],
    ]);
    // Each counts half its round trip (5 and 2.5 ms), then 1.5 × its own interval.
    expect(g.store.peek('A')).toMatchObject({ max: 5, intervalMs: 20, sent: [req(1, 0, 35), req(2, 10, undefined)] });
    expect(g.store.peek('B')).toMatchObject({ max: 50, intervalMs: 50, sent: [req(1, 0, 77.5), req(2, 5, undefined)] });
  });

  it('rejects every queued waiter with DailyBudgetStop when the daily budget stops', async () => {
    const g = simulated(5000, { dailyReserve: 3 });
    const first = g.acquire('LOC', 'w0');
    const queued = ['w1', 'w2', 'w3'].map((n) => g.acquire('LOC', n));
    const settled = queued.map((p) => p.then(() => undefined, (e: unknown) => e));
    expect(await first).toBe(1);
    const other = g.acquire('OTHER', 'o1');
    await other;

    await g.release('LOC', 1, 5000, limits(100, 10_000, { 'x-ratelimit-daily-remaining': '3', 'x-ratelimit-daily-reset': '60000' }));
    const errors = await Promise.all(settled);
    expect(g.order).toEqual(['w0', 'o1', 'w1!', 'w2!', 'w3!']);
    for (const e of errors) {
      expect(e).toBeInstanceOf(DailyBudgetStop);
      expect(e).toMatchObject({ remaining: 3, resetAt: 65_000, message: 'daily budget exhausted' });
    }
    expect(errors[1]).toBe(errors[0]);
    expect(errors[2]).toBe(errors[0]);
    expect(g.decisions).toEqual([
      ['LOC', FIRST],
      ['LOC', STOP(3, 65_000)],
    ]);

    // Later callers are refused at once; the other key is untouched.
    await expect(g.acquire('LOC', 'w4')).rejects.toBeInstanceOf(DailyBudgetStop);
    await g.release('OTHER', 1, 5000, limits(100, 10_000));
    await expect(g.acquire('OTHER', 'o2')).resolves.toBe(2);
    expect(g.store.peek('LOC')).toMatchObject({ sent: [req(1, 5000, 20_000)], dailyRemaining: 3 });
  });

  it('holds every caller of a key through a 429 pause, then lets them go in order', async () => {
    const g = simulated(0);
    expect(await g.acquire('LOC', 'p0')).toBe(1);
    await g.release('LOC', 1, 10, limits(10, 50));
    expect(await g.acquire('LOC', 'p1')).toBe(2);
    await g.release('LOC', 2, 20, {}, 429); // no Retry-After: the interval, 50 ms
    const held = ['p2', 'p3', 'p4'].map((n) => g.acquire('LOC', n));
    expect(await Promise.all(held)).toEqual([3, 4, 5]);
    expect(g.order).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    // p0 was answered before p1 asked, so the only wait is the pause.
    expect(g.decisions).toEqual([['LOC', PAUSED(70)]]);
    // p0 and p1 (both at the fastest RTT, 10 ms) still count, 5 + 75 ms from their sends.
    expect(g.store.peek('LOC')).toMatchObject({
      sent: [req(1, 0, 80), req(2, 10, 90), req(3, 70, undefined), req(4, 70, undefined), req(5, 70, undefined)],
      pausedUntil: 70,
    });
  });

  it('uses Date.now and the default options when none are given', async () => {
    const gov = new RateGovernor();
    expect(gov.options).toEqual(DEFAULT_GOVERNOR);
    await expect(gov.acquire('LOC')).resolves.toBe(1);
  });
});

describe('spread widening', () => {
  it('adds a share of the spread of recent round trips to the window, at most 10% of the interval', () => {
    const opts = { ...DEFAULT_GOVERNOR, marginRatio: 0, spreadRatio: 0.5 };
    const headers = { 'x-ratelimit-max': '10', 'x-ratelimit-interval-milliseconds': '1000', 'x-ratelimit-remaining': '9' };
    const s = initialRateState();
    // Round trips of 10 ms and 50 ms: spread 0 at the first answer, 40 at the second.
    const t1 = recordSend(s, 0);
    recordAnswer(s, t1, 10, { status: 200, headers }, opts);
    const t2 = recordSend(s, 100);
    recordAnswer(s, t2, 150, { status: 200, headers }, opts);
    // First: arrived at 0 + 10/2, window 1000 -> 1005. Second: 100 + (50 - 10) + 5 = 145, window 1000 + 20 -> 1165.
    expect(s.sent.map((x) => x.expiresAt)).toEqual([1005, 1165]);
    // A spread of 400 ms is capped at 10% of the interval.
    const t3 = recordSend(s, 200);
    recordAnswer(s, t3, 610, { status: 200, headers }, opts);
    expect(s.sent[2]!.expiresAt).toBe(200 + (410 - 10) + 5 + 1100);
  });
});

