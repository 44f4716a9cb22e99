import { isUtf8 } from 'node:buffer';
import { incompleteUtf8Tail, scanUtf8 } from './scan-utf8.js';

/** A byte that was not UTF-8, at its offset in the checker's output. */
export interface InvalidByte {
  readonly offset: number;
  readonly byte: number;
}

const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Passes UTF-8 through as bytes, chunk by chunk, replacing each byte that is
 * not UTF-8 with U+FFFD and noting where it put it. Detection sees only the
 * start of a file; a Windows-1252 `é` a million rows in must fail its own row
 * (with its line), not turn silently into U+FFFD.
 */
export class Utf8Checker {
  private carry: Buffer | undefined;
  private written = 0;
  private readonly found: InvalidByte[] = [];
  private taken = 0;

  /** The bytes to pass on for `chunk` (a sequence cut at its end waits for the next chunk). */
  write(chunk: Buffer): Buffer {
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const tail = incompleteUtf8Tail(bytes);
    this.carry = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : undefined;
    return this.pass(bytes.subarray(0, bytes.length - tail));
  }

  /** The bytes left at the end of the input (a cut sequence there is invalid). */
  end(): Buffer {
    const rest = this.carry ?? Buffer.alloc(0);
    this.carry = undefined;
    return this.pass(rest);
  }

  /** Removes and returns the invalid bytes noted before output offset `offset`. */
  takeBefore(offset: number): InvalidByte[] {
    const start = this.taken;
    while (this.taken < this.found.length && this.found[this.taken]!.offset < offset) this.taken++;
    const out = this.found.slice(start, this.taken);
    if (this.taken === this.found.length) {
      this.found.length = 0;
      this.taken = 0;
    }
    return out;
  }

  private pass(bytes: Buffer): Buffer {
    const out = isUtf8(bytes) ? bytes : this.repair(bytes);
    this.written += out.length;
    return out;
  }

  private repair(bytes: Buffer): Buffer {
    const pieces: Buffer[] = [];
    let at = 0;
    let outAt = this.written;
    while (at < bytes.length) {
      const { end } = scanUtf8(bytes, at);
      pieces.push(bytes.subarray(at, end));
      outAt += end - at;
      if (end === bytes.length) break;
      this.found.push({ offset: outAt, byte: bytes[end]! });
      pieces.push(REPLACEMENT);
      outAt += REPLACEMENT.length;
      at = end + 1;
    }
    return Buffer.concat(pieces);
  }
}
