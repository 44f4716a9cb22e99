import { describe, expect, it } from 'vitest';
import { parsePipeline, PipelineConfigError, type ConfigProblem } from '../../../src/config/index.js';
import { ConfigError, EXIT } from '../../../src/core/errors.js';

const env = { HOOPAI_LOCATION: 'loc1' };
const HEAD = 'job: import\nlocation: loc1\nsource: { file: c.csv }\n';

function problemsOf(text: string, environment: Record<string, string | undefined> = env): ConfigProblem[] {
  try {
    parsePipeline(text, 'p.yaml', environment);
  } catch (err) {
    if (err instanceof PipelineConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected the pipeline to be rejected');
}

/** [what, file text, problems as "line:column message" (or the bare message when it has no position)]. */
const CASES: Array<[string, string, string[]]> = [
  // unknown keys, at several depths, with and without a near name
  ['unknown top-level key', `${HEAD}mapping: { email: Email }\nmaxErrrors: 5\n`, ["5:1 Unknown setting 'maxErrrors' (did you mean 'maxErrors'?)"]],
  ['unknown key far from every name', `${HEAD}mapping: { email: Email }\nfoo: 1\n`, ["5:1 Unknown setting 'foo'"]],
  ['unknown mapping field', `${HEAD}mapping:\n  emial: Email\n`, ["5:3 Unknown setting 'mapping.emial' (did you mean 'email'?)"]],
  ['field name in the wrong case', `${HEAD}mapping:\n  email: Email\n  FirstName: First\n`, ["6:3 Unknown setting 'mapping.FirstName' (did you mean 'firstName'?)"]],
  [
    'mapping written column -> field',
    `${HEAD}mapping:\n  email: Email\n  First Name: firstName\n`,
    ["6:3 Unknown setting 'mapping[\"First Name\"]' (mapping goes from contact field to column: write 'firstName: First Name')"],
  ],
  ['unknown key in a field spec', `${HEAD}mapping:\n  email: { column: Email, transfrom: trim }\n`, ["5:27 Unknown setting 'mapping.email.transfrom' (did you mean 'transform'?)"]],
  ['unknown key in a list item', `${HEAD}mapping: { email: E }\ncustomFields:\n  - { key: k, colum: C }\n`, ["6:15 Unknown setting 'customFields[0].colum' (did you mean 'column'?)"]],
  ['unknown key in source', `${HEAD.replace('{ file: c.csv }', '{ file: c.csv, delimeter: ";" }')}mapping: { email: E }\n`, ["3:24 Unknown setting 'source.delimeter' (did you mean 'delimiter'?)"]],
  ['dedup job setting in an import', `${HEAD}mapping: { email: E }\ndedup: { threshold: 0.8 }\n`, ["5:10 Unknown setting 'dedup.threshold' (it is a setting of dedup jobs)"]],
  ['import dedup setting in a dedup job', 'job: dedup\nlocation: l\ndedup: { policy: first }\n', ["3:10 Unknown setting 'dedup.policy' (it is a setting of import jobs)"]],

  // enums: the allowed values, and the nearest one
  ['wrong job', 'job: imprt\nlocation: l\n', ["1:6 job: expected one of import, export, dedup, got 'imprt' (did you mean 'import'?)"]],
  [
    'wrong transform in a list',
    `${HEAD}mapping:\n  email: { column: E, transform: [trim, phone] }\n`,
    ["5:41 mapping.email.transform[1]: expected one of trim, lower, upper, title, e164, email, date, got 'phone'"],
  ],
  [
    'wrong single transform',
    `${HEAD}mapping:\n  email: E\n  phone: { column: P, transform: phone }\n`,
    ["6:34 mapping.phone.transform: expected one of trim, lower, upper, title, e164, email, date, got 'phone'"],
  ],
  ['wrong mode', `${HEAD}mapping: { email: E }\nmode: upsrt\n`, ["5:7 mode: expected one of upsert, create, update, got 'upsrt' (did you mean 'upsert'?)"]],
  ['wrong delimiter', `${HEAD.replace('{ file: c.csv }', '{ file: c.csv, delimiter: ":" }')}mapping: { email: E }\n`, ["3:35 source.delimiter: expected one of auto, ',', ';', tab, '\\t', '|', got ':'"]],
  ['wrong dedup key', `${HEAD}mapping: { email: E }\ndedup: { keys: [email, name] }\n`, ["5:24 dedup.keys[1]: expected one of email, phone, got 'name'"]],

  // types
  ['number where a string is expected', 'job: dedup\nlocation: 12345\n', ['2:11 location: expected a string, got 12345']],
  ['string where a number is expected', `${HEAD}mapping: { email: E }\nmaxErrors: ten\n`, ["5:12 maxErrors: expected a whole number, got 'ten'"]],
  ['list where a field spec is expected', `${HEAD}mapping:\n  email: [Email, Mail]\n`, ['5:10 mapping.email: expected a column name or a section with column, columns or value, got a list']],
  ['empty field spec', `${HEAD}mapping:\n  email: E\n  phone:\n`, ['6:3 mapping.phone: expected a column name or a section with column, columns or value, got nothing']],
  ['boolean where a list of tags is expected', `${HEAD}mapping: { email: E }\ntags: { add: true }\n`, ['5:14 tags.add: expected a list, got true']],
  ['transform of the wrong type', `${HEAD}mapping:\n  email: { column: E, transform: 3 }\n`, ['5:34 mapping.email.transform: expected a transform name or a list of them, got 3']],
  ['mapping as a list', `${HEAD}mapping: [email]\n`, ['4:10 mapping: expected a section of contact fields (firstName: First Name), got a list']],
  ['a list at the top', '- job: import\n', ['1:1 The pipeline file must be a section of settings (key: value lines), got a list']],
  ['an empty file', '# nothing here\n', ['The pipeline file is empty']],
  ['negative maxErrors', `${HEAD}mapping: { email: E }\nmaxErrors: -1\n`, ['5:12 maxErrors: expected a whole number >= 0, got -1']],
  ['threshold above 1', 'job: dedup\nlocation: l\ndedup: { threshold: 90 }\n', ['3:21 dedup.threshold: expected a number <= 1, got 90']],
  ['empty string', `${HEAD}mapping: { email: "" }\n`, ['4:19 mapping.email: must not be empty']],
  ['repeated dedup key', `${HEAD}mapping: { email: E }\ndedup: { keys: [email, email] }\n`, ["5:16 dedup.keys: lists 'email' twice"]],

  // missing settings
  ['missing job', 'location: l\n', ["Missing required setting 'job' (one of import, export, dedup)"]],
  ['missing location and source', 'job: import\nmapping: { email: E }\n', ["Missing required setting 'location'", "Missing required setting 'source'"]],
  ['missing source.file', 'job: import\nlocation: l\nsource: { encoding: auto }\nmapping: { email: E }\n', ["3:1 Missing required setting 'source.file'"]],
  ['missing task dueDate', `${HEAD}mapping: { email: E }\ntasks:\n  - title: Call\n`, ["6:5 Missing required setting 'tasks[0].dueDate'"]],
  ['missing export section', 'job: export\nlocation: l\n', ["Missing required setting 'export'"]],

  // rules between settings
  ['both column and value', `${HEAD}mapping:\n  email: E\n  source: { column: S, value: web }\n`, ['6:11 mapping.source: give only one of column, columns or value (found column and value)']],
  ['no column, columns or value', `${HEAD}mapping:\n  email: { transform: trim }\n`, ['5:10 mapping.email: give one of column, columns or value']],
  ['join without columns', `${HEAD}mapping:\n  email: { column: E, join: "," }\n`, ['5:29 mapping.email.join: only used with columns']],
  ['e164 without a country', `${HEAD}mapping:\n  phone: { column: P, transform: [trim, e164] }\n`, ['5:41 mapping.phone.transform[1]: e164 needs defaultCountry or countryColumn (e.g. defaultCountry: US)']],
  ['country without e164', `${HEAD}mapping:\n  phone: { column: P, defaultCountry: US }\n`, ['5:39 mapping.phone.defaultCountry: only used by the e164 transform']],
  ['UK is not a country code', `${HEAD}mapping:\n  phone: { column: P, transform: e164, defaultCountry: UK }\n`, ["5:56 mapping.phone.defaultCountry: expected an ISO 3166 country code such as US, got 'UK' (did you mean 'GB'?)"]],
  ['three-letter country code', `${HEAD}mapping:\n  phone: { column: P, transform: e164, defaultCountry: USA }\n`, ["5:56 mapping.phone.defaultCountry: expected a two-letter country code such as US, got 'USA'"]],
  [
    'date format in lower case',
    `${HEAD}mapping:\n  email: E\n  dateOfBirth: { column: D, transform: date, dateFormat: mm/dd/yyyy }\n`,
    ["6:58 mapping.dateOfBirth.dateFormat: expected auto or a pattern such as MM/DD/YYYY, DD/MM/YYYY or YYYY-MM-DD, got 'mm/dd/yyyy' (did you mean 'MM/DD/YYYY'?)"],
  ],
  [
    'date format without a day',
    `${HEAD}mapping:\n  email: E\n  dateOfBirth: { column: D, transform: date, dateFormat: MM/YYYY }\n`,
    ["6:58 mapping.dateOfBirth.dateFormat: 'MM/YYYY' needs a year (YYYY or YY), a month (MM or M) and a day (DD or D), once each"],
  ],
  ['dateFormat without date', `${HEAD}mapping:\n  email: E\n  dateOfBirth: { column: D, dateFormat: MM/DD/YYYY }\n`, ['6:41 mapping.dateOfBirth.dateFormat: only used by the date transform']],
  ['number constant for a text field', `${HEAD}mapping:\n  email: E\n  postalCode: { value: 02134 }\n`, ['6:24 mapping.postalCode.value: expected a string, got 2134 (put it in quotes to keep it as written)']],
  ['text constant for dnd', `${HEAD}mapping:\n  email: E\n  dnd: { value: "yes" }\n`, ["6:17 mapping.dnd.value: expected true or false, got 'yes'"]],
  ['upsert without email or phone', `${HEAD}mapping:\n  firstName: First\n`, ['4:1 mapping: an upsert finds contacts by email or phone; map at least one of them']],
  ['custom field with neither key nor name', `${HEAD}mapping: { email: E }\ncustomFields:\n  - { column: Colour }\n`, ['6:5 customFields[0]: give key or name (which custom field to fill)']],
  ['custom field with key and name', `${HEAD}mapping: { email: E }\ncustomFields:\n  - { key: k, name: K, column: C }\n`, ['6:5 customFields[0]: give key or name, not both']],
  [
    'custom field filled twice',
    `${HEAD}mapping: { email: E }\ncustomFields:\n  - { key: contact.colour, column: A }\n  - { key: colour, column: B }\n`,
    ["7:12 customFields[1].key: 'colour' is already filled by customFields[0]"],
  ],
  ['tags with nothing to add', `${HEAD}mapping: { email: E }\ntags: { split: ";" }\n`, ['5:7 tags: give column, columns or add']],
  ['note with column and columns', `${HEAD}mapping: { email: E }\nnotes:\n  - { column: A, columns: [B] }\n`, ['6:5 notes[0]: give only one of column or columns (found column and columns)']],
  ['unclosed placeholder', `${HEAD}mapping: { email: E }\nnotes:\n  - { column: A, template: "From {{Source" }\n`, ["6:28 notes[0].template: a '{{' is not closed by '}}'"]],
  ['impossible due date', `${HEAD}mapping: { email: E }\ntasks:\n  - { title: T, dueDate: 2025-02-30 }\n`, ["6:26 tasks[0].dueDate: '2025-02-30' is not a valid date"]],
  ['due date in words', `${HEAD}mapping: { email: E }\ntasks:\n  - { title: T, dueDate: next week }\n`, ["6:26 tasks[0].dueDate: expected a date, +Nd, or a section with column or value, got 'next week'"]],
  ['import setting in an export job', 'job: export\nlocation: l\nmode: create\nexport: { out: x.csv }\n', ["3:1 Setting 'mode' applies to import jobs only (this is an export job)"]],
  [
    'import sections in an export job are not checked further',
    'job: export\nlocation: l\nexport: { out: x.csv }\nmapping:\n  phone: { column: P, transform: e164 }\n',
    ["4:1 Setting 'mapping' applies to import jobs only (this is an export job)"],
  ],
  ['export section in a dedup job', 'job: dedup\nlocation: l\nexport: { out: x.csv }\n', ["3:1 Setting 'export' applies to export jobs only (this is a dedup job)"]],
  ['filter operator', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: tags, operator: equals, value: a }]\n', ["5:37 export.filter[0].operator: expected one of eq, not_eq, contains, not_contains, exists, not_exists, range, nested, got 'equals'"]],
  ['filter on an unknown field', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: contact_name, operator: eq, value: a }]\n', ["5:21 export.filter[0].field: unknown field 'contact_name' (did you mean 'contactName'?); the search filters id, address, assignedTo, businessName, city, country, companyName, dateAdded, dateUpdated, dnd, email, followers, validEmail, lastAppointment, firstNameLowerCase, lastNameLowerCase, isValidWhatsapp, lastEmailClickedDate, lastEmailOpenedDate, phone, postalCode, source, state, tags, timezone, type, website, activeWorkflows, finishedWorkflows, contactName, dateOfBirth, opportunities, dndSettings.<Channel>.status and customFields.<id, key or name>"]],
  ['filter on firstName', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: firstName, operator: eq, value: a }]\n', [expect.stringMatching(/^5:21 export\.filter\[0\]\.field: unknown field 'firstName' \(did you mean 'firstNameLowerCase'\?|the search filters firstNameLowerCase\)/)]],
  ['operator the field does not take', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: email, operator: contains, value: a }]\n', ["5:38 export.filter[0].operator: 'email' takes eq, not_eq, exists, not_exists, not contains"]],
  ['range bound that is no date', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: dateAdded, operator: range, value: { gte: yesterday } }]\n', ["5:63 export.filter[0].value.gte: expected a number, an ISO 8601 date such as 2026-11-01, or a date relative to the run (now-7d, startOfMonth), got 'yesterday'"]],
  ['unknown range bound', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: dateAdded, operator: range, value: { gte: 1, from: 2 } }]\n', ["5:72 export.filter[0].value.from: a range takes gt, gte, lt and lte only"]],
  ['unknown nested opportunity field', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: opportunities, operator: nested, filters: [{ field: stage, operator: eq, value: a }] }]\n', ["5:73 export.filter[0].filters[0].field: unknown field 'stage' in an opportunities filter; allowed: pipelineId, pipelineStageId, status"]],
  ['unknown dnd channel', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: dndSettings.Fax.status, operator: eq, value: active }]\n', ["5:21 export.filter[0].field: unknown channel in 'dndSettings.Fax.status'; allowed: Call, Email, SMS, WhatsApp, GMB, FB, RCS"]],
  ['location and locations', 'job: export\nlocation: l\nlocations: [a, b]\nexport: { out: x.csv }\n', ["3:1 locations: give location or locations, not both"]],
  ['no location at all', 'job: export\nexport: { out: x.csv }\n', ["Missing required setting 'location'"]],
  ['locations in an import', `${HEAD}mapping: { email: E }\nlocations: [a]\n`, ["5:1 Setting 'locations' applies to export and dedup jobs only (this is an import job)"]],
  ['since with state', 'job: export\nlocation: l\nexport: { out: x.csv, state: s.json, since: "2026-01-01" }\n', ["3:38 export.since: give since or state, not both (state keeps its own watermark)"]],
  ['since that is no date', 'job: export\nlocation: l\nexport: { out: x.csv, since: last week }\n', ["3:30 export.since: 'last week' is not an ISO 8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)"]],
  ['overlap that is no duration', 'job: export\nlocation: l\nexport: { out: x.csv, overlap: 5 minutes }\n', [expect.stringMatching(/^3:32 export\.overlap: .*a duration such as 90s, 5m or 1h, or a number of seconds/)]],
  ['unknown extra', 'job: export\nlocation: l\nexport: { out: x.csv, extras: [notes, calls] }\n', [expect.stringMatching(/^3:39 export\.extras\[1\]: expected one of notes, tasks, got 'calls'/)]],
  ['pageLimit above the platform cap', 'job: export\nlocation: l\nexport: { out: x.csv, pageLimit: 1000 }\n', [expect.stringMatching(/^3:34 export\.pageLimit: .*500/)]],
  ['gzip to stdout', 'job: export\nlocation: l\nexport: { out: "-", gzip: true }\n', ["3:27 export.gzip: not with out: - (pipe stdout through gzip instead)"]],
  ['filter without a value', 'job: export\nlocation: l\nexport:\n  out: x.csv\n  filter: [{ field: tags, operator: eq }]\n', ["5:12 Missing required setting 'export.filter[0].value'"]],

  // environment variables
  ['unset variable', 'job: dedup\nlocation: ${HOOPAI_LOCATION}\n', ['2:11 location: environment variable HOOPAI_LOCATION is not set']],
  ['two unset variables', 'job: dedup\nlocation: ${A}-${B}\n', ['2:11 location: environment variables A and B are not set']],
  ['unclosed variable', 'job: dedup\nlocation: ${HOOPAI_LOCATION\n', ["2:11 location: a '${' is not closed by '}' (write $${ for a literal ${)"]],
  ['unset variable in a checked setting: one problem', `${HEAD}mapping:\n  phone: { column: P, transform: e164, defaultCountry: "\${COUNTRY}" }\n`, ['5:56 mapping.phone.defaultCountry: environment variable COUNTRY is not set']],
  ['bad variable name', 'job: dedup\nlocation: ${1LOC}\n', ["2:11 location: '${1LOC}' is not a variable reference: names are letters, digits and _ (write $${ for a literal ${)"]],

  // YAML syntax
  ['unclosed flow list', 'job: import\nmapping: { email: [a }\n', [
      '2:22 YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '2:23 YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    ]],
  ['duplicate key', 'job: import\njob: export\n', ["2:1 YAML syntax error: the key 'job' appears twice in the same section"]],
  ['bad indentation', 'job: import\nmapping:\n  email: E\n   phone: P\n', ['3:10 YAML syntax error: Nested mappings are not allowed in compact mappings', '3:10 YAML syntax error: Implicit keys need to be on a single line']],
  ['two documents', 'job: dedup\nlocation: l\n---\njob: export\n', ['3:1 YAML syntax error: the file holds several YAML documents (---); a pipeline file holds one']],
  ['tab indentation', 'job: import\nmapping:\n\temail: E\n', ['3:1 YAML syntax error: Tabs are not allowed as indentation']],
];

