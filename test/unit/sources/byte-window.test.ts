import { describe, expect, it } from 'vitest';
import { ByteWindow } from '../../../src/sources/byte-window.js';
import { countLineBreaks, findLineBreak, leadingLineBreaks, withoutTrailingLineBreak } from '../../../src/sources/line-breaks.js';

describe('ByteWindow', () => {
  it('slices across chunks in stream offsets and forgets what is dropped', () => {
    const w = new ByteWindow(10);
    w.append(Buffer.from('abc'));
    w.append(Buffer.from('def'));
    expect([w.start, w.end]).toEqual([10, 16]);
    expect(w.slice(11, 15).toString()).toBe('bcde');
    w.dropBefore(14);
    expect(w.slice(14).toString()).toBe('ef');
    expect(() => w.slice(13, 15)).toThrow(RangeError);
    w.restartAt(20);
    expect([w.start, w.end, w.slice(20).length]).toEqual([20, 20, 0]);
  });
});

describe('line breaks', () => {
  const B = (s: string): Buffer => Buffer.from(s);

  it.each<[string, number]>([
    ['a', 0],
    ['a\n', 1],
    ['a\r\n', 1],
    ['a\rb\nc\r\n', 3],
    ['"x\r\ny"\r\n', 2],
    ['\n\n', 2],
  ])('countLineBreaks(%j) = %i', (text, expected) => {
    expect(countLineBreaks(B(text))).toBe(expected);
  });

  it.each<[string, { count: number; length: number }]>([
    ['a\n', { count: 0, length: 0 }],
    ['\r\n\na', { count: 2, length: 3 }],
    ['\r\r\na', { count: 2, length: 3 }],
  ])('leadingLineBreaks(%j)', (text, expected) => {
    expect(leadingLineBreaks(B(text))).toEqual(expected);
  });

  it.each<[string, number, { index: number; length: number } | undefined]>([
    ['abc', 0, undefined],
    ['ab\r\nc', 0, { index: 2, length: 2 }],
    ['ab\rc', 0, { index: 2, length: 1 }],
    ['\nab\nc', 1, { index: 3, length: 1 }],
  ])('findLineBreak(%j, %i)', (text, from, expected) => {
    expect(findLineBreak(B(text), from)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['a\r\n', 'a'],
    ['a\n', 'a'],
    ['a\r', 'a'],
    ['a\n\n', 'a\n'],
    ['a', 'a'],
  ])('withoutTrailingLineBreak(%j) = %j', (text, expected) => {
    expect(Buffer.from(withoutTrailingLineBreak(B(text))).toString()).toBe(expected);
  });
});
