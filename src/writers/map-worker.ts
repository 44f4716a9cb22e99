import { parentPort, workerData } from 'node:worker_threads';
import type { SourceRow } from '../core/row.js';
import { prepareImportRow, type ImportRowContext } from './import-row.js';

/**
 * The mapping worker (RowMapper's other thread): batches of source rows in,
 * the same batches prepared (prepareImportRow) out, in order.
 */
const ctx = workerData as ImportRowContext;
parentPort!.on('message', (rows: SourceRow[]) => {
  parentPort!.postMessage(rows.map((row) => prepareImportRow(row, ctx)));
});
