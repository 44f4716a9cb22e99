import { describe, expect, it } from 'vitest';
import { parsePipeline, type Pipeline } from '../../../src/config/index.js';

const env = { HOOPAI_LOCATION: 'locEnv', REPORTS: 'runs' };

/** The import defaults, for cases that change a few settings. */
const IMPORT = {
  job: 'import',
  pipelineFile: 'p.yaml',
  location: 'loc1',
  reportDir: 'hoop-etl-runs',
  source: { file: 'c.csv', encoding: 'auto', delimiter: 'auto' },
  mode: 'upsert',
  customFields: [],
  customFieldsByHeader: false,
  createMissingFields: false,
  strictColumns: false,
  ignoreColumns: [],
  tags: { columns: [], split: ',', add: [] },
  notes: [],
  tasks: [],
  blanks: 'keep',
  dedup: { inFile: true, keys: ['email', 'phone'], policy: 'first' },
  collisions: 'fail',
} as const;
const HEAD = 'job: import\nlocation: loc1\nsource: { file: c.csv }\n';

const CASES: Array<[string, string, Pipeline]> = [
  [
    'the smallest import: defaults everywhere, shorthand column',
    `${HEAD}mapping:\n  email: Email\n`,
    { ...IMPORT, mapping: { email: { from: { kind: 'column', column: 'Email' }, transforms: [] } }, columnRefs: [{ path: 'mapping.email', column: 'Email', at: { line: 5, column: 10 } }] },
  ],
  [
    'createMissingFields with a declared data type, strictColumns and ignoreColumns',
    `${HEAD}mapping:\n  email: Email\ncustomFields:\n  - { key: contact.score, column: Score, dataType: NUMERICAL }\ncreateMissingFields: true\nstrictColumns: true\nignoreColumns: [Owner]\n`,
    {
      ...IMPORT,
      mapping: { email: { from: { kind: 'column', column: 'Email' }, transforms: [] } },
      customFields: [{ target: { key: 'contact.score' }, from: { kind: 'column', column: 'Score' }, transforms: [], declaredType: 'NUMERICAL' }],
      createMissingFields: true,
      strictColumns: true,
      ignoreColumns: ['Owner'],
      columnRefs: [
        { path: 'mapping.email', column: 'Email', at: { line: 5, column: 10 } },
        { path: 'customFields[0].column', column: 'Score', at: { line: 7, column: 35 } },
      ],
    },
  ],
  [
    'an import without a mapping (the importer maps headers that name fields)',
    'job: import\nlocation: loc1\nsource: { file: c.csv }\n',
    { ...IMPORT, columnRefs: [] },
  ],
  [
    'field specs: columns joined, constants, transforms with their options',
    [
      HEAD,
      'mapping:',
      '  name: { columns: [First, Last] }',
      '  email: { column: Mail, transform: email }',
      '  phone: { column: Tel, transform: [trim, e164], defaultCountry: gb, countryColumn: Country }',
      '  dateOfBirth: { column: DOB, transform: date }',
      '  source: { value: "CRM import" }',
      '  dnd: { value: true }',
      '',
    ].join('\n'),
    {
      ...IMPORT,
      mapping: {
        name: { from: { kind: 'columns', columns: ['First', 'Last'], join: ' ' }, transforms: [] },
        email: { from: { kind: 'column', column: 'Mail' }, transforms: [{ name: 'email' }] },
        phone: { from: { kind: 'column', column: 'Tel' }, transforms: [{ name: 'trim' }, { name: 'e164', defaultCountry: 'GB', countryColumn: 'Country' }] },
        dateOfBirth: { from: { kind: 'column', column: 'DOB' }, transforms: [{ name: 'date', format: 'auto' }] },
        source: { from: { kind: 'value', value: 'CRM import' }, transforms: [] },
        dnd: { from: { kind: 'value', value: true }, transforms: [] },
      },
      columnRefs: [
        { path: 'mapping.name.columns[0]', column: 'First', at: { line: 6, column: 21 } },
        { path: 'mapping.name.columns[1]', column: 'Last', at: { line: 6, column: 28 } },
        { path: 'mapping.email.column', column: 'Mail', at: { line: 7, column: 20 } },
        { path: 'mapping.phone.column', column: 'Tel', at: { line: 8, column: 20 } },
        { path: 'mapping.phone.countryColumn', column: 'Country', at: { line: 8, column: 85 } },
        { path: 'mapping.dateOfBirth.column', column: 'DOB', at: { line: 9, column: 26 } },
      ],
    },
  ],
  [
    'custom fields, tags, notes, tasks, followers, workflow, campaign, business',
    [
      HEAD,
      'mapping: { phone: { column: Tel, transform: e164, countryColumn: Country } }',
      'customFields:',
      '  - { key: contact.colour, column: Colour, transform: [trim, lower] }',
      '  - { name: Score, value: 10 }',
      '  - { name: Interests, value: [golf, chess] }',
      'tags: { columns: [Tags, Segments], split: ";", add: [migrated] }',
      'notes:',
      '  - { column: Notes }',
      '  - { columns: [A, B], title: "From {{ Source }}", template: "{{A}} / {{B}}" }',
      'tasks:',
      '  - { title: "Call {{Name}}", dueDate: +3d }',
      '  - { title: Renew, body: Contract, column: Renewal, dueDate: { column: Renewal, dateFormat: DD/MM/YYYY } }',
      '  - { title: Kick-off, dueDate: { value: "2025-03-01T09:00:00Z" } }',
      'followers: [user1, user2]',
      'workflow: wf1',
      'campaign: cp1',
      'business: { column: Business }',
      '',
    ].join('\n'),
    {
      ...IMPORT,
      mapping: { phone: { from: { kind: 'column', column: 'Tel' }, transforms: [{ name: 'e164', countryColumn: 'Country' }] } },
      customFields: [
        { target: { key: 'contact.colour' }, from: { kind: 'column', column: 'Colour' }, transforms: [{ name: 'trim' }, { name: 'lower' }] },
        { target: { name: 'Score' }, from: { kind: 'value', value: 10 }, transforms: [] },
        { target: { name: 'Interests' }, from: { kind: 'value', value: ['golf', 'chess'] }, transforms: [] },
      ],
      tags: { columns: ['Tags', 'Segments'], split: ';', add: ['migrated'] },
      notes: [{ columns: ['Notes'] }, { columns: ['A', 'B'], title: 'From {{ Source }}', template: '{{A}} / {{B}}' }],
      tasks: [
        { title: 'Call {{Name}}', dueDate: { kind: 'offset', days: 3 } },
        { title: 'Renew', body: 'Contract', column: 'Renewal', dueDate: { kind: 'column', column: 'Renewal', format: 'DD/MM/YYYY' } },
        { title: 'Kick-off', dueDate: { kind: 'value', value: '2025-03-01T09:00:00Z' } },
      ],
      followers: { kind: 'value', userIds: ['user1', 'user2'] },
      workflow: 'wf1',
      campaign: 'cp1',
      business: { kind: 'column', column: 'Business' },
      columnRefs: [
        { path: 'mapping.phone.column', column: 'Tel', at: { line: 5, column: 29 } },
        { path: 'mapping.phone.countryColumn', column: 'Country', at: { line: 5, column: 66 } },
        { path: 'customFields[0].column', column: 'Colour', at: { line: 7, column: 36 } },
        { path: 'tags.columns[0]', column: 'Tags', at: { line: 10, column: 19 } },
        { path: 'tags.columns[1]', column: 'Segments', at: { line: 10, column: 25 } },
        { path: 'notes[0].column', column: 'Notes', at: { line: 12, column: 15 } },
        { path: 'notes[1].columns[0]', column: 'A', at: { line: 13, column: 17 } },
        { path: 'notes[1].columns[1]', column: 'B', at: { line: 13, column: 20 } },
        { path: 'notes[1].title', column: 'Source', at: { line: 13, column: 31 } },
        { path: 'notes[1].template', column: 'A', at: { line: 13, column: 62 } },
        { path: 'notes[1].template', column: 'B', at: { line: 13, column: 62 } },
        { path: 'tasks[0].title', column: 'Name', at: { line: 15, column: 14 } },
        { path: 'tasks[1].column', column: 'Renewal', at: { line: 16, column: 45 } },
        { path: 'tasks[1].dueDate.column', column: 'Renewal', at: { line: 16, column: 73 } },
        { path: 'business.column', column: 'Business', at: { line: 21, column: 21 } },
      ],
    },
  ],
  [
    'every other import setting, and tab as the delimiter',
    [
      'job: import',
      'location: loc1',
      'source: { file: /data/c.tsv, encoding: windows-1252, delimiter: tab }',
      'mode: update',
      'mapping: { email: E }',
      'tags: { column: Labels }',
      'followers: { column: Owners }',
      'business: 641c094001436dbc2081e642',
      'blanks: clear',
      'dedup: { inFile: false, keys: [phone], policy: fillBlanks }',
      'collisions: write',
      'maxErrors: 0',
      'reportDir: out/runs',
      '',
    ].join('\n'),
    {
      ...IMPORT,
      source: { file: '/data/c.tsv', encoding: 'windows-1252', delimiter: '\t' },
      mode: 'update',
      mapping: { email: { from: { kind: 'column', column: 'E' }, transforms: [] } },
      tags: { columns: ['Labels'], split: ',', add: [] },
      followers: { kind: 'column', column: 'Owners', split: ',' },
      business: { kind: 'value', businessId: '641c094001436dbc2081e642' },
      blanks: 'clear',
      dedup: { inFile: false, keys: ['phone'], policy: 'fillBlanks' },
      collisions: 'write',
      maxErrors: 0,
      reportDir: 'out/runs',
      columnRefs: [
        { path: 'mapping.email', column: 'E', at: { line: 5, column: 19 } },
        { path: 'tags.column', column: 'Labels', at: { line: 6, column: 17 } },
        { path: 'followers.column', column: 'Owners', at: { line: 7, column: 22 } },
      ],
    },
  ],
  [
    'environment variables, fallbacks and the $${ escape',
    [
      'job: import',
      'location: ${HOOPAI_LOCATION}',
      'source: { file: "${DATA_DIR:-data}/c.csv" }',
      'mapping: { email: E }',
      'tags: { add: ["cost-$$5", "literal-$${HOOPAI_LOCATION}", "loc-${HOOPAI_LOCATION}"] }',
      'reportDir: ${REPORTS}',
      '',
    ].join('\n'),
    {
      ...IMPORT,
      location: 'locEnv',
      source: { file: 'data/c.csv', encoding: 'auto', delimiter: 'auto' },
      mapping: { email: { from: { kind: 'column', column: 'E' }, transforms: [] } },
      tags: { columns: [], split: ',', add: ['cost-$$5', 'literal-${HOOPAI_LOCATION}', 'loc-locEnv'] },
      reportDir: 'runs',
      columnRefs: [{ path: 'mapping.email', column: 'E', at: { line: 4, column: 19 } }],
    },
  ],
  [
    'an export with defaults',
    'job: export\nlocation: loc1\nexport: { out: "-" }\n',
    {
      job: 'export',
      pipelineFile: 'p.yaml',
      location: 'loc1',
      locations: ['loc1'],
      reportDir: 'hoop-etl-runs',
      export: { out: '-', filter: [], overlapMs: 300_000, extras: [], pageLimit: 500, gzip: false, bom: false, escapeFormulas: true },
    },
  ],
  [
    'an export of several locations with a duration in seconds',
    'job: export\nlocations: [locA, locB]\nexport: { out: "x-{location}.csv", overlap: 90, since: "2026-11-01" }\n',
    {
      job: 'export',
      pipelineFile: 'p.yaml',
      location: 'locA',
      locations: ['locA', 'locB'],
      reportDir: 'hoop-etl-runs',
      export: { out: 'x-{location}.csv', filter: [], since: '2026-11-01', overlapMs: 90_000, extras: [], pageLimit: 500, gzip: false, bom: false, escapeFormulas: true },
    },
  ],
  [
    'an export with every setting',
    [
      'job: export',
      'location: loc1',
      'export:',
      '  out: contacts.csv.gz',
      '  columns: [email, { field: contact.colour, header: Colour }, { field: phone }]',
      '  filter:',
      '    - { field: dateUpdated, operator: range, value: { gte: "2025-01-01" } }',
      '    - { group: OR, filters: [{ field: tags, operator: eq, value: vip }, { field: email, operator: not_exists }] }',
      '  state: state.json',
      '  overlap: 2m',
      '  extras: [notes, tasks]',
      '  pageLimit: 100',
      '  gzip: true',
      '  bom: true',
      '  escapeFormulas: false',
      '',
    ].join('\n'),
    {
      job: 'export',
      pipelineFile: 'p.yaml',
      location: 'loc1',
      locations: ['loc1'],
      reportDir: 'hoop-etl-runs',
      export: {
        out: 'contacts.csv.gz',
        columns: [{ field: 'email' }, { field: 'contact.colour', header: 'Colour' }, { field: 'phone' }],
        filter: [
          { field: 'dateUpdated', operator: 'range', value: { gte: '2025-01-01' } },
          { group: 'OR', filters: [{ field: 'tags', operator: 'eq', value: 'vip' }, { field: 'email', operator: 'not_exists' }] },
        ],
        state: 'state.json',
        overlapMs: 120_000,
        extras: ['notes', 'tasks'],
        pageLimit: 100,
        gzip: true,
        bom: true,
        escapeFormulas: false,
      },
    },
  ],
  [
    'a dedup job with defaults',
    'job: dedup\nlocation: loc1\n',
    { job: 'dedup', pipelineFile: 'p.yaml', location: 'loc1', reportDir: 'hoop-etl-runs', dedup: { threshold: 0.9, survivor: 'oldest' } },
  ],
  [
    'a dedup job with its settings',
    'job: dedup\nlocation: loc1\ndedup: { threshold: 0.75, survivor: mostRecentActivity }\n',
    { job: 'dedup', pipelineFile: 'p.yaml', location: 'loc1', reportDir: 'hoop-etl-runs', dedup: { threshold: 0.75, survivor: 'mostRecentActivity' } },
  ],
];

