import { ConfigError } from '../core/errors.js';

/**
 * A source file that cannot be read at all (empty, binary, an undecidable
 * encoding, a bad header): a configuration error (exit code 2) with a stable
 * `code` of its own, such as `EMPTY_FILE`, `BINARY_FILE` or
 * `CSV_DUPLICATE_HEADER`. The message already names the file and the line.
 */
export class CsvSourceError extends ConfigError {
  readonly file: string;
  readonly line: number | undefined;
  /** The column's header name, when there is one. */
  readonly column: string | undefined;

  constructor(code: string, message: string, where: { file: string; line?: number; column?: string }) {
    super(message);
    // ConfigError fixes `code` to CONFIG; a source error keeps the exit code but names its own code.
    Object.defineProperty(this, 'code', { value: code, enumerable: true, writable: false, configurable: true });
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/**
 * The tail every source message ends with: `(contacts.csv line 3, column 'Email')`.
 * `detail` is the column part as it should read (`column 'Email'`, `columns 3 and 7`).
 */
export function formatLocation(file: string, line?: number, detail?: string): string {
  const where = line === undefined ? file : `${file} line ${line}`;
  return detail === undefined ? `(${where})` : `(${where}, ${detail})`;
}

/** `column 'Email'`, or `column 5` past the header's end. */
export function describeColumn(headers: readonly string[], index: number): string {
  const name = headers[index];
  return name === undefined ? `column ${index + 1}` : `column '${name}'`;
}
