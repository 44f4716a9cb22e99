import { describe, expect, it } from 'vitest';
import { substituteEnv, substituteEnvInString } from '../../../src/config/substitute-env.js';

const env = { LOC: 'abc123', EMPTY: '', DIR: '/data' };

describe('substituteEnvInString', () => {
  it.each([
    ['no variables', 'plain text', 'plain text', []],
    ['one variable', '${LOC}', 'abc123', []],
    ['inside text', 'loc-${LOC}/x', 'loc-abc123/x', []],
    ['an empty variable is set', 'a${EMPTY}b', 'ab', []],
    ['fallback when unset', '${NOPE:-fallback}', 'fallback', []],
    ['fallback when empty', '${EMPTY:-fallback}', 'fallback', []],
    ['fallback unused when set', '${DIR:-/tmp}/c.csv', '/data/c.csv', []],
    ['escape', '$${LOC}', '${LOC}', []],
    ['escape next to a variable', '$${LOC}=${LOC}', '${LOC}=abc123', []],
    ['a lone dollar', 'cost $5 and $$6', 'cost $5 and $$6', []],
    ['unset', '${NOPE}', '${NOPE}', ['environment variable NOPE is not set']],
    ['unset twice counts once', '${NOPE}${NOPE}', '${NOPE}${NOPE}', ['environment variable NOPE is not set']],
    ['three unset', '${A}${B}${C}', '${A}${B}${C}', ['environment variables A, B and C are not set']],
    ['not closed', 'x ${LOC', 'x ${LOC', ["a '${' is not closed by '}' (write $${ for a literal ${)"]],
    ['bad name', '${my-var}', '${my-var}', ["'${my-var}' is not a variable reference: names are letters, digits and _ (write $${ for a literal ${)"]],
    ['empty name', '${}', '${}', ["'${}' is not a variable reference: names are letters, digits and _ (write $${ for a literal ${)"]],
  ])('%s', (_what, text, expected, errors) => {
    expect(substituteEnvInString(text, env)).toEqual({ text: expected, errors });
  });
});

describe('substituteEnv', () => {
  it('substitutes string values at any depth, never keys or other scalars, with each problem at its path', () => {
    const doc = { location: '${LOC}', '${LOC}': 1, list: ['${DIR}', 2, true, null, { deep: '${NOPE}' }] };
    expect(substituteEnv(doc, env)).toEqual({
      value: { location: 'abc123', '${LOC}': 1, list: ['/data', 2, true, null, { deep: '${NOPE}' }] },
      problems: [{ path: ['list', 4, 'deep'], message: 'environment variable NOPE is not set' }],
    });
  });

  it('keeps a __proto__ key as a plain key', () => {
    const doc = JSON.parse('{"__proto__": {"polluted": "${LOC}"}}') as unknown;
    const { value } = substituteEnv(doc, env);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
