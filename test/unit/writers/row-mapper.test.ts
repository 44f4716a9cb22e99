import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../../src/config/index.js';
import type { SourceRow } from '../../../src/core/row.js';
import { prepareImportRow, spillEntry, spillPart } from '../../../src/writers/import-row.js';
import { RowMapper } from '../../../src/writers/row-mapper.js';

const pipeline = (() => {
  const p = parsePipeline(
    `job: import
location: loc
source: { file: contacts.csv }
mapping:
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US }
  firstName: { column: Name, transform: [trim, title] }
tags: { column: Tags, split: ";" }
`,
    'pipe.yaml',
    {},
  );
  if (p.job !== 'import') throw new Error('not an import pipeline');
  return p;
})();
const ctx = { pipeline, mapping: pipeline.mapping!, map: { runStartedAt: 0 } };
const HEADERS = ['Email', 'Phone', 'Name', 'Tags'];

function row(record: number, values: Record<string, string>): SourceRow {
  return { record, line: record + 1, values: { Email: '', Phone: '', Name: '', Tags: '', ...values } };
}

describe('prepareImportRow', () => {
  it.each<[string, SourceRow, unknown]>([
    [
      'a row with email and phone: both keys, spilled with its cells',
      row(1, { Email: ' Ada@Example.com ', Phone: '(415) 555-0101', Name: 'ada', Tags: 'VIP; x' }),
      { ok: true, keys: ['email:ada@example.com', 'phone:+14155550101'] },
    ],
    ['an invalid email fails the row, naming the column', row(2, { Email: 'ada@', Phone: '4155550101' }), { ok: false, code: 'INVALID_EMAIL' }],
    ['neither email nor phone: upsert cannot find it', row(3, { Name: 'Nobody' }), { ok: false, code: 'NO_EMAIL_OR_PHONE', message: 'upsert needs an email or a phone to find the contact' }],
  ])('%s', (_name, input, expected) => {
    const r = prepareImportRow(input, ctx);
    expect(r).toMatchObject(expected as object);
    if (r.ok) {
      const entry = spillEntry(r.head, input.values);
      expect(JSON.parse(spillPart(entry, 0))).toEqual(r.keys);
      expect(JSON.parse(spillPart(entry, 1))).toMatchObject({ record: 1, line: 2, fields: { email: 'ada@example.com', phone: '+14155550101', firstName: 'Ada' }, tags: ['vip', 'x'] });
      expect(JSON.parse(spillPart(entry, 2))).toEqual(input.values);
    } else {
      expect(r.message).toContain(r.code === 'INVALID_EMAIL' ? "(column 'Email')" : 'upsert');
    }
  });
});

describe('RowMapper (in this thread: the worker runs the same prepareImportRow from the build)', () => {
  it.each([
    [1, 1],
    [3, 2],
    [500, 4],
  ])('gives every row back once, in input order (batches of %i, %i in flight)', async (batchSize, maxBatches) => {
    const mapper = new RowMapper(ctx, HEADERS, { batchSize, maxBatches, inThread: true });
    const rows = Array.from({ length: 20 }, (_, i) => row(i + 1, i % 5 === 4 ? { Name: 'x' } : { Email: `p${i}@example.com` }));
    const out = [];
    for (const r of rows) out.push(...(await mapper.push(r)));
    out.push(...(await mapper.drain()));
    await mapper.close();
    expect(out.map((p) => p.row.record)).toEqual(rows.map((r) => r.record));
    expect(out.map((p) => p.result.ok)).toEqual(rows.map((_, i) => i % 5 !== 4));
  });
});

describe('RowMapper, built (dist/, as the CLI runs it): on its worker thread', () => {
  it('answers as prepareImportRow does, in input order', async () => {
    const { RowMapper: BuiltRowMapper } = await import('../../../dist/writers/row-mapper.js');
    const mapper = new BuiltRowMapper(ctx, HEADERS, { batchSize: 7, maxBatches: 2 });
    const rows = Array.from({ length: 50 }, (_, i) => row(i + 1, i % 9 === 0 ? { Email: 'bad@' } : { Email: `P${i}@Example.com`, Phone: `415555${String(1000 + i)}` }));
    const out = [];
    try {
      for (const r of rows) out.push(...(await mapper.push(r)));
      out.push(...(await mapper.drain()));
    } finally {
      await mapper.close();
    }
    expect(out.map((p) => p.row.record)).toEqual(rows.map((r) => r.record));
    expect(out.map((p) => p.result)).toEqual(rows.map((r) => prepareImportRow(r, ctx)));
  });
});
