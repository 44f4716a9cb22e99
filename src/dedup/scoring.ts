import { FIELD_LEVELS, LEVEL_GROUPS, LEVELS_MASK, MATCH_FIELDS, levelOf, type MatchField } from './compare-fields.js';

/**
 * Fellegi-Sunter scoring. For each field and comparison level:
 *   m = P(level | the two contacts are one person),
 *   u = P(level | they are two people),
 *   weight = log2(m / u) bits of evidence,
 * and a pair's match weight is the prior's log-odds plus its fields' weights
 * (missing fields add nothing). Its match probability is 1 / (1 + 2^-weight).
 *
 * Nothing is learned from labels:
 *   - u is counted on random pairs of the contacts, nearly all of which are
 *     two different people;
 *   - m and the share of matches among the compared (blocked) pairs are
 *     estimated by expectation-maximisation over the compared pairs'
 *     patterns, with a second class of "non-match among compared pairs" whose
 *     own u absorbs the agreement blocking itself causes;
 *   - the prior is the estimated number of matching pairs over all pairs.
 * Both m and u are smoothed towards `DEFAULT_M` / `DEFAULT_U` with a few
 * pseudo-pairs, so a handful of contacts scores sensibly and no level gets a
 * zero (an infinite weight).
 */

/** Whether a parameter was learned from the location's contacts or taken from the documented defaults. */
export type Source = 'estimated' | 'default';

/**
 * Which parameters the location's contacts determined and which fell back
 * to the documented defaults (`DEFAULT_M`, `DEFAULT_U`,
 * `DEFAULT_DUPLICATE_RATE`): a location too small or too uniform for EM to
 * identify them is scored with the defaults, and the plan says so.
 */
export interface Estimation {
  /** The share of matches among compared pairs (and so the prior). */
  readonly matchShare: Source;
  /** Per field: m, from EM over the compared pairs. */
  readonly m: Readonly<Record<MatchField, Source>>;
  /** Per field: u, from random pairs. */
  readonly u: Readonly<Record<MatchField, Source>>;
  /** Why EM's result was not used, when it was not. */
  readonly fallback?: string;
}

/**
 * Share of contacts that have a duplicate, assumed where a location cannot
 * tell (too few compared pairs, or EM finding no separate class of matches):
 * the prior is then `DEFAULT_DUPLICATE_RATE * n` matching pairs among all
 * pairs of n contacts.
 */
export const DEFAULT_DUPLICATE_RATE = 0.05;

/** Fields that belong to one person: among true matches their exact level holds most agreement. */
const PERSONAL_FIELDS: readonly MatchField[] = ['firstName', 'email', 'dateOfBirth'];

/** Per level, index 0 (`missing`) unused: its weight is always 0. */
export interface FieldModel {
  readonly levels: readonly string[];
  readonly m: readonly number[];
  readonly u: readonly number[];
  readonly weights: readonly number[];
}

export interface MatchModel {
  readonly fields: Readonly<Record<MatchField, FieldModel>>;
  /** log2 of the prior odds that two contacts picked at random are one person. */
  readonly priorWeight: number;
  /** Share of matches among the compared pairs, as estimated. */
  readonly matchShare: number;
  readonly emIterations: number;
  readonly estimation: Estimation;
}

type Levels = Readonly<Record<MatchField, readonly number[]>>;

/** Starting and smoothing values of m, per level (index 0 unused): most matches agree, typos are next. */
export const DEFAULT_M: Levels = {
  firstName: [0, 0.8, 0.03, 0.1, 0.03, 0.04],
  lastName: [0, 0.85, 0.09, 0.02, 0.04],
  email: [0, 0.85, 0.05, 0.1],
  phone: [0, 0.85, 0.05, 0.1],
  address1: [0, 0.8, 0.1, 0.04, 0.06],
  city: [0, 0.85, 0.08, 0.07, 0.9, 0.05, 0.05],
  state: [0, 0.9, 0.1, 0.95, 0.05],
  postalCode: [0, 0.85, 0.08, 0.07],
  dateOfBirth: [0, 0.85, 0.02, 0.08, 0.05],
};

/** Smoothing values of u, per level: rough chances for two strangers in one location. */
export const DEFAULT_U: Levels = {
  firstName: [0, 0.01, 0.001, 0.005, 0.03, 0.954],
  lastName: [0, 0.003, 0.005, 0.03, 0.962],
  email: [0, 0.0001, 0.0005, 0.9994],
  phone: [0, 0.0001, 0.0005, 0.9994],
  address1: [0, 0.0005, 0.0005, 0.002, 0.997],
  city: [0, 0.02, 0.01, 0.97, 0.5, 0.05, 0.45],
  state: [0, 0.2, 0.8, 0.6, 0.4],
  postalCode: [0, 0.005, 0.03, 0.965],
  dateOfBirth: [0, 0.0001, 0.00003, 0.001, 0.99887],
};

