import { describe, expect, it } from 'vitest';
import { mergeRows, type MappedRow, type MergePolicy } from '../../../src/dedup/merge-rows.js';

type Fields = { firstName?: string; lastName?: string; email?: string; phone?: string; city?: string; 'customField.source'?: string };

const row = (record: number, fields: Fields, tags: string[] = [], notes: string[] = []): MappedRow<Fields> => ({ record, fields, tags, notes });

const cluster = [
  row(3, { firstName: 'Ada', lastName: '', email: 'ada@example.com', city: '' }, ['VIP', 'newsletter'], ['Met at the fair.']),
  row(7, { firstName: 'ADA', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550101' }, ['vip', 'Customer'], ['Met at the fair.', 'Called back.']),
  row(9, { firstName: 'Ada', lastName: 'King', city: 'London', phone: '+14155550101' }, [' Lead '], ['Wants a quote\r\nfor 3 seats.']),
];

describe('mergeRows: fields by policy', () => {
  it.each<[MergePolicy, number, Fields]>([
    ['first', 3, { firstName: 'Ada', lastName: '', email: 'ada@example.com', city: '' }],
    ['last', 9, { firstName: 'Ada', lastName: 'King', city: 'London', phone: '+14155550101' }],
    ['fillBlanks', 3, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', city: 'London', phone: '+14155550101' }],
  ])('%s: carried by row %i', (policy, carrier, fields) => {
    const r = mergeRows(cluster, policy);
    expect(r.row.record).toBe(carrier);
    expect(r.row.fields).toEqual(fields);
    expect(r.row.records).toEqual([3, 7, 9]);
    expect(r.merged).toEqual([3, 7, 9].filter((x) => x !== carrier).map((record) => ({ record, mergedInto: carrier })));
  });

  it('fillBlanks keeps a field that is blank in every row blank, so the blank policy decides', () => {
    const r = mergeRows([row(1, { city: '' }), row(2, { city: ' ' })], 'fillBlanks');
    expect(r.row.fields).toEqual({ city: '' });
  });

  it('orders rows by record number, whatever order they come in', () => {
    expect(mergeRows([...cluster].reverse(), 'first')).toEqual(mergeRows(cluster, 'first'));
  });

  it('a cluster of one is the row itself, merged into nothing', () => {
    const only = row(4, { email: 'x@example.com' }, ['A', 'a'], ['n']);
    expect(mergeRows([only], 'fillBlanks')).toEqual({
      row: { record: 4, fields: { email: 'x@example.com' }, tags: ['a'], notes: ['n'], records: [4] },
      merged: [],
      conflicts: [],
    });
  });
});

describe('mergeRows: a cluster of one, under every policy (its own fast path)', () => {
  it.each<[string, MergePolicy, MappedRow<Fields>, unknown]>([
    ...(['first', 'last', 'fillBlanks'] as const).map(
      (policy) =>
        [
          `${policy}: blanks kept as they are, field order kept, tags normalised, notes trimmed, CRLF -> LF, repeats and blanks dropped`,
          policy,
          row(5, { lastName: '', firstName: 'Ada', city: ' ', phone: '+14155550101' }, [' VIP ', 'vip', '', 'Lead'], ['a\r\nb', ' a\nb ', '  ', 'c']),
          { record: 5, fields: { lastName: '', firstName: 'Ada', city: ' ', phone: '+14155550101' }, tags: ['vip', 'lead'], notes: ['a\nb', 'c'], records: [5] },
        ] as [string, MergePolicy, MappedRow<Fields>, unknown],
    ),
    ['no fields, tags or notes', 'first', row(8, {}), { record: 8, fields: {}, tags: [], notes: [], records: [8] }],
  ])('%s', (_name, policy, only, expected) => {
    const r = mergeRows([only], policy);
    expect(r).toEqual({ row: expected, merged: [], conflicts: [] });
    expect(Object.keys(r.row.fields)).toEqual(Object.keys(only.fields));
    // A copy: the caller may change the merged fields without touching the row.
    expect(r.row.fields).not.toBe(only.fields);
  });
});

describe('mergeRows: tags and notes', () => {
  it.each<MergePolicy>(['first', 'last', 'fillBlanks'])('%s: tags are the union, normalised, in order of first appearance', (policy) => {
    expect(mergeRows(cluster, policy).row.tags).toEqual(['vip', 'newsletter', 'customer', 'lead']);
  });

  it.each<MergePolicy>(['first', 'last', 'fillBlanks'])('%s: notes are all kept in row order, exact repeats once', (policy) => {
    expect(mergeRows(cluster, policy).row.notes).toEqual(['Met at the fair.', 'Called back.', 'Wants a quote\nfor 3 seats.']);
  });

  it.each<[string[][], string[]]>([
    [[['Line 1\r\nLine 2'], ['Line 1\nLine 2']], ['Line 1\nLine 2']],
    [[['  note  '], ['note']], ['note']],
    [[['', '  '], ['\r\n']], []],
    [[['Note'], ['note']], ['Note', 'note']],
    [[['a\n\nb'], ['a\nb']], ['a\n\nb', 'a\nb']],
    [[['Zoë: ½ price, ☎ later'], ['Zoë: ½ price, ☎ later']], ['Zoë: ½ price, ☎ later']],
  ])('notes %j -> %j', (notesPerRow, expected) => {
    const rows = notesPerRow.map((notes, i) => row(i + 1, {}, [], notes));
    expect(mergeRows(rows, 'fillBlanks').row.notes).toEqual(expected);
  });
});

describe('mergeRows: conflicts', () => {
  it.each<[MergePolicy, unknown[]]>([
    [
      'fillBlanks',
      [
        { field: 'firstName', keptFrom: 3, droppedFrom: [7] },
        { field: 'lastName', keptFrom: 7, droppedFrom: [9] },
      ],
    ],
    [
      'first',
      [
        { field: 'firstName', keptFrom: 3, droppedFrom: [7] },
        { field: 'lastName', keptFrom: 3, droppedFrom: [7, 9] },
        { field: 'city', keptFrom: 3, droppedFrom: [9] },
        { field: 'phone', keptFrom: 3, droppedFrom: [7, 9] },
      ],
    ],
    [
      'last',
      [
        { field: 'firstName', keptFrom: 9, droppedFrom: [7] },
        { field: 'lastName', keptFrom: 9, droppedFrom: [7] },
        { field: 'email', keptFrom: 9, droppedFrom: [3, 7] },
      ],
    ],
  ])('%s reports each value it dropped, by field and record, without the values', (policy, conflicts) => {
    expect(mergeRows(cluster, policy).conflicts).toEqual(conflicts);
  });
});

describe('mergeRows: bad input', () => {
  it('an empty cluster is a programming error', () => {
    expect(() => mergeRows([], 'first')).toThrow('Expected `rows` to be a non-empty array, got an empty one');
  });

  it('an unknown policy is a programming error', () => {
    expect(() => mergeRows(cluster, 'newest' as MergePolicy)).toThrow(
      'Expected `policy` to be one of `first`, `last`, `fillBlanks`, got `newest` (string)',
    );
  });
});
