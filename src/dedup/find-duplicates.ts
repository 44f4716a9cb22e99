import { candidatePairs, type BlockingOptions } from './blocking.js';
import { compareContacts, FIELD_LEVELS, LEVEL_GROUPS, levelOf, LEVELS_MASK, MATCH_FIELDS, outcomeOf, SWAPPED_NAMES, type MatchField, type Outcome } from './compare-fields.js';
import { DEFAULT_FILLERS } from './filler.js';
import { prepareContact, type MatchContact, type PrepareOptions, type PreparedContact } from './prepare-contact.js';
import { countLevels, emptyLevelCounts, estimateModel, type LevelCounts, matchProbability, matchWeight, type Estimation, type EstimateOptions, type MatchModel } from './scoring.js';
import { splitLinkedGroup, type PairJudgement } from './cluster-check.js';
import { corroboratePattern, exactKeyConflict, scoredLinkVeto } from './link-rules.js';
import { UnionFind } from './union-find.js';
import { seededRandom } from '../core/random.js';

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
  /** A cluster of more contacts than this gets a note: worth a look. @default 5 */
  noteAbove?: number;
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
  /** Set on a link a person must confirm (a shared phone or email between different names): why it is in doubt. */
  readonly review?: string;
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
  /**
   * What a reviewer should know that does not hold the cluster back: a
   * contact outside it that shares a phone or email with a member under
   * another name, or an unusually large cluster. findDuplicates always sets it.
   */
  readonly notes?: readonly string[];
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
  /** Clusters a person must approve before they are merged. */
  readonly reviewClusters: number;
  /** Which model parameters the contacts determined and which are the documented defaults. */
  readonly estimation: Estimation;
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
  return (first >= 1 && first <= 3) || (dob >= 1 && dob <= 3) || email === 1 || email === 2 || phone === 1;
}

/** Linked groups larger than this are not checked pair by pair (their pairs grow with the square): they go to review whole. */
const MAX_CHECKED_GROUP = 400;

interface Link {
  readonly i: number;
  readonly j: number;
  readonly by: Set<LinkReason>;
  /** Set on a link a person must confirm: why it is in doubt. */
  review?: string;
}

/**
 * The order in which contacts are worked on: by what they hold, not by id or
 * by where they were read, so the same location content gives the same
 * clusters, survivors' candidates and model whatever the ids, the page order
 * or the run. Identical contacts are ordered by id (either order gives the
 * same clusters).
 */
