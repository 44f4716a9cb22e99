import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { ConfigError } from '../../../src/core/errors.js';
import { CsvSourceError } from '../../../src/sources/csv-source-error.js';
import { detectEncoding, resolveEncodingOption, type DetectEncodingOptions, type EncodingChoice } from '../../../src/sources/detect-encoding.js';

const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.isBuffer(p) ? p : Buffer.from(p))));
const BOM8 = [0xef, 0xbb, 0xbf];

describe('detectEncoding', () => {
  it.each<{ name: string; sample: Buffer; options?: DetectEncodingOptions; expected: EncodingChoice }>([
    { name: 'UTF-8 BOM', sample: bytes(BOM8, 'a,b\n'), expected: { encoding: 'utf8', bomLength: 3, source: 'bom' } },
    { name: 'UTF-16LE BOM', sample: bytes([0xff, 0xfe], iconv.encode('a,b', 'utf16le')), expected: { encoding: 'utf16le', bomLength: 2, source: 'bom' } },
    { name: 'UTF-16BE BOM', sample: bytes([0xfe, 0xff, 0x00, 0x61]), expected: { encoding: 'utf16be', bomLength: 2, source: 'bom' } },
    { name: 'plain ASCII', sample: bytes('email,name\r\na@x,Ann\r\n'), expected: { encoding: 'utf8', bomLength: 0, source: 'detected' } },
    { name: 'valid UTF-8 without BOM', sample: bytes('name\nJosé\n李\n😀\n'), expected: { encoding: 'utf8', bomLength: 0, source: 'detected' } },
    { name: 'empty sample', sample: bytes(''), expected: { encoding: 'utf8', bomLength: 0, source: 'detected' } },
    {
      name: 'UTF-8 cut off by the end of a partial sample',
      sample: bytes('name\nJos', [0xc3]),
      expected: { encoding: 'utf8', bomLength: 0, source: 'detected' },
    },
    {
      name: 'the same cut at the end of the whole file is not UTF-8 (and is Windows-1252)',
      sample: bytes('name\nJos', [0xc3]),
      options: { complete: true },
      expected: { encoding: 'windows1252', bomLength: 0, source: 'detected' },
    },
    { name: 'Windows-1252 é ü €', sample: bytes('name\nRen', [0xe9], '\nJ', [0xfc], 'rgen ', [0x80], '5\n'), expected: { encoding: 'windows1252', bomLength: 0, source: 'detected' } },
    {
      name: 'UTF-8 with one bad byte is UTF-8 (its row fails), not Windows-1252 (which would read José as JosÃ©)',
      sample: bytes('email,name\na@x,José\nb@x,Bo', [0xff], '\nc@x,Zoë\n'),
      options: { complete: true },
      expected: { encoding: 'utf8', bomLength: 0, source: 'detected' },
    },
    {
      name: 'a bad byte before the UTF-8 ones: still UTF-8 when valid sequences outnumber bad bytes',
      sample: bytes('name\nB', [0xe9], 'o\nJosé\nZoë\n'),
      options: { complete: true },
      expected: { encoding: 'utf8', bomLength: 0, source: 'detected' },
    },
    {
      name: 'Windows-1252 with one pair that happens to be valid UTF-8 (Ã©) stays Windows-1252',
      sample: bytes('name\nRen', [0xe9], '\nM', [0xfc], 'ller\n', [0xc3, 0xa9], '\n'),
      options: { complete: true },
      expected: { encoding: 'windows1252', bomLength: 0, source: 'detected' },
    },
    { name: 'Latin-1 text (a subset of Windows-1252)', sample: iconv.encode('name\nGarçon\n', 'latin1'), expected: { encoding: 'windows1252', bomLength: 0, source: 'detected' } },
    { name: 'a DOS end-of-file mark is not binary', sample: bytes('a,b\r\n1,2\r\n', [0x1a]), expected: { encoding: 'utf8', bomLength: 0, source: 'detected' } },
    { name: 'an explicit encoding wins', sample: bytes('a\n'), options: { encoding: 'latin1' }, expected: { encoding: 'latin1', bomLength: 0, source: 'option' } },
    {
      name: 'an explicit encoding skips the binary check (UTF-16LE without BOM)',
      sample: iconv.encode('a,b\n', 'utf16le'),
      options: { encoding: 'utf16le' },
      expected: { encoding: 'utf16le', bomLength: 0, source: 'option' },
    },
    {
      name: 'an explicit encoding agreeing with the BOM skips the mark',
      sample: bytes(BOM8, 'a\n'),
      options: { encoding: 'UTF-8' },
      expected: { encoding: 'utf8', bomLength: 3, source: 'option' },
    },
    {
      name: 'explicit utf-16 takes its byte order from the BOM',
      sample: bytes([0xfe, 0xff, 0x00, 0x61]),
      options: { encoding: 'utf-16' },
      expected: { encoding: 'utf16be', bomLength: 2, source: 'option' },
    },
  ])('$name', ({ sample, options, expected }) => {
    expect(detectEncoding(sample, options)).toEqual(expected);
  });

  it.each<{ name: string; sample: Buffer; options?: DetectEncodingOptions; code: string; message: string }>([
    {
      name: 'NUL bytes without a BOM',
      sample: bytes('PK', [0x03, 0x04, 0x00, 0x00]),
      options: { file: 'contacts.csv' },
      code: 'BINARY_FILE',
      message:
        'Not a text file: a NUL byte at byte 5, and no UTF-16 byte order mark; if it is UTF-16 without one, set source.encoding to utf16le or utf16be (contacts.csv line 1)',
    },
    {
      name: 'UTF-16LE without a BOM reads as binary, with the hint',
      sample: iconv.encode('a,b\nc,d\n', 'utf16le'),
      options: { file: 'c.csv' },
      code: 'BINARY_FILE',
      message:
        'Not a text file: a NUL byte at byte 2, and no UTF-16 byte order mark; if it is UTF-16 without one, set source.encoding to utf16le or utf16be (c.csv line 1)',
    },
    {
      name: 'many control characters',
      sample: bytes('ab', [0x01, 0x02, 0x03], 'cdefghijklmnopq'),
      options: { file: 'c.csv' },
      code: 'BINARY_FILE',
      message: 'Not a text file: 15% of the first 20 bytes are control characters (c.csv)',
    },
    {
      name: 'neither UTF-8 nor Windows-1252',
      sample: bytes('name\nab', [0xe9], 'c\nx', [0x81], '\n'),
      options: { file: 'c.csv' },
      code: 'UNDETECTED_ENCODING',
      message:
        'Cannot tell the encoding: byte 0xE9 is not UTF-8, and byte 0x81 on line 3 is not Windows-1252; set source.encoding, e.g. latin1, cp850 or macintosh (c.csv line 2, column 3)',
    },
  ])('refuses $name', ({ sample, options, code, message }) => {
    const err = catchError(() => detectEncoding(sample, options));
    expect(err).toBeInstanceOf(CsvSourceError);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code, message, exitCode: 2 });
  });

  it('refuses an explicit encoding the BOM contradicts, at source.encoding', () => {
    const err = catchError(() => detectEncoding(bytes(BOM8, 'a\n'), { encoding: 'windows1252', file: 'c.csv' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({
      path: 'source.encoding',
      message:
        'c.csv starts with a UTF-8 byte order mark, but the encoding is set to `windows1252`: remove the setting or save the file without the mark (at source.encoding)',
    });
  });
});

describe('resolveEncodingOption', () => {
  it.each(['utf8', 'UTF-8', 'utf16le', 'windows-1252', 'cp1252', 'latin1', 'ISO-8859-15', 'cp850', 'macintosh'])('accepts %s', (name) => {
    expect(resolveEncodingOption(name)).toBe(name);
  });

  it.each<[unknown, string]>([
    ['klingon', 'Unknown encoding `klingon`'],
    ['', 'Unknown encoding ``'],
    [42, 'Unknown encoding `42` (number)'],
  ])('refuses %j with a ConfigError naming source.encoding and examples', (value, start) => {
    const err = catchError(() => resolveEncodingOption(value));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({
      code: 'CONFIG',
      path: 'source.encoding',
      message: `${start}: expected one iconv-lite supports, e.g. utf8, utf16le, utf16be, windows1252, latin1, cp850, macintosh (at source.encoding)`,
    });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
