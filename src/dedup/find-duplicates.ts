import { candidatePairs, type BlockingOptions } from './blocking.js';
import { compareContacts, FIELD_LEVELS, LEVEL_GROUPS, levelOf, LEVELS_MASK, MATCH_FIELDS, outcomeOf, SWAPPED_NAMES, type MatchField, type Outcome } from './compare-fields.js';
import { DEFAULT_FILLERS } from './filler.js';
import { prepareContact, type MatchContact, type PrepareOptions, type PreparedContact } from './prepare-contact.js';
import { countLevels, emptyLevelCounts, estimateModel, type LevelCounts, matchProbability, matchWeight, type EstimateOptions, type MatchModel } from './scoring.js';
import { UnionFind } from './union-find.js';

/**
 * Contacts in, clusters of the same person out, every linking pair with its
 * reasons.
 *
 * Two contacts are linked when
 *   - they share an exact key: the normalised email or the E.164 phone
 *     (`exactKeys`), or
 *   - they were compared (they share a blocking key, see `blocking.ts`), their
 *     Fellegi-Sunter match probability is at least `threshold`, and something
 *     that belongs to a person rather than to a household agrees (first name,
 *     date of birth, email or phone; see `requirePersonEvidence`).
 * Clusters are the links' transitive closure (union-find). Pure: the same
 * contacts and options give the same result.
 */

export type ExactKey = 'email' | 'phone';
export type LinkReason = ExactKey | 'score';

export interface FindDuplicatesOptions extends PrepareOptions {
  /** Lowest match probability that links two compared contacts, in (0, 1]. @default 0.9 */
  threshold?: number;
  /** Fields whose equal values link contacts whatever else differs. @default ['email', 'phone'] */
  exactKeys?: readonly ExactKey[];
  /**
   * A scored link also needs the first name, date of birth, email or phone to
   * agree at least partly: a shared surname and address alone is a household
   * (spouses, parent and child), not one person.
   * @default true
   */
  requirePersonEvidence?: boolean;
  blocking?: BlockingOptions;
  /** A model to score with instead of estimating one from these contacts (e.g. one estimated on a larger set). */
  model?: MatchModel;
  estimate?: EstimateOptions;
  /** Random pairs counted for the u probabilities. @default 100000 */
  randomPairs?: number;
  /** Seed of the random pairs. @default 1 */
  seed?: number;
}

export interface FieldReason {
  readonly field: MatchField;
  /** The comparison level's name (`exact`, `nickname`, `close`, `sameStreet`, `swappedDayMonth`, `different`, `missing`, ...). */
  readonly level: string;
  readonly outcome: Outcome;
  /** Bits of evidence for (positive) or against (negative) one person; 0 when missing. */
  readonly weight: number;
}

export interface DuplicatePair {
  readonly a: string;
  readonly b: string;
  /** Why the pair is linked: an exact key, the score, or both. */
  readonly linkedBy: readonly LinkReason[];
  /** Match weight in bits: the prior plus every field's weight. */
  readonly weight: number;
  readonly probability: number;
  /** First and last names were compared crossed (`Victoria White` against `White Victoria`). */
  readonly swappedNames: boolean;
  readonly fields: readonly FieldReason[];
}

export interface DuplicateCluster {
  /** In input order. */
  readonly ids: readonly string[];
  /** The links that joined the cluster (a spanning set, not every pair), in input order. */
  readonly pairs: readonly DuplicatePair[];
  /**
   * Why a person must decide before this cluster is merged (a shared phone or
   * email where the first names disagree, say); empty when every link is
   * evidence of one person. A cluster with reasons is never merged unless a
   * reviewer approves it.
   */
  readonly review: readonly string[];
}

export interface FindDuplicatesStats {
  readonly contacts: number;
  readonly blocks: number;
  readonly oversizedBlocks: number;
  readonly comparedPairs: number;
  readonly scoredLinks: number;
  readonly exactKeyLinks: number;
  readonly clusters: number;
  readonly contactsInClusters: number;
  /** Contacts in the largest cluster: a shared office phone or a chain of fuzzy links shows here first. */
  readonly largestCluster: number;
}

export interface FindDuplicatesResult {
  /** Clusters of two or more contacts, ordered by their first contact's place in the input. */
  readonly clusters: readonly DuplicateCluster[];
  readonly model: MatchModel;
  readonly stats: FindDuplicatesStats;
}

