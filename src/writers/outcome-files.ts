import { open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { escapeRecord } from '../core/csv-cells.js';
import type { RowRecord } from './run-journal.js';

/**
 * The outcome files of a run, written from the journal: every input row is in
 * exactly one of succeeded.csv and failed.csv. Files are created readable by
 * their owner only (they hold personal data) and written atomically.
 */

export interface OutcomeFileOptions {
  dir: string;
  /** Headers of the source file, in order, for failed.csv's original columns. */
  headers: readonly string[];
  /** Prefix cells that a spreadsheet would run as formulas. @default true */
  escapeFormulas?: boolean;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  const fh = await open(tmp, 'r+');
  await fh.sync();
  await fh.close();
  await rename(tmp, path);
}

export async function writeOutcomeFiles(rows: Iterable<RowRecord>, options: OutcomeFileOptions): Promise<{ succeeded: number; failed: number }> {
  const escape = options.escapeFormulas ?? true;
  const ok: string[][] = [['row', 'line', 'key', 'contactId', 'action', 'mergedIntoRow']];
  const bad: string[][] = [['row', 'line', ...options.headers, 'errorCode', 'errorMessage']];
  for (const r of rows) {
    if (r.outcome === 'failed') {
      bad.push(escapeRecord([String(r.record), String(r.line), ...options.headers.map((h) => r.raw?.[h] ?? ''), r.code ?? '', r.message ?? ''], escape));
    } else {
      ok.push(escapeRecord([String(r.record), String(r.line), r.key ?? '', r.contactId ?? '', r.outcome, r.mergedInto !== undefined ? String(r.mergedInto) : ''], escape));
    }
  }
  await writeAtomic(join(options.dir, 'succeeded.csv'), stringify(ok));
  await writeAtomic(join(options.dir, 'failed.csv'), stringify(bad));
  return { succeeded: ok.length - 1, failed: bad.length - 1 };
}

export async function writeSummary(dir: string, summary: Record<string, unknown>): Promise<void> {
  await writeAtomic(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
