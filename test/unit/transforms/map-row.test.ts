import { describe, expect, it } from 'vitest';
import { parsePipeline, type ImportPipeline } from '../../../src/config/index.js';
import { mapRow, mappingFromHeaders } from '../../../src/transforms/map-row.js';

const YAML = `
job: import
location: abcdefghijABCDEFGHIJ
source: { file: x.csv }
mapping:
  firstName: { column: First, transform: [trim, title] }
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US, countryColumn: Country }
  dateOfBirth: { column: DOB, transform: date, dateFormat: MM/DD/YYYY }
  source: { value: CRM import }
customFields:
  - { key: contact.colour, column: Colour }
tags: { column: Tags, add: [migrated] }
notes:
  - { column: Note, title: "From {{First}}" }
tasks:
  - { title: "Call {{First}}", dueDate: +7d, column: FollowUp }
`;

const pipeline = parsePipeline(YAML, '/tmp/p.yaml', {}) as ImportPipeline;
const ctx = { runStartedAt: Date.UTC(2026, 0, 1) };

function row(values: Record<string, string>, record = 1) {
  return { record, line: record + 1, values: { First: '', Email: '', Phone: '', Country: '', DOB: '', Colour: '', Tags: '', Note: '', FollowUp: '', ...values } };
}

describe('mapRow', () => {
  it('maps, transforms and collects tags, notes and tasks', () => {
    const r = mapRow(
      row({ First: '  josé ', Email: 'Jose@Example.COM', Phone: '612 345 678', Country: 'ES', DOB: '04/25/1990', Colour: 'blue', Tags: 'VIP, Spain', Note: 'Line one\r\nLine two\r\n', FollowUp: 'yes' }),
      pipeline,
      pipeline.mapping!,
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      contact: {
        record: 1,
        line: 2,
        fields: {
          firstName: 'José',
          email: 'jose@example.com',
          phone: '+34612345678',
          dateOfBirth: '1990-04-25',
          source: 'CRM import',
          'cf:key:contact.colour': 'blue',
        },
        tags: ['vip', 'spain', 'migrated'],
        notes: [JSON.stringify({ title: 'From josé', body: 'Line one\nLine two' })],
        tasks: [{ title: 'Call josé', dueDate: '2026-01-08T00:00:00.000Z' }],
      },
    });
  });

  it('leaves blank cells out with blanks: keep, and skips notes and tasks without their cells', () => {
    const r = mapRow(row({ Email: 'a@example.com' }), pipeline, pipeline.mapping!, ctx);
    expect(r).toMatchObject({ ok: true, contact: { fields: { email: 'a@example.com', source: 'CRM import' }, tags: ['migrated'], notes: [], tasks: [] } });
  });

  it.each([
    [{ Email: 'not-an-email' }, 'INVALID_EMAIL', 'Email'],
    [{ Email: 'a@example.com', Phone: '4.15555E+09' }, 'PHONE_SCIENTIFIC_NOTATION', 'Phone'],
    [{ Email: 'a@example.com', DOB: '13/25/1990' }, 'INVALID_DATE', 'DOB'],
  ])('%j fails with %s in column %s', (values, code, column) => {
    const r = mapRow(row(values), pipeline, pipeline.mapping!, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatchObject({ code, column });
  });
});

describe('mapRow: dnd', () => {
  const withDnd = parsePipeline(`${YAML.replace('  source: { value: CRM import }', '  source: { value: CRM import }\n  dnd: { column: DND }')}`, '/tmp/p.yaml', {}) as ImportPipeline;
  const dndRow = (dnd: string) => ({ record: 1, line: 2, values: { ...row({ Email: 'a@example.com' }).values, DND: dnd } });

  it.each<[string, boolean]>([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    [' yes ', true],
    ['No', false],
    ['1', true],
    ['0', false],
  ])('%j is the boolean %j the platform takes (the export writes true/false)', (cell, value) => {
    expect(mapRow(dndRow(cell), withDnd, withDnd.mapping!, ctx)).toMatchObject({ ok: true, contact: { fields: { dnd: value } } });
  });

  it.each(['maybe', 'ja', '2'])('%j fails the row with INVALID_BOOLEAN in its column', (cell) => {
    expect(mapRow(dndRow(cell), withDnd, withDnd.mapping!, ctx)).toMatchObject({ ok: false, problem: { code: 'INVALID_BOOLEAN', column: 'DND' } });
  });

  it('a blank cell leaves dnd out', () => {
    const r = mapRow(dndRow(' '), withDnd, withDnd.mapping!, ctx);
    expect(r.ok && 'dnd' in r.contact.fields).toBe(false);
  });
});

describe('mappingFromHeaders', () => {
  it('maps headers that name contact fields, with email, phone and date transforms', () => {
    expect(mappingFromHeaders(['First Name', 'EMAIL', 'phone', 'date_of_birth', 'Notes'])).toEqual({
      firstName: { from: { kind: 'column', column: 'First Name' }, transforms: [{ name: 'trim' }] },
      email: { from: { kind: 'column', column: 'EMAIL' }, transforms: [{ name: 'email' }] },
      phone: { from: { kind: 'column', column: 'phone' }, transforms: [{ name: 'e164', defaultCountry: 'US' }] },
      dateOfBirth: { from: { kind: 'column', column: 'date_of_birth' }, transforms: [{ name: 'date', format: 'auto' }] },
    });
  });
});