export interface EstimateOptions {
  /** Pseudo-pairs pulling m towards `DEFAULT_M`. @default 20 */
  mPseudoPairs?: number;
  /** Pseudo-pairs pulling u towards `DEFAULT_U`. @default 1000 */
  uPseudoPairs?: number;
  /** @default 100 */
  maxIterations?: number;
  /** Fewer compared pairs than this: EM is not run, m and the prior are the defaults. @default 100 */
  minComparedPairs?: number;
  /** EM finding fewer matches than this (or nearly all pairs matches) is not identified: m and the prior are the defaults. @default 10 */
  minMatches?: number;
}

/** Counts of each level per field, index 0 (`missing`) ignored. */
export type LevelCounts = Record<MatchField, number[]>;

export function emptyLevelCounts(): LevelCounts {
  const out = {} as LevelCounts;
  for (const f of MATCH_FIELDS) out[f] = new Array<number>(FIELD_LEVELS[f].length).fill(0);
  return out;
}

/** Adds one pattern's levels to per-field counts. */
export function countLevels(counts: LevelCounts, pattern: number, times = 1): void {
  MATCH_FIELDS.forEach((f, i) => {
    const c = counts[f];
    const l = levelOf(pattern, i);
    c[l] = (c[l] as number) + times;
  });
}

/**
 * The model from the data:
 * @param comparedPatterns how often each packed pattern occurred among the compared pairs
 * @param randomCounts level counts over random pairs (for u)
 * @param comparedPairs how many pairs were compared
 * @param allPairs n(n-1)/2
 */
