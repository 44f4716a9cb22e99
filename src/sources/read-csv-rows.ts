import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Parser } from 'csv-parse';
import iconv from 'iconv-lite';
import type { RowProblem, SourceItem } from '../core/row.js';
import { ByteWindow } from './byte-window.js';
import { CsvSourceError, describeColumn, formatLocation } from './csv-source-error.js';
import { detectDelimiter, type DelimiterChoice } from './detect-delimiter.js';
import { detectEncoding, type EncodingChoice } from './detect-encoding.js';
import { countLineBreaks, findLineBreak, leadingLineBreaks, withoutTrailingLineBreak } from './line-breaks.js';
import { parseProblem } from './parse-problem.js';
import { Utf8Checker, type InvalidByte } from './utf8-checker.js';

/**
 * Reads a CSV file as a stream of rows: a sample decides the encoding and the
 * delimiter, then the file flows chunk by chunk through the decoder into
 * csv-parse, so memory stays flat however long the file is.
 *
 * Each row carries the physical line it starts on. A row that cannot be read
 * (wrong column count, a quote problem, bytes that are not UTF-8) becomes a
 * `bad-row` with its line and the run goes on. When csv-parse stops on a
 * record (an unclosed quote swallows the rest of the file), the record's
 * first line is the failed row and parsing starts again on the next line, so
 * one stray quote costs one row (docs/decisions/0005-csv-source.md).
 * Problems with the file as a whole (empty, binary, a bad header) throw a
 * CsvSourceError, a ConfigError (exit code 2).
 */

export interface ReadCsvOptions {
  /** `source.encoding`: an iconv-lite encoding name. Detected from the first bytes when unset. */
  encoding?: string | undefined;
  /** `source.delimiter`: one character, or comma, semicolon, tab, pipe. Detected among `,` `;` tab `|` when unset. */
  delimiter?: string | undefined;
  /**
   * The most characters one record may hold. A quote left open stops here at
   * the latest instead of reading the rest of the file into one field.
   * @default 33554432 (32 MiB)
   */
  maxRecordSize?: number;
  /**
   * Bytes read from the start of the file to detect the encoding and the delimiter.
   * @default 65536
   */
  sampleSize?: number;
}

/** The header of a CSV file and how the file is read. */
export interface CsvHeader {
  readonly file: string;
  /** Column names in file order: unique and not blank. */
  readonly headers: readonly string[];
  /** Physical line of the header (1 unless blank lines come first). */
  readonly line: number;
  readonly encoding: EncodingChoice;
  readonly delimiter: DelimiterChoice;
}

export const DEFAULT_MAX_RECORD_SIZE = 32 * 1024 * 1024;
export const DEFAULT_SAMPLE_SIZE = 64 * 1024;

/**
 * The rows of a CSV file, in file order. Problems with the file as a whole
 * (`EMPTY_FILE`, `BINARY_FILE`, `UNDETECTED_ENCODING`, `CSV_DUPLICATE_HEADER`,
 * `CSV_EMPTY_HEADER`, a header that cannot be parsed) are thrown as
 * CsvSourceError by the first `next()`; an unknown `encoding` or `delimiter`
 * option as ConfigError.
 */
export async function* readCsvRows(file: string, options: ReadCsvOptions = {}): AsyncGenerator<SourceItem, void, undefined> {
  for await (const item of readCsv(file, options)) {
    if (item.kind !== 'header') yield item;
  }
}

/**
 * The header of a CSV file, with the encoding and delimiter chosen for it,
 * reading no further than the header. Throws what {@link readCsvRows} throws
 * for the file as a whole.
 */
export async function readCsvHeader(file: string, options: ReadCsvOptions = {}): Promise<CsvHeader> {
  for await (const item of readCsv(file, options)) {
    if (item.kind === 'header') return item.header;
  }
  throw new Error('unreachable: readCsv ends with a header or an error');
}

type ReadItem = SourceItem | { readonly kind: 'header'; readonly header: CsvHeader };

