import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * The bad-input suite: every file of test/fixtures/bad-input/ (and one
 * generated 10 MB field) run through the built CLI against a real emulator.
 * The expectations are the table below, written by hand from each input and
 * from the README's documented behaviour (test/fixtures/bad-input/README.md
 * says the same in prose). For every case: no stack trace, the documented
 * exit code; a file-level or pipeline problem exits 2 with a message naming
 * the file and line or the setting's dotted path, and nothing is written; a
 * run that reads rows puts every row in exactly one of succeeded.csv and
 * failed.csv, each failed row with its line and error code, and the good rows
 * are in the location.
 */

const { emulator, freshDir } = e2eHarness('bad-input');
const FIXTURES = join(process.cwd(), 'test/fixtures/bad-input');

interface FailedRow {
  row: number;
  line: number;
  code: string;
  /** Cells of failed.csv as written (formula escaping included). */
  cells?: Record<string, string>;
}

interface Case {
  /** A file of test/fixtures/bad-input/. */
  file?: string;
  /** Or a file the test writes into a scratch folder (too big to commit). */
  generate?: (dir: string) => string;
  pipeline?: string;
  what: string;
  exit: 0 | 2 | 3;
  /** exit 2: fragments stderr must hold (the file and line, or the dotted path). */
  message?: string[];
  /** exit 0/3: the number of records the file holds. */
  rows?: number;
  /** exit 0/3: lines of the succeeded records, in record order. */
  okLines?: number[];
  failed?: FailedRow[];
  /** exit 0/3: fields of contacts in the location afterwards, by email. */
  contacts?: Record<string, Record<string, unknown>>;
}

const TEN_MB = 10 * 1024 * 1024;

/** How the emulator, as the platform, answers a date of birth written as YYYY-MM-DD. */
const dob = (date: string): string => `${date}T00:00:00.000Z`;

const inv = (row: number, code: string, cells?: Record<string, string>): FailedRow => ({ row, line: row + 1, code, ...(cells ? { cells } : {}) });

