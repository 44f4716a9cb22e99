import { optionError } from './result.js';

/**
 * The blank-value policy: what a blank cell does to the contact it is written to.
 *
 * - `keep` (the default of the import): a blank cell is left out of the write,
 *   so it never wipes a value the contact already has.
 * - `clear`: a blank cell is sent as `null`, which clears the field.
 *
 * The policy works on one level of fields; the writer decides how a `null`
 * travels for a field the API cannot clear.
 */
export type BlankPolicy = 'keep' | 'clear';

export const BLANK_POLICIES: readonly BlankPolicy[] = ['keep', 'clear'];

const BLANK_TEXT = /^[\s\u200B-\u200D\u2060]*$/;

/**
 * Blank: `undefined`, `null`, a string of nothing but whitespace (NBSP and
 * zero-width characters included), or an empty array. `0` and `false` are
 * values. Filler text such as `n/a` is not blank here: it is a value the
 * field's own transform judges (dedup ignores it as a match key).
 */
export function isBlankValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return BLANK_TEXT.test(value);
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

export function applyBlankPolicy<T extends Record<string, unknown>>(fields: Readonly<T>, policy: 'keep'): Partial<T>;
export function applyBlankPolicy<T extends Record<string, unknown>>(
  fields: Readonly<T>,
  policy: 'clear',
): { [K in keyof T]: T[K] | null };
export function applyBlankPolicy<T extends Record<string, unknown>>(
  fields: Readonly<T>,
  policy: BlankPolicy,
): Partial<{ [K in keyof T]: T[K] | null }>;
export function applyBlankPolicy(fields: Readonly<Record<string, unknown>>, policy: BlankPolicy): Record<string, unknown> {
  if (policy !== 'keep' && policy !== 'clear') {
    throw optionError('policy', BLANK_POLICIES.map((p) => `\`${p}\``).join(' or '), policy);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!isBlankValue(value)) out[key] = value;
    else if (policy === 'clear') out[key] = null;
  }
  return out;
}
