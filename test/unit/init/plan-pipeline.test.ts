import { describe, expect, it } from 'vitest';
import { parsePipeline, type ImportPipeline } from '../../../src/config/index.js';
import { customFieldKey, planPipeline, type PlanInput } from '../../../src/init/plan-pipeline.js';
import { pipelineYaml } from '../../../src/init/pipeline-yaml.js';

const SOURCE: PlanInput['source'] = { file: 'contacts.csv', encoding: 'utf-8', encodingWhy: 'detected: UTF-8', delimiter: ',', delimiterWhy: 'detected from the first lines' };

function plan(headers: string[], rows: string[][]) {
  return planPipeline({ headers, rows: rows.map((r) => Object.fromEntries(headers.map((h, i) => [h, r[i] ?? '']))), source: SOURCE });
}

const GERMAN = {
  headers: ['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'Geburtsdatum', 'Newsletter', 'Fax', 'Schlagwörter', 'Lieblingsfarbe'],
  rows: [
    ['Jürgen', 'Müller', 'juergen@example.de', '089 12345678', '25.04.1990', 'ja', '', 'kunde, vip', 'grün'],
    ['Anna', 'Meyer', 'anna@example.de', '+49 211 8765401', '03.11.1975', 'nein', '', 'kunde', 'blau'],
    ['Lea', 'Weber', 'lea@example.de', '0151 23456701', '', 'ja', '', 'interessent', ''],
  ],
};

describe('planPipeline', () => {
  it('maps a German file by its headers, reads its phones as German and its dates day first', () => {
    const p = plan(GERMAN.headers, GERMAN.rows);
    expect(p.language).toBe('German');
    expect(p.mapping.map((m) => [m.field, m.column, m.transforms, m.defaultCountry, m.dateFormat])).toEqual([
      ['firstName', 'Vorname', ['trim'], undefined, undefined],
      ['lastName', 'Nachname', ['trim'], undefined, undefined],
      ['email', 'E-Mail', ['email'], undefined, undefined],
      ['phone', 'Telefon', ['e164'], 'DE', undefined],
      ['dateOfBirth', 'Geburtsdatum', ['date'], undefined, 'DD.MM.YYYY'],
    ]);
    expect(p.mapping.find((m) => m.field === 'email')!.why).toBe('header "E-Mail" (German); 3 of 3 sample values are emails');
    expect(p.mapping.find((m) => m.field === 'dateOfBirth')!.why).toContain('2 of 2 sample values are dates (blank in 1 of 3 rows), day first');
    expect(p.customFields.map((c) => [c.key, c.column, c.dataType])).toEqual([
      ['contact.newsletter', 'Newsletter', 'TEXT'],
      ['contact.lieblingsfarbe', 'Lieblingsfarbe', 'TEXT'],
    ]);
    expect(p.tags).toEqual({ columns: [{ column: 'Schlagwörter', why: expect.stringContaining('header "Schlagwörter" (German)') }], split: ',' });
    expect(p.leftOut).toEqual([{ column: 'Fax', why: 'blank in all 3 sample rows', suggestion: 'a contact.fax custom field if later rows fill it' }]);
    expect(p.dedupKeys).toEqual(['email', 'phone']);
  });

  it('takes the emails and phones of columns whose header it does not know', () => {
    const p = plan(['Wer', 'Kontakt', 'Ruf'], [['Ann', 'ann@example.com', '+1 415 555 0134'], ['Bo', 'bo@example.com', '(415) 555-0178']]);
    expect(p.mapping.map((m) => [m.field, m.column, m.why.split(';')[0]])).toEqual([
      ['email', 'Kontakt', 'content: 2 of 2 sample values are emails'],
      ['phone', 'Ruf', 'content: 2 of 2 sample values are phone numbers: 1 with +, 1 without, read as US'],
    ]);
  });

  it("keeps a shared switchboard out of the contact's phone and takes the mobile instead", () => {
    const p = plan(
      ['First Name', 'Email', 'Phone', 'Mobile'],
      [
        ['Ann', 'ann@acme.example', '(415) 555-0100', '(415) 555-0121'],
        ['Bo', 'bo@acme.example', '(415) 555-0100', ''],
        ['Cy', 'cy@other.example', '(212) 555-0142', '(212) 555-0143'],
      ],
    );
    expect(p.mapping.find((m) => m.field === 'phone')?.column).toBe('Mobile');
    expect(p.customFields.map((c) => [c.key, c.column, c.dataType])).toEqual([['contact.phone', 'Phone', 'PHONE']]);
    expect(p.customFields[0]!.why).toContain("not the contact's phone: 2 sample rows with different emails share 1 of its numbers");
  });

  it('leaves out what the platform keeps, with the reason', () => {
    const p = plan(['id', 'email', 'dateAdded', 'dnd'], [['x1', 'a@example.com', '2026-11-27T23:40:11.236Z', 'false']]);
    expect(p.leftOut.map((l) => l.column)).toEqual(['id', 'dateAdded', 'dnd']);
    expect(p.leftOut[2]!.why).toContain('DND is set for every row at once');
  });

  it('maps a file with a header and no rows by its header, with each field\'s own transform', () => {
    const p = plan(['Email', 'Telefon', 'Geburtsdatum', 'Vorname'], []);
    expect(p.mapping.map((m) => [m.field, m.transforms, m.why])).toEqual([
      ['email', ['email'], 'header "Email" (English); no rows to look at yet'],
      ['phone', ['e164'], 'header "Telefon" (German); no rows to look at yet'],
      ['dateOfBirth', ['date'], 'header "Geburtsdatum" (German); no rows to look at yet'],
      ['firstName', ['trim'], 'header "Vorname" (German); no rows to look at yet'],
    ]);
    expect(p.mapping[1]!.defaultCountry).toBe('DE');
    expect(p.leftOut).toEqual([]);
  });

  it.each([
    ['Job Title', 'contact.job_title'],
    ['Straße & Nr.', 'contact.strasse_nr'],
    ['Préférence', 'contact.preference'],
    ['Follow_Up_Date__c', 'contact.follow_up_date_c'],
    ['!!!', 'contact.field'],
  ])('%s is keyed %s', (header, key) => {
    expect(customFieldKey(header, new Set())).toBe(key);
  });

  it('keys a second column of the same name apart', () => {
    const taken = new Set<string>();
    expect([customFieldKey('Notiz', taken), customFieldKey('notiz', taken)]).toEqual(['contact.notiz', 'contact.notiz_2']);
  });
});

describe('pipelineYaml', () => {
  it('writes a pipeline the loader reads as planned, with the reasons as comments and the next command', () => {
    const p = plan(GERMAN.headers, GERMAN.rows);
    const text = pipelineYaml(p, { pipelineFile: 'kunden.pipeline.yaml', csvFile: 'kunden.csv' });
    expect(text).toContain('#   npx hoop-etl import --pipeline kunden.pipeline.yaml --location <id> --dry-run');
    expect(text).toContain('  # header "E-Mail" (German); 3 of 3 sample values are emails\n  email:\n    column: E-Mail\n    transform: email\n');
    expect(text).toContain('  # "Fax": blank in all 3 sample rows; a contact.fax custom field if later rows fill it\n');
    const loaded = parsePipeline(text, '/data/kunden.pipeline.yaml', {}, { overrides: { location: 'loc' } }) as ImportPipeline;
    expect(loaded.source).toEqual({ file: '/data/contacts.csv', encoding: 'utf-8', delimiter: ',' });
    expect(loaded.createMissingFields).toBe(true);
    expect(loaded.ignoreColumns).toEqual(['Fax']);
    expect(loaded.mapping?.phone).toEqual({ from: { kind: 'column', column: 'Telefon' }, transforms: [{ name: 'e164', defaultCountry: 'DE' }] });
    expect(loaded.customFields.map((c) => [c.target, c.declaredType])).toEqual([
      [{ key: 'contact.newsletter' }, 'TEXT'],
      [{ key: 'contact.lieblingsfarbe' }, 'TEXT'],
    ]);
    expect(loaded.tags).toMatchObject({ columns: ['Schlagwörter'], split: ',' });
  });

  it('quotes headers YAML would misread', () => {
    const p = plan(['Email', 'Notes: internal', '#tag'], [['a@example.com', 'x', 'y']]);
    const loaded = parsePipeline(pipelineYaml(p, { pipelineFile: 'p.yaml', csvFile: 'c.csv' }), '/d/p.yaml', {}, { overrides: { location: 'loc' } }) as ImportPipeline;
    expect(loaded.columnRefs.map((r) => r.column).sort()).toEqual(['#tag', 'Email', 'Notes: internal']);
  });
});
