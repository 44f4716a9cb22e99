/**
 * Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return as a formula. Every CSV hoop-etl writes
 * prefixes such cells with `'` (OWASP's advice), unless the user opts out.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function escapeRecord(cells: readonly string[], escape: boolean): string[] {
  return escape ? cells.map(escapeFormula) : [...cells];
}