const CASES: Case[] = [
  // ---- files that cannot be read at all: exit 2, the file and line named, nothing written
  { file: 'empty.csv', what: 'zero bytes', exit: 2, message: ['Empty file: there is no header line', 'empty.csv)'] },
  { file: 'duplicate-headers.csv', what: 'Email twice in the header', exit: 2, message: ["Duplicate header 'Email'", 'duplicate-headers.csv line 1, columns 2 and 4'] },
  { file: 'empty-header.csv', what: 'a blank header name', exit: 2, message: ['Empty header name', "empty-header.csv line 1, column 2, after 'First Name'"] },
  { file: 'binary.bin', what: 'a PNG header and random bytes', exit: 2, message: ['Not a text file: a NUL byte at byte 9', 'binary.bin line 3'] },
  { file: 'nul-in-row.csv', what: 'a NUL byte inside a cell', exit: 2, message: ['Not a text file: a NUL byte at byte 54', 'nul-in-row.csv line 3'] },
  { file: 'a-folder.csv', what: 'a folder where the CSV should be', exit: 2, message: ['Not a file: it is a folder', 'a-folder.csv)'] },

  // ---- pipeline mistakes: exit 2, every problem with its line and dotted path, before any request
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-unknown-setting.yaml',
    what: 'mapping.emial',
    exit: 2,
    message: ['Invalid pipeline file', 'pipeline-unknown-setting.yaml (1 problem)', "line 5, column 3: Unknown setting 'mapping.emial' (did you mean 'email'?)"],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-wrong-enum.yaml',
    what: 'blanks: wipe',
    exit: 2,
    message: ['pipeline-wrong-enum.yaml (1 problem)', "line 7, column 9: blanks: expected one of keep, clear, got 'wipe'"],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-missing-required.yaml',
    what: 'a mapping entry without a column, a task without a title',
    exit: 2,
    message: ['pipeline-missing-required.yaml (2 problems)', 'line 4, column 10: mapping.email: give one of column, columns or value', "line 6, column 5: Missing required setting 'tasks[0].title'"],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-bad-env.yaml',
    what: 'an unset ${VAR}; a number from ${VAR:-10}',
    exit: 2,
    message: [
      'pipeline-bad-env.yaml (2 problems)',
      'line 6, column 20: mapping.source.value: environment variable HOOP_BAD_INPUT_UNSET_SOURCE is not set',
      "line 7, column 12: maxErrors: expected a whole number, got '10'",
    ],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-yaml-syntax.yaml',
    what: 'an unclosed flow map',
    exit: 2,
    message: ['pipeline-yaml-syntax.yaml (1 problem)', 'line 4, column 1: YAML syntax error'],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-missing-column.yaml',
    what: 'a column the CSV lacks',
    exit: 2,
    message: ['pipeline-missing-column.yaml (1 problem)', "line 5, column 20: mapping.email.column: no column 'Emial' in ", "pipeline-contacts.csv (did you mean 'Email'?)"],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-e164-no-country.yaml',
    what: 'e164 without a country',
    exit: 2,
    message: ['pipeline-e164-no-country.yaml (1 problem)', 'line 6, column 38: mapping.phone.transform: e164 needs defaultCountry or countryColumn'],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-other-job-setting.yaml',
    what: 'an export setting in an import job; a dedup key that does not exist',
    exit: 2,
    message: [
      'pipeline-other-job-setting.yaml (2 problems)',
      "line 6, column 1: Setting 'export' applies to export jobs only (this is an import job)",
      "line 8, column 38: dedup.keys[1]: expected one of email, phone, got 'fax'",
    ],
  },
  {
    file: 'pipeline-contacts.csv',
    pipeline: 'pipeline-many-mistakes.yaml',
    what: "the README's example: all problems at once (location's variable replaced by --location)",
    exit: 2,
    message: [
      'pipeline-many-mistakes.yaml (3 problems)',
      "line 5, column 3: Unknown setting 'mapping.emial' (did you mean 'email'?)",
      'line 6, column 38: mapping.phone.transform: e164 needs defaultCountry or countryColumn',
      "line 7, column 9: blanks: expected one of keep, clear, got 'wipe'",
    ],
  },

  // ---- files that are read: row problems in failed.csv, good rows imported
  { file: 'header-only.csv', what: 'a header and no row', exit: 0, rows: 0, okLines: [], failed: [] },
  {
    file: 'unclosed-quote.csv',
    what: 'a quote opened on line 3 and never closed',
    exit: 3,
    rows: 3,
    okLines: [2, 4],
    failed: [{ row: 2, line: 3, code: 'CSV_UNCLOSED_QUOTE' }],
    contacts: { 'ann@example.com': { firstName: 'Ann' }, 'cy@example.com': { firstName: 'Cy' } },
  },
  {
    file: 'stray-quote.csv',
    what: 'quotes inside unquoted cells',
    exit: 3,
    rows: 3,
    okLines: [4],
    failed: [
      { row: 1, line: 2, code: 'CSV_INVALID_QUOTE' },
      { row: 2, line: 3, code: 'CSV_INVALID_QUOTE' },
    ],
    contacts: { 'cy@example.com': { firstName: 'Cy' } },
  },
  {
    file: 'ragged.csv',
    what: 'a row short of a cell, a row with one too many',
    exit: 3,
    rows: 4,
    okLines: [2, 5],
    failed: [
      { row: 2, line: 3, code: 'CSV_RAGGED_ROW' },
      { row: 3, line: 4, code: 'CSV_RAGGED_ROW' },
    ],
    contacts: { 'ann@example.com': { phone: '+14155550100' }, 'di@example.com': { phone: '+14155550103' } },
  },
  {
    file: 'blank-lines.csv',
    what: 'blank lines, a multi-line cell, an empty row, then a bad email: line numbers stay right',
    exit: 3,
    rows: 4,
    okLines: [4, 6],
    failed: [
      { row: 3, line: 8, code: 'NO_EMAIL_OR_PHONE' },
      { row: 4, line: 9, code: 'INVALID_EMAIL' },
    ],
    contacts: { 'ann@example.com': { firstName: 'Ann' }, 'bo@example.com': { firstName: 'multi\nline' } },
  },
  { file: 'no-key-columns.csv', what: 'no email or phone column', exit: 3, rows: 1, okLines: [], failed: [{ row: 1, line: 2, code: 'NO_EMAIL_OR_PHONE' }], contacts: {} },
  { file: 'utf8-bom.csv', what: 'UTF-8 with a byte order mark', exit: 0, rows: 2, okLines: [2, 3], failed: [], contacts: { 'ana@example.com': { firstName: 'José' }, 'bo@example.com': { firstName: 'Zoë' } } },
  { file: 'utf16le-bom.csv', what: 'UTF-16 LE with a byte order mark, CRLF', exit: 0, rows: 2, okLines: [2, 3], failed: [], contacts: { 'zoe@example.com': { firstName: 'Zoë' }, 'li@example.com': { firstName: '佐藤' } } },
  { file: 'utf16be-bom.csv', what: 'UTF-16 BE with a byte order mark', exit: 0, rows: 2, okLines: [2, 3], failed: [], contacts: { 'zoe@example.com': { firstName: 'Zoë' }, 'li@example.com': { firstName: 'Łukasz' } } },
  {
    file: 'windows-1252.csv',
    what: 'Windows-1252 without a mark (detected)',
    exit: 0,
    rows: 2,
    okLines: [2, 3],
    failed: [],
    contacts: { 'rene@example.com': { firstName: 'René', lastName: 'Müller' }, 'jurgen@example.com': { firstName: 'Jürgen', lastName: 'François' } },
  },
  {
    file: 'invalid-utf8.csv',
    what: 'UTF-8 with one byte that is not UTF-8',
    exit: 3,
    rows: 3,
    okLines: [2, 4],
    failed: [{ row: 2, line: 3, code: 'CSV_INVALID_ENCODING' }],
    contacts: { 'ann@example.com': { firstName: 'José' }, 'cy@example.com': { firstName: 'Zoë' } },
  },
  {
    file: 'mixed-endings.csv',
    what: 'CRLF, LF and a lone CR; no final line end',
    exit: 0,
    rows: 4,
    okLines: [2, 3, 4, 5],
    failed: [],
    contacts: { 'ann@example.com': { firstName: 'Ann' }, 'bo@example.com': { firstName: 'Bo' }, 'cy@example.com': { firstName: 'Cy' }, 'di@example.com': { firstName: 'Di' } },
  },
  {
    file: 'semicolon.csv',
    what: 'semicolon-delimited, commas in cells',
    exit: 0,
    rows: 2,
    okLines: [2, 3],
    failed: [],
    contacts: { 'ann@example.com': { firstName: 'Ann', companyName: 'Acme, Inc.' }, 'bo@example.com': { firstName: 'Bo; Jr', companyName: 'Widgets' } },
  },
  { file: 'tab.csv', what: 'tab-delimited', exit: 0, rows: 2, okLines: [2, 3], failed: [], contacts: { 'ann@example.com': { city: 'São Paulo, SP' }, 'bo@example.com': { city: 'Lyon' } } },
  {
    file: 'formulas.csv',
    what: 'cells a spreadsheet would run as formulas',
    exit: 3,
    rows: 3,
    okLines: [2, 3],
    failed: [inv(3, 'INVALID_EMAIL', { Email: "'=cmd|' /C calc'!A0", 'First Name': 'Cy' })],
    contacts: {
      'ann@example.com': { firstName: '=1+1', lastName: '+SUM(A1:A2)', companyName: '-2+3' },
      'bo@example.com': { firstName: '@cmd', lastName: '=HYPERLINK("http://evil.example","click")' },
    },
  },
  {
    file: 'invalid-emails.csv',
    what: 'fourteen kinds of invalid email',
    exit: 3,
    rows: 16,
    okLines: [2, 17],
    failed: [
      inv(2, 'INVALID_EMAIL'),
      inv(3, 'INVALID_EMAIL'),
      inv(4, 'INVALID_EMAIL'),
      inv(5, 'INVALID_EMAIL'),
      inv(6, 'INVALID_EMAIL'),
      inv(7, 'INVALID_EMAIL', { Email: "'@example.com" }),
      inv(8, 'INVALID_EMAIL'),
      inv(9, 'INVALID_EMAIL'),
      inv(10, 'INVALID_EMAIL'),
      inv(11, 'INVALID_EMAIL'),
      inv(12, 'INVALID_EMAIL'),
      inv(13, 'INVALID_EMAIL'),
      inv(14, 'INVALID_EMAIL'),
      inv(15, 'INVALID_EMAIL', { Email: 'n/a' }),
    ],
    contacts: { 'good@example.com': { firstName: 'Good' }, 'also.good@example.com': { firstName: 'AlsoGood' } },
  },
  {
    file: 'invalid-phones.csv',
    what: 'Excel scientific notation (digits lost, or every digit written) and seven other invalid phones',
    exit: 3,
    rows: 13,
    okLines: [2, 4, 11, 12, 13],
    failed: [
      inv(2, 'PHONE_SCIENTIFIC_NOTATION'),
      inv(4, 'INVALID_PHONE'),
      inv(5, 'INVALID_PHONE', { Phone: "'+1 415 555 0100 12345" }),
      inv(6, 'INVALID_PHONE'),
      inv(7, 'INVALID_PHONE'),
      inv(8, 'INVALID_PHONE'),
      inv(9, 'INVALID_PHONE'),
      inv(13, 'PHONE_UNKNOWN_COUNTRY_CODE'),
    ],
    contacts: {
      'pgood@example.com': { phone: '+14155550100' },
      'scilow@example.com': { phone: '+14155550103' },
      'repaired@example.com': { phone: '+14155550101' },
      'intl@example.com': { phone: '+442079460958' },
      'ext@example.com': { phone: '+14155550102' },
    },
  },
  {
    file: 'dates.csv',
    pipeline: 'dates.yaml',
    what: 'dateFormat auto: twelve forms read, seven refused',
    exit: 3,
    rows: 20,
    okLines: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 21],
    failed: [inv(13, 'AMBIGUOUS_DATE'), inv(14, 'AMBIGUOUS_DATE'), inv(15, 'INVALID_DATE'), inv(16, 'INVALID_DATE'), inv(17, 'INVALID_DATE'), inv(18, 'INVALID_DATE'), inv(19, 'INVALID_DATE')],
    contacts: {
      'd01@example.com': { dateOfBirth: dob('1990-04-25') },
      'd02@example.com': { dateOfBirth: dob('1990-04-25') },
      'd03@example.com': { dateOfBirth: dob('1990-04-25') },
      'd04@example.com': { dateOfBirth: dob('1990-04-25') },
      'd05@example.com': { dateOfBirth: dob('1990-04-25') },
      'd06@example.com': { dateOfBirth: dob('1990-04-25') },
      'd07@example.com': { dateOfBirth: dob('1990-04-25') },
      'd08@example.com': { dateOfBirth: dob('1990-04-25') },
      'd09@example.com': { dateOfBirth: dob('1990-04-25') },
      'd10@example.com': { dateOfBirth: dob('1990-04-25') },
      'd11@example.com': { dateOfBirth: dob('1990-04-25') },
      'd12@example.com': { dateOfBirth: dob('1990-04-04') },
      'd20@example.com': { dateOfBirth: undefined },
    },
  },
  {
    file: 'dates-us.csv',
    pipeline: 'dates-us.yaml',
    what: 'dateFormat MM/DD/YY',
    exit: 3,
    rows: 7,
    okLines: [2, 3, 4, 6, 7],
    failed: [inv(4, 'INVALID_DATE'), inv(7, 'INVALID_DATE')],
    contacts: {
      'u01@example.com': { dateOfBirth: dob('1990-04-25') },
      'u02@example.com': { dateOfBirth: dob('1990-04-05') },
      'u03@example.com': { dateOfBirth: dob('1999-12-31') },
      'u05@example.com': { dateOfBirth: dob('1990-04-25') },
      'u06@example.com': { dateOfBirth: dob('1990-04-25') },
    },
  },
  {
    generate: (dir) => {
      const file = join(dir, 'ten-mb-field.csv');
      const big = 'x'.repeat(TEN_MB);
      writeFileSync(file, `First Name,Email,Bio\nAnn,huge1@example.com,"${big}"\nBo,not-an-email,"=${big}"\nCy,huge3@example.com,short\n`);
      return file;
    },
    what: 'a 10 MB quoted field on a good row and on a bad one (generated)',
    exit: 3,
    rows: 3,
    okLines: [2, 4],
    failed: [inv(2, 'INVALID_EMAIL', { 'First Name': 'Bo', Bio: `'=${'x'.repeat(TEN_MB)}` })],
    contacts: { 'huge1@example.com': { firstName: 'Ann' }, 'huge3@example.com': { firstName: 'Cy' } },
  },
];

