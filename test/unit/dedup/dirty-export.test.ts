import { describe, expect, it } from 'vitest';
import { matchKeys } from '../../../src/dedup/match-keys.js';
import { mergeRows, type MappedRow } from '../../../src/dedup/merge-rows.js';
import { clusterByKeys } from '../../../src/dedup/union-find.js';
import { normaliseEmail } from '../../../src/transforms/email.js';
import { toE164 } from '../../../src/transforms/phone.js';
import { splitTags, titleCase } from '../../../src/transforms/text.js';
import type { RowProblem } from '../../../src/core/row.js';

/**
 * The dirt the sample CSVs carry, through the pure pieces in the order the
 * import runs them: transforms, match keys, clusters, merge. The mapping here
 * is the test's own, as small as it can be.
 */
const exportRows: Array<{ record: number; values: Record<string, string> }> = [
  { record: 1, values: { Name: 'ada LOVELACE', Email: 'Ada@Example.com ', Phone: '(415) 555-0101', Country: '', Tags: 'VIP, Newsletter', Notes: 'Met at the fair.\r\nWants a demo.' } },
  { record: 2, values: { Name: 'Ada Lovelace', Email: 'ada@example.COM', Phone: '415.555.0101', Country: 'US', Tags: 'vip', Notes: 'Met at the fair.\nWants a demo.' } },
  { record: 3, values: { Name: 'josé MUÑOZ', Email: 'jose@example.es', Phone: '612 345 678', Country: 'España', Tags: '', Notes: '' } },
  { record: 4, values: { Name: 'Grace Hopper', Email: 'grace@@navy.mil', Phone: '2025550143', Country: 'US', Tags: '', Notes: '' } },
  { record: 5, values: { Name: 'Bob Smith', Email: 'bob@example.com', Phone: '4.15555E+09', Country: 'US', Tags: '', Notes: '' } },
  { record: 6, values: { Name: 'Bob Smith', Email: 'bob@example.com', Phone: '4155550102.0', Country: 'US', Tags: 'Lead', Notes: '' } },
  { record: 7, values: { Name: 'Robert Smith', Email: 'bob.work@example.com', Phone: '+1 415-555-0102', Country: '', Tags: 'Customer', Notes: 'Prefers email.' } },
  { record: 8, values: { Name: "ROBERT O'BRIEN SMITH", Email: 'BOB.WORK@example.com', Phone: '', Country: '', Tags: 'customer, VIP ', Notes: '' } },
  { record: 9, values: { Name: 'Test One', Email: 'test@test.com', Phone: '+1 212 555 0199', Country: '', Tags: '', Notes: '' } },
  { record: 10, values: { Name: 'Test Two', Email: 'test@test.com', Phone: '+1 212 555 0198', Country: '', Tags: '', Notes: '' } },
];

type Fields = { name: string; email?: string; phone?: string };

function mapRow(r: (typeof exportRows)[number]): { ok: true; row: MappedRow<Fields> } | { ok: false; record: number; problems: RowProblem[] } {
  const v = r.values;
  const problems: RowProblem[] = [];
  const fields: Fields = { name: titleCase(v.Name ?? '') };
  const email = normaliseEmail(v.Email ?? '');
  if (email.ok) fields.email = email.value;
  else problems.push({ ...email.problem, column: 'Email' });
  if ((v.Phone ?? '').trim()) {
    const phone = toE164(v.Phone ?? '', { defaultCountry: 'US', country: v.Country });
    if (phone.ok) fields.phone = phone.value;
    else problems.push({ ...phone.problem, column: 'Phone' });
  }
  if (problems.length) return { ok: false, record: r.record, problems };
  return { ok: true, row: { record: r.record, fields, tags: splitTags(v.Tags ?? '', ','), notes: v.Notes ? [v.Notes] : [] } };
}

describe('a dirty CRM export through transforms and in-file dedup', () => {
  const mapped = exportRows.map(mapRow);
  const good = mapped.flatMap((m) => (m.ok ? [m.row] : []));
  const failed = mapped.flatMap((m) => (m.ok ? [] : [{ record: m.record, codes: m.problems.map((p) => `${p.column}:${p.code}`) }]));
  const byRecord = new Map(good.map((g) => [g.record, g]));
  const clusters = clusterByKeys(good.map((g) => ({ id: g.record, keys: matchKeys(g.fields) })));
  const results = clusters.map((ids) => mergeRows(ids.map((id) => byRecord.get(id) as MappedRow<Fields>), 'fillBlanks'));

  it('fails the rows an import cannot write, with their codes and columns', () => {
    expect(failed).toEqual([
      { record: 4, codes: ['Email:INVALID_EMAIL'] },
      { record: 5, codes: ['Phone:PHONE_SCIENTIFIC_NOTATION'] },
    ]);
  });

  it('clusters the same people across casing, formats and shared keys; fillers do not join rows', () => {
    expect(clusters).toEqual([[1, 2], [3], [6, 7, 8], [9], [10]]);
  });

  it('merges each cluster into the row that carries it', () => {
    expect(results.map((r) => r.row)).toEqual([
      {
        record: 1,
        fields: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+14155550101' },
        tags: ['vip', 'newsletter'],
        notes: ['Met at the fair.\nWants a demo.'],
        records: [1, 2],
      },
      { record: 3, fields: { name: 'José Muñoz', email: 'jose@example.es', phone: '+34612345678' }, tags: [], notes: [], records: [3] },
      {
        record: 6,
        fields: { name: 'Bob Smith', email: 'bob@example.com', phone: '+14155550102' },
        tags: ['lead', 'customer', 'vip'],
        notes: ['Prefers email.'],
        records: [6, 7, 8],
      },
      { record: 9, fields: { name: 'Test One', email: 'test@test.com', phone: '+12125550199' }, tags: [], notes: [], records: [9] },
      { record: 10, fields: { name: 'Test Two', email: 'test@test.com', phone: '+12125550198' }, tags: [], notes: [], records: [10] },
    ]);
    expect(results.flatMap((r) => r.merged)).toEqual([
      { record: 2, mergedInto: 1 },
      { record: 7, mergedInto: 6 },
      { record: 8, mergedInto: 6 },
    ]);
    expect(results[2]?.conflicts).toEqual([
      { field: 'name', keptFrom: 6, droppedFrom: [7, 8] },
      { field: 'email', keptFrom: 6, droppedFrom: [7, 8] },
    ]);
  });

  it('accounts for every input row exactly once: written, merged or failed', () => {
    const written = results.map((r) => r.row.record);
    const merged = results.flatMap((r) => r.merged.map((m) => m.record));
    const failedRecords = failed.map((f) => f.record);
    expect([...written, ...merged, ...failedRecords].sort((a, b) => a - b)).toEqual(exportRows.map((r) => r.record));
  });
});
