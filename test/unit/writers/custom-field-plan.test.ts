import { describe, expect, it } from 'vitest';
import { parsePipeline, type ImportPipeline } from '../../../src/config/index.js';
import { platformKeyOf } from '../../../src/platform/field-key.js';
import { columnsRead, findUnusedColumns, yamlScalar } from '../../../src/writers/column-usage.js';
import { inferFieldType, planCustomFields } from '../../../src/writers/custom-field-plan.js';

describe('inferFieldType: only a type the values come back the same in', () => {
  it.each([
    [[], 'TEXT'],
    [['', '  '], 'TEXT'],
    [['42', '7.5', '-3', '1,234.50'], 'NUMERICAL'],
    [['$12.00', '€3'], 'MONETORY'],
    [['02139', '10001'], 'TEXT'], // a leading zero would be lost
    [['2024-03-01', '2023-11-20T10:00:00Z'], 'DATE'],
    [['03/01/2024'], 'TEXT'], // day-first and month-first look alike: give transform: date
    [['yes', 'No', 'TRUE'], 'CHECKBOX'],
    [['1', '0'], 'NUMERICAL'],
    [['line one\nline two'], 'LARGE_TEXT'],
    [['x'.repeat(256)], 'LARGE_TEXT'],
    [['Blue', '42'], 'TEXT'],
  ])('%j -> %s', (values, type) => {
    expect(inferFieldType(values)).toBe(type);
  });
});

const pipelineOf = (yaml: string): ImportPipeline => {
  const p = parsePipeline(`job: import\nlocation: loc1\nsource: { file: c.csv }\n${yaml}`, 'p.yaml', {});
  if (p.job !== 'import') throw new Error('not an import');
  return p;
};

describe('planCustomFields', () => {
  const p = pipelineOf(
    [
      'mapping: { email: Email }',
      'customFields:',
      '  - { key: contact.favourite_product, column: Favourite Product }',
      '  - { key: contact.hubspot_record_id, column: Record ID, dataType: TEXT }',
      '  - { key: contact.when, column: When, transform: date }',
      '  - { name: Job Title, column: Title }',
      '  - { key: contact.Bad-Key, column: X }',
      '  - { key: opportunity.stage, column: X }',
      '  - { key: contact.have, column: X }',
      '',
    ].join('\n'),
  );
  const defs = [{ id: 'f1', name: 'Have', fieldKey: 'contact.have', dataType: 'NUMERICAL' }];

  it('resolves what the location has, and plans the rest with a name whose key is the one asked for', () => {
    const plan = planCustomFields(p, defs, new Map([['Favourite Product', ['Widget']]]));
    expect([...plan.resolved.keys()]).toEqual([6]);
    expect([...plan.missing.values()].map((f) => [f.path, f.key ?? null, f.name, f.dataType, f.typeFrom, f.problem === undefined])).toEqual([
      ['customFields[0]', 'contact.favourite_product', 'Favourite Product', 'TEXT', 'values', true],
      ['customFields[1]', 'contact.hubspot_record_id', 'Hubspot record id', 'TEXT', 'pipeline', true],
      ['customFields[2]', 'contact.when', 'When', 'DATE', 'transform', true],
      ['customFields[3]', null, 'Job Title', 'TEXT', 'default', true],
      ['customFields[4]', 'contact.Bad-Key', 'Bad-Key', 'TEXT', 'default', false],
      ['customFields[5]', 'opportunity.stage', 'Stage', 'TEXT', 'default', false],
    ]);
    for (const f of plan.missing.values()) if (f.key && !f.problem) expect(`contact.${platformKeyOf(f.name)}`).toBe(f.key);
  });
});

describe('findUnusedColumns', () => {
  it('lists every column no setting reads, in header order, with the line that would import it', () => {
    const p = pipelineOf('mapping: { email: E-Mail, phone: Telefon }\ntags: { column: Tags }\nignoreColumns: [Intern]\n');
    const headers = ['Vorname', 'E-Mail', 'Telefon', 'Handy', 'Firma', 'Tags', 'Notiz', 'Intern', 'Schuhgröße: EU', 'true'];
    const mapping = p.mapping!;
    expect(findUnusedColumns(headers, columnsRead(p, mapping), p, mapping)).toEqual([
      { column: 'Vorname', section: 'mapping', line: 'firstName: Vorname' },
      { column: 'Handy', section: 'customFields', line: '- { key: contact.handy, column: Handy }' },
      { column: 'Firma', section: 'mapping', line: 'companyName: Firma' },
      { column: 'Notiz', section: 'notes', line: '- { column: Notiz }' },
      { column: 'Schuhgröße: EU', section: 'customFields', line: '- { key: contact.schuhgrosse_eu, column: "Schuhgröße: EU" }' },
      { column: 'true', section: 'customFields', line: '- { key: contact.true, column: "true" }' },
    ]);
  });

  it('quotes a YAML scalar only when it would not read back as the same string', () => {
    expect([yamlScalar('Company Name'), yamlScalar('a: b'), yamlScalar('yes'), yamlScalar('42'), yamlScalar('#x')]).toEqual(['Company Name', '"a: b"', '"yes"', '"42"', '"#x"']);
  });
});
