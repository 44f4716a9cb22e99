import { open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { escapeRecord } from '../core/csv-cells.js';
import type { RowRecord } from './run-journal.js';

/**
 * The outcome files of a run, written from the journal: every input row is in
 * exactly one of succeeded.csv and failed.csv, and in plan.csv with what was
 * done to it (create, update, unchanged, merged into line N, failed). A dry
 * run writes failed.csv and plan.csv from the rows it planned: the rows the
 * real run would fail, and what it would do with the others. Files are
 * created readable by their owner only (they hold personal data) and written
 * atomically.
 */

export interface OutcomeFileOptions {
  dir: string;
  /** Headers of the source file, in order, for failed.csv's original columns. */
  headers: readonly string[];
  /** Prefix cells that a spreadsheet would run as formulas. @default true */
  escapeFormulas?: boolean;
  /** A dry run: no succeeded.csv (nothing succeeded), the plan says what would happen. */
  dryRun?: boolean;
}

const ACTION: Record<RowRecord['outcome'], string> = { created: 'create', updated: 'update', unchanged: 'unchanged', merged: 'merged', failed: 'failed' };

/** A row's action in plan.csv: the same words for a dry run and a real run, so that the two files can be compared. */
export function planAction(r: RowRecord): string {
  if (r.outcome !== 'merged') return ACTION[r.outcome];
  return r.mergedIntoLine !== undefined ? `merged into line ${r.mergedIntoLine}` : 'merged';
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  const fh = await open(tmp, 'r+');
  await fh.sync();
  await fh.close();
  await rename(tmp, path);
}

export async function writeOutcomeFiles(rows: Iterable<RowRecord>, options: OutcomeFileOptions): Promise<{ succeeded: number; failed: number; files: string[] }> {
  const escape = options.escapeFormulas ?? true;
  const ok: string[][] = [['row', 'line', 'key', 'contactId', 'action', 'mergedIntoRow']];
  const bad: string[][] = [['row', 'line', ...options.headers, 'errorCode', 'errorMessage']];
  const plan: string[][] = [['row', 'line', 'action', 'contactId', 'errorCode', 'reason']];
  for (const r of rows) {
    plan.push(escapeRecord([String(r.record), String(r.line), planAction(r), r.contactId ?? '', r.code ?? '', r.outcome === 'failed' ? (r.message ?? '') : ''], escape));
    if (r.outcome === 'failed') {
      bad.push(escapeRecord([String(r.record), String(r.line), ...options.headers.map((h) => r.raw?.[h] ?? ''), r.code ?? '', r.message ?? ''], escape));
    } else {
      ok.push(escapeRecord([String(r.record), String(r.line), r.key ?? '', r.contactId ?? '', r.outcome, r.mergedInto !== undefined ? String(r.mergedInto) : ''], escape));
    }
  }
  const files = options.dryRun ? ['failed.csv', 'plan.csv'] : ['succeeded.csv', 'failed.csv', 'plan.csv'];
  if (!options.dryRun) await writeAtomic(join(options.dir, 'succeeded.csv'), stringify(ok));
  await writeAtomic(join(options.dir, 'failed.csv'), stringify(bad));
  await writeAtomic(join(options.dir, 'plan.csv'), stringify(plan));
  return { succeeded: ok.length - 1, failed: bad.length - 1, files };
}

export async function writeSummary(dir: string, summary: Record<string, unknown>): Promise<void> {
  await writeAtomic(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
