/**
 * The bytes of a stream from one offset to the end of what has been read, as
 * the chunks they came in (copied only when a slice spans chunks). The reader
 * keeps the record in progress here: to count its lines, to quote it in a
 * failed row, and to parse it again from its second line when it cannot be
 * parsed.
 */
export class ByteWindow {
  private parts: Buffer[] = [];
  /** Stream offset of `parts[0][0]`. */
  private partsStart: number;
  private partsEnd: number;
  /** Stream offset of the first byte still kept. */
  private keepFrom: number;

  constructor(offset = 0) {
    this.partsStart = offset;
    this.partsEnd = offset;
    this.keepFrom = offset;
  }

  /** Stream offset of the first byte kept. */
  get start(): number {
    return this.keepFrom;
  }

  /** Stream offset just past the last byte appended. */
  get end(): number {
    return this.partsEnd;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.partsEnd += chunk.length;
  }

  /** Bytes `[from, to)` in stream offsets; both must lie within the window. */
  slice(from: number, to: number = this.partsEnd): Buffer {
    if (from < this.keepFrom || to > this.partsEnd || from > to) {
      throw new RangeError(`ByteWindow.slice(${from}, ${to}) outside [${this.keepFrom}, ${this.partsEnd})`);
    }
    const pieces: Buffer[] = [];
    let offset = this.partsStart;
    for (const part of this.parts) {
      const partEnd = offset + part.length;
      if (partEnd > from && offset < to) {
        pieces.push(part.subarray(Math.max(from, offset) - offset, Math.min(to, partEnd) - offset));
      }
      offset = partEnd;
      if (offset >= to) break;
    }
    if (pieces.length === 1) return pieces[0]!;
    return Buffer.concat(pieces, to - from);
  }

  /** Forgets the bytes before `offset`. */
  dropBefore(offset: number): void {
    if (offset <= this.keepFrom) return;
    this.keepFrom = Math.min(offset, this.partsEnd);
    while (this.parts.length > 0 && this.partsStart + this.parts[0]!.length <= this.keepFrom) {
      this.partsStart += this.parts.shift()!.length;
    }
  }

  /** Forgets everything and continues at stream offset `offset` (bytes up to there were skipped). */
  restartAt(offset: number): void {
    this.parts = [];
    this.partsStart = offset;
    this.partsEnd = offset;
    this.keepFrom = offset;
  }
}