// ---- reading what a run left

function runFolder(reportDir: string): string | undefined {
  if (!existsSync(reportDir)) return undefined;
  const runs = readdirSync(reportDir);
  expect(runs.length).toBeLessThanOrEqual(1);
  return runs[0] === undefined ? undefined : join(reportDir, runs[0]);
}

const readCsv = (path: string): Array<Record<string, string>> => parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, relax_column_count: false });

async function contactsByEmail(emu: RunningEmulator): Promise<Map<string, Record<string, unknown>>> {
  const r = await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`);
  return new Map((r.contacts as Array<Record<string, unknown>>).map((c) => [String(c.email), c]));
}

const label = (c: Case): string => `${c.file ?? 'generated'}${c.pipeline ? ` + ${c.pipeline}` : ''}: ${c.what} -> exit ${c.exit}`;

describe('bad input through hoop-etl import', () => {
  it('the table covers at least 25 fixture files, each listed in the folder README', () => {
    const files = new Set(CASES.flatMap((c) => [c.file, c.pipeline]).filter((f): f is string => f !== undefined));
    expect(files.size).toBeGreaterThanOrEqual(25);
    const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
    for (const f of files) {
      expect(existsSync(join(FIXTURES, f)), f).toBe(true);
      expect(readme, f).toContain(`\`${f}\``);
    }
  });

  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    const emu = await emulator();
    const dir = freshDir('case');
    const file = c.generate ? c.generate(dir) : join(FIXTURES, c.file!);
    const reportDir = join(dir, 'reports');
    const args = ['import', file, '--location', emu.locationId, '--report-dir', reportDir];
    if (c.pipeline) args.push('--pipeline', join(FIXTURES, c.pipeline));
    const run = await runCli(args, envFor(emu));

    // Never a stack trace, whatever the outcome.
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain('Unexpected failure');
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: c.exit });

    if (c.exit === 2) {
      for (const fragment of c.message!) expect(run.stderr).toContain(fragment);
      // Nothing written: no contact in the location, no outcome file.
      expect((await contactsByEmail(emu)).size).toBe(0);
      const folder = runFolder(reportDir);
      if (folder) expect(existsSync(join(folder, 'succeeded.csv'))).toBe(false);
      return;
    }

    const folder = runFolder(reportDir)!;
    expect(folder).toBeDefined();
    const succeeded = readCsv(join(folder, 'succeeded.csv'));
    const failed = readCsv(join(folder, 'failed.csv'));

    // Every record in exactly one of the two files, once.
    const seen = [...succeeded, ...failed].map((r) => Number(r.row)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: c.rows! }, (_, i) => i + 1));

    // Good rows with their lines; failed rows with their lines, codes and (escaped) cells.
    expect(succeeded.map((r) => Number(r.line))).toEqual(c.okLines);
    for (const r of succeeded) expect(['created', 'updated', 'unchanged', 'merged']).toContain(r.action);
    expect(failed.map((r) => ({ row: Number(r.row), line: Number(r.line), code: r.errorCode }))).toEqual(c.failed!.map(({ row, line, code }) => ({ row, line, code })));
    for (const [i, want] of c.failed!.entries()) {
      expect(failed[i]!.errorMessage).not.toBe('');
      if (want.cells) expect(failed[i]).toMatchObject(want.cells);
    }

    // The good rows' contacts are in the location with the values read from the file.
    const contacts = await contactsByEmail(emu);
    expect(contacts.size).toBe(new Set(succeeded.map((r) => r.contactId)).size);
    for (const [email, fields] of Object.entries(c.contacts ?? {})) {
      const contact = contacts.get(email);
      expect(contact, email).toBeDefined();
      for (const [field, value] of Object.entries(fields)) expect(contact![field], `${email} ${field}`).toEqual(value);
    }
  });
});

