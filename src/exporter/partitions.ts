/**
 * Splitting one search into time ranges walked at the same time. One cursor
 * asks for a page only after the previous one arrived, so a single walk
 * leaves the rate budget idle for a whole round trip per page; several walks
 * over disjoint ranges of the sort field keep requests in flight. The ranges
 * use only the documented `range` filter (`gte` / `lt`), never the cursor's
 * contents (it stays opaque), so no contact is in two ranges or none.
 */

/** Bounds b1 < b2 < ... of ranges [from, b1), [b1, b2), ..., [b_last, to]: at most `parts` ranges of equal length, in whole ms. */
export function splitRange(fromMs: number, toMs: number, parts: number): number[] {
  if (!(toMs > fromMs) || parts < 2) return [];
  const bounds: number[] = [];
  for (let i = 1; i < parts; i++) {
    const b = Math.floor(fromMs + ((toMs - fromMs) * i) / parts);
    if (b > fromMs && b <= toMs && b !== bounds.at(-1)) bounds.push(b);
  }
  return bounds;
}
