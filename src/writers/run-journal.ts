import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The run journal: what a run has done, durably, so that a crash, a kill -9
 * or a daily-budget stop costs nothing. One SQLite file per run (WAL, synchronous
 * FULL: a step recorded as done survives a power cut). Every write is
 * bracketed: `begin` before the request, `finish` after it; a step found begun
 * but not finished on resume is looked up before it is written again.
 *
 * It holds personal data (the failed rows' original columns), so the file is
 * created readable by its owner only.
 */

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'merged' | 'failed';

export interface RowRecord {
  record: number;
  line: number;
  outcome: RowOutcome;
  key?: string;
  contactId?: string;
  mergedInto?: number;
  /** The line of the row `mergedInto` names (read back only, for the plan). */
  mergedIntoLine?: number;
  code?: string;
  message?: string;
  /** The original cells, kept for failed.csv. */
  raw?: Record<string, string>;
}

export type StepState = 'begun' | 'done';

export interface JournalMeta {
  runId: string;
  file: string;
  locationId: string;
  mode: string;
  configHash: string;
  startedAt: string;
  /** The pipeline file the run was started with ('' for none), so that `--resume <id>` alone is enough. */
  pipelineFile?: string;
  /** sha256 of the source file and of the pipeline file's text, checked on resume. */
  sourceHash?: string;
  pipelineHash?: string;
  /** --max-errors as the run was started ('' for none). */
  maxErrors?: string;
}

export class RunJournal {
  private readonly db: Database.Database;
  private readonly putRow: Database.Statement;
  private readonly putStep: Database.Statement;
  private readonly getStep: Database.Statement;

  private constructor(readonly path: string, db: Database.Database) {
    this.db = db;
    this.putRow = db.prepare(
      `INSERT INTO rows (record, line, outcome, key, contact_id, merged_into, code, message, raw)
       VALUES (@record, @line, @outcome, @key, @contactId, @mergedInto, @code, @message, @raw)
       ON CONFLICT (record) DO UPDATE SET outcome = excluded.outcome, key = excluded.key, contact_id = excluded.contact_id,
         merged_into = excluded.merged_into, code = excluded.code, message = excluded.message, raw = excluded.raw`,
    );
    this.putStep = db.prepare(
      `INSERT INTO steps (unit, step, state, result) VALUES (?, ?, ?, ?)
       ON CONFLICT (unit, step) DO UPDATE SET state = excluded.state, result = excluded.result`,
    );
    this.getStep = db.prepare('SELECT state, result FROM steps WHERE unit = ? AND step = ?');
  }

  /**
   * `durable: false` is for a record nothing resumes from (the dry run's rows,
   * read back once for its outcome files): no fsync per row.
   */
  static open(path: string, options: { durable?: boolean } = {}): RunJournal {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = new Database(path);
    chmodSync(path, 0o600);
    const durable = options.durable ?? true;
    db.pragma(durable ? 'journal_mode = WAL' : 'journal_mode = OFF');
    db.pragma(durable ? 'synchronous = FULL' : 'synchronous = OFF');
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS rows (
        record INTEGER PRIMARY KEY, line INTEGER NOT NULL, outcome TEXT NOT NULL, key TEXT,
        contact_id TEXT, merged_into INTEGER, code TEXT, message TEXT, raw TEXT
      );
      CREATE TABLE IF NOT EXISTS steps (
        unit TEXT NOT NULL, step TEXT NOT NULL, state TEXT NOT NULL, result TEXT,
        PRIMARY KEY (unit, step)
      );
    `);
    return new RunJournal(path, db);
  }

  setMeta(meta: JournalMeta): void {
    const put = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(meta)) put.run(k, v);
    })();
  }

  meta(): Partial<JournalMeta> {
    const rows = this.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value])) as Partial<JournalMeta>;
  }

  /** Records the final outcome of one or more rows in one transaction. */
  recordRows(rows: readonly RowRecord[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.putRow.run({
          record: r.record,
          line: r.line,
          outcome: r.outcome,
          key: r.key ?? null,
          contactId: r.contactId ?? null,
          mergedInto: r.mergedInto ?? null,
          code: r.code ?? null,
          message: r.message ?? null,
          raw: r.raw ? JSON.stringify(r.raw) : null,
        });
      }
    })();
  }

  hasRow(record: number): boolean {
    return this.db.prepare('SELECT 1 FROM rows WHERE record = ?').get(record) !== undefined;
  }

  /** Records the intent to perform `step` of `unit` (a cluster, a contact) before the request goes out. */
  begin(unit: string, step: string): void {
    this.putStep.run(unit, step, 'begun', null);
  }

  /** Records that `step` happened, with what it produced (e.g. the contact id). */
  finish(unit: string, step: string, result?: unknown): void {
    this.putStep.run(unit, step, 'done', result === undefined ? null : JSON.stringify(result));
  }

  step<T = unknown>(unit: string, step: string): { state: StepState; result: T | undefined } | undefined {
    const row = this.getStep.get(unit, step) as { state: StepState; result: string | null } | undefined;
    if (!row) return undefined;
    return { state: row.state, result: row.result === null ? undefined : (JSON.parse(row.result) as T) };
  }

  /** Every recorded row, in input order, for the outcome files. */
  *rows(): IterableIterator<RowRecord> {
    const stmt = this.db.prepare('SELECT r.*, m.line AS merged_into_line FROM rows r LEFT JOIN rows m ON m.record = r.merged_into ORDER BY r.record');
    for (const r of stmt.iterate() as Iterable<Record<string, unknown>>) {
      yield {
        record: r.record as number,
        line: r.line as number,
        outcome: r.outcome as RowOutcome,
        key: (r.key as string | null) ?? undefined,
        contactId: (r.contact_id as string | null) ?? undefined,
        mergedInto: (r.merged_into as number | null) ?? undefined,
        mergedIntoLine: (r.merged_into_line as number | null) ?? undefined,
        code: (r.code as string | null) ?? undefined,
        message: (r.message as string | null) ?? undefined,
        raw: r.raw ? (JSON.parse(r.raw as string) as Record<string, string>) : undefined,
      };
    }
  }

  counts(): Record<RowOutcome, number> {
    const out: Record<RowOutcome, number> = { created: 0, updated: 0, unchanged: 0, merged: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT outcome, COUNT(*) AS n FROM rows GROUP BY outcome').all() as Array<{ outcome: RowOutcome; n: number }>) {
      out[r.outcome] = r.n;
    }
    return out;
  }

  close(): void {
    this.db.close();
  }
}
