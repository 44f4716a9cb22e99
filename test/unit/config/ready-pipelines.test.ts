import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPipelineColumns, JOB_KINDS, loadPipeline, type ImportPipeline, type TransformStep } from '../../../src/config/index.js';
import type { SourceItem, SourceRow } from '../../../src/core/row.js';
import { readCsvHeader, readCsvRows, type ReadCsvOptions } from '../../../src/sources/read-csv-rows.js';
import { toApiDate } from '../../../src/transforms/date.js';
import { normaliseEmail } from '../../../src/transforms/email.js';
import { toE164 } from '../../../src/transforms/phone.js';

/**
 * The pipelines shipped in pipelines/ against the samples they read: each
 * loads, every column it names is in its CSV's header, and each sample reads
 * to the expected number of records.
 *
 * The samples carry the dirt of real CRM exports on purpose. Two rows cannot
 * be read at all and are `bad-row`s:
 * - hubspot-contacts.csv line 29 (record 22, Oliver Grant): a row edited by
 *   hand after the export, its company `Grant, Ellis & Partners` left
 *   unquoted, so it has 27 columns instead of 26 (CSV_RAGGED_ROW);
 * - salesforce-contacts.csv line 28 (record 21, Victor Hale): a quote inside
 *   a quoted Title, not doubled (CSV_INVALID_QUOTE).
 * Every other row reads; the rows an import will fail later (invalid emails,
 * the Excel-mangled phone, a bad date) are pinned in the last block.
 */

const PIPELINES = resolve('pipelines');
const SAMPLES = resolve('samples');
const env = { HOOPAI_LOCATION: 'locReadyPipelines01' };

interface Expected {
  readonly job: (typeof JOB_KINDS)[number];
  /** import: the sample it reads, its records, and the ones that cannot be read. */
  readonly sample?: string;
  readonly records?: number;
  readonly badRows?: ReadonlyArray<{ record: number; line: number; code: string }>;
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  'hubspot-migration.yaml': {
    job: 'import',
    sample: 'hubspot-contacts.csv',
    records: 31,
    badRows: [{ record: 22, line: 29, code: 'CSV_RAGGED_ROW' }],
  },
  'salesforce-migration.yaml': {
    job: 'import',
    sample: 'salesforce-contacts.csv',
    records: 29,
    badRows: [{ record: 21, line: 28, code: 'CSV_INVALID_QUOTE' }],
  },
  'demo-migration.yaml': { job: 'import', sample: 'demo-contacts.csv', records: 6, badRows: [] },
  'roundtrip.yaml': { job: 'import' },
  'nightly-export.yaml': { job: 'export' },
  'vip-this-month.yaml': { job: 'export' },
};

const files = (await readdir(PIPELINES)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();

async function loadImport(name: string): Promise<ImportPipeline> {
  const p = await loadPipeline(join(PIPELINES, name), env);
  if (p.job !== 'import') throw new Error(`${name} is not an import pipeline`);
  return p;
}

/** How the pipeline says the file is read; `auto` leaves it to detection. */
function readOptions(p: ImportPipeline): ReadCsvOptions {
  return {
    encoding: p.source.encoding === 'auto' ? undefined : p.source.encoding,
    delimiter: p.source.delimiter === 'auto' ? undefined : p.source.delimiter,
  };
}

async function readAll(p: ImportPipeline): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readCsvRows(p.source.file, readOptions(p))) items.push(item);
  return items;
}

describe('pipelines/*.yaml', () => {
  it('ships the ready pipelines', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
  });

  it.each(files)('%s loads cleanly and names its job', async (name) => {
    const p = await loadPipeline(join(PIPELINES, name), env);
    expect(JOB_KINDS).toContain(p.job);
    if (EXPECTED[name]) expect(p.job).toBe(EXPECTED[name].job);
    expect(p.location).toBe(env.HOOPAI_LOCATION);
  });

  it.each(files)('%s: every column it names is in its CSV header', async (name) => {
    const p = await loadPipeline(join(PIPELINES, name), env);
    if (p.job !== 'import') return;
    const { headers } = await readCsvHeader(p.source.file, readOptions(p));
    expect(() => checkPipelineColumns(p, headers, basename(p.source.file))).not.toThrow();
  });

  it('the demo pipeline falls back to the emulator demo location', async () => {
    const p = await loadPipeline(join(PIPELINES, 'demo-migration.yaml'), {});
    expect(p.location).toBe('hoopDemoLocation0001');
  });

  it('the migrations need HOOPAI_LOCATION', async () => {
    await expect(loadPipeline(join(PIPELINES, 'hubspot-migration.yaml'), {})).rejects.toThrow('location: environment variable HOOPAI_LOCATION is not set');
  });
});

