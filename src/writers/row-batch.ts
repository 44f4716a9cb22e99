import type { SourceRow } from '../core/row.js';
import { spillPart, type ImportRowResult } from './import-row.js';

/**
 * How rows and results cross to the mapping worker: flat arrays of strings
 * and numbers, which structured clone copies several times faster than one
 * object per row.
 */

/** Rows of one batch: record and line numbers, then every row's cells in header order, one after another. */
export interface RowBatch {
  readonly records: Int32Array;
  readonly lines: Int32Array;
  readonly cells: string[];
}

export function encodeRowBatch(rows: readonly SourceRow[], headers: readonly string[]): RowBatch {
  const records = new Int32Array(rows.length);
  const lines = new Int32Array(rows.length);
  const cells: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    records[i] = row.record;
    lines[i] = row.line;
    for (const h of headers) cells.push(row.values[h]!);
  }
  return { records, lines, cells };
}

export function decodeRowBatch(batch: RowBatch, headers: readonly string[]): SourceRow[] {
  const rows: SourceRow[] = [];
  let c = 0;
  for (let i = 0; i < batch.records.length; i++) {
    const values: Record<string, string> = {};
    for (const h of headers) values[h] = batch.cells[c++]!;
    rows.push({ record: batch.records[i]!, line: batch.lines[i]!, values });
  }
  return rows;
}

/** A result as one string: the entry's head (it starts with the keys' `[`), or `!` and the JSON of code and message. */
export function encodeResult(result: ImportRowResult): string {
  return result.ok ? result.head : `!${JSON.stringify([result.code, result.message])}`;
}

export function decodeResult(text: string): ImportRowResult {
  if (text.startsWith('!')) {
    const [code, message] = JSON.parse(text.slice(1)) as [string, string];
    return { ok: false, code, message };
  }
  return { ok: true, keys: JSON.parse(spillPart(text, 0)) as string[], head: text };
}
