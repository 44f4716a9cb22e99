import iconv from 'iconv-lite';
import { ConfigError } from '../core/errors.js';
import { CsvSourceError, formatLocation } from './csv-source-error.js';
import { scanUtf8 } from './scan-utf8.js';

/**
 * Decides how to decode a source file from its first bytes: a byte order
 * mark, else UTF-8 if the sample is valid UTF-8, else Windows-1252 if every
 * byte has a meaning there; NUL bytes or many control characters mean it is
 * not text at all. Pure: the caller reads the sample.
 */

/** Encodings a byte order mark names. */
export type BomEncoding = 'utf8' | 'utf16le' | 'utf16be';

/** How to decode the file. */
export interface EncodingChoice {
  /** An iconv-lite encoding name: `utf8`, `utf16le`, `utf16be`, `windows1252`, or the option as given. */
  readonly encoding: string;
  /** Length of the byte order mark to skip before decoding (0 when there is none). */
  readonly bomLength: number;
  /** What decided it. */
  readonly source: 'option' | 'bom' | 'detected';
}

export interface DetectEncodingOptions {
  /** The pipeline's `source.encoding`: overrides detection when set. */
  encoding?: string | undefined;
  /**
   * The file name, for messages.
   * @default 'input'
   */
  file?: string;
  /**
   * True when the sample is the whole file, so a multi-byte sequence cut off
   * at its end is an error rather than the edge of the sample.
   * @default false
   */
  complete?: boolean;
}

/** Encodings named in messages as examples of what `source.encoding` accepts. */
export const ENCODING_EXAMPLES: readonly string[] = ['utf8', 'utf16le', 'utf16be', 'windows1252', 'latin1', 'cp850', 'macintosh'];

/** Share of control characters above which a sample is binary, not text. */
export const MAX_CONTROL_SHARE = 0.02;

const BOMS: ReadonlyArray<{ encoding: BomEncoding; bytes: readonly number[] }> = [
  { encoding: 'utf8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf16be', bytes: [0xfe, 0xff] },
];

/** Bytes Windows-1252 leaves undefined (iconv-lite decodes them to U+FFFD). */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** The byte order mark the sample starts with, if any. */
export function sniffBom(sample: Uint8Array): { encoding: BomEncoding; length: number } | undefined {
  for (const bom of BOMS) {
    if (sample.length >= bom.bytes.length && bom.bytes.every((b, i) => sample[i] === b)) {
      return { encoding: bom.encoding, length: bom.bytes.length };
    }
  }
  return undefined;
}

/**
 * Validates `source.encoding` against what iconv-lite supports.
 * @throws ConfigError at `source.encoding` when the name is unknown.
 */
export function resolveEncodingOption(name: unknown): string {
  const text = typeof name === 'string' ? name.trim() : '';
  if (text === '' || !iconv.encodingExists(text)) {
    const got = typeof name === 'string' ? `\`${name}\`` : `\`${String(name)}\` (${typeof name})`;
    throw new ConfigError(`Unknown encoding ${got}: expected one iconv-lite supports, e.g. ${ENCODING_EXAMPLES.join(', ')}`, 'source.encoding');
  }
  return text;
}

/**
 * Chooses the encoding for a file from a sample of its first bytes.
 * @throws ConfigError (`source.encoding`) for an unknown or contradicted encoding option;
 *   CsvSourceError `BINARY_FILE` or `UNDETECTED_ENCODING` when the bytes are not text it can decode.
 */
