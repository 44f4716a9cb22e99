import { readCsvRows, type ReadCsvOptions } from '../sources/read-csv-rows.js';

/**
 * The first `limit` rows' cells of some columns, read before anything is
 * written: what a missing custom field's data type is chosen from. Rows that
 * cannot be read are skipped here; the import reports them as it always does.
 */
export async function sampleColumns(file: string, options: ReadCsvOptions, columns: readonly string[], limit = 1000): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(columns.map((c) => [c, []]));
  if (columns.length === 0) return out;
  let rows = 0;
  for await (const item of readCsvRows(file, options)) {
    if (item.kind !== 'row') continue;
    for (const c of columns) out.get(c)!.push(item.row.values[c] ?? '');
    if (++rows >= limit) break;
  }
  return out;
}
