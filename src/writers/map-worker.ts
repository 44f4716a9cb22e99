import { parentPort, workerData } from 'node:worker_threads';
import type { SourceRow } from '../core/row.js';
import { prepareImportRow, type ImportRowContext } from './import-row.js';
import { decodeRowBatch, encodeResult, type RowBatch } from './row-batch.js';

/**
 * The mapping worker (RowMapper's other thread): batches of source rows in,
 * the same batches prepared (prepareImportRow) out, in order.
 */
const { ctx, headers } = workerData as { ctx: ImportRowContext; headers: readonly string[] };
parentPort!.on('message', (batch: RowBatch) => {
  const rows: SourceRow[] = decodeRowBatch(batch, headers);
  parentPort!.postMessage(rows.map((row) => encodeResult(prepareImportRow(row, ctx))));
});
