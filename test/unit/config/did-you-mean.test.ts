import { describe, expect, it } from 'vitest';
import { editDistance, suggestClosest } from '../../../src/config/did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['email', 'email', 0],
    ['emial', 'email', 1],
    ['emal', 'email', 1],
    ['eemail', 'email', 1],
    ['upsrt', 'upsert', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('suggestClosest', () => {
  const fields = ['firstName', 'lastName', 'name', 'email', 'phone', 'job', 'tags', 'mode'];
  it.each([
    ['emial', 'email'],
    ['FirstName', 'firstName'],
    ['firstname', 'firstName'],
    ['fristName', 'firstName'],
    ['phnoe', 'phone'],
    ['tag', 'tags'],
    ['nmae', 'name'],
    ['foo', undefined],
    ['x', undefined],
    ['address', undefined],
    ['email', undefined],
  ])('%s -> %s', (word, expected) => {
    expect(suggestClosest(word, fields)).toBe(expected);
  });

  it('takes the nearest, then the first listed', () => {
    expect(suggestClosest('nam', ['names', 'name'])).toBe('name');
    expect(suggestClosest('ab', ['ac', 'ad'])).toBe('ac');
  });
});
