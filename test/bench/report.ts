/**
 * Figures a benchmark hands to the report: each bench calls `recordFigure`
 * for every figure that has a goal (and for the figures measured beside it),
 * and `run-all.ts` gathers them into docs/benchmarks.md.
 *
 * A figure is one JSON line appended to the file named by HOOP_BENCH_RESULTS.
 * Without that variable `recordFigure` does nothing, so a bench run on its
 * own prints what it always printed and writes nothing else.
 */
import { appendFileSync } from 'node:fs';

export type Comparator = '>=' | '<=' | '<' | '>';

/** What ran side by side with a figure in the same run, e.g. the bare CSV pass or the configured limit. */
export interface Baseline {
  /** e.g. 'bare csv-parse -> csv-stringify pass over the same file'. */
  what: string;
  value: number;
  unit: string;
}

export interface FigureRecord {
  /** The bench's file name without `.ts`, e.g. `import-cpu`. */
  bench: string;
  /** Stable id within the bench (kebab-case): the key of a known miss reason. */
  figure: string;
  /** What the figure is, for a reader. */
  label: string;
  value: number;
  /** e.g. 'req/s', 'MB', 'of limit'; '' for a plain number. */
  unit: string;
  /** Absent for a figure shown for information only. */
  goal?: number;
  comparator?: Comparator;
  baseline?: Baseline;
  /** The measured figure over the baseline's, when the figure is not that ratio already. */
  ratio?: number;
  note?: string;
  /** Decimals shown for the value and the goal; by default they follow the value's size. */
  digits?: number;
}

export const RESULTS_ENV = 'HOOP_BENCH_RESULTS';

export function recordFigure(figure: FigureRecord, env: NodeJS.ProcessEnv = process.env): void {
  const file = env[RESULTS_ENV];
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(figure)}\n`);
}

const COMPARATORS: readonly string[] = ['>=', '<=', '<', '>'];

/**
 * The figures in a results file's text, one JSON object a line. Throws on a
 * line that is not a figure, naming its line number: a bench that writes
 * garbage must not pass for one that measured.
 */
export function parseFigureLines(text: string): FigureRecord[] {
  const figures: FigureRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let f: Partial<FigureRecord>;
    try {
      f = JSON.parse(line) as Partial<FigureRecord>;
    } catch {
      throw new Error(`Result line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    const problem =
      typeof f.bench !== 'string' || typeof f.figure !== 'string' || typeof f.label !== 'string'
        ? 'bench, figure and label must be strings'
        : typeof f.value !== 'number' && f.value !== null
          ? 'value must be a number'
          : typeof f.unit !== 'string'
            ? 'unit must be a string'
            : f.goal !== undefined && (typeof f.goal !== 'number' || !COMPARATORS.includes(String(f.comparator)))
              ? `a goal needs a number and a comparator (${COMPARATORS.join(' ')})`
              : undefined;
    if (problem) throw new Error(`Result line ${i + 1} is not a figure: ${problem}: ${line.slice(0, 200)}`);
    // JSON has no NaN: a value that could not be measured comes back as null.
    figures.push({ ...(f as FigureRecord), value: f.value ?? Number.NaN });
  });
  return figures;
}