export function estimateModel(
  comparedPatterns: ReadonlyMap<number, number>,
  randomCounts: LevelCounts,
  comparedPairs: number,
  allPairs: number,
  options: EstimateOptions = {},
): MatchModel {
  const mPseudo = options.mPseudoPairs ?? 20;
  const uPseudo = options.uPseudoPairs ?? 1000;
  const maxIterations = options.maxIterations ?? 100;

  const u = smooth(randomCounts, DEFAULT_U, uPseudo);
  let m = copyLevels(DEFAULT_M);
  let uCompared = copyLevels(u);
  let share = 0.5;

  // Patterns without the swapped-names bit: the model does not weigh it.
  const patterns = new Map<number, number>();
  for (const [p, n] of comparedPatterns) {
    const key = p & LEVELS_MASK;
    patterns.set(key, (patterns.get(key) ?? 0) + n);
  }
  const keys = [...patterns.keys()];
  let lastMatchCounts: LevelCounts | undefined;
  const present = (c: readonly number[]): number => c.reduce((sum, x, l) => (l === 0 ? sum : sum + x), 0);
  const counts = keys.map((k) => patterns.get(k) as number);
  const total = counts.reduce((s, n) => s + n, 0);

  let iterations = 0;
  let fallback: string | undefined;
  const minCompared = options.minComparedPairs ?? 100;
  if (total < minCompared) fallback = `${total} compared pairs, fewer than the ${minCompared} EM needs`;
  else {
    for (; iterations < maxIterations; iterations++) {
      const mCounts = emptyLevelCounts();
      const uCounts = emptyLevelCounts();
      let matched = 0;
      keys.forEach((p, k) => {
        let pm = share;
        let pu = 1 - share;
        MATCH_FIELDS.forEach((f, i) => {
          const level = levelOf(p, i);
          if (level === 0) return;
          pm *= m[f][level] as number;
          pu *= uCompared[f][level] as number;
        });
        const g = pm / (pm + pu);
        const n = counts[k] as number;
        matched += g * n;
        countLevels(mCounts, p, g * n);
        countLevels(uCounts, p, (1 - g) * n);
      });
      const nextShare = Math.min(Math.max(matched / total, 1e-9), 1 - 1e-9);
      const nextM = smooth(mCounts, DEFAULT_M, mPseudo);
      uCompared = smooth(uCounts, u, mPseudo);
      lastMatchCounts = mCounts;
      const change = Math.max(Math.abs(nextShare - share), maxDifference(m, nextM));
      m = nextM;
      share = nextShare;
      if (change < 1e-6) {
        iterations++;
        break;
      }
    }
    const minMatches = options.minMatches ?? 10;
    const matches = share * total;
    if (matches < minMatches) fallback = `EM found ${matches.toFixed(1)} matches among ${total} compared pairs: too few to identify m`;
    else if (share > 0.95) fallback = `EM took ${(share * 100).toFixed(0)}% of ${total} compared pairs for matches: the contacts are too uniform to tell matches apart`;
    else {
      // A class of "one person" whose personal fields mostly disagree is not one person: EM has found the pairs
      // that share a place (a household, an office) instead. Where a field says who someone is, its exact level
      // must hold most of that class's agreement.
      const placeClass = PERSONAL_FIELDS.find((f) => (m[f][1] as number) < 0.5 && lastMatchCounts !== undefined && present(lastMatchCounts[f]) >= mPseudo);
      if (placeClass) fallback = `EM's matches agree on ${placeClass} in only ${((m[placeClass][1] as number) * 100).toFixed(0)}% of pairs: it found pairs sharing a place (households, offices), not one person`;
    }
  }
  const n = (1 + Math.sqrt(1 + 8 * allPairs)) / 2;
  if (fallback !== undefined) {
    m = copyLevels(DEFAULT_M);
    lastMatchCounts = undefined;
    // DEFAULT_DUPLICATE_RATE * n matching pairs, as a share of the compared ones.
    share = comparedPairs > 0 ? Math.min((DEFAULT_DUPLICATE_RATE * n) / comparedPairs, 0.5) : 0.5;
  }

  // Matches among all pairs: those estimated among the compared ones (blocking is built to miss few).
  const prior =
    allPairs <= 0 ? 0.5 : fallback !== undefined ? Math.min(Math.max((DEFAULT_DUPLICATE_RATE * n) / allPairs, 1e-12), 0.5) : Math.min(Math.max((share * comparedPairs) / allPairs, 1e-12), 0.5);
  const mSource = {} as Record<MatchField, Source>;
  const uSource = {} as Record<MatchField, Source>;
  for (const f of MATCH_FIELDS) {
    // A parameter is the data's when the data outweighs the pseudo-pairs pulling it to the default.
    mSource[f] = lastMatchCounts && present(lastMatchCounts[f]) >= mPseudo ? 'estimated' : 'default';
    uSource[f] = present(randomCounts[f]) >= uPseudo ? 'estimated' : 'default';
  }
  const estimation: Estimation = { matchShare: fallback === undefined ? 'estimated' : 'default', m: mSource, u: uSource, ...(fallback !== undefined && { fallback }) };
  const fields = {} as Record<MatchField, FieldModel>;
  for (const f of MATCH_FIELDS) {
    const weights = m[f].map((mv, l) => (l === 0 ? 0 : Math.log2(mv / (u[f][l] as number))));
    // A partial agreement never counts for more than full agreement. Without this cap a
    // typo can outweigh an exact match (a common surname agrees exactly by chance more often
    // than a rare one with a typo), and a pair would score higher for being less alike.
    for (const group of LEVEL_GROUPS[f]) {
      const full = weights[group[0] as number] as number;
      for (const l of group.slice(1)) weights[l] = Math.min(weights[l] as number, full);
    }
    fields[f] = { levels: FIELD_LEVELS[f], m: m[f], u: u[f], weights };
  }
  return { fields, priorWeight: Math.log2(prior / (1 - prior)), matchShare: share, emIterations: iterations, estimation };
}

/** The pattern's field weights summed, plus the prior: the match weight in bits. */
export function matchWeight(model: MatchModel, pattern: number): number {
  let w = model.priorWeight;
  MATCH_FIELDS.forEach((f, i) => {
    w += model.fields[f].weights[levelOf(pattern, i)] as number;
  });
  return w;
}

/** 1 / (1 + 2^-weight). */
export function matchProbability(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

/** Counts to probabilities within each level group, pulled towards `prior` by `pseudo` pairs. */
function smooth(counts: LevelCounts, prior: Levels, pseudo: number): Record<MatchField, number[]> {
  const out = {} as Record<MatchField, number[]>;
  for (const f of MATCH_FIELDS) {
    const c = counts[f];
    const p = new Array<number>(c.length).fill(0);
    for (const group of LEVEL_GROUPS[f]) {
      let seen = 0;
      for (const l of group) seen += c[l] as number;
      for (const l of group) p[l] = ((c[l] as number) + pseudo * (prior[f][l] as number)) / (seen + pseudo);
    }
    out[f] = p;
  }
  return out;
}

function copyLevels(levels: Levels): Record<MatchField, number[]> {
  const out = {} as Record<MatchField, number[]>;
  for (const f of MATCH_FIELDS) out[f] = [...levels[f]];
  return out;
}

function maxDifference(a: Levels, b: Levels): number {
  let d = 0;
  for (const f of MATCH_FIELDS) a[f].forEach((v, l) => (d = Math.max(d, Math.abs(v - (b[f][l] as number)))));
  return d;
}
