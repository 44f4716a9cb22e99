/**
 * Runs every benchmark under test/bench/, one after the other, and writes
 * docs/benchmarks.md: each figure with its goal, the value measured, what ran
 * side by side with it, met or missed, the machine and its load.
 *
 * Run: `npm run bench` (builds first), or after `npm run build`:
 *   node --import tsx test/bench/run-all.ts [--only name[,name]] [--quick] [--out FILE] [--timeout-min N]
 *
 *   --only         run these benches (file names without .ts); the doc says the rest did not run
 *   --quick        smaller sizes, to check the runner in minutes; the doc says it is not the reference
 *   --out          where the doc goes (default docs/benchmarks.md)
 *   --timeout-min  time limit per bench (default 60); a bench over it is stopped and reported failed
 *
 * Each bench runs as a child process with its output passed through, and
 * records its figures as JSON lines in the file named by HOOP_BENCH_RESULTS
 * (test/bench/report.ts). A bench that fails is a row in the doc, and this
 * runner exits 1 after writing it; missed goals alone do not make it fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderBenchmarksDoc, runFailure, tallyRuns, type BenchRun } from './benchmarks-doc.js';
import { ROOT } from './emulator-child.js';
import { MISS_REASONS } from './miss-reasons.js';
import { parseFigureLines, RESULTS_ENV, type FigureRecord } from './report.js';

interface BenchSpec {
  name: string;
  /** Arguments for `--quick`: sizes that finish in a minute or two. */
  quickArgs: string[];
}

const BENCHES: readonly BenchSpec[] = [
  { name: 'emulator-throughput', quickArgs: ['--contacts', '10000', '--upserts', '2000'] },
  { name: 'client-throughput', quickArgs: ['--seconds', '8'] },
  { name: 'import-writes', quickArgs: ['--rows', '500'] },
  { name: 'import-cpu', quickArgs: ['--rows', '50000'] },
  { name: 'export-throughput', quickArgs: ['--contacts', '20000', '--big', '50000'] },
  { name: 'dedup-quality', quickArgs: [] },
  { name: 'dedup-speed', quickArgs: ['--contacts', '10000'] },
  { name: 'dedup-plan-requests', quickArgs: ['--contacts', '2000'] },
  { name: 'dedup-merge-values', quickArgs: [] },
];

function usage(message: string): never {
  process.stderr.write(`run-all: ${message}\n`);
  process.exit(2);
}

const { values: opts } = (() => {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        quick: { type: 'boolean', default: false },
        out: { type: 'string', default: path.join(ROOT, 'docs/benchmarks.md') },
        'timeout-min': { type: 'string', default: '60' },
      },
      strict: true,
    });
  } catch (e) {
    return usage((e as Error).message);
  }
})();

const names = BENCHES.map((b) => b.name);
const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const n of only ?? []) if (!names.includes(n)) usage(`--only: unknown bench '${n}'; the benches are ${names.join(', ')}`);
const selected = only ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
const timeoutMin = Number(opts['timeout-min']);
if (!(timeoutMin > 0)) usage(`--timeout-min must be a number > 0, got '${opts['timeout-min']}'`);

/** What a reader types to get this doc again. */
function invocation(): string {
  const args = process.argv.slice(2);
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  return [viaNpm ? 'npm run bench' : 'node --import tsx test/bench/run-all.ts', ...(viaNpm && args.length ? ['--'] : []), ...args].join(' ');
}

let current: { pid: number } | undefined;

// Ctrl-C or SIGTERM: stop the running bench and everything it started (its process group), then leave.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (current) killGroup(current.pid);
    process.exit(130);
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function runBench(spec: BenchSpec, resultsDir: string): Promise<BenchRun> {
  const file = `test/bench/${spec.name}.ts`;
  const args = opts.quick ? spec.quickArgs : [];
  const command = ['node --import tsx', file, ...args].join(' ');
  const results = path.join(resultsDir, `${spec.name}.jsonl`);
  writeFileSync(results, '');
  process.stderr.write(`\n==== ${spec.name}: ${command}\n\n`);
  const loadStart = os.loadavg()[0]!;
  const t0 = performance.now();
  // Its own process group, so a time limit stops the bench and the emulator it started together.
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, [RESULTS_ENV]: results },
  });
  current = { pid: child.pid! };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.stderr.write(`\nrun-all: ${spec.name} ran over ${timeoutMin} min; stopping it\n`);
    killGroup(child.pid!);
  }, timeoutMin * 60_000);
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.once('error', (e) => {
      process.stderr.write(`run-all: cannot start ${spec.name}: ${e.message}\n`);
      resolve([null, null]);
    });
    child.once('exit', (code, sig) => resolve([code, sig]));
  });
  clearTimeout(timer);
  current = undefined;
  const ms = performance.now() - t0;

  let figures: FigureRecord[] = [];
  let failure: string | undefined = timedOut ? `stopped after the ${timeoutMin} min time limit` : exitCode === null && signal === null ? 'could not be started' : undefined;
  try {
    figures = parseFigureLines(readFileSync(results, 'utf8'));
  } catch (e) {
    failure ??= (e as Error).message;
  }
  const run: BenchRun = { bench: spec.name, command: `npm run build && ${command}`, exitCode, signal, ms, loadStart, loadEnd: os.loadavg()[0]!, figures };
  if (failure) run.failure = failure;
  const why = runFailure(run);
  process.stderr.write(`\n==== ${spec.name}: ${why ? `FAILED (${why})` : `${figures.length} figure${figures.length === 1 ? '' : 's'} recorded`} in ${(ms / 1000).toFixed(0)} s\n`);
  return run;
}

/** Written beside the target and renamed over it: a reader never sees half a doc. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) usage('dist/cli/main.js is missing: run `npm run build` first (`npm run bench` does it)');
  const loadStart = os.loadavg();
  const date = new Date().toISOString();
  const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'hoop-bench-results-'));
  const runs: BenchRun[] = [];
  try {
    for (const spec of selected) runs.push(await runBench(spec, resultsDir));
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  const doc = renderBenchmarksDoc({
    date,
    machine: { cores: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU', node: process.version, platform: os.platform(), release: os.release(), arch: os.arch() },
    loadStart,
    loadEnd: os.loadavg(),
    command: invocation(),
    quick: opts.quick ?? false,
    skipped: names.filter((n) => !selected.some((b) => b.name === n)),
    runs,
    reasons: MISS_REASONS,
  });
  const out = path.resolve(opts.out!);
  writeAtomically(out, doc);
  const t = tallyRuns(runs);
  process.stderr.write(
    `\nrun-all: wrote ${path.relative(process.cwd(), out).startsWith('..') ? out : path.relative(process.cwd(), out)}: ${t.met} goals met, ${t.missed} missed, ${t.info} info` +
      `${t.failedBenches.length ? `; FAILED: ${t.failedBenches.join(', ')}` : ''}\n`,
  );
  if (t.failedBenches.length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`run-all: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
