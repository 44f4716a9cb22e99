/**
 * The incremental export's memory between nights, per location: the highest
 * `dateUpdated` exported (the watermark), when the run started, and the
 * contacts exported near the watermark with the `dateUpdated` they had.
 *
 * The next run asks for `dateUpdated >= min(watermark, runStartedAt) - overlap`
 * (the overlap covers the search index lag: a contact written just before a
 * run may show up in search only after it) and `<= its own start`, and drops
 * the hits it already exported unchanged. A contact updated during a run
 * leaves that run's range and is exported by the next one. Pure: no I/O.
 */

export interface LocationWatermark {
  /** Highest dateUpdated exported so far (ISO); absent before the first export. */
  readonly watermark?: string;
  /** Start of the run that wrote this state (ISO): the upper bound it exported up to. */
  readonly runStartedAt?: string;
  /** [id, dateUpdated ISO] exported at or after the next run's lower bound (including every id at the watermark). */
  readonly recent: ReadonlyArray<readonly [string, string]>;
  readonly lastRun?: { readonly finishedAt: string; readonly exported: number };
}

export interface ExportState {
  readonly version: 1;
  readonly locations: Readonly<Record<string, LocationWatermark>>;
}

export const EMPTY_STATE: ExportState = { version: 1, locations: {} };

const ms = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/** The lower bound (epoch ms) of the next incremental run, or undefined for a first (full) run. */
export function lowerBound(prev: LocationWatermark | undefined, overlapMs: number): number | undefined {
  const w = ms(prev?.watermark);
  const started = ms(prev?.runStartedAt);
  if (w === undefined && started === undefined) return undefined;
  const base = w === undefined ? started! : started === undefined ? w : Math.min(w, started);
  return base - overlapMs;
}

/** Follows one location's run: which hits repeat an earlier export, and the state after it. */
export class WatermarkTracker {
  private readonly previous = new Map<string, number>();
  private readonly recent = new Map<string, number>();
  private max: number | undefined;
  private pruneAt = 4096;
  exported = 0;
  repeats = 0;

  constructor(
    private readonly prev: LocationWatermark | undefined,
    private readonly overlapMs: number,
  ) {
    for (const [id, at] of prev?.recent ?? []) {
      const t = ms(at);
      if (t !== undefined) this.previous.set(id, t);
    }
    this.max = ms(prev?.watermark);
  }

  /** True when an earlier run exported this contact with this very dateUpdated: leave it out. */
  isRepeat(id: string, dateUpdatedMs: number): boolean {
    if (this.previous.get(id) !== dateUpdatedMs) return false;
    this.repeats++;
    return true;
  }

  /** A hit written to the file. */
  record(id: string, dateUpdatedMs: number): void {
    this.exported++;
    if (this.max === undefined || dateUpdatedMs > this.max) this.max = dateUpdatedMs;
    if (dateUpdatedMs >= this.max - this.overlapMs) this.recent.set(id, dateUpdatedMs);
    if (this.recent.size >= this.pruneAt) {
      // Only contacts within the overlap of the final watermark are kept, and the watermark only grows.
      const floor = this.max - this.overlapMs;
      for (const [k, t] of this.recent) if (t < floor) this.recent.delete(k);
      this.pruneAt = Math.max(4096, this.recent.size * 2);
    }
  }

  /** The state to save once the output file is in place. */
  result(runStartedAtMs: number, finishedAtMs: number): LocationWatermark {
    const watermark = this.max;
    const bound = watermark === undefined ? runStartedAtMs - this.overlapMs : Math.min(watermark, runStartedAtMs) - this.overlapMs;
    const keep = new Map<string, number>();
    for (const [id, t] of this.previous) if (t >= bound) keep.set(id, t);
    for (const [id, t] of this.recent) if (t >= bound) keep.set(id, t);
    const recent = [...keep].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([id, t]) => [id, new Date(t).toISOString()] as const);
    return {
      ...(watermark !== undefined && { watermark: new Date(watermark).toISOString() }),
      runStartedAt: new Date(runStartedAtMs).toISOString(),
      recent,
      lastRun: { finishedAt: new Date(finishedAtMs).toISOString(), exported: this.exported },
    };
  }
}

/** Reads a state file's text; a problem is described for the user (the caller names the file). */
export function parseState(text: string): ExportState | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` };
  }
  const d = data as { version?: unknown; locations?: unknown };
  if (!d || typeof d !== 'object' || d.version !== 1 || !d.locations || typeof d.locations !== 'object' || Array.isArray(d.locations)) {
    return { problem: 'not a hoop-etl export state (expected {"version": 1, "locations": {...}})' };
  }
  for (const [loc, w] of Object.entries(d.locations as Record<string, unknown>)) {
    const lw = w as LocationWatermark;
    const okDate = (v: unknown): boolean => v === undefined || (typeof v === 'string' && ms(v) !== undefined);
    const okRecent = Array.isArray(lw?.recent) && lw.recent.every((r) => Array.isArray(r) && typeof r[0] === 'string' && okDate(r[1]));
    if (!lw || typeof lw !== 'object' || !okDate(lw.watermark) || !okDate(lw.runStartedAt) || !okRecent) {
      return { problem: `the entry of location ${loc} is damaged` };
    }
  }
  return data as ExportState;
}
