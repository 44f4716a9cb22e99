import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import type { SourceItem } from '../../../src/core/row.js';
import { CsvSourceError } from '../../../src/sources/csv-source-error.js';
import { readCsvHeader, readCsvRows, type ReadCsvOptions } from '../../../src/sources/read-csv-rows.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** The stream's chunk size (fs.createReadStream's default highWaterMark). */
const CHUNK = 64 * 1024;

async function collect(file: string, options?: ReadCsvOptions): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readCsvRows(file, options)) items.push(item);
  return items;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const row = (record: number, line: number, values: Record<string, string>): SourceItem => ({ kind: 'row', row: { record, line, values } });
const bad = (record: number, line: number, raw: string, problem: { code: string; message: string; column?: string }): SourceItem => ({
  kind: 'bad-row',
  record,
  line,
  raw,
  problem,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoop-etl-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function temp(name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('readCsvRows over the fixtures', () => {
  it.each<{ name: string; expected: (file: string) => SourceItem[] }>([
    {
      name: 'utf8-bom.csv',
      expected: () => [row(1, 2, { Email: 'ana@example.com', 'First Name': 'José' }), row(2, 3, { Email: 'bo@example.com', 'First Name': 'Bo' })],
    },
    {
      name: 'utf16le-bom.csv',
      expected: () => [row(1, 2, { Email: 'zoe@example.com', 'First Name': 'Zoë' }), row(2, 3, { Email: 'li@example.com', 'First Name': '李' })],
    },
    {
      name: 'windows-1252.csv',
      expected: () => [
        row(1, 2, { email: 'rene@example.com', name: 'René', note: 'Café €5' }),
        row(2, 3, { email: 'jurgen@example.com', name: 'Jürgen', note: '“quoted”' }),
      ],
    },
    {
      name: 'semicolon.csv',
      expected: () => [
        row(1, 2, { email: 'ann@example.com', name: 'Ann', amount: '1,5' }),
        row(2, 3, { email: 'bo@example.com', name: 'Bo; Jr', amount: '2,0' }),
      ],
    },
    {
      name: 'tab.csv',
      expected: () => [
        row(1, 2, { email: 'ann@example.com', name: 'Ann', city: 'São Paulo, SP' }),
        row(2, 3, { email: 'bo@example.com', name: 'Bo\tJr', city: 'Lyon' }),
      ],
    },
    {
      name: 'pipe.csv',
      expected: () => [row(1, 2, { email: 'ann@example.com', name: 'Ann', tags: 'a,b' }), row(2, 3, { email: 'bo@example.com', name: 'Bo', tags: 'x|y' })],
    },
    {
      // Regression: csv-parse's info.lines counts a CRLF inside a quoted field twice (it would say line 5).
      name: 'crlf.csv',
      expected: () => [row(1, 2, { email: 'ann@example.com', notes: 'first\r\nsecond' }), row(2, 4, { email: 'bo@example.com', notes: 'plain' })],
    },
    {
      name: 'mixed-endings.csv',
      expected: () => [
        row(1, 2, { email: 'ann@example.com', name: 'Ann' }),
        row(2, 3, { email: 'bo@example.com', name: 'Bo' }),
        row(3, 4, { email: 'cy@example.com', name: 'Cy' }),
        row(4, 5, { email: 'di@example.com', name: 'Di' }),
      ],
    },
    {
      name: 'multiline-quoted.csv',
      expected: () => [
        row(1, 2, { email: 'ann@example.com', name: 'Ann', notes: 'line one\nline two\nline three' }),
        row(2, 5, { email: 'bo@example.com', name: 'Bo', notes: 'He said "hi"' }),
        row(3, 7, { email: 'cy@example.com', name: 'Cy', notes: '' }),
      ],
    },
    {
      name: 'ragged.csv',
      expected: (f) => [
        row(1, 2, { email: 'ann@example.com', name: 'Ann', phone: '555-0100' }),
        bad(2, 3, 'bo@example.com,Bo', { code: 'CSV_RAGGED_ROW', message: `Wrong number of columns: expected 3 as in the header, got 2 (${f} line 3)` }),
        bad(3, 4, 'cy@example.com,Cy,555-0102,extra', {
          code: 'CSV_RAGGED_ROW',
          message: `Wrong number of columns: expected 3 as in the header, got 4 (${f} line 4)`,
        }),
        row(4, 5, { email: 'di@example.com', name: 'Di', phone: '555-0103' }),
      ],
    },
    {
      name: 'unclosed-quote.csv',
      expected: (f) => [
        row(1, 2, { email: 'ann@example.com', name: 'Ann', city: 'Paris' }),
        bad(2, 3, 'bo@example.com,"Bo,Berlin', {
          code: 'CSV_UNCLOSED_QUOTE',
          message: `Unclosed quote: a quoted field starts on this line and is never closed before the end of the file (${f} line 3, column 'name')`,
          column: 'name',
        }),
        row(3, 4, { email: 'cy@example.com', name: 'Cy', city: 'Rome' }),
        row(4, 5, { email: 'di@example.com', name: 'Di', city: 'Oslo' }),
      ],
    },
    {
      name: 'invalid-quote.csv',
      expected: (f) => [
        bad(1, 2, 'ann@example.com,Ann "the pen" Lee', {
          code: 'CSV_INVALID_QUOTE',
          message: `Invalid quote: a quote inside an unquoted field; quote the whole field and write the quote as "" (${f} line 2, column 'name')`,
          column: 'name',
        }),
        bad(2, 3, 'bo@example.com,"Bo" Jr', {
          code: 'CSV_INVALID_QUOTE',
          message: `Invalid quote: the closing quote of a quoted field is followed by ' ' instead of a delimiter or a line end; inside a quoted field write a quote as "" (${f} line 3, column 'name')`,
          column: 'name',
        }),
        row(3, 4, { email: 'cy@example.com', name: 'Cy' }),
      ],
    },
    {
      name: 'formulas.csv',
      expected: () => [
        row(1, 2, { email: 'ann@example.com', name: '=1+1', note: '+SUM(A1:A2)' }),
        row(2, 3, { email: 'bo@example.com', name: '-2+3', note: '@cmd' }),
        row(3, 4, { email: 'cy@example.com', name: '=HYPERLINK("http://evil.example","click")', note: "=cmd|' /C calc'!A0" }),
      ],
    },
    { name: 'header-only.csv', expected: () => [] },
  ])('$name', async ({ name, expected }) => {
    const file = fixture(name);
    expect(await collect(file)).toEqual(expected(file));
  });
});

describe('readCsvHeader', () => {
  it.each<{ name: string; headers: string[]; encoding: string; bomLength: number; delimiter: string }>([
    { name: 'utf8-bom.csv', headers: ['Email', 'First Name'], encoding: 'utf8', bomLength: 3, delimiter: ',' },
    { name: 'utf16le-bom.csv', headers: ['Email', 'First Name'], encoding: 'utf16le', bomLength: 2, delimiter: ',' },
    { name: 'windows-1252.csv', headers: ['email', 'name', 'note'], encoding: 'windows1252', bomLength: 0, delimiter: ',' },
    { name: 'semicolon.csv', headers: ['email', 'name', 'amount'], encoding: 'utf8', bomLength: 0, delimiter: ';' },
    { name: 'tab.csv', headers: ['email', 'name', 'city'], encoding: 'utf8', bomLength: 0, delimiter: '\t' },
    { name: 'pipe.csv', headers: ['email', 'name', 'tags'], encoding: 'utf8', bomLength: 0, delimiter: '|' },
    { name: 'header-only.csv', headers: ['email', 'name'], encoding: 'utf8', bomLength: 0, delimiter: ',' },
  ])('$name', async ({ name, headers, encoding, bomLength, delimiter }) => {
    const header = await readCsvHeader(fixture(name));
    expect(header).toMatchObject({ file: fixture(name), headers, line: 1, encoding: { encoding, bomLength }, delimiter: { delimiter } });
  });

  it('gives the line of a header after blank lines', async () => {
    const file = await temp('blank-first.csv', '\n\r\nemail,name\n\na@x,Ann\n');
    expect(await readCsvHeader(file)).toMatchObject({ headers: ['email', 'name'], line: 3 });
    expect(await collect(file)).toEqual([row(1, 5, { email: 'a@x', name: 'Ann' })]);
  });
});

describe('a file that cannot be read at all', () => {
  it.each<{ name: string; code: string; message: (file: string) => string }>([
    { name: 'empty.csv', code: 'EMPTY_FILE', message: (f) => `Empty file: there is no header line (${f})` },
    {
      name: 'binary.csv',
      code: 'BINARY_FILE',
      message: (f) => `Not a text file: a NUL byte at byte 9, and no UTF-16 byte order mark; if it is UTF-16 without one, set source.encoding to utf16le or utf16be (${f} line 3)`,
    },
    { name: 'duplicate-header.csv', code: 'CSV_DUPLICATE_HEADER', message: (f) => `Duplicate header 'Email' (${f} line 1, columns 3 and 7)` },
    { name: 'empty-header.csv', code: 'CSV_EMPTY_HEADER', message: (f) => `Empty header name (${f} line 1, column 2, after 'email')` },
  ])('$name: $code from readCsvRows and readCsvHeader', async ({ name, code, message }) => {
    const file = fixture(name);
    for (const err of [await failure(collect(file)), await failure(readCsvHeader(file))]) {
      expect(err).toBeInstanceOf(CsvSourceError);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ code, message: message(file), exitCode: 2, file });
    }
  });

  it.each<{ name: string; content: string | Buffer; code: string; message: (file: string) => string }>([
    { name: 'blank-lines.csv', content: '\n\r\n\n', code: 'EMPTY_FILE', message: (f) => `Empty file: there is no header line (${f})` },
    { name: 'bom-only.csv', content: Buffer.from([0xef, 0xbb, 0xbf]), code: 'EMPTY_FILE', message: (f) => `Empty file: there is no header line (${f})` },
    {
      name: 'header-quote.csv',
      content: 'email,"name\na@x,Ann\n',
      code: 'CSV_UNCLOSED_QUOTE',
      message: (f) => `Cannot read the header: Unclosed quote: a quoted field starts on this line and is never closed before the end of the file (${f} line 1, column 2)`,
    },
    {
      name: 'blank-header-name.csv',
      content: 'email, \t,name\n',
      code: 'CSV_EMPTY_HEADER',
      message: (f) => `Empty header name (${f} line 1, column 2, after 'email')`,
    },
  ])('$name: $code', async ({ name, content, code, message }) => {
    const file = await temp(name, content);
    expect(await failure(collect(file))).toMatchObject({ code, message: message(file), exitCode: 2 });
  });

  it('a folder given as the file: NOT_A_FILE from readCsvRows and readCsvHeader, not a raw EISDIR', async () => {
    for (const err of [await failure(collect(dir)), await failure(readCsvHeader(dir))]) {
      expect(err).toBeInstanceOf(CsvSourceError);
      expect(err).toMatchObject({ code: 'NOT_A_FILE', message: `Not a file: it is a folder (${dir})`, exitCode: 2, file: dir });
    }
  });

  it('a missing file rejects with ENOENT', async () => {
    expect(await failure(collect(join(dir, 'nope.csv')))).toMatchObject({ code: 'ENOENT' });
  });
});

describe('options', () => {
  it('an explicit encoding overrides detection', async () => {
    // Latin-1 reads 0x80 as U+0080 where Windows-1252 reads €: proof the option was used.
    expect(await collect(fixture('windows-1252.csv'), { encoding: 'latin1' })).toContainEqual(
      row(1, 2, { email: 'rene@example.com', name: 'René', note: 'Café \u00805' }),
    );
  });

  it('an explicit delimiter overrides detection', async () => {
    const file = fixture('semicolon.csv');
    const items = await collect(file, { delimiter: 'comma' });
    expect(items[0]).toEqual(
      bad(1, 2, 'ann@example.com;Ann;1,5', { code: 'CSV_RAGGED_ROW', message: `Wrong number of columns: expected 1 as in the header, got 2 (${file} line 2)` }),
    );
  });

  it.each<{ options: ReadCsvOptions; path: string }>([
    { options: { encoding: 'ebcdic-klingon' }, path: 'source.encoding' },
    { options: { delimiter: '::' }, path: 'source.delimiter' },
  ])('a bad $path is a ConfigError naming it', async ({ options, path }) => {
    const err = await failure(collect(fixture('semicolon.csv'), options));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG', path, exitCode: 2 });
  });
});

describe('large and awkward input', () => {
  it.each([
    ['ordinary headers', 'a,b\n1,2\n', { a: '1', b: '2' }],
    ['headers named like Object properties', '__proto__,constructor,toString\nx,y,z\n', { ['__proto__']: 'x', constructor: 'y', toString: 'z' }],
  ])('%s: each cell is an own property named after its header', async (_name, text, values) => {
    const file = await temp('proto.csv', Buffer.from(text));
    const items = await collect(file);
    expect(items).toHaveLength(1);
    const got = (items[0] as Extract<SourceItem, { kind: 'row' }>).row.values;
    expect(Object.entries(got)).toEqual(Object.entries(JSON.parse(JSON.stringify(values)) as object));
    expect(Object.keys(got)).toEqual(text.split('\n')[0]!.split(','));
  });

  it('reads UTF-16BE with a BOM and a semicolon delimiter', async () => {
    const file = await temp('utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('e;n\r\na@x;Ève\r\n', 'utf16be')]));
    expect(await collect(file)).toEqual([row(1, 2, { e: 'a@x', n: 'Ève' })]);
  });

  it('UTF-8 characters cut by chunk boundaries are read whole', async () => {
    // 'é' is two bytes and '李' three: with an odd line length some of them straddle each 64 KiB boundary.
    const lines = ['name,city'];
    for (let i = 0, size = 0; size < 3 * CHUNK; i++) {
      lines.push(`é${i}李,ü`);
      size += Buffer.byteLength(lines.at(-1)!) + 1;
    }
    const content = Buffer.from(`${lines.join('\n')}\n`);
    const isContinuation = (b: number | undefined): boolean => b !== undefined && b >= 0x80 && b <= 0xbf;
    expect([1, 2, 3].some((k) => isContinuation(content[k * CHUNK]))).toBe(true);
    const file = await temp('split-chars.csv', content);
    const items = await collect(file);
    expect(items).toHaveLength(lines.length - 1);
    expect(items.every((i) => i.kind === 'row')).toBe(true);
    expect(items.at(-1)).toEqual(row(lines.length - 1, lines.length, { name: `é${lines.length - 2}李`, city: 'ü' }));
  });

  it('a byte that is not UTF-8 past the detection sample fails its own row, with line and column', async () => {
    const head = ['email,name'];
    for (let size = 0; size < 2 * CHUNK; size += head.at(-1)!.length + 1) head.push(`u${head.length}@example.com,User`);
    const line = head.length + 1;
    const file = await temp(
      'late-1252.csv',
      Buffer.concat([Buffer.from(`${head.join('\n')}\n`), Buffer.from('rene@example.com,Ren'), Buffer.from([0xe9]), Buffer.from('\nlast@example.com,Last\n')]),
    );
    const items = await collect(file);
    expect(items.slice(-2)).toEqual([
      bad(line - 1, line, 'rene@example.com,Ren\uFFFD', {
        code: 'CSV_INVALID_ENCODING',
        message: `Not UTF-8: byte 0xE9 cannot be read as UTF-8; if the file was saved as Windows-1252, set source.encoding to windows1252 (${file} line ${line}, column 'name')`,
        column: 'name',
      }),
      row(line, line + 1, { email: 'last@example.com', name: 'Last' }),
    ]);
    expect(items.filter((i) => i.kind === 'bad-row')).toHaveLength(1);
  });

  it('a field of 10 MB', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024) + ',\n"' + 'y'.repeat(5 * 1024 * 1024);
    const file = await temp('big-field.csv', `email,notes\na@x,"${big.replace(/"/g, '""')}"\nb@x,small\n`);
    const items = await collect(file);
    expect(items).toHaveLength(2);
    const first = items[0]!;
    expect(first.kind === 'row' && first.row.values['notes']).toBe(big);
    expect(items[1]).toEqual(row(2, 4, { email: 'b@x', notes: 'small' }));
  });

  it('a quote that a later line closes: only the line that opened it fails', async () => {
    const file = await temp('late-close.csv', 'email,name,city\nann@x,"Ann,Paris\nbo@x,Bo,Berlin\ncy@x,"Cy",Rome\ndi@x,Di,Oslo\n');
    expect(await collect(file)).toEqual([
      bad(1, 2, 'ann@x,"Ann,Paris', {
        code: 'CSV_INVALID_QUOTE',
        message: `Invalid quote: the closing quote of a quoted field is followed by 'C' instead of a delimiter or a line end; inside a quoted field write a quote as "" (${file} line 2, column 'name')`,
        column: 'name',
      }),
      row(2, 3, { email: 'bo@x', name: 'Bo', city: 'Berlin' }),
      row(3, 4, { email: 'cy@x', name: 'Cy', city: 'Rome' }),
      row(4, 5, { email: 'di@x', name: 'Di', city: 'Oslo' }),
    ]);
  });

  it('an unclosed quote stops at maxRecordSize instead of swallowing the file, and reading goes on', async () => {
    const lines = ['email,name', 'a@x,"Ann'];
    for (let i = 0; i < 5000; i++) lines.push(`u${i}@x,User ${i}`);
    const file = await temp('unclosed-long.csv', `${lines.join('\n')}\n`);
    const items = await collect(file, { maxRecordSize: 1000 });
    expect(items[0]).toEqual(
      bad(1, 2, 'a@x,"Ann', {
        code: 'CSV_UNCLOSED_QUOTE',
        message: `Unclosed quote: a quoted field starts on this line and is still open after 1000 characters, the most one record may hold (${file} line 2, column 'name')`,
        column: 'name',
      }),
    );
    expect(items).toHaveLength(5001);
    expect(items[1]).toEqual(row(2, 3, { email: 'u0@x', name: 'User 0' }));
    expect(items.at(-1)).toEqual(row(5001, 5002, { email: 'u4999@x', name: 'User 4999' }));
  });

  it('a line longer than maxRecordSize across chunks fails alone; the rows after it are read', async () => {
    const long = 'z'.repeat(3 * CHUNK);
    const file = await temp('long-line.csv', `email,name\r\na@x,Ann\r\nb@x,${long}\r\nc@x,Cy\r\n`);
    const items = await collect(file, { maxRecordSize: 1000 });
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual(row(1, 2, { email: 'a@x', name: 'Ann' }));
    expect(items[1]).toMatchObject({
      kind: 'bad-row',
      record: 2,
      line: 3,
      problem: { code: 'CSV_RECORD_TOO_LARGE', message: `Record too large: more than 1000 characters without a line end (${file} line 3, column 'name')` },
    });
    expect(items[2]).toEqual(row(3, 4, { email: 'c@x', name: 'Cy' }));
  });

  it('a failed line whose CRLF is cut by a chunk boundary keeps the line numbers right', async () => {
    const head = 'email,name\r\n';
    const filler: string[] = [];
    let size = head.length;
    for (let i = 0; size < CHUNK - 200; i++) {
      const l = `u${i}@x,U${i}\r\n`;
      filler.push(l);
      size += l.length;
    }
    // The bad line's CR is the last byte of the first chunk and its LF the first of the second.
    const badLine = `q@x,Q "x"${'.'.repeat(CHUNK - size - 'q@x,Q "x"'.length - 1)}\r`;
    const content = `${head}${filler.join('')}${badLine}\nz@x,Z\r\n`;
    expect(content.indexOf('\r\nz@x')).toBe(CHUNK - 1);
    const file = await temp('cut-crlf.csv', content);
    const items = await collect(file);
    const line = filler.length + 2;
    expect(items.slice(-2)).toEqual([
      expect.objectContaining({ kind: 'bad-row', line, problem: expect.objectContaining({ code: 'CSV_INVALID_QUOTE' }) }),
      row(filler.length + 2, line + 1, { email: 'z@x', name: 'Z' }),
    ]);
  });

  it('stopping early closes the file without error', async () => {
    for await (const item of readCsvRows(fixture('ragged.csv'))) {
      expect(item.kind).toBe('row');
      break;
    }
  });

  it('reads a ~50 MB file with flat memory', { timeout: 180_000 }, async () => {
    const file = join(dir, 'fifty.csv');
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) lines.push(`user${i}@example.com,First${i},Last${i},+1 555 ${String(i).padStart(4, '0')},"note, with comma ${i}"\n`);
    const block = lines.join('');
    const out = createWriteStream(file);
    out.write('email,first,last,phone,note\n');
    let written = 0;
    let expected = 0;
    while (written < 50 * 1024 * 1024) {
      if (!out.write(block)) await once(out, 'drain');
      written += Buffer.byteLength(block);
      expected += 10_000;
    }
    out.end();
    await once(out, 'finish');

    const before = process.memoryUsage().rss;
    let peak = before;
    let rows = 0;
    for await (const item of readCsvRows(file)) {
      if (item.kind !== 'row') throw new Error(`unexpected ${JSON.stringify(item)}`);
      rows++;
      if (rows % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    await rm(file);
    expect(rows).toBe(expected);
    expect((peak - before) / (1024 * 1024)).toBeLessThan(100);
  });
});
