/**
 * String similarity for fuzzy matching: Jaro-Winkler, optimal string
 * alignment distance (Damerau-Levenshtein with adjacent transpositions, each
 * substring edited once), a token-set comparison and American Soundex.
 *
 * All of them compare UTF-16 code units: callers pass text already folded
 * (lower case, accents stripped, see `foldText`), where that is the same as
 * comparing letters.
 */

/**
 * Lower case, accents stripped (NFD minus combining marks), every run of
 * characters other than letters and digits turned into one space, trimmed:
 * `  José  O'Brien-Smith ` -> `jose o brien smith`.
 */
export function foldText(raw: string): string {
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
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  const matchedB = new Uint8Array(lb);
  const matchedA = new Uint8Array(la);
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
  const m = matches;
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3;
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

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3',
  l: '4',
  m: '5', n: '5',
  r: '6',
};

/**
 * American Soundex (`robert` -> `R163`, `tymczak` -> `T522`) of the letters
 * a-z in `folded` (other characters are skipped); '' when there are none.
 * `h` and `w` do not separate letters of one code, vowels do.
 */
export function soundex(folded: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < folded.length && out.length < 4; i++) {
    const ch = folded[i] as string;
    if (ch < 'a' || ch > 'z') continue;
    const code = SOUNDEX_CODES[ch] ?? '';
    if (out === '') {
      out = ch.toUpperCase();
      last = code;
      continue;
    }
    if (code === '') {
      if (ch !== 'h' && ch !== 'w') last = '';
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  return out === '' ? '' : out.padEnd(4, '0');
}
