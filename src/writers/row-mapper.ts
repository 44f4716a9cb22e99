import { Worker } from 'node:worker_threads';
import type { SourceRow } from '../core/row.js';
import { prepareImportRow, type ImportRowContext, type ImportRowResult } from './import-row.js';
import { decodeResult, encodeRowBatch } from './row-batch.js';

/**
 * prepareImportRow for a stream of rows, on a second thread: the import's
 * thread reads and parses the CSV while the worker maps and normalises the
 * rows read before, so a two-core machine runs both at once. Rows go in
 * batches (one message each way per batch), at most `maxBatches` in flight,
 * so memory stays bounded; results come back in input order.
 */

export interface RowMapperOptions {
  /** Rows per message. @default 500 */
  batchSize?: number;
  /** Batches sent and not yet answered before `push` waits. @default 4 */
  maxBatches?: number;
  /** Map in this thread instead (no worker), as it always does when run from the TypeScript sources. @default false */
  inThread?: boolean;
}

export type PreparedRow = { readonly row: SourceRow; readonly result: ImportRowResult };

export class RowMapper {
  private readonly worker: Worker | undefined;
  private batch: SourceRow[] = [];
  private readonly sent: SourceRow[][] = [];
  private readonly answers: ImportRowResult[][] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly batchSize: number;
  private readonly maxBatches: number;

  /** @param headers the CSV's columns, in order: every row's `values` has them. */
  constructor(
    private readonly ctx: ImportRowContext,
    private readonly headers: readonly string[],
    options: RowMapperOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxBatches = options.maxBatches ?? 4;
    // Run from the TypeScript sources (tests, tsx), a worker could not load map-worker.ts: the loader hooks stay in this thread.
    if (options.inThread || !import.meta.url.endsWith('.js')) return;
    this.worker = new Worker(new URL('./map-worker.js', import.meta.url), { workerData: { ctx, headers } });
    this.worker.on('message', (results: string[]) => {
      this.answers.push(results.map(decodeResult));
      this.notify();
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.notify();
    });
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`The mapping worker stopped (exit code ${code})`);
      this.notify();
    });
  }

  /** Adds a row; returns the rows prepared so far (possibly none), in input order. */
  async push(row: SourceRow): Promise<PreparedRow[]> {
    this.batch.push(row);
    if (this.batch.length < this.batchSize) return [];
    this.send();
    const out = this.take();
    while (this.sent.length >= this.maxBatches) out.push(...(await this.next()));
    return out;
  }

  /** Sends what is left and returns every row not yet returned. */
  async drain(): Promise<PreparedRow[]> {
    this.send();
    const out = this.take();
    while (this.sent.length > 0) out.push(...(await this.next()));
    return out;
  }

  async close(): Promise<void> {
    if (this.worker) {
      this.worker.removeAllListeners('exit');
      await this.worker.terminate();
    }
  }

  private send(): void {
    if (this.batch.length === 0) return;
    const rows = this.batch;
    this.batch = [];
    this.sent.push(rows);
    if (this.worker) this.worker.postMessage(encodeRowBatch(rows, this.headers));
    else this.answers.push(rows.map((row) => prepareImportRow(row, this.ctx)));
  }

  /** The answered batches, without waiting. */
  private take(): PreparedRow[] {
    const out: PreparedRow[] = [];
    while (this.answers.length > 0) {
      const results = this.answers.shift()!;
      const rows = this.sent.shift()!;
      for (let i = 0; i < rows.length; i++) out.push({ row: rows[i]!, result: results[i]! });
    }
    return out;
  }

  /** Waits for at least one answered batch. */
  private async next(): Promise<PreparedRow[]> {
    while (this.answers.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.take();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
