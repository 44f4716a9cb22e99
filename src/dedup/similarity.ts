/**
 * String similarity for fuzzy matching: Jaro-Winkler, optimal string
 * alignment distance (Damerau-Levenshtein with adjacent transpositions, each
 * substring edited once), a token-set comparison and American Soundex.
 *
 * All of them compare UTF-16 code units: callers pass text already folded
 * (lower case, accents stripped, see `foldText`), where that is the same as
 * comparing letters.
 */

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NOT_ALNUM_ASCII = /[^a-z0-9]+/g;

/**
 * Lower case, accents stripped (NFD minus combining marks), every run of
 * characters other than letters and digits turned into one space, trimmed:
 * `  José  O'Brien-Smith ` -> `jose o brien smith`.
 */
export function foldText(raw: string): string {
  // Most text is plain ASCII: skip Unicode normalisation, the costliest step.
  if (PRINTABLE_ASCII.test(raw)) return raw.toLowerCase().replace(NOT_ALNUM_ASCII, ' ').trim();
  return raw
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Jaro similarity in [0, 1]: 1 for equal strings, 0 when nothing matches
 * (and for two empty strings, which carry no evidence either way).
 */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  return la <= 31 && lb <= 31 ? jaroShort(a, b, la, lb) : jaroLong(a, b, la, lb);
}

// Strings of up to 31 characters (nearly every name, city and street) keep
// their matched flags in two integers: no allocation in the hot loop.
function jaroShort(a: string, b: string, la: number, lb: number): number {
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let flagsA = 0;
  let flagsB = 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > window ? i - window : 0;
    const hi = i + window < lb - 1 ? i + window : lb - 1;
    const ca = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if ((flagsB & (1 << j)) === 0 && b.charCodeAt(j) === ca) {
        flagsA |= 1 << i;
        flagsB |= 1 << j;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if ((flagsA & (1 << i)) === 0) continue;
    while ((flagsB & (1 << k)) === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  return (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
}

function jaroLong(a: string, b: string, la: number, lb: number): number {
  const matchedA = new Uint8Array(la);
  const matchedB = new Uint8Array(lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const ca = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === ca) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  return (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
}

/**
 * Jaro-Winkler similarity in [0, 1]: Jaro raised for a common prefix (up to 4
 * characters, scale 0.1), the usual constants. Two empty strings give 0.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j === 0 || j === 1) return j;
  const max = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of two adjacent characters, each costing 1. With `max`, returns
 * `max + 1` as soon as the distance is known to exceed it (cheaper for the
 * "at most one typo" questions matching asks).
 */
export function osaDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  // Three rolling rows: two back for the transposition, one back, current.
  let prev2 = new Int32Array(lb + 1);
  let prev = new Int32Array(lb + 1);
  let cur = new Int32Array(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  const d = prev[lb] as number;
  return d > max ? max + 1 : d;
}

/**
 * Whether the optimal string alignment distance is at most 1 (equal, or one
 * insertion, deletion, substitution or adjacent swap), in one pass without
 * the distance table: `osaDistance(a, b, 1) <= 1`, several times faster.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  let la = a.length;
  let lb = b.length;
  if (la < lb) {
    [a, b] = [b, a];
    [la, lb] = [lb, la];
  }
  if (la - lb > 1) return false;
  let i = 0;
  while (i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // A swap of i and i+1, else a substitution at i: the rest must be equal.
    let from = i + 1;
    if (i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i)) from = i + 2;
    for (let k = from; k < la; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
    return true;
  }
  // a is one longer: a[i] is the insertion.
  for (let k = i; k < lb; k++) if (a.charCodeAt(k + 1) !== b.charCodeAt(k)) return false;
  return true;
}

/**
 * Token-set similarity in [0, 1] of two space-separated strings: for each
 * token its best Jaro-Winkler against the other side's tokens, averaged, and
 * the two directions averaged (symmetric Monge-Elkan). Word order does not
 * matter: `garcia lopez` against `lopez garcia` is 1.
 */
export function tokenSimilarity(a: string, b: string): number {
  const ta = a.split(' ').filter(Boolean);
  const tb = b.split(' ').filter(Boolean);
  if (ta.length === 0 || tb.length === 0) return 0;
  return (mongeElkan(ta, tb) + mongeElkan(tb, ta)) / 2;
}

function mongeElkan(from: readonly string[], to: readonly string[]): number {
  let sum = 0;
  for (const t of from) {
    let best = 0;
    for (const u of to) {
      const s = jaroWinkler(t, u);
      if (s > best) best = s;
    }
    sum += best;
  }
  return sum / from.length;
}

// Soundex digit of each letter a-z (0 for vowels, h, w, y), by char code - 97.
const SOUNDEX_CODES = '01230120022455012623010202';

/**
 * American Soundex (`robert` -> `R163`, `tymczak` -> `T522`) of the letters
 * a-z in `folded` (other characters are skipped); '' when there are none.
 * `h` and `w` do not separate letters of one code, vowels do.
 */
export function soundex(folded: string): string {
  let out = '';
  let last = -1;
  for (let i = 0; i < folded.length && out.length < 4; i++) {
    const c = folded.charCodeAt(i) - 97;
    if (c < 0 || c > 25) continue;
    const code = SOUNDEX_CODES.charCodeAt(c) - 48;
    if (out === '') {
      out = String.fromCharCode(c + 65);
      last = code;
      continue;
    }
    if (code === 0) {
      // h (7) and w (22) do not separate two letters of one code; vowels do.
      if (c !== 7 && c !== 22) last = 0;
      continue;
    }
    if (code !== last) out += String.fromCharCode(code + 48);
    last = code;
  }
  return out === '' ? '' : out.padEnd(4, '0');
}
