import { describe, expect, it } from 'vitest';
import { foldText, jaro, jaroWinkler, osaDistance, soundex, tokenSimilarity, withinOneEdit } from '../../../src/dedup/similarity.js';

describe('foldText', () => {
  it.each([
    ['  José  O’Brien-Smith ', 'jose o brien smith'],
    ['MÜLLER', 'muller'],
    ['12 Main St.', '12 main st'],
    ['', ''],
    ['---', ''],
    ['e\u0301clair', 'eclair'],
  ])('%j -> %j', (raw, folded) => {
    expect(foldText(raw)).toBe(folded);
  });
});

describe('jaro and jaroWinkler', () => {
  // Reference values from Winkler (1990) and the usual test tables.
  it.each([
    ['martha', 'marhta', 0.9444, 0.9611],
    ['dwayne', 'duane', 0.8222, 0.84],
    ['dixon', 'dicksonx', 0.7667, 0.8133],
    ['jones', 'johnson', 0.7905, 0.8324],
    ['abc', 'xyz', 0, 0],
    ['same', 'same', 1, 1],
    ['', '', 0, 0],
    ['a', '', 0, 0],
  ])('%s / %s', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 4);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 4);
    expect(jaroWinkler(b, a)).toBeCloseTo(jw, 4);
  });

  it('handles strings longer than 31 characters (kept in arrays, not bitmasks)', () => {
    const a = 'the quick brown fox jumps over the lazy dog';
    const b = 'the quick brown fox jumsp over the lazy dgo';
    expect(a.length).toBeGreaterThan(31);
    // All 43 characters match; two swapped pairs are four characters out of order, two transpositions.
    expect(jaro(a, b)).toBeCloseTo((43 / 43 + 43 / 43 + (43 - 2) / 43) / 3, 10);
    expect(jaro(`${a}x`, `${a}y`)).toBeCloseTo((43 / 44 + 43 / 44 + 1) / 3, 10);
  });
});

describe('osaDistance and withinOneEdit', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['ca', 'abc', 3], // OSA, unlike unrestricted Damerau-Levenshtein (2), edits no substring twice
    ['4102', '4120', 1],
    ['19870205', '19870502', 2],
    ['smith', 'smyth', 1],
    ['smith', 'smiths', 1],
    ['smith', 'mith', 1],
  ])('%j / %j -> %i', (a, b, d) => {
    expect(osaDistance(a, b)).toBe(d);
    expect(osaDistance(b, a)).toBe(d);
    expect(withinOneEdit(a, b)).toBe(d <= 1);
    expect(withinOneEdit(b, a)).toBe(d <= 1);
  });

  it('stops at max + 1', () => {
    expect(osaDistance('kitten', 'sitting', 1)).toBe(2);
    expect(osaDistance('abcdef', 'a', 2)).toBe(3);
    expect(osaDistance('abc', 'abd', 1)).toBe(1);
  });
});

describe('tokenSimilarity', () => {
  it.each([
    ['garcia lopez', 'lopez garcia', 1],
    ['mary', 'mary', 1],
    ['', 'mary', 0],
  ])('%j / %j -> %d', (a, b, s) => {
    expect(tokenSimilarity(a, b)).toBeCloseTo(s, 6);
  });

  it('scores a shared word above unrelated words', () => {
    expect(tokenSimilarity('garcia lopez', 'garcia')).toBeGreaterThan(tokenSimilarity('garcia lopez', 'smith'));
  });
});

describe('soundex', () => {
  it.each([
    ['robert', 'R163'],
    ['rupert', 'R163'],
    ['rubin', 'R150'],
    ['ashcraft', 'A261'],
    ['ashcroft', 'A261'],
    ['tymczak', 'T522'],
    ['pfister', 'P236'],
    ['honeyman', 'H555'],
    ['lee', 'L000'],
    ['o brien', 'O165'],
    ['', ''],
    ['123', ''],
  ])('%j -> %j', (name, code) => {
    expect(soundex(name)).toBe(code);
  });
});
