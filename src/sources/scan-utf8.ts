/**
 * UTF-8 validation that says where it fails: the encoding detector needs to
 * tolerate a sequence cut off by the end of its sample, and the reader needs
 * the offset of each bad byte so the row holding it can fail with its line.
 */

/** Result of {@link scanUtf8}. */
export interface Utf8Scan {
  /** Offset of the first byte that is not valid UTF-8, or `to` when all are. */
  readonly end: number;
  /** True when the bytes from `end` on begin a valid sequence that `to` cut off. */
  readonly truncated: boolean;
}

/** Scans `bytes[from, to)` (Unicode 15, table 3-7: no overlongs, surrogates or code points past U+10FFFF). */
export function scanUtf8(bytes: Uint8Array, from = 0, to = bytes.length): Utf8Scan {
  let i = from;
  while (i < to) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return { end: i, truncated: false };
    for (let k = 1; k <= need; k++) {
      if (i + k >= to) return { end: i, truncated: true };
      const c = bytes[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return { end: i, truncated: false };
    }
    i += need + 1;
  }
  return { end: to, truncated: false };
}

/**
 * How many bytes at the end of `bytes` begin a multi-byte sequence that the
 * next chunk may complete (0 to 3). Invalid tails count as 0: they are bad
 * bytes, not a cut.
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const len = bytes.length;
  for (let back = 1; back <= Math.min(3, len); back++) {
    const b = bytes[len - back]!;
    if (b >= 0x80 && b <= 0xbf) continue;
    const scan = scanUtf8(bytes, len - back, len);
    return scan.truncated && scan.end === len - back ? back : 0;
  }
  return 0;
}