async function* readCsv(file: string, options: ReadCsvOptions): AsyncGenerator<ReadItem, void, undefined> {
  const { sample, complete } = await readSample(file, options.sampleSize ?? DEFAULT_SAMPLE_SIZE);
  const encoding = detectEncoding(sample, { encoding: options.encoding, file, complete });
  const sampleText = iconv.decode(Buffer.from(sample.subarray(encoding.bomLength)), encoding.encoding, { stripBOM: false });
  const delimiter = detectDelimiter(sampleText, { delimiter: options.delimiter, complete });
  const decoder = createDecoder(encoding.encoding);
  const reader = new RecordReader({
    file,
    encoding,
    delimiter,
    maxRecordSize: options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE,
    checker: decoder.checker,
  });
  for await (const chunk of createReadStream(file, { start: encoding.bomLength })) {
    await reader.push(decoder.write(chunk as Buffer));
    yield* reader.take();
  }
  await reader.push(decoder.end());
  await reader.finish();
  yield* reader.take();
}

/** The first bytes of the file, and whether they are all of it. */
async function readSample(file: string, size: number): Promise<{ sample: Buffer; complete: boolean }> {
  const handle = await open(file, 'r');
  try {
    const stats = await handle.stat();
    // A folder opens on Linux and fails only at the first read (EISDIR): name it as a source problem.
    if (stats.isDirectory()) throw new CsvSourceError('NOT_A_FILE', `Not a file: it is a folder ${formatLocation(file)}`, { file });
    const fileSize = stats.size;
    const buffer = Buffer.alloc(Math.min(size, fileSize));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { sample: buffer.subarray(0, bytesRead), complete: bytesRead >= fileSize };
  } finally {
    await handle.close();
  }
}

/** Decodes chunks to the UTF-8 bytes csv-parse reads. */
interface ChunkDecoder {
  write(chunk: Buffer): Buffer;
  end(): Buffer;
  /** Set for UTF-8, whose bad bytes fail their rows. */
  readonly checker: Utf8Checker | undefined;
}

function createDecoder(encoding: string): ChunkDecoder {
  if (isUtf8Name(encoding)) {
    const checker = new Utf8Checker();
    return { write: (chunk) => checker.write(chunk), end: () => checker.end(), checker };
  }
  // The byte order mark was skipped by the read stream's start offset.
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  return {
    write: (chunk) => Buffer.from(decoder.write(chunk), 'utf8'),
    end: () => Buffer.from(decoder.end() ?? '', 'utf8'),
    checker: undefined,
  };
}

function isUtf8Name(encoding: string): boolean {
  return encoding.toLowerCase().replace(/[^0-9a-z]/g, '') === 'utf8';
}

interface RecordReaderOptions {
  readonly file: string;
  readonly encoding: EncodingChoice;
  readonly delimiter: DelimiterChoice;
  readonly maxRecordSize: number;
  readonly checker: Utf8Checker | undefined;
}

/** A record csv-parse emitted, and the stream offset just past it (its line break included). */
interface ParsedRecord {
  readonly fields: string[];
  readonly end: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Feeds decoded bytes to csv-parse and turns its records into rows. Offsets
 * are counted in the decoded byte stream; `window` holds the bytes from the
 * end of the last record on, so the reader can count lines itself, quote a
 * bad record, and start a new parser on the line after a record csv-parse
 * gave up on.
 */
class RecordReader {
  private readonly out: ReadItem[] = [];
  private readonly window = new ByteWindow(0);
  private parser!: Parser;
  private parsed: ParsedRecord[] = [];
  /** Bytes received so far (stream offset of the next byte). */
  private received = 0;
  /** Physical line of the byte at `window.start`. */
  private line = 1;
  private headers: readonly string[] | undefined;
  private protoHeader = false;
  private records = 0;
  /** A failed line ran past what had been read: drop bytes up to its end. */
  private skipping = false;
  /** A failed line ended in CR at the end of what had been read: an LF next belongs to it. */
  private pendingLf = false;
  /** The input ended inside a failed line. */
  private done = false;

  constructor(private readonly options: RecordReaderOptions) {
    this.startParser(0);
  }

  /** Items ready since the last call. */
  take(): ReadItem[] {
    return this.out.splice(0, this.out.length);
  }

