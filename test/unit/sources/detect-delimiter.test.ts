import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { countFields, detectDelimiter, resolveDelimiterOption, type DelimiterChoice, type DetectDelimiterOptions } from '../../../src/sources/detect-delimiter.js';

describe('detectDelimiter', () => {
  it.each<{ name: string; text: string; options?: DetectDelimiterOptions; expected: DelimiterChoice }>([
    { name: 'comma', text: 'email,name\na@x,Ann\n', expected: { delimiter: ',', source: 'detected' } },
    { name: 'semicolon with decimal commas', text: 'email;name;amount\na@x;Ann;1,5\nb@x;Bo;2,25\n', expected: { delimiter: ';', source: 'detected' } },
    { name: 'tab', text: 'email\tname\ta, b\na@x\tAnn\tx, y\n', expected: { delimiter: '\t', source: 'detected' } },
    { name: 'pipe', text: 'email|name|tags\na@x|Ann|a,b,c\n', expected: { delimiter: '|', source: 'detected' } },
    { name: 'CRLF lines', text: 'a;b\r\n1;2\r\n3;4\r\n', expected: { delimiter: ';', source: 'detected' } },
    {
      name: 'delimiters inside quotes do not count',
      text: 'name,notes\n"Lee; Ann","a;b;c"\n"Bo; Jr","d;e"\n',
      expected: { delimiter: ',', source: 'detected' },
    },
    {
      name: 'a quoted field over several lines is one record',
      text: 'a;b\n1;"x\ny,z,w\nv"\n2;3\n',
      expected: { delimiter: ';', source: 'detected' },
    },
    {
      name: 'consistency beats the header count: commas in a semicolon header name',
      text: 'name;address, line 1;email\nAnn;1 Main St, Apt 2;a@x\nBo;Elm St;b@x\n',
      expected: { delimiter: ';', source: 'detected' },
    },
    {
      name: 'on equal consistency the candidate with more columns wins',
      text: 'a|b,c|d\n1|2,3|4\n',
      expected: { delimiter: '|', source: 'detected' },
    },
    { name: 'one column: the default', text: 'email\na@x\nb@x\n', expected: { delimiter: ',', source: 'default' } },
    { name: 'empty text: the default', text: '', expected: { delimiter: ',', source: 'default' } },
    {
      name: 'a cut last line of a partial sample is not counted',
      text: 'a;b\n1;2\n3;4,5,6,7,8,9',
      expected: { delimiter: ';', source: 'detected' },
    },
    { name: 'a header-only file without a line break, complete', text: 'a;b', options: { complete: true }, expected: { delimiter: ';', source: 'detected' } },
    { name: 'the option wins', text: 'a,b\n1,2\n', options: { delimiter: ';' }, expected: { delimiter: ';', source: 'option' } },
    { name: 'the option by name', text: 'a,b\n', options: { delimiter: 'tab' }, expected: { delimiter: '\t', source: 'option' } },
  ])('$name', ({ text, options, expected }) => {
    expect(detectDelimiter(text, options)).toEqual(expected);
  });
});

describe('countFields', () => {
  it.each<{ text: string; delimiter: string; complete: boolean; expected: number[] }>([
    { text: 'a,b,c\n1,2,3\n', delimiter: ',', complete: false, expected: [3, 3] },
    { text: 'a,b,c\n1,2,3', delimiter: ',', complete: false, expected: [3] },
    { text: 'a,b,c\n1,2,3', delimiter: ',', complete: true, expected: [3, 3] },
    { text: 'a,b\n\n\r\n1,2\n', delimiter: ',', complete: false, expected: [2, 2] },
    { text: '"a,""b",c\r\n"x\r\ny",z\r\n', delimiter: ',', complete: false, expected: [2, 2] },
    { text: 'a,b\n"open,quote\n1,2\n', delimiter: ',', complete: true, expected: [2] },
    { text: 'a,b"c,d\n', delimiter: ',', complete: false, expected: [3] },
    { text: ',,\n', delimiter: ',', complete: false, expected: [3] },
  ])('$text split on $delimiter → $expected', ({ text, delimiter, complete, expected }) => {
    expect(countFields(text, delimiter, { maxRecords: 50, complete })).toEqual(expected);
  });

  it('stops after maxRecords', () => {
    expect(countFields('a\nb\nc\nd\n', ',', { maxRecords: 2, complete: false })).toEqual([1, 1]);
  });
});

describe('resolveDelimiterOption', () => {
  it.each<[string, string]>([
    [',', ','],
    [';', ';'],
    ['\t', '\t'],
    ['|', '|'],
    ['comma', ','],
    ['Semicolon', ';'],
    ['tab', '\t'],
    ['\\t', '\t'],
    ['pipe', '|'],
    ['^', '^'],
  ])('%j → %j', (value, expected) => {
    expect(resolveDelimiterOption(value)).toBe(expected);
  });

  it.each<[unknown, string]>([
    ['ab', '`ab`'],
    ['', '``'],
    ['"', '`\\"`'],
    ['\n', '`\\n`'],
    [44, '`44` (number)'],
  ])('refuses %j with a ConfigError at source.delimiter', (value, got) => {
    let err: unknown;
    try {
      resolveDelimiterOption(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({
      path: 'source.delimiter',
      message: `Expected the delimiter to be one character such as \`,\` \`;\` \`|\` or a tab (or one of comma, semicolon, tab, pipe), got ${got} (at source.delimiter)`,
    });
  });
});
