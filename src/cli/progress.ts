/**
 * A one-line progress display on a terminal: the run id, items done of all,
 * failed so far, the recent rate, waits on the rate limit and an ETA from
 * the recent rate; nothing when stderr is not a terminal, so logs and pipes
 * stay clean.
 */

export interface ProgressDetail {
  /** The run the line is about, once it has an id. */
  runId?: string;
  /** Items failed so far. */
  failed?: number;
  /** Items counted as done from an earlier attempt of the run (a resume): not part of the rate. */
  resumed?: number;
}

export interface RateCounters {
  /** Requests that waited for the location's rate budget. */
  paced: number;
  /** Requests answered 429. */
  rateLimited: number;
}

export interface ProgressState {
  unit: string;
  done: number;
  total?: number;
  detail: ProgressDetail;
  /** Items per second over the recent window; undefined until the window has a few seconds. */
  rate?: number;
  counters?: RateCounters;
}

/** The line itself, pure. */
export function formatProgress(s: ProgressState): string {
  const parts: string[] = [];
  if (s.detail.runId) parts.push(`run ${s.detail.runId}`);
  parts.push(`${s.done}${s.total !== undefined ? `/${s.total}` : ''} ${s.unit}`);
  if (s.detail.failed) parts.push(`${s.detail.failed} failed`);
  if (s.rate !== undefined) parts.push(`${s.rate.toFixed(1)} ${s.unit}/s`);
  if (s.counters?.paced) parts.push(`${s.counters.paced} paced by the rate limit`);
  if (s.counters?.rateLimited) parts.push(`${s.counters.rateLimited} answered 429`);
  if (s.rate !== undefined && s.rate > 0 && s.total !== undefined && s.total > s.done) parts.push(`ETA ${formatDuration((s.total - s.done) / s.rate)}`);
  return parts.join('  ');
}

export function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The recent rate: items per second over the last `windowMs`, from samples of (time, items done in this process). */
export class RecentRate {
  private readonly samples: Array<{ t: number; n: number }> = [];

  constructor(
    private readonly windowMs = 20_000,
    private readonly minSpanMs = 3_000,
  ) {}

  add(t: number, n: number): void {
    this.samples.push({ t, n });
    while (this.samples.length > 2 && this.samples[1]!.t <= t - this.windowMs) this.samples.shift();
  }

  /** undefined until the samples span `minSpanMs`: an early rate would promise a nonsense ETA. */
  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < this.minSpanMs) return undefined;
    return (last.n - first.n) / ((last.t - first.t) / 1000);
  }
}

export interface ProgressOptions {
  /** What is counted: rows, clusters, contacts. @default 'rows' */
  unit?: string;
  now?: () => number;
  /** Read at each redraw: the client's counters of waits on the rate limit. */
  counters?: () => RateCounters;
}

export interface ProgressReporter {
  update: (done: number, total?: number, detail?: ProgressDetail) => void;
  done: () => void;
}

export function progressReporter(stream: { isTTY?: boolean; write(text: string): unknown }, options: ProgressOptions = {}): ProgressReporter {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const now = options.now ?? Date.now;
  const unit = options.unit ?? 'rows';
  const recent = new RecentRate();
  let last = 0;
  let shown = false;
  return {
    update(done, total, detail = {}) {
      const t = now();
      if (t - last < 200) return;
      last = t;
      recent.add(t, done - (detail.resumed ?? 0));
      const line = formatProgress({ unit, done, total, detail, rate: recent.rate(), counters: options.counters?.() });
      stream.write(`\r${line}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}
