import type { RowProblem } from '../core/row.js';

/**
 * What a field transform gives back: the value, or the problem that fails the
 * row. Transforms do not know which column they read, so a problem has no
 * `column`; the stage that calls them adds it with `inColumn`.
 *
 * Messages never quote the cell: the failed row is written beside the message,
 * and a message may reach a log, which must not carry personal data.
 */
export type TransformResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: RowProblem };

export function succeed<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(code: string, message: string): { readonly ok: false; readonly problem: RowProblem } {
  return { ok: false, problem: { code, message } };
}

/** The same problem, pinned to the column it was found in. */
export function inColumn(problem: RowProblem, column: string): RowProblem {
  return { ...problem, column };
}

/** p-queue's option-error format: "Expected `x` to be …, got `v` (type)". */
export function optionError(name: string, expected: string, got: unknown): TypeError {
  return new TypeError(`Expected \`${name}\` to be ${expected}, got \`${String(got)}\` (${typeof got})`);
}
