import { describe, expect, it } from 'vitest';
import { MATCH_FIELDS, packLevels, type MatchField } from '../../../src/dedup/compare-fields.js';
import { countLevels, DEFAULT_DUPLICATE_RATE, DEFAULT_M, DEFAULT_U, emptyLevelCounts, estimateModel, matchProbability, matchWeight } from '../../../src/dedup/scoring.js';

/**
 * A world with known m and u over three fields, counted exactly (no sampling
 * noise): EM must find m and the share of matches without being told which
 * pairs match.
 */
function syntheticWorld(): { compared: Map<number, number>; randomCounts: ReturnType<typeof emptyLevelCounts>; matches: number; nonMatches: number } {
  const fields: MatchField[] = ['firstName', 'lastName', 'dateOfBirth'];
  // Levels used: 1 (exact) or the last (different).
  const last = { firstName: 5, lastName: 4, dateOfBirth: 4 } as Record<MatchField, number>;
  const m = { firstName: 0.9, lastName: 0.95, dateOfBirth: 0.85 } as Record<MatchField, number>;
  const uCompared = { firstName: 0.05, lastName: 0.3, dateOfBirth: 0.02 } as Record<MatchField, number>;
  const uRandom = { firstName: 0.01, lastName: 0.002, dateOfBirth: 0.0005 } as Record<MatchField, number>;
  const matches = 1000;
  const nonMatches = 9000;
  const compared = new Map<number, number>();
  for (let bits = 0; bits < 8; bits++) {
    const levels: Partial<Record<MatchField, number>> = {};
    let pm = 1;
    let pu = 1;
    fields.forEach((f, i) => {
      const agree = ((bits >> i) & 1) === 1;
      levels[f] = agree ? 1 : last[f];
      pm *= agree ? m[f] : 1 - m[f];
      pu *= agree ? uCompared[f] : 1 - uCompared[f];
    });
    compared.set(packLevels(levels), matches * pm + nonMatches * pu);
  }
  const randomCounts = emptyLevelCounts();
  for (const f of fields) {
    (randomCounts[f] as number[])[1] = 1_000_000 * uRandom[f];
    (randomCounts[f] as number[])[last[f]] = 1_000_000 * (1 - uRandom[f]);
  }
  return { compared, randomCounts, matches, nonMatches };
}