describe('pipeline file mistakes', () => {
  it.each(CASES)('%s', (_what, text, expected) => {
    const got = problemsOf(text, {}).map((p) => (p.line !== undefined ? `${p.line}:${p.column} ${p.message}` : p.message));
    expect(got).toEqual(expected);
  });

  it('reports every problem at once, one per line, in file order', () => {
    const text = [
      'job: import',
      'location: ${NOPE}',
      'source: { file: c.csv, encoding: utf8 }',
      'mapping:',
      '  emial: Email',
      '  phone: { column: Phone, transform: e164 }',
      'collisions: overwrite',
      '',
    ].join('\n');
    let error: unknown;
    try {
      parsePipeline(text, 'pipelines/bad.yaml', {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PipelineConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as PipelineConfigError;
    expect(e.message).toBe(
      [
        'Invalid pipeline file pipelines/bad.yaml (5 problems):',
        '  line 2, column 11: location: environment variable NOPE is not set',
        "  line 3, column 34: source.encoding: expected one of auto, utf-8, utf-16le, utf-16be, windows-1252, latin1, got 'utf8' (did you mean 'utf-8'?)",
        "  line 5, column 3: Unknown setting 'mapping.emial' (did you mean 'email'?)",
        '  line 6, column 38: mapping.phone.transform: e164 needs defaultCountry or countryColumn (e.g. defaultCountry: US)',
        "  line 7, column 13: collisions: expected one of fail, write, got 'overwrite'",
      ].join('\n'),
    );
    expect(e.code).toBe('CONFIG');
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.path).toBe('location');
    expect(e.file).toBe('pipelines/bad.yaml');
  });

  it('checks command-line overrides like the file, without pointing into the file for them', () => {
    const text = 'job: import\nlocation: ${HOOPAI_LOCATION}\nsource: { file: c.csv }\nmapping: { email: E }\nmode: upsrt\n';
    // The override replaces both the unset variable and the bad mode.
    expect(() => parsePipeline(text, 'p.yaml', {}, { overrides: { location: 'loc9', mode: 'create' } })).not.toThrow();
    let problems: ConfigProblem[] = [];
    try {
      parsePipeline(text, 'p.yaml', {}, { overrides: { location: 'loc9', mode: 'bulk' as 'create' } });
    } catch (err) {
      problems = [...(err as PipelineConfigError).problems];
    }
    expect(problems).toEqual([{ path: 'mode', message: "mode: expected one of upsert, create, update, got 'bulk'" }]);
  });
});

describe('--location and a location setting whose variable is not set', () => {
  const IMPORT = 'job: import\nlocation: ${LOC}\nsource: { file: c.csv }\nmapping: { email: E }\n';
  const EXPORT_ONE = 'job: export\nlocation: ${LOC}\nexport: { out: x.csv }\n';
  const EXPORT_MANY = 'job: export\nlocations: ["${LOC_A}", "${LOC_B}"]\nexport: { out: x.csv }\n';
  const DEDUP = 'job: dedup\nlocation: ${LOC}\n';
  const DEDUP_MANY = 'job: dedup\nlocations:\n  - ${LOC_A}\n  - loc2\n';

  // Regression: a `locations:` list was still reported after --location had replaced it.
  it.each([
    ['import, --location', IMPORT, { location: 'loc9' }, ['loc9']],
    ['export, --location', EXPORT_ONE, { location: 'loc9' }, ['loc9']],
    ['export with locations:, --location', EXPORT_MANY, { location: 'loc9' }, ['loc9']],
    ['export with locations:, --location A,B', EXPORT_MANY, { locations: ['loc8', 'loc9'] }, ['loc8', 'loc9']],
    ['export with location:, --location A,B', EXPORT_ONE, { locations: ['loc8', 'loc9'] }, ['loc8', 'loc9']],
    ['dedup, --location', DEDUP, { location: 'loc9' }, ['loc9']],
    ['dedup with locations:, --location', DEDUP_MANY, { location: 'loc9' }, ['loc9']],
    ['dedup, --location A,B', DEDUP, { locations: ['loc8', 'loc9'] }, ['loc8', 'loc9']],
  ] as const)('%s: the flag supplies it, the unset variable does not matter', (_what, text, overrides, locations) => {
    const p = parsePipeline(text, 'p.yaml', {}, { overrides });
    expect(p.location).toBe(locations[0]);
    if ('locations' in p && p.locations) expect(p.locations).toEqual(locations);
  });

  it.each([
    ['import', IMPORT, ['line 2, column 11: location: environment variable LOC is not set']],
    ['export', EXPORT_ONE, ['line 2, column 11: location: environment variable LOC is not set']],
    ['export with locations:', EXPORT_MANY, ['line 2, column 13: locations[0]: environment variable LOC_A is not set', 'line 2, column 25: locations[1]: environment variable LOC_B is not set']],
    ['dedup', DEDUP, ['line 2, column 11: location: environment variable LOC is not set']],
    ['dedup with locations:', DEDUP_MANY, ['line 3, column 5: locations[0]: environment variable LOC_A is not set']],
  ] as const)('%s without --location: an error naming the variable, the setting and its line', (_what, text, lines) => {
    let error: PipelineConfigError | undefined;
    try {
      parsePipeline(text, 'p.yaml', {}, { overrides: { location: undefined } });
    } catch (err) {
      error = err as PipelineConfigError;
    }
    expect(error).toBeInstanceOf(PipelineConfigError);
    expect(error!.exitCode).toBe(EXIT.usage);
    expect(error!.message).toBe([`Invalid pipeline file p.yaml (${lines.length === 1 ? '1 problem' : `${lines.length} problems`}):`, ...lines.map((l) => `  ${l}`)].join('\n'));
  });

  it('the flag replaces the location settings only: an unset variable elsewhere is still an error', () => {
    const text = 'job: import\nlocation: ${LOC}\nsource: { file: "${CSV}" }\nmapping: { email: E }\n';
    expect(() => parsePipeline(text, 'p.yaml', {}, { overrides: { location: 'loc9' } })).toThrow(/^Invalid pipeline file p\.yaml \(1 problem\):\n {2}line 3, column 17: source\.file: environment variable CSV is not set$/);
  });
});

describe('a command run without a pipeline file', () => {
  it('names the flags, not a file', () => {
    let error: unknown;
    try {
      parsePipeline('', 'command line', {}, { overrides: { job: 'export', export: { filter: [{ field: 'emial', operator: 'eq', value: 'x' }] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineConfigError);
    expect((error as Error).message.split('\n')).toEqual([
      'Invalid command line (3 problems):',
      "  Missing required setting 'export.out' (give --out)",
      "  Missing required setting 'location' (give --location)",
      expect.stringMatching(/^ {2}export\.filter\[0\]\.field: unknown field 'emial' \(did you mean 'email'\?\).* \(from --filter\)$/),
    ]);
  });
});
