/**
 * The contracts rows travel under, from the CSV source to the outcome files.
 * Every input row ends as exactly one outcome: succeeded or failed.
 */

/** One record read from a source file. */
export interface SourceRow {
  /** 1-based number of the record among the data rows (the header is not counted). */
  readonly record: number;
  /** Physical line where the record starts in the file (1-based; the header is line 1). */
  readonly line: number;
  /** Cell values by header name, as read (no trimming). */
  readonly values: Readonly<Record<string, string>>;
}

/** A problem with one row: it goes to failed.csv and never stops the run. */
export interface RowProblem {
  /** Stable code, e.g. `CSV_RAGGED_ROW`, `INVALID_PHONE`, `INVALID_EMAIL`. */
  readonly code: string;
  readonly message: string;
  /** The column the problem is in, when there is one. */
  readonly column?: string;
}

/** What the source yields: a row, or a row it could not read (with its line). */
export type SourceItem =
  | { readonly kind: 'row'; readonly row: SourceRow }
  | { readonly kind: 'bad-row'; readonly record: number; readonly line: number; readonly raw: string; readonly problem: RowProblem };

/** A stage: rows in, rows out, as async iterables (STYLE.md). */
export type Stage<I, O, C = unknown> = (rows: AsyncIterable<I>, ctx: C) => AsyncIterable<O>;