const FIRST = MATCH_FIELDS.indexOf('firstName');
const DOB = MATCH_FIELDS.indexOf('dateOfBirth');
const EMAIL = MATCH_FIELDS.indexOf('email');
const PHONE = MATCH_FIELDS.indexOf('phone');

/** Whether the pattern holds any agreement that tells one person from their household. */
export function hasPersonEvidence(pattern: number): boolean {
  const first = levelOf(pattern, FIRST);
  const dob = levelOf(pattern, DOB);
  const email = levelOf(pattern, EMAIL);
  const phone = levelOf(pattern, PHONE);
  return (first >= 1 && first <= 3) || (dob >= 1 && dob <= 3) || email === 1 || email === 2 || phone === 1 || phone === 2;
}

export function findDuplicates(contacts: readonly MatchContact[], options: FindDuplicatesOptions = {}): FindDuplicatesResult {
  const threshold = options.threshold ?? 0.9;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new TypeError(`Expected \`threshold\` to be a number in (0, 1], got \`${String(threshold)}\` (${typeof threshold})`);
  }
  const exactKeys = options.exactKeys ?? ['email', 'phone'];
  const requirePersonEvidence = options.requirePersonEvidence ?? true;
  const prepareOptions: PrepareOptions = { ...options, fillers: options.fillers ?? DEFAULT_FILLERS };
  const prepared = contacts.map((c) => prepareContact(c, prepareOptions));
  const n = prepared.length;
  const allPairs = (n * (n - 1)) / 2;

  const candidates = candidatePairs(prepared, options.blocking);
  const patterns = new Int32Array(candidates.count);
  const patternCounts = new Map<number, number>();
  for (let k = 0; k < candidates.count; k++) {
    const p = compareContacts(prepared[candidates.left[k] as number] as PreparedContact, prepared[candidates.right[k] as number] as PreparedContact);
    patterns[k] = p;
    patternCounts.set(p, (patternCounts.get(p) ?? 0) + 1);
  }

  const model =
    options.model ??
    estimateModel(patternCounts, randomPairLevels(prepared, options.randomPairs ?? 100_000, options.seed ?? 1), candidates.count, allPairs, options.estimate);

  // Links, keyed by pair; the reasons are worked out for these only.
  const links = new Map<number, { i: number; j: number; by: Set<LinkReason> }>();
  const link = (i: number, j: number, reason: LinkReason): void => {
    const [lo, hi] = i < j ? [i, j] : [j, i];
    const key = lo * n + hi;
    const found = links.get(key);
    if (found) found.by.add(reason);
    else links.set(key, { i: lo, j: hi, by: new Set([reason]) });
  };

  const linked = new Map<number, boolean>();
  let scoredLinks = 0;
  for (let k = 0; k < candidates.count; k++) {
    const p = (patterns[k] as number) & LEVELS_MASK;
    let yes = linked.get(p);
    if (yes === undefined) {
      yes = matchProbability(matchWeight(model, p)) >= threshold && (!requirePersonEvidence || hasPersonEvidence(p));
      linked.set(p, yes);
    }
    if (yes) {
      link(candidates.left[k] as number, candidates.right[k] as number, 'score');
      scoredLinks++;
    }
  }

  let exactKeyLinks = 0;
  for (const key of exactKeys) {
    const holder = new Map<string, number>();
    prepared.forEach((c, i) => {
      const v = key === 'email' ? c.email : c.phone;
      if (v === '') return;
      const first = holder.get(v);
      if (first === undefined) holder.set(v, i);
      else {
        link(first, i, key);
        exactKeyLinks++;
      }
    });
  }

  const sets = new UnionFind(n);
  for (const { i, j } of links.values()) sets.union(i, j);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sets.find(i);
    const list = members.get(root);
    if (list) list.push(i);
    else members.set(root, [i]);
  }
  const linksOf = new Map<number, Array<{ i: number; j: number; by: Set<LinkReason> }>>();
  for (const l of [...links.values()].sort((x, y) => x.i - y.i || x.j - y.j)) {
    const root = sets.find(l.i);
    const list = linksOf.get(root);
    if (list) list.push(l);
    else linksOf.set(root, [l]);
  }

  const ordered: Array<{ first: number; cluster: DuplicateCluster }> = [];
  let contactsInClusters = 0;
  let largestCluster = 0;
  for (const [root, list] of members) {
    if (list.length < 2) continue;
    contactsInClusters += list.length;
    largestCluster = Math.max(largestCluster, list.length);
    ordered.push({
      first: list[0] as number,
      cluster: {
      ids: list.map((i) => (prepared[i] as PreparedContact).id),
      pairs: (linksOf.get(root) ?? []).map((l) => explainPair(prepared[l.i] as PreparedContact, prepared[l.j] as PreparedContact, model, [...l.by])),
      review: [],
      },
    });
  }
  const clusters = ordered.sort((x, y) => x.first - y.first).map((o) => o.cluster);

  return {
    clusters,
    model,
    stats: {
      contacts: n,
      blocks: candidates.blocks,
      oversizedBlocks: candidates.oversizedBlocks,
      comparedPairs: candidates.count,
      scoredLinks,
      exactKeyLinks,
      clusters: clusters.length,
      contactsInClusters,
      largestCluster,
    },
  };
}

