import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline, PipelineConfigError } from '../../../src/config/index.js';
import { ConfigError, EXIT } from '../../../src/core/errors.js';

const FIXTURES = resolve('test/fixtures/pipelines');
const env = { HOOPAI_LOCATION: 'locFixture' };

describe('loadPipeline: the example pipelines', () => {
  it.each([
    ['hubspot-import.yaml', 'import'],
    ['nightly-export.yaml', 'export'],
    ['dedup-cleanup.yaml', 'dedup'],
  ])('%s loads cleanly', async (name, job) => {
    const p = await loadPipeline(join(FIXTURES, name), env);
    expect(p.job).toBe(job);
    expect(p.location).toBe('locFixture');
  });

  it('resolves the import example completely', async () => {
    const p = await loadPipeline(join(FIXTURES, 'hubspot-import.yaml'), env);
    if (p.job !== 'import') throw new Error('expected an import');
    expect(p.source.file).toBe(join(FIXTURES, 'hubspot-contacts.csv'));
    // An output: relative to the working directory, not to the pipeline file (issue 14).
    expect(p.reportDir).toBe('reports');
    expect(p.mapping?.phone).toEqual({
      from: { kind: 'column', column: 'Phone Number' },
      transforms: [{ name: 'trim' }, { name: 'e164', defaultCountry: 'US', countryColumn: 'Country/Region Code' }],
    });
    expect(p.tags).toEqual({ columns: ['Tags'], split: ';', add: ['hubspot-import', 'batch-${BATCH}'] });
    expect(p.tasks.map((t) => t.dueDate)).toEqual([
      { kind: 'column', column: 'Next Activity Date', format: 'YYYY-MM-DD' },
      { kind: 'offset', days: 7 },
    ]);
    expect(p.dedup).toEqual({ inFile: true, keys: ['email', 'phone'], policy: 'fillBlanks' });
    expect(p.maxErrors).toBe(100);
  });

  it('needs the environment the examples name', async () => {
    await expect(loadPipeline(join(FIXTURES, 'dedup-cleanup.yaml'), {})).rejects.toThrow(
      'line 4, column 11: location: environment variable HOOPAI_LOCATION is not set',
    );
  });
});

describe('loadPipeline: files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoop-etl-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the file, line and column of a YAML syntax error', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'job: import\nlocation: "loc1\nsource: { file: c.csv }\n');
    const err = await loadPipeline(file, env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineConfigError);
    expect((err as PipelineConfigError).message).toBe(
      [
        `Invalid pipeline file ${file} (1 problem):`,
        '  line 2, column 11: YAML syntax error: this quoted string is never closed',
      ].join('\n'),
    );
    expect((err as PipelineConfigError).exitCode).toBe(EXIT.usage);
  });

  it('reads a file with a byte-order mark', async () => {
    const file = join(dir, 'bom.yaml');
    await writeFile(file, '\ufeffjob: dedup\nlocation: loc1\n');
    expect((await loadPipeline(file, env)).job).toBe('dedup');
  });

  it('says when the file is missing', async () => {
    const file = join(dir, 'nope.yaml');
    const err = await loadPipeline(file, env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`Cannot read pipeline file ${file}: no such file`);
    expect((err as ConfigError).exitCode).toBe(EXIT.usage);
  });

  it('says when the path is a folder', async () => {
    await expect(loadPipeline(dir, env)).rejects.toThrow(`Cannot read pipeline file ${dir}: it is a folder`);
  });
});
