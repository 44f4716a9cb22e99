import { describe, expect, it } from 'vitest';
import { incompleteUtf8Tail, scanUtf8, type Utf8Scan } from '../../../src/sources/scan-utf8.js';
import { Utf8Checker } from '../../../src/sources/utf8-checker.js';

const b = (...bytes: Array<number | string>): Buffer =>
  Buffer.concat(bytes.map((x) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from([x]))));

describe('scanUtf8', () => {
  it.each<{ name: string; bytes: Buffer; expected: Utf8Scan }>([
    { name: 'ASCII', bytes: b('abc'), expected: { end: 3, truncated: false } },
    { name: 'two, three and four byte sequences', bytes: b('é李😀'), expected: { end: 9, truncated: false } },
    { name: 'a lone continuation byte', bytes: b('a', 0x80), expected: { end: 1, truncated: false } },
    { name: 'Windows-1252 é before ASCII', bytes: b('Ren', 0xe9, 'e'), expected: { end: 3, truncated: false } },
    { name: 'a sequence cut by the end', bytes: b('a', 0xe6, 0x9d), expected: { end: 1, truncated: true } },
    { name: 'overlong 2-byte form (C0 80)', bytes: b(0xc0, 0x80), expected: { end: 0, truncated: false } },
    { name: 'overlong 3-byte form (E0 80 80)', bytes: b(0xe0, 0x80, 0x80), expected: { end: 0, truncated: false } },
    { name: 'a surrogate (ED A0 80)', bytes: b(0xed, 0xa0, 0x80), expected: { end: 0, truncated: false } },
    { name: 'past U+10FFFF (F4 90 80 80)', bytes: b(0xf4, 0x90, 0x80, 0x80), expected: { end: 0, truncated: false } },
    { name: 'F5 is never valid', bytes: b(0xf5), expected: { end: 0, truncated: false } },
  ])('$name', ({ bytes, expected }) => {
    expect(scanUtf8(bytes)).toEqual(expected);
  });
});

describe('incompleteUtf8Tail', () => {
  it.each<[string, Buffer, number]>([
    ['complete', b('aé'), 0],
    ['one byte of é', b('a', 0xc3), 1],
    ['two bytes of 李', b('a', 0xe6, 0x9d), 2],
    ['three bytes of 😀', b('a', 0xf0, 0x9f, 0x98), 3],
    ['a lead byte at the end may be a cut (Windows-1252 é looks the same)', b('a', 0xe9), 1],
    ['a byte that never starts a sequence is not a cut', b('a', 0xc0), 0],
    ['a cut sequence gone wrong is not a cut', b('a', 0xe6, 'b'), 0],
    ['a stray continuation byte is not a cut', b('a', 0x80), 0],
  ])('%s', (_name, bytes, expected) => {
    expect(incompleteUtf8Tail(bytes)).toBe(expected);
  });
});

describe('Utf8Checker', () => {
  it('passes UTF-8 cut across chunks through unchanged', () => {
    const checker = new Utf8Checker();
    const out = Buffer.concat([checker.write(b('a', 0xe6)), checker.write(b(0x9d, 0x8e, 'b')), checker.end()]);
    expect(out.toString()).toBe('a李b');
    expect(checker.takeBefore(Infinity)).toEqual([]);
  });

  it('replaces bad bytes with U+FFFD and notes their output offsets', () => {
    const checker = new Utf8Checker();
    const out = Buffer.concat([checker.write(b('ab', 0xe9, 'c')), checker.write(b('d', 0xfc)), checker.end()]);
    expect(out.toString()).toBe('ab\uFFFDcd\uFFFD');
    expect(checker.takeBefore(3)).toEqual([{ offset: 2, byte: 0xe9 }]);
    expect(checker.takeBefore(Infinity)).toEqual([{ offset: 7, byte: 0xfc }]);
  });

  it('a sequence still cut at the end of the input is bad', () => {
    const checker = new Utf8Checker();
    const out = Buffer.concat([checker.write(b('a', 0xc3)), checker.end()]);
    expect(out.toString()).toBe('a\uFFFD');
    expect(checker.takeBefore(Infinity)).toEqual([{ offset: 1, byte: 0xc3 }]);
  });
});