describe('parsePipeline: valid files', () => {
  it.each(CASES)('%s', (_what, text, expected) => {
    expect(parsePipeline(text, 'p.yaml', env)).toEqual(expected);
  });
});

describe('parsePipeline: paths and overrides', () => {
  const file = 'job: import\nlocation: ${HOOPAI_LOCATION}\nsource: { file: in/c.csv }\nmapping: { email: E }\nreportDir: runs\n';

  // Issue 14 (7): outputs used to be joined to the pipeline's folder too, so shipped pipelines wrote into pipelines/.
  it("joins the source file to the pipeline file's folder, and leaves outputs relative to the working directory", () => {
    const p = parsePipeline(file, 'pipelines/migrate.yaml', env);
    expect(p.job === 'import' && p.source.file).toBe('pipelines/in/c.csv');
    expect(p.reportDir).toBe('runs');
    const withBase = parsePipeline(file, 'migrate.yaml', env, { baseDir: '/srv/etl' });
    expect(withBase.job === 'import' && withBase.source.file).toBe('/srv/etl/in/c.csv');
    expect(withBase.reportDir).toBe('runs');
    const exp = parsePipeline('job: export\nlocation: l\nexport: { out: out/c.csv, state: s/state.json }\n', 'pipelines/x.yaml', env);
    expect(exp.job === 'export' && [exp.export.out, exp.export.state]).toEqual(['out/c.csv', 's/state.json']);
  });

  it('takes overrides as given: checked like the file, paths not rewritten, undefined ignored', () => {
    const p = parsePipeline(file, 'pipelines/migrate.yaml', {}, {
      overrides: { location: 'locFlag', source: { file: 'other.csv' }, mode: 'create', reportDir: undefined, maxErrors: 5 },
    });
    expect(p).toMatchObject({ location: 'locFlag', source: { file: 'other.csv', encoding: 'auto' }, mode: 'create', reportDir: 'runs', maxErrors: 5 });
  });

  it('builds a pipeline from overrides alone (a command run without --pipeline)', () => {
    const p = parsePipeline('', '(command line)', {}, { overrides: { job: 'export', location: 'loc1', export: { out: 'x.csv', gzip: true } } });
    expect(p).toEqual({
      job: 'export',
      pipelineFile: '(command line)',
      location: 'loc1',
      locations: ['loc1'],
      reportDir: 'hoop-etl-runs',
      export: { out: 'x.csv', filter: [], overlapMs: 300_000, extras: [], pageLimit: 500, gzip: true, bom: false, escapeFormulas: true },
    });
  });

  it('--location replaces the file\'s locations list', () => {
    const text = 'job: export\nlocations: [a, b]\nexport: { out: x.csv }\n';
    const p = parsePipeline(text, 'p.yaml', {}, { overrides: { locations: ['c', 'd', 'e'] } });
    expect(p.job === 'export' && p.locations).toEqual(['c', 'd', 'e']);
    const one = parsePipeline(text, 'p.yaml', {}, { overrides: { location: 'z' } });
    expect(one.job === 'export' && one.locations).toEqual(['z']);
  });
});