describe.each(Object.entries(EXPECTED).filter(([, e]) => e.sample !== undefined))('%s and its sample', (name, expected) => {
  it(`reads ${expected.sample}, relative to the pipeline file`, async () => {
    const p = await loadImport(name);
    expect(p.source.file).toBe(join(SAMPLES, expected.sample!));
  });

  it('maps email and phone, dedups in the file and never wipes a value', async () => {
    const p = await loadImport(name);
    expect(p.mapping?.email?.transforms).toContainEqual({ name: 'email' });
    expect(p.mapping?.phone?.transforms).toContainEqual(expect.objectContaining({ name: 'e164', defaultCountry: 'US' }));
    expect(p.dedup).toEqual({ inFile: true, keys: ['email', 'phone'], policy: 'fillBlanks' });
    expect(p.blanks).toBe('keep');
    expect(p.collisions).toBe('fail');
    expect(p.tags.add.length).toBeGreaterThan(0);
    expect(p.notes.length).toBeGreaterThan(0);
  });

  it(`reads ${expected.records} records, with bad rows only where put on purpose`, async () => {
    const items = await readAll(await loadImport(name));
    expect(items).toHaveLength(expected.records!);
    const records = items.map((i) => (i.kind === 'row' ? i.row.record : i.record));
    expect(records).toEqual(Array.from({ length: expected.records! }, (_, i) => i + 1));
    const bad = items.flatMap((i) => (i.kind === 'bad-row' ? [{ record: i.record, line: i.line, code: i.problem.code }] : []));
    expect(bad).toEqual(expected.badRows);
  });
});

/** The dirt each migration sample carries, through the pipeline's own transform settings. */
describe('the migration samples carry the dirt of real exports', () => {
  async function rows(name: string): Promise<{ p: ImportPipeline; rows: SourceRow[] }> {
    const p = await loadImport(name);
    return { p, rows: (await readAll(p)).flatMap((i) => (i.kind === 'row' ? [i.row] : [])) };
  }

  function phoneStep(p: ImportPipeline): Extract<TransformStep, { name: 'e164' }> {
    return p.mapping!.phone!.transforms.find((t): t is Extract<TransformStep, { name: 'e164' }> => t.name === 'e164')!;
  }

  function failures(list: SourceRow[], check: (row: SourceRow) => string | undefined): Array<[number, string]> {
    return list.flatMap((r) => {
      const code = check(r);
      return code === undefined ? [] : [[r.record, code] as [number, string]];
    });
  }

  it.each([
    [
      'hubspot-migration.yaml',
      { email: 'Email', phone: 'Phone Number', dob: 'Date of birth', first: 'First Name' },
      {
        email: [
          [9, 'INVALID_EMAIL'], // tom@@becker-bau.example
          [12, 'INVALID_EMAIL'], // a space in the address
          [18, 'INVALID_EMAIL'], // chloe.dubois@gmail: no top-level domain
          [23, 'INVALID_EMAIL'], // n/a
        ],
        phone: [[10, 'PHONE_SCIENTIFIC_NOTATION']], // 4.15555E+09
        dob: [[3, 'INVALID_DATE']], // 31/12/1988 under MM/DD/YYYY
      },
    ],
    [
      'salesforce-migration.yaml',
      { email: 'Email', phone: 'Phone', dob: 'Birthdate', first: 'FirstName' },
      {
        email: [
          [11, 'INVALID_EMAIL'], // jane.doe@example
          [18, 'INVALID_EMAIL'], // sales@nordic .example
        ],
        phone: [
          [7, 'PHONE_SCIENTIFIC_NOTATION'], // 4.15555E+09
          [15, 'INVALID_PHONE'], // 555-0100: no area code
        ],
        dob: [],
      },
    ],
  ] as const)('%s', async (name, col, expected) => {
    const { p, rows: list } = await rows(name);
    const e164 = phoneStep(p);
    const blank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

    const email = failures(list, (r) => {
      if (blank(r.values[col.email])) return undefined;
      const res = normaliseEmail(r.values[col.email]!);
      return res.ok ? undefined : res.problem.code;
    });
    const phone = failures(list, (r) => {
      if (blank(r.values[col.phone])) return undefined;
      const country = e164.countryColumn ? r.values[e164.countryColumn] : undefined;
      const res = toE164(r.values[col.phone]!, { defaultCountry: e164.defaultCountry ?? 'US', country: blank(country) ? undefined : country });
      return res.ok ? undefined : res.problem.code;
    });
    const dobStep = p.mapping!.dateOfBirth!.transforms.find((t) => t.name === 'date') as { format: string };
    const dob = failures(list, (r) => {
      if (blank(r.values[col.dob])) return undefined;
      const res = toApiDate(r.values[col.dob]!, dobStep.format);
      return res.ok ? undefined : res.problem.code;
    });
    expect({ email, phone, dob }).toEqual(expected);

    // The same person twice, the email cased differently.
    const emails = list.map((r) => r.values[col.email]!.trim()).filter(Boolean);
    const folded = new Map<string, Set<string>>();
    for (const e of emails) folded.set(e.toLowerCase(), (folded.get(e.toLowerCase()) ?? new Set()).add(e));
    expect([...folded.values()].some((spellings) => spellings.size > 1)).toBe(true);

    // Multi-line cells, and names beyond ASCII.
    expect(list.some((r) => Object.values(r.values).some((v) => v.includes('\n')))).toBe(true);
    const names = list.map((r) => r.values[col.first]!.normalize('NFC'));
    expect(names).toEqual(expect.arrayContaining(['José', 'Zoë', 'Łukasz']));
    expect(names.some((n) => /\p{Script=Han}/u.test(n))).toBe(true);
  });
});