  async push(chunk: Buffer): Promise<void> {
    let start = this.received;
    this.received += chunk.length;
    let bytes = chunk;
    if (this.pendingLf && bytes.length > 0) {
      this.pendingLf = false;
      if (bytes[0] === LF) {
        bytes = bytes.subarray(1);
        start += 1;
        this.window.restartAt(start);
        this.startParser(start);
      }
    }
    if (this.skipping) {
      const lineBreak = findLineBreak(bytes);
      if (!lineBreak) {
        this.options.checker?.takeBefore(this.received);
        return;
      }
      const after = lineBreak.index + lineBreak.length;
      this.pendingLf = lineBreak.length === 1 && bytes[lineBreak.index] === CR && after === bytes.length;
      this.skipping = false;
      start += after;
      bytes = bytes.subarray(after);
      this.options.checker?.takeBefore(start);
      this.window.restartAt(start);
      this.startParser(start);
    }
    if (bytes.length === 0) return;
    this.window.append(bytes);
    await this.feed(bytes);
  }

  async finish(): Promise<void> {
    while (!this.skipping && !this.done) {
      const err = await endParser(this.parser);
      this.acceptParsed();
      if (!err) break;
      const rest = this.recover(err, true);
      if (rest) await this.feed(rest);
    }
    if (!this.headers) {
      throw new CsvSourceError('EMPTY_FILE', `Empty file: there is no header line ${formatLocation(this.options.file)}`, { file: this.options.file });
    }
  }

  /** Writes bytes (already in the window) to the parser, starting over after each record it fails on. */
  private async feed(bytes: Buffer): Promise<void> {
    let next: Buffer | undefined = bytes;
    while (next && next.length > 0) {
      const err = await writeParser(this.parser, next);
      this.acceptParsed();
      next = err ? this.recover(err, false) : undefined;
    }
  }

  private startParser(base: number): void {
    this.parsed = [];
    const parsed = this.parsed;
    this.parser = new Parser({
      delimiter: this.options.delimiter.delimiter,
      // Listed rather than detected: csv-parse keeps the first ending it sees, and mixed files need all three.
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: this.options.maxRecordSize,
      bom: false,
      on_record: (fields: string[], context) => {
        parsed.push({ fields, end: base + context.bytes });
        return null;
      },
    });
    // Errors arrive through the write and end callbacks.
    this.parser.on('error', () => undefined);
  }

  private acceptParsed(): void {
    for (const record of this.parsed.splice(0, this.parsed.length)) this.accept(record);
  }

  private accept({ fields, end }: ParsedRecord): void {
    const bytes = this.window.slice(this.window.start, end);
    const lead = leadingLineBreaks(bytes);
    const line = this.line + lead.count;
    this.line += countLineBreaks(bytes);
    this.window.dropBefore(end);
    const invalid = this.options.checker?.takeBefore(end) ?? [];
    const raw = (): string => Buffer.from(withoutTrailingLineBreak(bytes.subarray(lead.length))).toString('utf8');
    if (!this.headers) {
      this.acceptHeader(fields, line, invalid);
      return;
    }
    const record = ++this.records;
    const problem = this.checkRecord(fields, line, invalid);
    if (problem) {
      this.out.push({ kind: 'bad-row', record, line, raw: raw(), problem });
      return;
    }
    this.out.push({ kind: 'row', row: { record, line, values: this.valuesOf(fields) } });
  }

  /** Cells by header name; a plain loop, as Object.fromEntries costs a pair array per cell (a header named `__proto__` takes the slow way, which defines it as a property). */
  private valuesOf(fields: readonly string[]): Record<string, string> {
    const headers = this.headers!;
    if (this.protoHeader) return Object.fromEntries(headers.map((name, i) => [name, fields[i]!]));
    const values: Record<string, string> = {};
    for (let i = 0; i < headers.length; i++) values[headers[i]!] = fields[i]!;
    return values;
  }

