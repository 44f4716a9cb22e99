import type { DuplicateCluster, DuplicatePair, FindDuplicatesStats } from './find-duplicates.js';
import type { LocationEvidence } from './location-evidence.js';
import { dndToCarry, type DndCarry } from './merge-writes.js';
import { planClusterMerge, type FieldChange, type FieldRule, type MergedValue, type SurvivorContact, type SurvivorRule } from './survivor.js';

/**
 * The merge plan of a location: what `hoop-etl dedup --plan` writes and
 * `--apply` carries out. Pure: contacts (in the GET shape) and clusters
 * in, the plan out. The plan holds every member's before-image, so that the
 * apply step can tell a cluster that changed since (its `dateUpdated`) and
 * the reviewer sees what each contact holds.
 */

/** 2: clusters of kind `review` (never applied unless approved) and `confidence`. Plans of version 1 predate them and are refused. */
export const PLAN_VERSION = 2;
export const PLAN_KIND = 'hoop-etl dedup plan';

/**
 * How a cluster was found: every link an exact key (email or phone), or at
 * least one by score alone; `review` when a person must decide (see
 * `PlanCluster.review`): such a cluster is applied only when a reviewer
 * approves it.
 */
export type ClusterKind = 'exact' | 'fuzzy' | 'review';

export interface PlanCluster {
  /** `c1`, `c2`, ... in plan order; the survivor's id is the cluster's key in the run journal. */
  readonly id: string;
  readonly kind: ClusterKind;
  /** Why a person must decide (set when `kind` is `review`). */
  readonly review?: readonly string[];
  /** What a reviewer should know that does not hold the cluster back (a contact left out that shares a phone under another name, a large cluster). */
  readonly notes?: readonly string[];
  /** The lowest match probability among the links that joined the cluster: how sure the weakest link is. */
  readonly confidence: number;
  readonly ids: readonly string[];
  readonly survivor: string;
  readonly losers: readonly string[];
  /**
   * Each member as the plan's search read it, in the GET shape (`contactOfHit`),
   * survivor first. What hits may lack (`dndSettings`) the apply reads again.
   */
  readonly contacts: readonly SurvivorContact[];
  /** The links that joined the cluster, with their reasons field by field. */
  readonly pairs: readonly DuplicatePair[];
  /** The survivor's values after the merge (blank fields left out) and where each came from. */
  readonly merged: { readonly fields: Readonly<Record<string, MergedValue>>; readonly customFields: Readonly<Record<string, MergedValue>> };
  /** The update of the survivor: each field that changes, before and after. */
  readonly changes: readonly FieldChange[];
  /** Every member's tags, unioned. */
  readonly tags: readonly string[];
  /** The tags the survivor gains. */
  readonly tagsToAdd: readonly string[];
  /** A "do not disturb" of another member that the survivor takes (absent: none). */
  readonly dndCarried?: DndCarry;
}

export interface PlanSettings {
  readonly threshold: number;
  readonly survivor: SurvivorRule;
  readonly fieldRule: FieldRule;
  readonly fieldRules: Readonly<Record<string, FieldRule>>;
  readonly emailProviderRules: boolean;
}

export interface PlanSummary {
  readonly contacts: number;
  readonly clusters: number;
  readonly contactsInClusters: number;
  /** Losers of the clusters an apply merges unless a reviewer rejects them (review clusters left out): the contacts it removes (or tags, with --no-delete). */
  readonly contactsToRemove: number;
  /** Losers of the review clusters: removed only if a reviewer approves their cluster. */
  readonly contactsInReview: number;
  readonly exactClusters: number;
  readonly fuzzyClusters: number;
  /** Clusters a person must approve before they are merged. */
  readonly reviewClusters: number;
  readonly largestCluster: number;
}

export interface MergePlan {
  readonly kind: typeof PLAN_KIND;
  readonly version: typeof PLAN_VERSION;
  readonly location: string;
  readonly createdAt: string;
  readonly threshold: number;
  readonly settings: PlanSettings;
  readonly summary: PlanSummary;
  readonly matching: FindDuplicatesStats;
  /**
   * Display names of the custom fields the clusters' members hold, by id
   * (GET /locations/:locationId/customFields); absent when the token cannot
   * read the definitions. Plans written before it lack it too.
   */
  readonly customFieldNames?: Readonly<Record<string, string>>;
  readonly clusters: readonly PlanCluster[];
}

export interface BuildPlanInput {
  readonly location: string;
  readonly createdAt: string;
  readonly settings: PlanSettings;
  readonly clusters: readonly DuplicateCluster[];
  readonly stats: FindDuplicatesStats;
  /** Every cluster member in the GET shape (from its search hit: `contactOfHit`); a member missing here drops out of its cluster. */
  readonly contacts: ReadonlyMap<string, SurvivorContact>;
  /** What the whole location holds, for the `best` field rule (`LocationEvidence` of every contact read). */
  readonly evidence?: LocationEvidence;
  /** Custom field id -> display name, for the fields members hold; other ids are left out of the plan. */
  readonly customFieldNames?: ReadonlyMap<string, string>;
}

/** `exact` when the exact-key links alone join every member (a score link may join them too); else `fuzzy`. */
export function clusterKind(ids: readonly string[], pairs: readonly DuplicatePair[]): ClusterKind {
  const root = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => {
    let r = id;
    while (root.get(r) !== r) r = root.get(r) as string;
    return r;
  };
  let sets = ids.length;
  for (const p of pairs) {
    if (!p.linkedBy.some((r) => r === 'email' || r === 'phone')) continue;
    const a = find(p.a);
    const b = find(p.b);
    if (a !== b) {
      root.set(a, b);
      sets--;
    }
  }
  return sets === 1 ? 'exact' : 'fuzzy';
}

