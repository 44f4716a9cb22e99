/**
 * Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return as a formula. Every CSV hoop-etl writes
 * prefixes such cells with `'` (OWASP's advice), unless the user opts out.
 */

/** Whether a spreadsheet would read the cell as a formula: it starts with `= + - @`, a tab or a CR. */
export function startsFormula(cell: string): boolean {
  const ch = cell.charCodeAt(0);
  return ch === 61 || ch === 43 || ch === 45 || ch === 64 || ch === 9 || ch === 13;
}

export function escapeFormula(cell: string): string {
  return startsFormula(cell) ? `'${cell}` : cell;
}

/** Undoes the `'` put before a cell a spreadsheet would run as a formula (`'+1212...` is `+1212...`). */
export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && startsFormula(cell.slice(1)) ? cell.slice(1) : cell;
}

export function escapeRecord(cells: readonly string[], escape: boolean): string[] {
  return escape ? cells.map(escapeFormula) : [...cells];
}
