import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeFormula } from '../../../src/core/csv-cells.js';
import { writeOutcomeFiles } from '../../../src/writers/outcome-files.js';
import { RunJournal, type RowRecord } from '../../../src/writers/run-journal.js';

const tmp = mkdtempSync(join(tmpdir(), 'hoop-journal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('RunJournal', () => {
  it('keeps rows and steps across a reopen, as a resumed run sees them', () => {
    const path = join(tmp, 'run1', 'journal.sqlite');
    const a = RunJournal.open(path);
    a.setMeta({ runId: 'r1', file: 'x.csv', locationId: 'L', mode: 'upsert', configHash: 'h', startedAt: '2026-01-01T00:00:00.000Z' });
    a.recordRows([
      { record: 1, line: 2, outcome: 'created', key: 'email:a@example.com', contactId: 'c1' },
      { record: 2, line: 3, outcome: 'failed', code: 'INVALID_EMAIL', message: 'bad', raw: { Email: 'nope' } },
    ]);
    a.begin('cluster:1', 'upsert');
    a.finish('cluster:1', 'upsert', { contactId: 'c1' });
    a.begin('cluster:1', 'note:0');
    a.close();

    const b = RunJournal.open(path);
    expect(b.meta()).toMatchObject({ runId: 'r1', mode: 'upsert' });
    expect(b.hasRow(1)).toBe(true);
    expect(b.hasRow(3)).toBe(false);
    expect(b.step('cluster:1', 'upsert')).toEqual({ state: 'done', result: { contactId: 'c1' } });
    expect(b.step('cluster:1', 'note:0')).toEqual({ state: 'begun', result: undefined });
    expect(b.step('cluster:2', 'upsert')).toBeUndefined();
    expect([...b.rows()].map((r) => [r.record, r.outcome])).toEqual([
      [1, 'created'],
      [2, 'failed'],
    ]);
    expect(b.counts()).toEqual({ created: 1, updated: 0, unchanged: 0, merged: 0, failed: 1 });
    b.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('replaces a row recorded twice (a resumed run finishing it) instead of duplicating it', () => {
    const j = RunJournal.open(join(tmp, 'run2', 'journal.sqlite'));
    j.recordRows([{ record: 5, line: 6, outcome: 'failed', code: 'UNAVAILABLE', message: 'x' }]);
    j.recordRows([{ record: 5, line: 6, outcome: 'updated', contactId: 'c5' }]);
    expect([...j.rows()]).toEqual([{ record: 5, line: 6, outcome: 'updated', contactId: 'c5', key: undefined, mergedInto: undefined, code: undefined, message: undefined, raw: undefined }]);
    j.close();
  });
});

describe('escapeFormula', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+14155550101', "'+14155550101"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j -> %j', (cell, expected) => {
    expect(escapeFormula(cell)).toBe(expected);
  });
});

describe('writeOutcomeFiles', () => {
  it('puts every row in exactly one file, with the original columns of failed rows, escaped, owner-only', async () => {
    const dir = mkdtempSync(join(tmp, 'out-'));
    const rows: RowRecord[] = [
      { record: 1, line: 2, outcome: 'created', key: 'email:a@example.com', contactId: 'c1' },
      { record: 2, line: 3, outcome: 'merged', key: 'email:a@example.com', contactId: 'c1', mergedInto: 1 },
      { record: 3, line: 5, outcome: 'failed', code: 'INVALID_PHONE', message: 'too short', raw: { Name: '=HYPERLINK("x")', Phone: '12' } },
    ];
    const counts = await writeOutcomeFiles(rows, { dir, headers: ['Name', 'Phone'] });
    expect(counts).toEqual({ succeeded: 2, failed: 1, files: ['succeeded.csv', 'failed.csv', 'plan.csv'] });
    expect(readFileSync(join(dir, 'succeeded.csv'), 'utf8')).toBe(
      'row,line,key,contactId,action,mergedIntoRow\n1,2,email:a@example.com,c1,created,\n2,3,email:a@example.com,c1,merged,1\n',
    );
    expect(readFileSync(join(dir, 'failed.csv'), 'utf8')).toBe('row,line,Name,Phone,errorCode,errorMessage\n3,5,"\'=HYPERLINK(""x"")",12,INVALID_PHONE,too short\n');
    expect(statSync(join(dir, 'failed.csv')).mode & 0o777).toBe(0o600);
    // Without the merged row's target line at hand (rows not read from a journal), 'merged' alone.
    expect(readFileSync(join(dir, 'plan.csv'), 'utf8')).toBe(
      'row,line,action,contactId,errorCode,reason\n1,2,create,c1,,\n2,3,merged,c1,,\n3,5,failed,,INVALID_PHONE,too short\n',
    );
    expect(statSync(join(dir, 'plan.csv')).mode & 0o777).toBe(0o600);
  });

  it('a dry run writes failed.csv and plan.csv, no succeeded.csv; merged rows name the line they merge into', async () => {
    const dir = mkdtempSync(join(tmp, 'dry-'));
    const j = RunJournal.open(join(dir, 'dry-run.sqlite'));
    j.recordRows([
      { record: 1, line: 2, outcome: 'updated', key: 'email:a@example.com', contactId: 'c1' },
      { record: 2, line: 4, outcome: 'merged', key: 'email:a@example.com', contactId: 'c1', mergedInto: 1 },
      { record: 3, line: 5, outcome: 'unchanged', contactId: 'c9' },
      { record: 4, line: 6, outcome: 'created' },
      { record: 5, line: 7, outcome: 'failed', code: 'VALIDATION', message: 'POST /contacts/upsert: refused as invalid: dnd must be a boolean', raw: { Name: 'x' } },
    ]);
    const out = await writeOutcomeFiles(j.rows(), { dir, headers: ['Name'], dryRun: true });
    j.close();
    expect(out).toEqual({ succeeded: 4, failed: 1, files: ['failed.csv', 'plan.csv'] });
    expect(existsSync(join(dir, 'succeeded.csv'))).toBe(false);
    expect(readFileSync(join(dir, 'plan.csv'), 'utf8')).toBe(
      'row,line,action,contactId,errorCode,reason\n1,2,update,c1,,\n2,4,merged into line 2,c1,,\n3,5,unchanged,c9,,\n4,6,create,,,\n5,7,failed,,VALIDATION,POST /contacts/upsert: refused as invalid: dnd must be a boolean\n',
    );
  });
});
