import { describe, expect, it } from 'vitest';
import type { SourceRow } from '../../../src/core/row.js';
import type { ImportRowResult } from '../../../src/writers/import-row.js';
import { decodeResult, decodeRowBatch, encodeResult, encodeRowBatch } from '../../../src/writers/row-batch.js';

describe('row batches to the mapping worker', () => {
  const headers = ['First Name', 'Email', 'Note'];
  it.each<[string, SourceRow[]]>([
    ['no rows', []],
    [
      'rows with empty, non-ASCII, multi-line and tab cells',
      [
        { record: 1, line: 2, values: { 'First Name': 'Zoë', Email: '', Note: 'line 1\r\nline 2\tafter a tab' } },
        { record: 4, line: 7, values: { 'First Name': '', Email: 'a@b.co', Note: '"quoted"' } },
      ],
    ],
  ])('%s: decoded as they were', (_name, rows) => {
    expect(decodeRowBatch(encodeRowBatch(rows, headers), headers)).toEqual(rows);
  });

  it.each<[string, ImportRowResult]>([
    ['a prepared row', { ok: true, keys: ['email:a@b.co', 'phone:+14155550101'], head: '["email:a@b.co","phone:+14155550101"]\t{"record":1}' }],
    ['a prepared row without keys', { ok: true, keys: [], head: '[]\t{"record":2}' }],
    ['a failed row', { ok: false, code: 'INVALID_EMAIL', message: "Email is not valid: it has no '@' (column 'E\tmail')" }],
  ])('%s: one string each way', (_name, result) => {
    const text = encodeResult(result);
    expect(typeof text).toBe('string');
    expect(decodeResult(text)).toEqual(result);
  });
});