describe('estimateModel', () => {
  it('recovers m and the share of matches by EM, and takes u from the random pairs', () => {
    const world = syntheticWorld();
    const model = estimateModel(world.compared, world.randomCounts, 10_000, 50_000_000, { mPseudoPairs: 0, uPseudoPairs: 0, maxIterations: 500 });
    expect(model.matchShare).toBeCloseTo(0.1, 2);
    expect(model.fields.firstName.m[1]).toBeCloseTo(0.9, 2);
    expect(model.fields.lastName.m[1]).toBeCloseTo(0.95, 2);
    expect(model.fields.dateOfBirth.m[1]).toBeCloseTo(0.85, 2);
    expect(model.fields.lastName.u[1]).toBeCloseTo(0.002, 6);
    expect(model.fields.lastName.weights[1]).toBeCloseTo(Math.log2(0.95 / 0.002), 1);
    expect(model.fields.lastName.weights[4]).toBeCloseTo(Math.log2(0.05 / 0.998), 1);
    // Prior: 1,000 matches among 50,000,000 pairs.
    expect(model.priorWeight).toBeCloseTo(Math.log2(1000 / 49_999_000), 1);
    expect(model.emIterations).toBeGreaterThan(1);
  });

  it('with no data at all falls back on the default m and u and an even prior', () => {
    const model = estimateModel(new Map(), emptyLevelCounts(), 0, 0);
    expect(model.priorWeight).toBe(0);
    expect(model.emIterations).toBe(0);
    expect(model.fields.dateOfBirth.m).toEqual(DEFAULT_M.dateOfBirth);
    for (const f of MATCH_FIELDS) {
      model.fields[f].u.forEach((u, l) => expect(u).toBeCloseTo(DEFAULT_U[f][l] as number, 12));
      expect(model.fields[f].weights[0]).toBe(0);
    }
  });

  it('says which parameters the data determined', () => {
    const world = syntheticWorld();
    const model = estimateModel(world.compared, world.randomCounts, 10_000, 50_000_000);
    expect(model.estimation.matchShare).toBe('estimated');
    expect(model.estimation.fallback).toBeUndefined();
    expect(model.estimation.m).toMatchObject({ firstName: 'estimated', lastName: 'estimated', dateOfBirth: 'estimated', email: 'default', phone: 'default' });
    expect(model.estimation.u).toMatchObject({ firstName: 'estimated', lastName: 'estimated', dateOfBirth: 'estimated', email: 'default', address1: 'default' });
  });

  it.each([
    ['too few compared pairs', 12, 'fewer than the 100 EM needs'],
    ['no compared pairs', 0, 'fewer than the 100 EM needs'],
  ])('with %s uses the default m and duplicate rate, and says why', (_name, pairs, why) => {
    const compared = new Map(pairs ? [[packLevels({ firstName: 1, lastName: 1 }), pairs]] : []);
    const n = 40;
    const model = estimateModel(compared, emptyLevelCounts(), pairs, (n * (n - 1)) / 2);
    expect(model.estimation.matchShare).toBe('default');
    expect(model.estimation.fallback).toContain(why);
    expect(Object.values(model.estimation.m).every((s) => s === 'default')).toBe(true);
    expect(model.fields.firstName.m).toEqual(DEFAULT_M.firstName);
    // DEFAULT_DUPLICATE_RATE * n matching pairs among all pairs.
    const prior = (DEFAULT_DUPLICATE_RATE * n) / ((n * (n - 1)) / 2);
    expect(model.priorWeight).toBeCloseTo(Math.log2(prior / (1 - prior)), 9);
  });

  it('does not trust EM on contacts too uniform to tell matches apart', () => {
    // Every compared pair agrees on everything: EM takes them all for matches.
    const compared = new Map([[packLevels({ firstName: 1, lastName: 1, city: 1 }), 200]]);
    const model = estimateModel(compared, emptyLevelCounts(), 200, 20_000);
    expect(model.estimation.matchShare).toBe('default');
    expect(model.estimation.fallback).toMatch(/too uniform/);
    expect(model.fields.lastName.m).toEqual(DEFAULT_M.lastName);
  });

  it('never weighs a partial agreement above full agreement', () => {
    // A common surname agrees exactly far more often by chance than a rare one with a typo.
    const randomCounts = emptyLevelCounts();
    randomCounts.lastName = [0, 5000, 10, 1000, 994_000];
    const model = estimateModel(new Map(), randomCounts, 0, 0, { uPseudoPairs: 0 });
    const w = model.fields.lastName.weights;
    expect(w[2]).toBe(w[1]);
    expect(w[3]).toBeLessThan(w[1] as number);
  });
});

describe('matchWeight and matchProbability', () => {
  it('adds the prior and each present field weight; missing fields add nothing', () => {
    const model = estimateModel(new Map(), emptyLevelCounts(), 0, 0);
    const pattern = packLevels({ firstName: 1, lastName: 4 });
    const expected = model.priorWeight + (model.fields.firstName.weights[1] as number) + (model.fields.lastName.weights[4] as number);
    expect(matchWeight(model, pattern)).toBeCloseTo(expected, 12);
    expect(matchWeight(model, 0)).toBe(model.priorWeight);
  });

  it.each([
    [0, 0.5],
    [1, 2 / 3],
    [-1, 1 / 3],
    [10, 1024 / 1025],
  ])('weight %d -> probability %d', (w, p) => {
    expect(matchProbability(w)).toBeCloseTo(p, 12);
  });

  it('counts levels per field', () => {
    const counts = emptyLevelCounts();
    countLevels(counts, packLevels({ email: 1, phone: 3 }), 2);
    expect(counts.email).toEqual([0, 2, 0, 0]);
    expect(counts.phone).toEqual([0, 0, 0, 2]);
    expect(counts.firstName[0]).toBe(2);
  });
});
