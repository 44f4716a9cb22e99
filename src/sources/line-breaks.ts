/**
 * Physical lines in UTF-8 bytes, counted the way an editor numbers them:
 * CRLF, LF and a lone CR each end one line. The reader counts lines itself
 * because csv-parse's `info.lines` counts a CRLF inside a quoted field twice.
 */

const CR = 0x0d;
const LF = 0x0a;

/** Line breaks in `bytes[from, to)`. A CR at `to - 1` counts as one break even if an LF follows past `to`. */
export function countLineBreaks(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b === LF) n++;
    else if (b === CR) {
      n++;
      if (bytes[i + 1] === LF && i + 1 < to) i++;
    }
  }
  return n;
}

/** The blank lines `bytes` starts with: how many, and how many bytes they take. */
export function leadingLineBreaks(bytes: Uint8Array): { count: number; length: number } {
  let count = 0;
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === CR) i += bytes[i + 1] === LF ? 2 : 1;
    else if (bytes[i] === LF) i++;
    else break;
    count++;
  }
  return { count, length: i };
}

/** The first line break at or after `from`: where it starts and its length (1 or 2). */
export function findLineBreak(bytes: Uint8Array, from = 0): { index: number; length: number } | undefined {
  for (let i = from; i < bytes.length; i++) {
    if (bytes[i] === LF) return { index: i, length: 1 };
    if (bytes[i] === CR) return { index: i, length: bytes[i + 1] === LF ? 2 : 1 };
  }
  return undefined;
}

/** `bytes` without one line break at its end. */
export function withoutTrailingLineBreak(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n >= 2 && bytes[n - 2] === CR && bytes[n - 1] === LF) return bytes.subarray(0, n - 2);
  if (n >= 1 && (bytes[n - 1] === LF || bytes[n - 1] === CR)) return bytes.subarray(0, n - 1);
  return bytes;
}
