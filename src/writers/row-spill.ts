import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

/**
 * The import's rows between its two passes, on disk: one text entry per
 * record, appended in record order, read back in order or by record. Memory
 * holds 12 bytes per record (offset and length in typed arrays) and one
 * write buffer, so it stays flat however long the file is.
 *
 * The file holds personal data (the rows' cells): it is created readable by
 * its owner only, and {@link close} deletes it.
 */
export class RowSpill {
  private offsets = new Float64Array(1024);
  private lengths = new Int32Array(1024);
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Bytes in the file (written) plus those in `pending`. */
  private size = 0;
  private written = 0;
  private last = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly bufferBytes: number,
  ) {}

  /**
   * Creates (or empties) the spill file.
   * @param bufferBytes bytes gathered before a write. @default 1048576
   */
  static create(path: string, bufferBytes = 1 << 20): RowSpill {
    return new RowSpill(path, openSync(path, 'w+', 0o600), bufferBytes);
  }

  /** The highest record appended. */
  get lastRecord(): number {
    return this.last;
  }

  /** Appends the entry (not empty) of `record`, greater than every record appended so far. */
  append(record: number, text: string): void {
    if (!Number.isInteger(record) || record <= this.last) throw new RangeError(`Expected \`record\` to be an integer > ${this.last}, got \`${record}\``);
    if (text === '') throw new TypeError(`Expected the entry of record ${record} to be a non-empty string`);
    if (record >= this.offsets.length) this.grow(record);
    const bytes = Buffer.byteLength(text);
    this.offsets[record] = this.size;
    this.lengths[record] = bytes;
    this.size += bytes;
    this.last = record;
    this.pending.push(text);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.bufferBytes) this.flush();
  }

  /** Whether `record` has an entry. */
  has(record: number): boolean {
    return record > 0 && record <= this.last && this.lengths[record]! > 0;
  }

  /** The entry of `record`. */
  read(record: number): string {
    if (!this.has(record)) throw new RangeError(`No entry for record ${record}`);
    const start = this.offsets[record]!;
    const length = this.lengths[record]!;
    if (start + length > this.written) this.flush();
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) got += readSync(this.fd, buf, got, length - got, start + got);
    return buf.toString('utf8');
  }

  /** Every entry in record order: `[record, text]`. */
  *entries(blockBytes = 4 << 20): IterableIterator<[number, string]> {
    this.flush();
    let block = Buffer.alloc(0);
    let blockStart = 0;
    for (let r = 1; r <= this.last; r++) {
      const length = this.lengths[r]!;
      if (length === 0) continue;
      const start = this.offsets[r]!;
      if (start + length > blockStart + block.length) {
        blockStart = start;
        const want = Math.min(Math.max(blockBytes, length), this.written - start);
        block = Buffer.allocUnsafe(want);
        let got = 0;
        while (got < want) got += readSync(this.fd, block, got, want - got, start + got);
      }
      yield [r, block.toString('utf8', start - blockStart, start - blockStart + length)];
    }
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    const buf = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.written + done);
    this.written += buf.length;
  }

  /** Closes and deletes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }

  private grow(record: number): void {
    let n = this.offsets.length;
    while (n <= record) n *= 2;
    const offsets = new Float64Array(n);
    offsets.set(this.offsets);
    const lengths = new Int32Array(n);
    lengths.set(this.lengths);
    this.offsets = offsets;
    this.lengths = lengths;
  }
}