export function buildMergePlan(input: BuildPlanInput): MergePlan {
  const { settings } = input;
  const clusters: PlanCluster[] = [];
  for (const cluster of input.clusters) {
    const members = cluster.ids.map((id) => input.contacts.get(id)).filter((c): c is SurvivorContact => c !== undefined);
    if (members.length < 2) continue;
    const present = new Set(members.map((c) => c.id));
    const pairs = cluster.pairs.filter((p) => present.has(p.a) && present.has(p.b));
    const merge = planClusterMerge(members, { survivor: settings.survivor, fieldRule: settings.fieldRule, fieldRules: settings.fieldRules, ...(input.evidence && { evidence: input.evidence }) });
    const survivor = members.find((c) => c.id === merge.survivorId) as SurvivorContact;
    const dnd = dndToCarry(survivor, members.filter((c) => c !== survivor));
    const review = cluster.review ?? [];
    clusters.push({
      id: `c${clusters.length + 1}`,
      kind: review.length ? 'review' : clusterKind(members.map((c) => c.id), pairs),
      ...(review.length && { review }),
      ...(cluster.notes?.length && { notes: cluster.notes }),
      confidence: pairs.length ? Math.min(...pairs.map((p) => p.probability)) : 0,
      ids: members.map((c) => c.id),
      survivor: merge.survivorId,
      losers: merge.losers,
      contacts: [survivor, ...members.filter((c) => c !== survivor)],
      pairs,
      merged: { fields: merge.fields, customFields: merge.customFields },
      changes: merge.changes,
      tags: merge.tags,
      tagsToAdd: merge.tagsToAdd,
      ...(dnd && { dndCarried: dnd }),
    });
  }
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    location: input.location,
    createdAt: input.createdAt,
    threshold: settings.threshold,
    settings,
    summary: summarisePlan(input.stats.contacts, clusters),
    matching: input.stats,
    ...(input.customFieldNames && { customFieldNames: namesOfHeldFields(clusters, input.customFieldNames) }),
    clusters,
  };
}

/** The names of the custom fields any member holds, keys in id order (the plan file reads the same for the same location). */
function namesOfHeldFields(clusters: readonly PlanCluster[], names: ReadonlyMap<string, string>): Record<string, string> {
  const held = new Set<string>();
  for (const c of clusters) for (const m of c.contacts) for (const cf of m.customFields ?? []) held.add(cf.id);
  const out: Record<string, string> = {};
  for (const id of [...held].sort()) {
    const name = names.get(id);
    if (name !== undefined) out[id] = name;
  }
  return out;
}

export function summarisePlan(contacts: number, clusters: readonly PlanCluster[]): PlanSummary {
  let inClusters = 0;
  let largest = 0;
  let toRemove = 0;
  let inReview = 0;
  for (const c of clusters) {
    inClusters += c.ids.length;
    largest = Math.max(largest, c.ids.length);
    if (c.kind === 'review') inReview += c.ids.length - 1;
    else toRemove += c.ids.length - 1;
  }
  return {
    contacts,
    clusters: clusters.length,
    contactsInClusters: inClusters,
    contactsToRemove: toRemove,
    contactsInReview: inReview,
    exactClusters: clusters.filter((c) => c.kind === 'exact').length,
    fuzzyClusters: clusters.filter((c) => c.kind === 'fuzzy').length,
    reviewClusters: clusters.filter((c) => c.kind === 'review').length,
    largestCluster: largest,
  };
}

/** Kept here for the modules that read hits through the plan's module; the converter is `contact-of-hit.ts`. */
export { matchContactOfHit } from './contact-of-hit.js';

/** The checks a plan file must pass before an apply trusts it; the message names what is wrong. */
export function checkPlan(value: unknown): MergePlan {
  const fail = (why: string): never => {
    throw new TypeError(`not a hoop-etl dedup plan: ${why}`);
  };
  if (value === null || typeof value !== 'object') fail('expected a JSON object');
  const p = value as Record<string, unknown>;
  if (p.kind !== PLAN_KIND) fail(`"kind" is ${JSON.stringify(p.kind)}, expected "${PLAN_KIND}"`);
  if (p.version === 1) fail('version 1 was written by an earlier hoop-etl, whose matching could link coworkers and relatives; plan again with hoop-etl dedup --plan');
  if (p.version !== PLAN_VERSION) fail(`version ${JSON.stringify(p.version)} is not supported (this hoop-etl reads version ${PLAN_VERSION})`);
  if (typeof p.location !== 'string' || p.location === '') fail('no location');
  if (!Array.isArray(p.clusters)) fail('no clusters list');
  const seen = new Set<string>();
  (p.clusters as unknown[]).forEach((raw, i) => {
    const c = raw as Record<string, unknown>;
    if (!c || typeof c.survivor !== 'string' || !Array.isArray(c.losers) || !Array.isArray(c.contacts) || !Array.isArray(c.changes) || !Array.isArray(c.tagsToAdd)) {
      fail(`clusters[${i}] lacks survivor, losers, contacts, changes or tagsToAdd`);
    }
    const ids = [c.survivor as string, ...(c.losers as string[])];
    for (const id of ids) {
      if (seen.has(id)) fail(`contact ${id} is in two clusters`);
      seen.add(id);
      if (!(c.contacts as Array<{ id?: unknown }>).some((m) => m && m.id === id)) fail(`clusters[${i}] has no before-image of ${id}`);
    }
  });
  return value as MergePlan;
}
