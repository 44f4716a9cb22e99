import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import type { ClusterKind, MergePlan, PlanCluster } from './merge-plan.js';

/**
 * A reviewer's decisions on a merge plan: what the review page's "Save
 * decisions" button downloads and `hoop-etl dedup --apply plan.json
 * --decisions decisions.json` reads, and the rule of which clusters an apply
 * carries out. Pure, apart from `readDecisionsFile`.
 *
 * A decisions file is bound to one plan by the plan's location, its
 * `createdAt` and a hash of its clusters (ids, kinds, survivors, losers):
 * cluster ids are `c1`, `c2`, ... in plan order, so the same ids name other
 * people in another plan, and a decision must never travel to them.
 */

export const DECISIONS_KIND = 'hoop-etl dedup decisions';
export const DECISIONS_VERSION = 1;

export type Decision = 'approve' | 'reject';

export interface DedupDecisions {
  readonly kind: typeof DECISIONS_KIND;
  readonly version: typeof DECISIONS_VERSION;
  /** The plan's location. */
  readonly location: string;
  /** The plan's `createdAt`. */
  readonly planCreatedAt: string;
  /** `planFingerprint` of the plan the reviewer looked at. */
  readonly planHash: string;
  /** When the reviewer saved the file (the browser's clock); informative only. */
  readonly savedAt?: string;
  /** Cluster id -> decision; a cluster not named is undecided. */
  readonly decisions: Readonly<Record<string, Decision>>;
}

/** What an apply does with one cluster. */
export type ClusterVerdict = 'apply' | 'skipped' | 'rejected' | 'awaitingReview';

export interface ClusterSelection {
  /** The clusters the apply carries out, in plan order. */
  readonly apply: readonly PlanCluster[];
  /** Ids named by `--skip`. */
  readonly skipped: readonly string[];
  /** Ids the reviewer rejected (and did not also skip). */
  readonly rejected: readonly string[];
  /** Review clusters nobody approved: left for a person to decide. */
  readonly awaitingReview: readonly string[];
}

/** Binds a decisions file to one plan: sha256 of its location, createdAt and each cluster's id, kind, survivor and losers. */
export function planFingerprint(plan: Pick<MergePlan, 'location' | 'createdAt' | 'clusters'>): string {
  const shape = [plan.location, plan.createdAt, plan.clusters.map((c) => [c.id, c.kind, c.survivor, [...c.losers]])];
  return `sha256:${createHash('sha256').update(JSON.stringify(shape)).digest('hex')}`;
}

/**
 * The rule: a skipped or rejected cluster is left out; a review cluster is
 * applied only when approved; any other is applied unless rejected.
 */
export function verdictOf(kind: ClusterKind, decision: Decision | undefined, skipped: boolean): ClusterVerdict {
  if (skipped) return 'skipped';
  if (decision === 'reject') return 'rejected';
  if (kind === 'review' && decision !== 'approve') return 'awaitingReview';
  return 'apply';
}

export interface SelectOptions {
  /** Checked against the plan (`checkDecisions`). */
  readonly decisions?: DedupDecisions;
  /** Cluster ids to leave out (`--skip c2,c7`); an id the plan lacks is an error. */
  readonly skip?: readonly string[];
}

/** The clusters of `plan` an apply carries out, and why each other one is left out. */
export function selectClusters(plan: MergePlan, options: SelectOptions = {}): ClusterSelection {
  const skip = new Set(options.skip ?? []);
  const unknown = [...skip].filter((id) => !plan.clusters.some((c) => c.id === id));
  if (unknown.length) throw new ConfigError(`The plan has no cluster ${unknown.join(', ')} (its clusters are ${clusterRange(plan)})`, '--skip');
  const decided = options.decisions?.decisions ?? {};
  const out = { apply: [] as PlanCluster[], skipped: [] as string[], rejected: [] as string[], awaitingReview: [] as string[] };
  for (const c of plan.clusters) {
    const verdict = verdictOf(c.kind, Object.hasOwn(decided, c.id) ? decided[c.id] : undefined, skip.has(c.id));
    if (verdict === 'apply') out.apply.push(c);
    else out[verdict].push(c.id);
  }
  return out;
}

function clusterRange(plan: MergePlan): string {
  return plan.clusters.length ? `c1 to c${plan.clusters.length}` : 'none';
}

/**
 * The checks a decisions file must pass before an apply follows it: its
 * shape, and that it was saved from the page of this very plan. Throws a
 * `TypeError` whose message says what is wrong and what to do.
 */
export function checkDecisions(value: unknown, plan: MergePlan): DedupDecisions {
  const fail = (why: string): never => {
    throw new TypeError(why);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('not a hoop-etl dedup decisions file: expected a JSON object');
  const d = value as Record<string, unknown>;
  if (d.kind !== DECISIONS_KIND) fail(`not a hoop-etl dedup decisions file: "kind" is ${JSON.stringify(d.kind)}, expected "${DECISIONS_KIND}"`);
  if (d.version !== DECISIONS_VERSION) fail(`decisions version ${JSON.stringify(d.version)} is not supported (this hoop-etl reads version ${DECISIONS_VERSION})`);
  const again = 'open the review page of this plan (--plan ... --report), decide there and save again';
  if (d.location !== plan.location) fail(`the decisions are for location ${JSON.stringify(d.location)}, but the plan is for ${plan.location}: ${again}`);
  if (d.planCreatedAt !== plan.createdAt || d.planHash !== planFingerprint(plan)) {
    fail(`the decisions were saved from the review page of another plan (planned ${JSON.stringify(d.planCreatedAt)}; this plan was made ${plan.createdAt}${d.planCreatedAt === plan.createdAt ? ' but its clusters differ' : ''}): ${again}`);
  }
  const decisions = d.decisions;
  if (decisions === null || typeof decisions !== 'object' || Array.isArray(decisions)) fail('"decisions" must be an object of cluster id -> "approve" or "reject"');
  const ids = new Set(plan.clusters.map((c) => c.id));
  for (const [id, decision] of Object.entries(decisions as Record<string, unknown>)) {
    if (!ids.has(id)) fail(`"decisions" names cluster ${JSON.stringify(id)}, which the plan does not have (its clusters are ${clusterRange(plan)})`);
    if (decision !== 'approve' && decision !== 'reject') fail(`"decisions.${id}" is ${JSON.stringify(decision)}, expected "approve" or "reject"`);
  }
  return value as DedupDecisions;
}

/** Reads and checks a decisions file against `plan`; a problem is a configuration error at `--decisions`. */
export function readDecisionsFile(path: string, plan: MergePlan): DedupDecisions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the decisions ${path}: ${(e as Error).message}`, '--decisions');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path} is not JSON: ${(e as Error).message}`, '--decisions');
  }
  try {
    return checkDecisions(value, plan);
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message}`, '--decisions');
  }
}