  private checkRecord(fields: readonly string[], line: number, invalid: readonly InvalidByte[]): RowProblem | undefined {
    const { file } = this.options;
    const headers = this.headers!;
    if (fields.length !== headers.length) {
      return {
        code: 'CSV_RAGGED_ROW',
        message: `Wrong number of columns: expected ${headers.length} as in the header, got ${fields.length} ${formatLocation(file, line)}`,
      };
    }
    const bad = invalid[0];
    if (bad) {
      const index = fields.findIndex((f) => f.includes('\uFFFD'));
      const column = index === -1 ? undefined : headers[index];
      const message = `Not UTF-8: byte ${hex(bad.byte)} cannot be read as UTF-8; if the file was saved as Windows-1252, set source.encoding to windows1252 ${formatLocation(file, line, index === -1 ? undefined : describeColumn(headers, index))}`;
      return column === undefined ? { code: 'CSV_INVALID_ENCODING', message } : { code: 'CSV_INVALID_ENCODING', message, column };
    }
    return undefined;
  }

  private acceptHeader(fields: readonly string[], line: number, invalid: readonly InvalidByte[]): void {
    const { file } = this.options;
    if (invalid[0]) {
      throw new CsvSourceError(
        'CSV_INVALID_ENCODING',
        `Not UTF-8: byte ${hex(invalid[0].byte)} in the header cannot be read as UTF-8; set source.encoding to the file's encoding ${formatLocation(file, line)}`,
        { file, line },
      );
    }
    const seen = new Map<string, number>();
    for (const [i, name] of fields.entries()) {
      if (name.trim() === '') {
        const after = i > 0 ? `, after '${fields[i - 1]}'` : '';
        throw new CsvSourceError('CSV_EMPTY_HEADER', `Empty header name ${formatLocation(file, line, `column ${i + 1}${after}`)}`, { file, line, column: String(i + 1) });
      }
      const first = seen.get(name);
      if (first !== undefined) {
        throw new CsvSourceError('CSV_DUPLICATE_HEADER', `Duplicate header '${name}' ${formatLocation(file, line, `columns ${first + 1} and ${i + 1}`)}`, {
          file,
          line,
          column: name,
        });
      }
      seen.set(name, i);
    }
    this.headers = [...fields];
    this.protoHeader = this.headers.includes('__proto__');
    const { encoding, delimiter } = this.options;
    this.out.push({ kind: 'header', header: { file, headers: this.headers, line, encoding, delimiter } });
  }

  /**
   * csv-parse stopped on the record that starts at `window.start`: its first
   * line becomes a failed row, and a new parser starts on the next line.
   * Returns the bytes already read after that line, for the new parser.
   */
  private recover(err: Error, atEnd: boolean): Buffer | undefined {
    const { file, maxRecordSize } = this.options;
    const region = this.window.slice(this.window.start);
    const lead = leadingLineBreaks(region);
    const line = this.line + lead.count;
    const quoting = (this.parser as unknown as { state?: { quoting?: boolean } }).state?.quoting === true;
    const problem = parseProblem(err, { file, line, headers: this.headers, quoting, maxRecordSize });
    if (!this.headers) {
      throw new CsvSourceError(problem.code, `Cannot read the header: ${problem.message}`, { file, line });
    }
    const lineBreak = findLineBreak(region, lead.length);
    const raw = region.subarray(lead.length, lineBreak ? lineBreak.index : region.length).toString('utf8');
    this.out.push({ kind: 'bad-row', record: ++this.records, line, raw, problem });
    this.line = line + 1;
    if (!lineBreak) {
      if (atEnd) this.done = true;
      else this.skipping = true;
      this.window.restartAt(this.window.end);
      return undefined;
    }
    const resume = this.window.start + lineBreak.index + lineBreak.length;
    this.pendingLf = !atEnd && lineBreak.length === 1 && region[lineBreak.index] === CR && resume === this.window.end;
    this.options.checker?.takeBefore(resume);
    this.window.dropBefore(resume);
    this.startParser(resume);
    return this.window.slice(resume);
  }
}

function writeParser(parser: Parser, bytes: Buffer): Promise<Error | undefined> {
  return new Promise((resolve) => {
    parser.write(bytes, (err) => resolve(err ?? undefined));
  });
}

function endParser(parser: Parser): Promise<Error | undefined> {
  return new Promise((resolve) => {
    parser.end((err?: Error | null) => resolve(err ?? undefined));
  });
}

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}
