/**
 * docs/benchmarks.md from the figures of one run of every bench (pure: the
 * runner gathers, this formats). A figure with a goal is met or missed; a miss
 * is stated with its ratio to the goal and the reason known for it; a bench
 * that did not finish is a row of its own, never a silent gap.
 */
import type { Comparator, FigureRecord } from './report.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  release: string;
  arch: string;
}

export interface BenchRun {
  bench: string;
  /** The command that reproduces this bench's figures. */
  command: string;
  exitCode: number | null;
  signal: string | null;
  /** A failure the exit status does not show: a time limit, unreadable results. */
  failure?: string;
  ms: number;
  /** One-minute load averages when the bench started and ended. */
  loadStart: number;
  loadEnd: number;
  figures: FigureRecord[];
}

export interface DocInput {
  /** ISO 8601. */
  date: string;
  machine: Machine;
  /** 1-, 5- and 15-minute load averages. */
  loadStart: readonly number[];
  loadEnd: readonly number[];
  command: string;
  quick: boolean;
  /** Benches left out by `--only`. */
  skipped: readonly string[];
  runs: readonly BenchRun[];
  /** Why a goal is missed, keyed by `bench/figure`, printed only when it is. */
  reasons: Readonly<Record<string, string>>;
}

export type Verdict = 'met' | 'missed' | 'info';

export interface Judgement {
  verdict: Verdict;
  /** Measured / goal; undefined without a goal or when the goal is 0. */
  ratioToGoal: number | undefined;
}

const holds: Record<Comparator, (value: number, goal: number) => boolean> = {
  '>=': (v, g) => v >= g,
  '<=': (v, g) => v <= g,
  '>': (v, g) => v > g,
  '<': (v, g) => v < g,
};

/** A figure that could not be measured (NaN) misses its goal. */
export function judgeFigure(f: FigureRecord): Judgement {
  if (f.goal === undefined || f.comparator === undefined) return { verdict: 'info', ratioToGoal: undefined };
  const met = Number.isFinite(f.value) && holds[f.comparator](f.value, f.goal);
  return { verdict: met ? 'met' : 'missed', ratioToGoal: f.goal === 0 || !Number.isFinite(f.value) ? undefined : f.value / f.goal };
}

/** Why a bench counts as failed, or undefined when it ran to the end and recorded figures. */
export function runFailure(run: BenchRun): string | undefined {
  if (run.failure) return run.failure;
  if (run.signal) return `killed by ${run.signal}`;
  if (run.exitCode !== 0) return `exit code ${String(run.exitCode)}`;
  if (run.figures.length === 0) return 'exit code 0 but no figures recorded';
  return undefined;
}

export interface Tally {
  met: number;
  missed: number;
  info: number;
  failedBenches: string[];
}

export function tallyRuns(runs: readonly BenchRun[]): Tally {
  const t: Tally = { met: 0, missed: 0, info: 0, failedBenches: [] };
  for (const run of runs) {
    if (runFailure(run)) t.failedBenches.push(run.bench);
    for (const f of run.figures) t[judgeFigure(f).verdict]++;
  }
  return t;
}

// ---------------------------------------------------------------- formatting

export function formatNumber(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 3);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

const SYMBOL: Record<Comparator, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

const withUnit = (n: string, unit: string): string => (unit ? `${n} ${unit}` : n);

/** Two decimals, or three when two would show 1.00 for a ratio that is not 1. */
export function formatRatio(r: number): string {
  const two = r.toFixed(2);
  return two === '1.00' && r !== 1 ? r.toFixed(3) : two;
}

const percent = (x: number): string => `${x < 0.1 ? (x * 100).toFixed(1) : Math.round(x * 100)}%`;

/** "0.44 of the goal (56% short)" or "1.34 × the goal (34% over)"; for a goal of 0, the value against it. */
export function describeShortfall(f: FigureRecord): string {
  const { ratioToGoal } = judgeFigure(f);
  const goal = `${SYMBOL[f.comparator!]} ${withUnit(formatNumber(f.goal!, f.digits), f.unit)}`;
  if (!Number.isFinite(f.value)) return `not measured (goal ${goal})`;
  if (ratioToGoal === undefined) return `${withUnit(formatNumber(f.value, f.digits), f.unit)} where the goal is ${goal}`;
  const above = f.comparator === '>=' || f.comparator === '>';
  return above
    ? `${formatRatio(ratioToGoal)} of the goal (${percent(1 - ratioToGoal)} short)`
    : `${formatRatio(ratioToGoal)} × the goal (${percent(ratioToGoal - 1)} over)`;
}

/** A table cell: no pipes, no line breaks. */
const cell = (s: string): string => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

function sideBySide(f: FigureRecord): string {
  const parts: string[] = [];
  if (f.baseline) parts.push(`${f.baseline.what}: ${withUnit(formatNumber(f.baseline.value), f.baseline.unit)}`);
  if (f.ratio !== undefined) parts.push(`ratio ${formatRatio(f.ratio)}`);
  if (f.note) parts.push(f.note);
  return parts.length ? parts.join('; ') : '—';
}

