import { describe, expect, it } from 'vitest';
import { applyBlankPolicy, isBlankValue, type BlankPolicy } from '../../../src/transforms/blanks.js';

describe('isBlankValue', () => {
  it.each<[unknown, boolean]>([
    [undefined, true],
    [null, true],
    ['', true],
    ['   ', true],
    ['\t\r\n', true],
    ['\u00A0', true],
    ['\u200B', true],
    ['\uFEFF', true],
    [[], true],
    ['x', false],
    [' x ', false],
    ['n/a', false],
    ['-', false],
    [0, false],
    [false, false],
    [['a'], false],
    [{}, false],
  ])('%j -> %s', (value, expected) => {
    expect(isBlankValue(value)).toBe(expected);
  });
});

describe('applyBlankPolicy', () => {
  const fields = { firstName: 'Ada', lastName: '  ', email: '', phone: null, city: undefined, score: 0, tags: [] as string[] };

  it.each<[BlankPolicy, Record<string, unknown>]>([
    ['keep', { firstName: 'Ada', score: 0 }],
    ['clear', { firstName: 'Ada', lastName: null, email: null, phone: null, city: null, score: 0, tags: null }],
  ])('%s -> %j', (policy, expected) => {
    expect(applyBlankPolicy(fields, policy)).toEqual(expected);
  });

  it('keep leaves the key out, so the write never wipes a value', () => {
    expect(Object.keys(applyBlankPolicy({ email: ' ', phone: '+14155550101' }, 'keep'))).toEqual(['phone']);
  });

  it('keeps key order and does not touch its input', () => {
    const input = { b: '', a: 'x', c: 'y' };
    expect(Object.keys(applyBlankPolicy(input, 'clear'))).toEqual(['b', 'a', 'c']);
    expect(input).toEqual({ b: '', a: 'x', c: 'y' });
  });

  it('an unknown policy is a programming error', () => {
    expect(() => applyBlankPolicy({}, 'wipe' as BlankPolicy)).toThrow('Expected `policy` to be `keep` or `clear`, got `wipe` (string)');
  });
});
