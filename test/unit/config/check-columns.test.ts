import { describe, expect, it } from 'vitest';
import { checkPipelineColumns, parsePipeline, PipelineConfigError, type ImportPipeline } from '../../../src/config/index.js';

const pipeline = parsePipeline(
  [
    'job: import',
    'location: loc1',
    'source: { file: c.csv }',
    'mapping:',
    '  email: Emial',
    '  phone: { column: Phone, transform: e164, countryColumn: country }',
    'notes:',
    '  - { column: Notes, template: "{{Notes}} ({{Source}})" }',
    '',
  ].join('\n'),
  'p.yaml',
  {},
) as ImportPipeline;

describe('checkPipelineColumns', () => {
  it('passes when every named column is in the header', () => {
    expect(() => checkPipelineColumns(pipeline, ['Emial', 'Phone', 'country', 'Notes', 'Source'], 'c.csv')).not.toThrow();
  });

  it('lists every setting naming a missing column, with the nearest header', () => {
    let error: PipelineConfigError | undefined;
    try {
      checkPipelineColumns(pipeline, ['Email', 'Phone', 'Country', 'Notes', 'Lead Source'], 'contacts.csv');
    } catch (err) {
      error = err as PipelineConfigError;
    }
    expect(error).toBeInstanceOf(PipelineConfigError);
    expect(error!.problems).toEqual([
      { path: 'mapping.email', message: "mapping.email: no column 'Emial' in contacts.csv (did you mean 'Email'?)" },
      { path: 'mapping.phone.countryColumn', message: "mapping.phone.countryColumn: no column 'country' in contacts.csv (did you mean 'Country'?)" },
      { path: 'notes[0].template', message: "notes[0].template: no column 'Source' in contacts.csv" },
    ]);
    expect(error!.path).toBe('mapping.email');
  });
});