/** One pair's comparison, field by field, with the model's weights. */
export function explainPair(a: PreparedContact, b: PreparedContact, model: MatchModel, linkedBy: readonly LinkReason[] = []): DuplicatePair {
  const pattern = compareContacts(a, b);
  const weight = matchWeight(model, pattern & LEVELS_MASK);
  return {
    a: a.id,
    b: b.id,
    linkedBy: [...linkedBy].sort(),
    weight: round(weight),
    probability: matchProbability(weight),
    swappedNames: (pattern & SWAPPED_NAMES) !== 0,
    fields: MATCH_FIELDS.map((field, i) => {
      const level = levelOf(pattern, i);
      return { field, level: FIELD_LEVELS[field][level] as string, outcome: outcomeOf(field, level), weight: round(model.fields[field].weights[level] as number) };
    }),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Level counts over random pairs (all pairs when there are no more than
 * `sample`): nearly all are two different people, which is what u is. City
 * and state are also counted on up to `sample / 4` random pairs that share a
 * postal code, for their levels given that (see `LEVEL_GROUPS`).
 */
export function randomPairLevels(prepared: readonly PreparedContact[], sample: number, seed: number): LevelCounts {
  const counts = emptyLevelCounts();
  const n = prepared.length;
  const allPairs = (n * (n - 1)) / 2;
  const random = mulberry32(seed);
  const at = (i: number): PreparedContact => prepared[i] as PreparedContact;
  if (allPairs <= sample) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) countLevels(counts, compareContacts(at(i), at(j)));
  } else {
    for (let s = 0; s < sample; s++) {
      const i = Math.floor(random() * n);
      let j = Math.floor(random() * (n - 1));
      if (j >= i) j++;
      countLevels(counts, compareContacts(at(i), at(j)));
    }
  }

  const byPostalCode = new Map<string, number[]>();
  prepared.forEach((c, i) => {
    if (c.postalCode === '' || (c.city === '' && c.state === '')) return;
    const block = byPostalCode.get(c.postalCode);
    if (block) block.push(i);
    else byPostalCode.set(c.postalCode, [i]);
  });
  const blocks = [...byPostalCode.values()].filter((b) => b.length >= 2);
  const cumulative: number[] = [];
  let pairs = 0;
  for (const b of blocks) cumulative.push((pairs += (b.length * (b.length - 1)) / 2));
  if (pairs === 0) return counts;
  const conditional = emptyLevelCounts();
  const draws = Math.min(pairs, Math.floor(sample / 4));
  for (let s = 0; s < draws; s++) {
    // A block with probability proportional to its pairs, then a pair in it: uniform over all pairs sharing a postal code.
    const r = random() * pairs;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    const block = blocks[lo] as number[];
    const i = Math.floor(random() * block.length);
    let j = Math.floor(random() * (block.length - 1));
    if (j >= i) j++;
    countLevels(conditional, compareContacts(at(block[i] as number), at(block[j] as number)));
  }
  for (const f of ['city', 'state'] as const) {
    for (const l of LEVEL_GROUPS[f][1] as readonly number[]) (counts[f] as number[])[l] = conditional[f][l] as number;
  }
  return counts;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
