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
      { path: 'mapping.email', message: "mapping.email: no column 'Emial' in contacts.csv (did you mean 'Email'?)", line: 5, column: 10 },
      { path: 'mapping.phone.countryColumn', message: "mapping.phone.countryColumn: no column 'country' in contacts.csv (did you mean 'Country'?)", line: 6, column: 59 },
      { path: 'notes[0].template', message: "notes[0].template: no column 'Source' in contacts.csv", line: 8, column: 32 },
    ]);
    expect(error!.path).toBe('mapping.email');
  });

  // Regression: a missing column was reported by its setting's path only, the one pipeline problem without its line.
  it('reports each setting at its line and column in the pipeline file, like every other pipeline problem', () => {
    let error: PipelineConfigError | undefined;
    try {
      checkPipelineColumns(pipeline, ['Email', 'Phone', 'Country', 'Notes', 'Lead Source'], 'contacts.csv');
    } catch (err) {
      error = err as PipelineConfigError;
    }
    expect(error!.message).toBe(
      [
        'Invalid pipeline file p.yaml (3 problems):',
        "  line 5, column 10: mapping.email: no column 'Emial' in contacts.csv (did you mean 'Email'?)",
        "  line 6, column 59: mapping.phone.countryColumn: no column 'country' in contacts.csv (did you mean 'Country'?)",
        "  line 8, column 32: notes[0].template: no column 'Source' in contacts.csv",
      ].join('\n'),
    );
  });

  it.each([
    ['a shorthand', 'mapping:\n  email: Emial\n', 'mapping.email', 5, 10],
    ['a column setting', 'mapping:\n  email: { column: Emial, transform: email }\n', 'mapping.email.column', 5, 20],
    ['a quoted column', 'mapping:\n  email:\n    column: "Emial"\n', 'mapping.email.column', 6, 13],
    ['a list of columns', 'mapping:\n  email: E\n  name:\n    columns:\n      - First\n      - Lats\n', 'mapping.name.columns[1]', 9, 9],
    ['a tag column', 'mapping: { email: E }\ntags: { columns: [Tags, Segmnts] }\n', 'tags.columns[1]', 5, 25],
    ['a task due date column', 'mapping: { email: E }\ntasks:\n  - title: Call\n    dueDate: { column: Renewl }\n', 'tasks[0].dueDate.column', 7, 24],
  ])('%s: at its value', (_what, body, path, line, column) => {
    const p = parsePipeline(`job: import\nlocation: loc1\nsource: { file: c.csv }\n${body}`, 'p.yaml', {}) as ImportPipeline;
    try {
      checkPipelineColumns(p, ['E', 'First', 'Last', 'Tags', 'Segments', 'Renewal'], 'c.csv');
      expect.unreachable();
    } catch (err) {
      expect((err as PipelineConfigError).problems).toEqual([expect.objectContaining({ path, line, column })]);
    }
  });

  it('a pipeline built from flags alone has no file, so no line', () => {
    const p = parsePipeline('', 'command line', {}, { overrides: { job: 'import', location: 'loc1', source: { file: 'c.csv' } } }) as ImportPipeline;
    expect(p.columnRefs).toEqual([]);
    expect(pipeline.columnRefs.every((r) => r.at !== undefined)).toBe(true);
  });
});
