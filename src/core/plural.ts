/** `n` and the noun in the number it takes: 1 row, 2 rows, 0 rows. `plural` defaults to the noun plus s. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
