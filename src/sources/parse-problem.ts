import type { RowProblem } from '../core/row.js';
import { describeColumn, formatLocation } from './csv-source-error.js';

/**
 * Turns a csv-parse error into the problem of the row it stopped on, in our
 * codes and words. Pure.
 */

/** What csv-parse puts on its errors that we use. */
export interface CsvParseFailure {
  readonly code?: string;
  readonly message: string;
  /** Index of the field being read (csv-parse's `column` with `columns: false`). */
  readonly column?: unknown;
}

export interface ParseProblemContext {
  readonly file: string;
  /** Physical line where the failed record starts. */
  readonly line: number;
  /** The header, or none while the header itself is being read. */
  readonly headers: readonly string[] | undefined;
  /** Whether the parser was inside a quoted field when it stopped. */
  readonly quoting: boolean;
  readonly maxRecordSize: number;
}

export function parseProblem(err: CsvParseFailure, ctx: ParseProblemContext): RowProblem {
  const index = typeof err.column === 'number' ? err.column : undefined;
  const column = index === undefined ? undefined : ctx.headers?.[index];
  const detail = index === undefined ? undefined : describeColumn(ctx.headers ?? [], index);
  const at = formatLocation(ctx.file, ctx.line, detail);
  const problem = (code: string, message: string): RowProblem => (column === undefined ? { code, message } : { code, message, column });
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return problem('CSV_UNCLOSED_QUOTE', `Unclosed quote: a quoted field starts on this line and is never closed before the end of the file ${at}`);
    case 'CSV_MAX_RECORD_SIZE':
      return ctx.quoting
        ? problem('CSV_UNCLOSED_QUOTE', `Unclosed quote: a quoted field starts on this line and is still open after ${formatSize(ctx.maxRecordSize)}, the most one record may hold ${at}`)
        : problem('CSV_RECORD_TOO_LARGE', `Record too large: more than ${formatSize(ctx.maxRecordSize)} without a line end ${at}`);
    case 'CSV_INVALID_CLOSING_QUOTE': {
      const got = /got "([^]*?)" at line/.exec(err.message)?.[1];
      const after = got === undefined ? 'another character' : `'${got}'`;
      return problem(
        'CSV_INVALID_QUOTE',
        `Invalid quote: the closing quote of a quoted field is followed by ${after} instead of a delimiter or a line end; inside a quoted field write a quote as "" ${at}`,
      );
    }
    case 'INVALID_OPENING_QUOTE':
      return problem('CSV_INVALID_QUOTE', `Invalid quote: a quote inside an unquoted field; quote the whole field and write the quote as "" ${at}`);
    default:
      return problem('CSV_PARSE_ERROR', `Cannot parse the record: ${err.message} ${at}`);
  }
}

function formatSize(chars: number): string {
  const mib = chars / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${chars} characters`;
}