export function contentOrder(contacts: readonly MatchContact[]): number[] {
  const keys = contacts.map((c) =>
    [c.firstName, c.lastName, c.email, c.phone, c.address1, c.city, c.state, c.postalCode, c.dateOfBirth].map((v) => (typeof v === 'string' ? v.trim() : '')).join('\u0000'),
  );
  return [...contacts.keys()].sort((a, b) => {
    const ka = keys[a] as string;
    const kb = keys[b] as string;
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ia = contacts[a]!.id;
    const ib = contacts[b]!.id;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
}

export function findDuplicates(contacts: readonly MatchContact[], options: FindDuplicatesOptions = {}): FindDuplicatesResult {
  const threshold = options.threshold ?? 0.9;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new TypeError(`Expected \`threshold\` to be a number in (0, 1], got \`${String(threshold)}\` (${typeof threshold})`);
  }
  const noteAbove = options.noteAbove ?? 5;
  const exactKeys = options.exactKeys ?? ['email', 'phone'];
  const requirePersonEvidence = options.requirePersonEvidence ?? true;
  const prepareOptions: PrepareOptions = { ...options, fillers: options.fillers ?? DEFAULT_FILLERS };
  const order = contentOrder(contacts);
  const prepared = order.map((k) => prepareContact(contacts[k] as MatchContact, prepareOptions));
  const n = prepared.length;
  const allPairs = (n * (n - 1)) / 2;
  const at = (i: number): PreparedContact => prepared[i] as PreparedContact;
  const compare = (i: number, j: number): number => corroboratePattern(compareContacts(at(i), at(j)));
  // How a contact is named in a review reason: its name as written, and its id.
  const describe = (i: number): string => {
    const c = contacts[order[i] as number] as MatchContact;
    const name = [c.firstName, c.lastName].filter((v) => typeof v === 'string' && v.trim() !== '').map((v) => (v as string).trim()).join(' ');
    return name === '' ? c.id : `${name} (${c.id})`;
  };

  const candidates = candidatePairs(prepared, options.blocking);
  const patterns = new Int32Array(candidates.count);
  const patternCounts = new Map<number, number>();
  for (let k = 0; k < candidates.count; k++) {
    const p = compare(candidates.left[k] as number, candidates.right[k] as number);
    patterns[k] = p;
    patternCounts.set(p, (patternCounts.get(p) ?? 0) + 1);
  }

  const model =
    options.model ??
    estimateModel(patternCounts, randomPairLevels(prepared, options.randomPairs ?? 100_000, options.seed ?? 1), candidates.count, allPairs, options.estimate);
  const thresholdWeight = Math.log2(threshold / (1 - threshold));

  // Whether a pattern links by score: over the threshold, and evidence of one person.
  const scored = new Map<number, boolean>();
  const linksByScore = (pattern: number): boolean => {
    let yes = scored.get(pattern);
    if (yes === undefined) {
      yes = matchWeight(model, pattern & LEVELS_MASK) >= thresholdWeight && (!requirePersonEvidence || scoredLinkVeto(pattern) === undefined);
      scored.set(pattern, yes);
    }
    return yes;
  };
  const sharedKeys = (i: number, j: number): ExactKey[] => exactKeys.filter((key) => at(i)[key] !== '' && at(i)[key] === at(j)[key]);

  // Links, keyed by pair.
  const links = new Map<number, Link>();
  const link = (i: number, j: number, reason: LinkReason, review?: string): void => {
    const [lo, hi] = i < j ? [i, j] : [j, i];
    const key = lo * n + hi;
    const found = links.get(key);
    if (found) {
      found.by.add(reason);
      if (found.review !== undefined && review === undefined) delete found.review;
    } else links.set(key, { i: lo, j: hi, by: new Set([reason]), ...(review !== undefined && { review }) });
  };

  let scoredLinks = 0;
  for (let k = 0; k < candidates.count; k++) {
    if (!linksByScore(patterns[k] as number)) continue;
    link(candidates.left[k] as number, candidates.right[k] as number, 'score');
    scoredLinks++;
  }

  // Every contact holding a key is linked to the first that held it; one whose names say it is someone else is linked for review.
  let exactKeyLinks = 0;
  for (const key of exactKeys) {
    const holders = new Map<string, number[]>();
    prepared.forEach((c, i) => {
      const v = c[key];
      if (v === '') return;
      const list = holders.get(v);
      if (list) list.push(i);
      else holders.set(v, [i]);
    });
    for (const list of holders.values()) {
      for (let x = 1; x < list.length; x++) {
        const j = list[x] as number;
        // The first earlier holder with no conflict, else the first holder, for review.
        let conflict: string | undefined;
        let partner = -1;
        for (let y = 0; y < x; y++) {
          const c = exactKeyConflict(compare(list[y] as number, j));
          if (c === undefined) {
            partner = list[y] as number;
            break;
          }
          conflict ??= c;
        }
        if (partner >= 0) link(partner, j, key);
        else link(list[0] as number, j, key, `${describe(j)} shares the ${key} with ${describe(list[0] as number)}, but ${conflict}`);
        exactKeyLinks++;
      }
    }
  }

  // Clusters: groups joined by sure links, checked as wholes; then review links join whole clusters, for a person to decide.
  const sure = new UnionFind(n);
  for (const l of links.values()) if (l.review === undefined) sure.union(l.i, l.j);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = sure.find(i);
    const list = groups.get(root);
    if (list) list.push(i);
    else groups.set(root, [i]);
  }
  const judge = (i: number, j: number): PairJudgement => {
    const found = links.get(i * n + j);
    const pattern = compare(i, j);
    const isSure = found !== undefined && found.review === undefined;
    const weight = matchWeight(model, pattern & LEVELS_MASK);
    // A sure link counts at least as much as the threshold, whatever the fields beside its exact key say.
    return { linked: isSure, weight: isSure ? Math.max(weight, thresholdWeight) : weight };
  };
  const clusterOf = new Int32Array(n);
  const reasons: string[][] = [];
  const parts: number[][] = [];
  for (const members of groups.values()) {
    if (members.length > MAX_CHECKED_GROUP) {
      for (const m of members) clusterOf[m] = parts.length;
      reasons.push([`${members.length} contacts linked together: too many to check pair by pair`]);
      parts.push(members);
      continue;
    }
    for (const part of splitLinkedGroup(members, judge, thresholdWeight)) {
      for (const m of part) clusterOf[m] = parts.length;
      reasons.push([]);
      parts.push(part);
    }
  }
  // A review link joins contacts no sure link holds into a cluster to review. One that reaches a sure cluster does
  // not hold that cluster back: it stays as it is, with a note, and the contact on the other side stays out (the
  // next plan, after the merge, asks about it again).
  const joined = new UnionFind(parts.length);
  const notes = new Map<number, string[]>();
  const note = (part: number, text: string): void => {
    const list = notes.get(part);
    if (!list) notes.set(part, [text]);
    else if (!list.includes(text)) list.push(text);
  };
  for (const l of links.values()) {
    if (l.review === undefined) continue;
    const pi = clusterOf[l.i] as number;
    const pj = clusterOf[l.j] as number;
    if (pi === pj) continue;
    const alone = (p: number): boolean => (parts[p] as number[]).length === 1 && (reasons[p] as string[]).length === 0;
    if (alone(pi) && alone(pj)) joined.union(pi, pj);
    else {
      if (!alone(pi)) note(pi, `${l.review}: not merged here; review it once this cluster is merged`);
      if (!alone(pj)) note(pj, `${l.review}: not merged here; review it once this cluster is merged`);
    }
  }

  const finals = new Map<number, { members: number[]; review: string[]; notes: string[] }>();
  parts.forEach((members, p) => {
    const root = joined.find(p);
    const f = finals.get(root);
    if (f) {
      f.members.push(...members);
      f.review.push(...(reasons[p] as string[]));
      f.notes.push(...(notes.get(p) ?? []));
    } else finals.set(root, { members: [...members], review: [...(reasons[p] as string[])], notes: [...(notes.get(p) ?? [])] });
  });

  const ordered: Array<{ first: number; cluster: DuplicateCluster }> = [];
  let contactsInClusters = 0;
  let largestCluster = 0;
  for (const f of finals.values()) {
    if (f.members.length < 2) continue;
    // Worked on in content order, reported in input order.
    const members = f.members.sort((a, b) => (order[a] as number) - (order[b] as number));
    const inside = new Set(members);
    // The links inside the cluster, exact keys first, then scores, then links to review: a spanning set of them explains it.
    const spanning = new UnionFind(n);
    const used: Link[] = [];
    const rank = (l: Link): number => (l.review !== undefined ? 2 : l.by.has('score') && l.by.size === 1 ? 1 : 0);
    const inCluster = [...links.values()].filter((l) => inside.has(l.i) && inside.has(l.j)).sort((x, y) => rank(x) - rank(y) || x.i - y.i || x.j - y.j);
    for (const l of inCluster) {
      if (spanning.find(l.i) === spanning.find(l.j)) continue;
      spanning.union(l.i, l.j);
      used.push(l);
    }
    const review = [...f.review];
    for (const l of used) if (l.review !== undefined) review.push(l.review);
    const clusterNotes = [...f.notes];
    if (members.length > noteAbove) clusterNotes.push(`${members.length} contacts in one cluster: more than ${noteAbove} copies of one person is rare, worth a look`);
    contactsInClusters += members.length;
    largestCluster = Math.max(largestCluster, members.length);
    const inInput = used.map((l) => ((order[l.i] as number) < (order[l.j] as number) ? [l.i, l.j, l] : [l.j, l.i, l]) as [number, number, Link]);
    ordered.push({
      first: order[members[0] as number] as number,
      cluster: {
        ids: members.map((i) => at(i).id),
        pairs: inInput
          .sort((x, y) => (order[x[0]] as number) - (order[y[0]] as number) || (order[x[1]] as number) - (order[y[1]] as number))
          .map(([a, b, l]) => explainPair(at(a), at(b), model, [...l.by], l.review)),
        review,
        notes: clusterNotes,
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
      reviewClusters: clusters.filter((c) => c.review.length > 0).length,
      estimation: model.estimation,
    },
  };
}


/** One pair's comparison, field by field, with the model's weights. */
export function explainPair(a: PreparedContact, b: PreparedContact, model: MatchModel, linkedBy: readonly LinkReason[] = [], review?: string): DuplicatePair {
  const pattern = corroboratePattern(compareContacts(a, b));
  const weight = matchWeight(model, pattern & LEVELS_MASK);
  return {
    a: a.id,
    b: b.id,
    linkedBy: [...linkedBy].sort(),
    weight: round(weight),
    probability: matchProbability(weight),
    swappedNames: (pattern & SWAPPED_NAMES) !== 0,
    ...(review !== undefined && { review }),
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
  const random = seededRandom(seed);
  const at = (i: number): PreparedContact => prepared[i] as PreparedContact;
  if (allPairs <= sample) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) countLevels(counts, corroboratePattern(compareContacts(at(i), at(j))));
  } else {
    for (let s = 0; s < sample; s++) {
      const i = Math.floor(random() * n);
      let j = Math.floor(random() * (n - 1));
      if (j >= i) j++;
      countLevels(counts, corroboratePattern(compareContacts(at(i), at(j))));
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
    countLevels(conditional, corroboratePattern(compareContacts(at(block[i] as number), at(block[j] as number))));
  }
  for (const f of ['city', 'state'] as const) {
    for (const l of LEVEL_GROUPS[f][1] as readonly number[]) (counts[f] as number[])[l] = conditional[f][l] as number;
  }
  return counts;
}
