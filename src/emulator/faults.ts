/**
 * Fault injection: what goes wrong with a request, decided before it runs.
 * Faults come from three places, in this order: the request's own
 * `X-Emulator-Fault` header (so a test never leaks fault state into another),
 * a scripted plan ("the next 2 upserts are dropped"), then the configured rates.
 */
import { seededRandom } from '../core/random.js';

export type FaultKind = 'status' | 'drop' | 'ambiguous' | 'rate-limit';

export interface FaultDecision {
  latencyMs: number;
  kind?: FaultKind;
  /** The 5xx to answer with for `status`, or for `ambiguous` when not dropping. */
  status?: number;
  /** For `ambiguous`: drop the connection after applying the write instead of answering 5xx. */
  drop?: boolean;
}

export interface FaultConfig {
  /** @default 0 */
  latencyMs: number;
  /** Uniform extra latency in [0, jitter). @default 0 */
  latencyJitterMs: number;
  /** Share of requests answered 5xx without being applied. @default 0 */
  failRate: number;
  /** Share of requests whose socket is closed before any response. @default 0 */
  dropRate: number;
  /** Share of writes applied, then answered 5xx or dropped. @default 0 */
  ambiguousRate: number;
  /** Share of requests answered 429 although the limit is not reached. @default 0 */
  rateLimitRate: number;
  /** Share of requests slowed by a latency spike of `spikeMs` on top of the rest. @default 0 */
  spikeRate: number;
  /** How long a latency spike lasts. @default 1000 */
  spikeMs: number;
  /** Seed of the fault dice, so a chaos run can be replayed. @default 1 */
  seed: number;
}

export const DEFAULT_FAULTS: FaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  failRate: 0,
  dropRate: 0,
  ambiguousRate: 0,
  rateLimitRate: 0,
  spikeRate: 0,
  spikeMs: 1000,
  seed: 1,
};

export interface PlannedFault {
  fault: string;
  /** How many matching requests get it. @default 1 */
  count?: number;
  /** Only requests of this operationId. */
  operation?: string;
}

interface QueuedFault {
  count: number;
  operation?: string;
  parsed: Partial<FaultDecision>;
}

const FAIL_STATUSES = [500, 502, 503, 504] as const;

export { seededRandom };

export class FaultSpecError extends Error {}

/**
 * Parses a fault directive list, e.g. `status=503`, `drop`, `ambiguous`,
 * `ambiguous=drop`, `ambiguous=500`, `429`, `latency=250`, combined with commas.
 */
export function parseFaultSpec(spec: string): Partial<FaultDecision> {
  const out: Partial<FaultDecision> = {};
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const [name, value] = part.split('=').map((x) => x.trim()) as [string, string | undefined];
    switch (name) {
      case 'status': {
        const s = Number(value ?? 503);
        if (!Number.isInteger(s) || s < 500 || s > 599) throw new FaultSpecError(`status must be a 5xx code, got ${value}`);
        out.kind = 'status';
        out.status = s;
        break;
      }
      case 'drop':
        out.kind = 'drop';
        break;
      case 'ambiguous':
        out.kind = 'ambiguous';
        if (value === 'drop') out.drop = true;
        else {
          const s = Number(value ?? 502);
          if (!Number.isInteger(s) || s < 500 || s > 599) throw new FaultSpecError(`ambiguous takes 'drop' or a 5xx code, got ${value}`);
          out.status = s;
        }
        break;
      case '429':
      case 'rate-limit':
        out.kind = 'rate-limit';
        break;
      case 'latency': {
        const ms = Number(value);
        if (!Number.isFinite(ms) || ms < 0) throw new FaultSpecError(`latency must be milliseconds >= 0, got ${value}`);
        out.latencyMs = ms;
        break;
      }
      default:
        throw new FaultSpecError(`unknown fault '${name}' (expected status, drop, ambiguous, 429, latency)`);
    }
  }
  return out;
}

export class FaultInjector {
  config: FaultConfig;
  private random: () => number;
  private readonly plan: QueuedFault[] = [];

  constructor(config: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS, ...config };
    this.random = seededRandom(this.config.seed);
  }

  configure(config: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...config };
    // Setting a seed, even the same one, restarts the dice: a replay starts here.
    if (config.seed !== undefined) this.random = seededRandom(this.config.seed);
  }

  /** Queues scripted faults; each entry is validated before any is queued. */
  schedule(faults: readonly PlannedFault[]): void {
    const parsed = faults.map((f) => {
      const count = f.count ?? 1;
      if (!Number.isInteger(count) || count < 1) throw new FaultSpecError(`count must be an integer >= 1, got ${f.count}`);
      const q: QueuedFault = { count, parsed: parseFaultSpec(f.fault) };
      if (f.operation) q.operation = f.operation;
      return q;
    });
    this.plan.push(...parsed);
  }

  pending(): number {
    return this.plan.reduce((n, p) => n + p.count, 0);
  }

  clear(): void {
    this.plan.length = 0;
  }

  /** Decides the fault for one request. `write` says whether an ambiguous failure makes sense. */
  decide(operationId: string, write: boolean, header: string | undefined): FaultDecision {
    const c = this.config;
    // Spikes draw from the dice only when asked for, so that a seed without them replays as before.
    const spike = c.spikeRate > 0 && this.random() < c.spikeRate ? c.spikeMs : 0;
    const base = c.latencyMs + spike + (c.latencyJitterMs > 0 ? Math.floor(this.random() * c.latencyJitterMs) : 0);
    if (header) return finish({ latencyMs: base, ...parseFaultSpec(header) }, write);
    const plan = this.plan;
    const idx = plan.findIndex((p) => !p.operation || p.operation === operationId);
    if (idx >= 0) {
      const p = plan[idx]!;
      if (--p.count === 0) plan.splice(idx, 1);
      return finish({ latencyMs: base, ...p.parsed }, write);
    }
    const r = this.random();
    let edge = c.rateLimitRate;
    if (r < edge) return { latencyMs: base, kind: 'rate-limit' };
    edge += c.failRate;
    if (r < edge) return { latencyMs: base, kind: 'status', status: FAIL_STATUSES[Math.floor(this.random() * 4)]! };
    edge += c.dropRate;
    if (r < edge) return { latencyMs: base, kind: 'drop' };
    edge += c.ambiguousRate;
    if (r < edge && write) {
      const drop = this.random() < 0.5;
      return { latencyMs: base, kind: 'ambiguous', drop, status: drop ? undefined : FAIL_STATUSES[Math.floor(this.random() * 4)]! };
    }
    return { latencyMs: base };
  }
}

/** A read cannot fail ambiguously: it has nothing to apply, so it fails plainly. */
function finish(d: FaultDecision, write: boolean): FaultDecision {
  if (d.kind === 'ambiguous' && !write) return d.drop ? { latencyMs: d.latencyMs, kind: 'drop' } : { ...d, kind: 'status' };
  if (d.kind === 'ambiguous' && !d.drop && d.status === undefined) d.status = 502;
  return d;
}