const VERDICT_CELL: Record<Verdict, string> = { met: 'met', missed: '**missed**', info: 'info' };

function figureRow(f: FigureRecord): string {
  const j = judgeFigure(f);
  const goal = f.goal === undefined ? '—' : `${SYMBOL[f.comparator!]} ${withUnit(formatNumber(f.goal, f.digits), f.unit)}`;
  const ratio = j.ratioToGoal === undefined ? '—' : formatRatio(j.ratioToGoal);
  return `| ${[f.bench, f.label, withUnit(formatNumber(f.value, f.digits), f.unit), goal, ratio, sideBySide(f), VERDICT_CELL[j.verdict]].map(cell).join(' | ')} |`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const loads = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(', ');

export const NO_REASON = "no reason recorded; see the bench's output";

export function renderBenchmarksDoc(input: DocInput): string {
  const { machine: m } = input;
  const out: string[] = [];
  const line = (s = ''): void => void out.push(s);

  line('# Benchmarks');
  line();
  line(`Written by \`${input.command}\` (\`test/bench/run-all.ts\`) on ${input.date}. Do not edit it by hand: run the command again.`);
  line();
  if (input.quick) {
    line('> **Quick run** (`--quick`): every bench ran at smaller sizes, to check the runner. These figures are not the reference; `npm run bench` gives those.');
    line();
  }
  if (input.skipped.length) {
    line(`> **Partial run** (\`--only\`): ${input.skipped.map((b) => `\`${b}\``).join(', ')} did not run.`);
    line();
  }
  line('## Machine');
  line();
  line(`- ${m.cores} cores, ${m.cpuModel}`);
  line(`- Node ${m.node}, ${m.platform} ${m.release} (${m.arch})`);
  line(`- Load average (1, 5, 15 min): ${loads(input.loadStart)} at the start, ${loads(input.loadEnd)} at the end`);
  line(`- ${input.runs.length} bench${input.runs.length === 1 ? '' : 'es'} one after the other in ${duration(input.runs.reduce((ms, r) => ms + r.ms, 0))}`);
  line();
  line(
    `A load average above ${m.cores} means processes were waiting for a core. The benches keep one or two cores busy themselves, ` +
      'so the load at the end includes them; the load at the start is the rest of the machine, and the load of each bench is under "How to reproduce". ' +
      'Wall-clock figures (rates, ratios to a limit) move with it; counts, memory and match quality hardly do.',
  );
  line();
  line('## Figures');
  line();
  line('| Bench | Figure | Measured | Goal | Ratio to goal | Side by side with | Met? |');
  line('|---|---|---:|---:|---:|---|---|');
  for (const run of input.runs) {
    for (const f of run.figures) line(figureRow(f));
    const failure = runFailure(run);
    if (failure) line(`| ${cell(run.bench)} | — | failed: ${cell(failure)} | — | — | — | **failed** |`);
  }
  line();
  line(
    'Ratio to goal is measured / goal: at least 1 meets a ≥ goal, at most 1 meets a ≤ goal. "Side by side with" is what ran beside the figure in the same run ' +
      '(a bare pass over the same file, the configured limit) and the ratio to it. "info" rows have no goal.',
  );
  line();

  line('## Misses');
  line();
  const missed = input.runs.flatMap((r) => r.figures.filter((f) => judgeFigure(f).verdict === 'missed'));
  const failed = input.runs.filter((r) => runFailure(r) !== undefined);
  if (missed.length === 0 && failed.length === 0) line('None: every goal measured in this run was met.');
  else if (missed.length) {
    line('A reason is the analysis of that miss; a number quoted in it was measured then, and this run\'s are in the table.');
    line();
  }
  for (const f of missed) {
    const reason = input.reasons[`${f.bench}/${f.figure}`] ?? NO_REASON;
    line(`- **${f.bench}: ${f.label}**: ${withUnit(formatNumber(f.value, f.digits), f.unit)}, ${describeShortfall(f)}. Why: ${reason}`);
  }
  for (const r of failed) {
    line(`- **${r.bench} did not finish** (${runFailure(r)!}): ${r.figures.length ? 'the figures it recorded before are above; the rest are missing' : 'its figures are missing'}. Its output is in the run's log; run \`${r.command}\` to see it again.`);
  }
  line();

  line('## How to reproduce');
  line();
  line('Each bench prints more than its rows here (CPU shares, latencies, counts, checks of the end state). Its command, from the repository root:');
  line();
  line('| Bench | Command | Exit | Time | Load (1 min), start → end |');
  line('|---|---|---|---:|---|');
  for (const r of input.runs) {
    const exit = r.signal ? r.signal : String(r.exitCode);
    line(`| ${cell(r.bench)} | \`${cell(r.command)}\` | ${cell(r.failure ? `${exit} (${r.failure})` : exit)} | ${duration(r.ms)} | ${r.loadStart.toFixed(2)} → ${r.loadEnd.toFixed(2)} |`);
  }
  line();
  return out.join('\n');
}
