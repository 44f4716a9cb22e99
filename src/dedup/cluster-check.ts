/**
 * Clusters checked as wholes. Links join contacts transitively, so one weak
 * link can chain an office together: A is B with a typo, B shares a phone
 * with C, C looks like D. Within each group of linked contacts, this builds
 * the clusters again bottom up (agglomerative, best-supported merge first):
 * two clusters join only when
 *   - at least half the pairs across them are links in their own right, and
 *   - the average match weight across them reaches the threshold's,
 * so every member of a cluster is linked to at least half of the others it
 * joined, and the members it is not linked to do not outweigh those it is.
 * What cannot join stays apart.
 *
 * Pure and deterministic: ties are broken by the members' places in the
 * input, which the caller orders by content.
 */

export interface PairJudgement {
  /** The pair is a link in its own right (an exact key or a score over the threshold with evidence of one person). */
  readonly linked: boolean;
  /** Match weight in bits (support for joining; higher joins first). */
  readonly weight: number;
}

/**
 * Splits one group of linked contacts (`members`, input indexes, in
 * increasing order) into clusters. `judge(i, j)` is asked once per pair, i < j;
 * `minAverageWeight` is the threshold's weight in bits.
 * Returns clusters of one or more members, each in increasing order, ordered
 * by their first member.
 */
export function splitLinkedGroup(members: readonly number[], judge: (i: number, j: number) => PairJudgement, minAverageWeight = Number.NEGATIVE_INFINITY): number[][] {
  const s = members.length;
  if (s <= 1) return [members.slice()];
  // Per pair of current clusters: links and summed weight; clusters indexed by their slot.
  const links = new Float64Array(s * s);
  const weights = new Float64Array(s * s);
  for (let a = 0; a < s; a++) {
    for (let b = a + 1; b < s; b++) {
      const j = judge(members[a] as number, members[b] as number);
      const k1 = a * s + b;
      const k2 = b * s + a;
      links[k1] = links[k2] = j.linked ? 1 : 0;
      weights[k1] = weights[k2] = j.weight;
    }
  }
  const size = new Int32Array(s).fill(1);
  const alive = new Uint8Array(s).fill(1);
  const parts: number[][] = members.map((m) => [m]);
  for (;;) {
    let bestA = -1;
    let bestB = -1;
    let bestAverage = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < s; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < s; b++) {
        if (!alive[b]) continue;
        const k = a * s + b;
        if (links[k] === 0) continue;
        const across = (size[a] as number) * (size[b] as number);
        if ((links[k] as number) * 2 < across) continue;
        const average = (weights[k] as number) / across;
        if (average < minAverageWeight) continue;
        if (average > bestAverage) {
          bestAverage = average;
          bestA = a;
          bestB = b;
        }
      }
    }
    if (bestA < 0) break;
    // Fold cluster bestB into bestA.
    for (let c = 0; c < s; c++) {
      if (!alive[c] || c === bestA || c === bestB) continue;
      const ka = bestA * s + c;
      const kb = bestB * s + c;
      const l = (links[ka] as number) + (links[kb] as number);
      const w = (weights[ka] as number) + (weights[kb] as number);
      links[ka] = links[c * s + bestA] = l;
      weights[ka] = weights[c * s + bestA] = w;
    }
    size[bestA] = (size[bestA] as number) + (size[bestB] as number);
    alive[bestB] = 0;
    (parts[bestA] as number[]).push(...(parts[bestB] as number[]));
  }
  const out: number[][] = [];
  for (let a = 0; a < s; a++) if (alive[a]) out.push((parts[a] as number[]).sort((x, y) => x - y));
  return out.sort((x, y) => (x[0] as number) - (y[0] as number));
}
