import { describe, expect, it } from 'vitest';
import { customFieldValue, fieldOfHeader } from '../../../src/transforms/custom-field-value.js';

describe('customFieldValue', () => {
  it.each<[unknown, string, unknown]>([
    ['42', 'NUMERICAL', 42],
    [' 1,250.50 ', 'MONETORY', 1250.5],
    ['$ 19.99', 'MONETORY', 19.99],
    ["'-3", 'NUMERICAL', -3],
    [7, 'NUMERICAL', 7],
    ['golf, chess', 'MULTIPLE_OPTIONS', ['golf', 'chess']],
    ['golf;chess |sailing', 'CHECKBOX', ['golf', 'chess', 'sailing']],
    [['a', 'b'], 'MULTIPLE_OPTIONS', ['a', 'b']],
    ['golf, chess', 'TEXT', 'golf, chess'],
    ['2026-01-01', 'DATE', '2026-01-01'],
    // An object as the export writes it (JSON) is an object again; other text stays text.
    ['{"0":"Byron"}', 'TEXTBOX_LIST', { '0': 'Byron' }],
    ['[{"url":"https://x.example/a.pdf"}]', 'FILE_UPLOAD', [{ url: 'https://x.example/a.pdf' }]],
    ['{not json', 'TEXTBOX_LIST', '{not json'],
    ['plain', 'TEXTBOX_LIST', 'plain'],
    ['{"a":1}', 'TEXT', '{"a":1}'],
  ])('%j as %s -> %j', (value, type, expected) => {
    expect(customFieldValue(value, type)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, string]>([
    ['twelve', 'NUMERICAL'],
    ['1.2.3', 'MONETORY'],
  ])('%j is no %s: the row fails, without quoting the cell', (value, type) => {
    const r = customFieldValue(value, type);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.code).toBe('INVALID_NUMBER');
    expect(!r.ok && r.problem.message).not.toContain(value);
  });
});

describe('fieldOfHeader', () => {
  const defs = [
    { id: 'a', name: 'Favourite Colour', fieldKey: 'contact.favourite_colour' },
    { id: 'b', name: 'Notes', fieldKey: 'contact.notes_a' },
    { id: 'c', name: 'Notes', fieldKey: 'contact.notes_b' },
  ];
  it.each<[string, string | undefined]>([
    ['Favourite Colour', 'a'],
    ['favourite colour', 'a'],
    ['contact.favourite_colour', 'a'],
    ['favourite_colour', 'a'],
    ['customFields.favourite_colour', 'a'],
    ['Notes (notes_b)', 'c'],
    ['Notes', undefined],
    ['Colour', undefined],
  ])('%j -> %s', (header, id) => {
    expect(fieldOfHeader(header, defs)?.id).toBe(id);
  });
});