export function detectEncoding(sample: Uint8Array, options: DetectEncodingOptions = {}): EncodingChoice {
  const file = options.file ?? 'input';
  const bom = sniffBom(sample);
  if (options.encoding !== undefined) {
    const encoding = resolveEncodingOption(options.encoding);
    if (!bom) return { encoding, bomLength: 0, source: 'option' };
    // A mark the named encoding does not read as U+FEFF would become part of the first header.
    const asNamed = iconv.decode(Buffer.from(sample.subarray(0, bom.length)), encoding, { stripBOM: false });
    if (asNamed !== '\uFEFF') {
      throw new ConfigError(
        `${file} starts with a ${BOM_NAMES[bom.encoding]} byte order mark, but the encoding is set to \`${encoding}\`: remove the setting or save the file without the mark`,
        'source.encoding',
      );
    }
    return { encoding: bom.encoding, bomLength: bom.length, source: 'option' };
  }
  if (bom) return { encoding: bom.encoding, bomLength: bom.length, source: 'bom' };

  const nul = sample.indexOf(0);
  if (nul !== -1) {
    const { line } = positionOf(sample, nul);
    throw new CsvSourceError(
      'BINARY_FILE',
      `Not a text file: a NUL byte at byte ${nul + 1}, and no UTF-16 byte order mark; if it is UTF-16 without one, set source.encoding to utf16le or utf16be ${formatLocation(file, line)}`,
      { file, line },
    );
  }
  const controls = countControls(sample);
  if (sample.length > 0 && controls / sample.length > MAX_CONTROL_SHARE) {
    const share = Math.round((controls / sample.length) * 100);
    throw new CsvSourceError(
      'BINARY_FILE',
      `Not a text file: ${share}% of the first ${sample.length} bytes are control characters ${formatLocation(file)}`,
      { file },
    );
  }

  const scan = scanUtf8(sample);
  if (scan.end === sample.length || (scan.truncated && !options.complete)) {
    return { encoding: 'utf8', bomLength: 0, source: 'detected' };
  }
  // Mostly UTF-8 with a few bad bytes (a corrupted cell): read as UTF-8, so the rows holding
  // those bytes fail, rather than as Windows-1252, which would turn every é of the file into Ã©.
  const tally = tallyUtf8(sample, options.complete ?? false);
  if (tally.valid > tally.invalid) return { encoding: 'utf8', bomLength: 0, source: 'detected' };
  const undefinedAt = sample.findIndex((b) => UNDEFINED_IN_1252.has(b));
  if (undefinedAt === -1) return { encoding: 'windows1252', bomLength: 0, source: 'detected' };

  const bad = positionOf(sample, scan.end);
  const odd = positionOf(sample, undefinedAt);
  throw new CsvSourceError(
    'UNDETECTED_ENCODING',
    `Cannot tell the encoding: byte ${hex(sample[scan.end]!)} is not UTF-8, and byte ${hex(sample[undefinedAt]!)} on line ${odd.line} is not Windows-1252; set source.encoding, e.g. latin1, cp850 or macintosh ${formatLocation(file, bad.line, `column ${bad.column}`)}`,
    { file, line: bad.line },
  );
}

/** Valid multi-byte UTF-8 sequences and bytes that start no valid sequence, scanning on past each bad byte. */
function tallyUtf8(sample: Uint8Array, complete: boolean): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  while (i < sample.length) {
    const scan = scanUtf8(sample, i);
    for (let k = i; k < scan.end; k++) if (sample[k]! >= 0xc0) valid++;
    if (scan.end === sample.length || (scan.truncated && !complete)) break;
    invalid++;
    i = scan.end + 1;
  }
  return { valid, invalid };
}

const BOM_NAMES: Record<BomEncoding, string> = { utf8: 'UTF-8', utf16le: 'UTF-16LE', utf16be: 'UTF-16BE' };

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** C0 controls other than tab, line feed, vertical tab, form feed, carriage return and the DOS end-of-file mark (^Z). */
function countControls(sample: Uint8Array): number {
  let n = 0;
  for (const b of sample) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1a) n++;
  }
  return n;
}

/**
 * 1-based line and column of a byte offset. The column counts characters
 * (UTF-8 read leniently), which is exact up to the first bad byte.
 */
function positionOf(sample: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const b = sample[i];
    if (b === 0x0a || (b === 0x0d && sample[i + 1] !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = [...Buffer.from(sample.subarray(lineStart, offset)).toString('utf8')].length + 1;
  return { line, column };
}