describe("a pipeline's location from an environment variable that is not set", () => {
  // --location supplies the location: the unset variable in the setting it replaces does not matter.
  // Without the flag: exit 2, naming the variable, the setting and its line, before any request.
  it('import, run, export (a locations: list) and dedup: fine with --location, a config error without', async () => {
    const emu = await emulator();
    const dir = freshDir('unset-location');
    writeFileSync(join(dir, 'c.csv'), 'First Name,Email\nAnn,ann@example.com\n');
    const write = (name: string, text: string): string => (writeFileSync(join(dir, name), text), join(dir, name));
    const importYaml = write('import.yaml', 'job: import\nlocation: ${HOOP_UNSET_LOCATION}\nsource: { file: c.csv }\nreportDir: runs\n');
    const exportYaml = write('export.yaml', 'job: export\nlocations: ["${HOOP_UNSET_A}", "${HOOP_UNSET_B}"]\nexport: { out: out.csv }\nreportDir: runs\n');
    const dedupYaml = write('dedup.yaml', 'job: dedup\nlocation: ${HOOP_UNSET_LOCATION}\nreportDir: runs\n');
    const env = envFor(emu, { HOOP_UNSET_LOCATION: undefined, HOOP_UNSET_A: undefined, HOOP_UNSET_B: undefined });
    const loc = ['--location', emu.locationId];
    const commands: Array<[string[], string[]]> = [
      [['import', join(dir, 'c.csv'), '--pipeline', importYaml], ['import.yaml (1 problem)', 'line 2, column 11: location: environment variable HOOP_UNSET_LOCATION is not set']],
      [['run', importYaml], ['import.yaml (1 problem)', 'line 2, column 11: location: environment variable HOOP_UNSET_LOCATION is not set']],
      [['export', '--pipeline', exportYaml], ['export.yaml (2 problems)', 'line 2, column 13: locations[0]: environment variable HOOP_UNSET_A is not set', 'line 2, column 32: locations[1]: environment variable HOOP_UNSET_B is not set']],
      [['run', dedupYaml], ['dedup.yaml (1 problem)', 'line 2, column 11: location: environment variable HOOP_UNSET_LOCATION is not set']],
    ];

    // Without the flag first: nothing may be read or written.
    // Run in `dir`: relative outputs (runs, out.csv) are relative to the working directory.
    const refused = await Promise.all(commands.map(([argv]) => runCli(argv, env, 120_000, dir)));
    for (const [i, r] of refused.entries()) {
      expect({ argv: commands[i]![0], status: r.status }).toEqual({ argv: commands[i]![0], status: 2 });
      expect(r.stderr).toMatch(/^hoop-etl: Invalid pipeline file /);
      for (const fragment of commands[i]![1]) expect(r.stderr).toContain(fragment);
    }
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(0);
    expect(existsSync(join(dir, 'runs'))).toBe(false);

    // One after the other: the import creates the contact the export and the dedup plan then read.
    for (const [argv] of commands) {
      const r = await runCli([...argv, ...loc], env, 120_000, dir);
      expect({ argv, status: r.status, stderr: r.stderr }).toEqual({ argv, status: 0, stderr: '' });
    }
    expect((await contactsByEmail(emu)).get('ann@example.com')).toMatchObject({ firstName: 'Ann' });
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toContain('ann@example.com');
    expect(readdirSync(join(dir, 'runs')).length).toBe(4);
  });
});
