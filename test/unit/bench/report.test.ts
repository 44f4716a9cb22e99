import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeShortfall,
  formatRatio,
  judgeFigure,
  NO_REASON,
  renderBenchmarksDoc,
  runFailure,
  tallyRuns,
  type BenchRun,
  type DocInput,
} from '../../bench/benchmarks-doc.js';
import { parseFigureLines, recordFigure, type FigureRecord } from '../../bench/report.js';

const fig = (over: Partial<FigureRecord>): FigureRecord => ({ bench: 'b', figure: 'f', label: 'a figure', value: 1, unit: '', ...over });

describe('judgeFigure', () => {
  it.each<[string, Partial<FigureRecord>, string, number | undefined]>([
    ['>= above the goal', { value: 5855, goal: 5000, comparator: '>=' }, 'met', 1.171],
    ['>= at the goal', { value: 0.97, goal: 0.97, comparator: '>=' }, 'met', 1],
    ['>= below the goal', { value: 0.222, goal: 0.5, comparator: '>=' }, 'missed', 0.444],
    ['<= under the goal', { value: 265, goal: 300, comparator: '<=' }, 'met', 0.883],
    ['<= over the goal', { value: 201, goal: 150, comparator: '<=' }, 'missed', 1.34],
    ['< at the goal', { value: 0.5, goal: 0.5, comparator: '<' }, 'missed', 1],
    ['< with nothing measured against it', { value: 0, goal: 0.5, comparator: '<' }, 'met', 0],
    ['<= a goal of 0, met', { value: 0, goal: 0, comparator: '<=' }, 'met', undefined],
    ['<= a goal of 0, missed', { value: 3, goal: 0, comparator: '<=' }, 'missed', undefined],
    ['no goal', { value: 42 }, 'info', undefined],
    ['not measured', { value: Number.NaN, goal: 20, comparator: '>=' }, 'missed', undefined],
  ])('%s', (_name, over, verdict, ratio) => {
    const j = judgeFigure(fig(over));
    expect(j.verdict).toBe(verdict);
    if (ratio === undefined) expect(j.ratioToGoal).toBeUndefined();
    else expect(j.ratioToGoal).toBeCloseTo(ratio, 3);
  });
});

describe('describeShortfall', () => {
  it.each<[Partial<FigureRecord>, string]>([
    [{ value: 0.222, goal: 0.5, comparator: '>=' }, '0.44 of the goal (56% short)'],
    [{ value: 0.96, goal: 0.97, comparator: '>=' }, '0.99 of the goal (1.0% short)'],
    [{ value: 0.9695, goal: 0.97, comparator: '>=' }, '0.999 of the goal (0.1% short)'],
    [{ value: 201, goal: 150, comparator: '<=', unit: 'MB' }, '1.34 × the goal (34% over)'],
    [{ value: 0.6, goal: 0.5, comparator: '<', unit: '%' }, '1.20 × the goal (20% over)'],
    [{ value: 3, goal: 0, comparator: '<=', unit: 'contacts', digits: 0 }, '3 contacts where the goal is ≤ 0 contacts'],
    [{ value: Number.NaN, goal: 20, comparator: '>=', unit: 'pages/s', digits: 1 }, 'not measured (goal ≥ 20.0 pages/s)'],
  ])('%j', (over, text) => {
    expect(describeShortfall(fig(over))).toBe(text);
  });
});

describe('formatRatio', () => {
  it.each([
    [0.444, '0.44'],
    [1, '1.00'],
    [1.0004, '1.000'],
    [0.9989, '0.999'],
    [1.34, '1.34'],
  ])('%d -> %s', (r, text) => {
    expect(formatRatio(r)).toBe(text);
  });
});

const run = (over: Partial<BenchRun>): BenchRun => ({
  bench: 'import-cpu',
  command: 'npm run build && node --import tsx test/bench/import-cpu.ts',
  exitCode: 0,
  signal: null,
  ms: 125_000,
  loadStart: 0.5,
  loadEnd: 2.25,
  figures: [fig({ bench: 'import-cpu' })],
  ...over,
});

describe('runFailure', () => {
  it.each<[string, Partial<BenchRun>, string | undefined]>([
    ['ran and recorded', {}, undefined],
    ['crashed', { exitCode: 1 }, 'exit code 1'],
    ['killed', { exitCode: null, signal: 'SIGKILL' }, 'killed by SIGKILL'],
    ['a time limit wins over the signal it sent', { exitCode: null, signal: 'SIGKILL', failure: 'stopped after the 60 min time limit' }, 'stopped after the 60 min time limit'],
    ['exit 0 with nothing recorded', { figures: [] }, 'exit code 0 but no figures recorded'],
  ])('%s', (_name, over, failure) => {
    expect(runFailure(run(over))).toBe(failure);
  });
});

const cpuRatio = fig({
  bench: 'import-cpu',
  figure: 'rows-per-s-ratio',
  label: 'ours / bare rows/s',
  value: 0.222,
  unit: 'of bare',
  goal: 0.5,
  comparator: '>=',
  baseline: { what: 'bare csv-parse -> csv-stringify pass', value: 77184, unit: 'rows/s' },
  note: 'ours 17,142 rows/s',
  digits: 3,
});
const cpuRss = fig({ bench: 'import-cpu', figure: 'peak-rss', label: 'peak RSS', value: 265, unit: 'MB', goal: 300, comparator: '<=', digits: 0 });
const f1 = fig({ bench: 'dedup-quality', figure: 'f1-febrl-1', label: 'F1 | febrl-1', value: 0.9, unit: '', goal: 0.95, comparator: '>=', digits: 3 });

const input = (over: Partial<DocInput>): DocInput => ({
  date: '2026-01-02T03:04:05.000Z',
  machine: { cores: 2, cpuModel: 'Test CPU @ 2.0GHz', node: 'v20.20.2', platform: 'linux', release: '6.1.0', arch: 'x64' },
  loadStart: [0.5, 0.25, 0.125],
  loadEnd: [2, 1.5, 1],
  command: 'npm run bench',
  quick: false,
  skipped: [],
  runs: [run({ figures: [cpuRatio, cpuRss] }), run({ bench: 'dedup-quality', command: 'x', figures: [f1] }), run({ bench: 'export-throughput', command: 'y', exitCode: 1, figures: [] })],
  reasons: { 'import-cpu/rows-per-s-ratio': 'the CSV source alone costs more than the bare pass.', 'import-cpu/peak-rss': 'never printed: it is met.' },
  ...over,
});

describe('renderBenchmarksDoc', () => {
  const doc = renderBenchmarksDoc(input({}));
  const lines = doc.split('\n');

  it('states the machine, the load at both ends, the date and the command', () => {
    expect(lines).toContain('- 2 cores, Test CPU @ 2.0GHz');
    expect(lines).toContain('- Node v20.20.2, linux 6.1.0 (x64)');
    expect(lines).toContain('- Load average (1, 5, 15 min): 0.50, 0.25, 0.13 at the start, 2.00, 1.50, 1.00 at the end');
    expect(doc).toContain('Written by `npm run bench` (`test/bench/run-all.ts`) on 2026-01-02T03:04:05.000Z.');
    expect(lines).toContain('- 3 benches one after the other in 6 min 15 s');
  });

  it('writes one row per figure, with the ratio to the goal and what ran beside it', () => {
    expect(lines).toContain(
      '| import-cpu | ours / bare rows/s | 0.222 of bare | ≥ 0.500 of bare | 0.44 | bare csv-parse -> csv-stringify pass: 77,184 rows/s; ours 17,142 rows/s | **missed** |',
    );
    expect(lines).toContain('| import-cpu | peak RSS | 265 MB | ≤ 300 MB | 0.88 | — | met |');
    // A pipe in a label would split the cell.
    expect(lines).toContain('| dedup-quality | F1 \\| febrl-1 | 0.900 | ≥ 0.950 | 0.95 | — | **missed** |');
  });

  it('reports a bench that crashed as a failed row and under the misses', () => {
    expect(lines).toContain('| export-throughput | — | failed: exit code 1 | — | — | — | **failed** |');
    expect(doc).toContain('- **export-throughput did not finish** (exit code 1): its figures are missing.');
    expect(lines).toContain('| export-throughput | `y` | 1 | 2 min 05 s | 0.50 → 2.25 |');
  });

  it('gives each miss its shortfall and its reason, or says none is recorded; a met goal gets none', () => {
    const misses = doc.slice(doc.indexOf('## Misses'), doc.indexOf('## How to reproduce'));
    expect(misses).toContain(
      '- **import-cpu: ours / bare rows/s**: 0.222 of bare, 0.44 of the goal (56% short). Why: the CSV source alone costs more than the bare pass.',
    );
    expect(misses).toContain(`- **dedup-quality: F1 | febrl-1**: 0.900, 0.95 of the goal (5.3% short). Why: ${NO_REASON}`);
    expect(misses).toContain("a number quoted in it was measured then, and this run's are in the table.");
    expect(misses).not.toContain('peak RSS');
    expect(doc).not.toContain('never printed');
  });

  it('says when every goal was met', () => {
    const clean = renderBenchmarksDoc(input({ runs: [run({ figures: [cpuRss] })] }));
    expect(clean).toContain('## Misses\n\nNone: every goal measured in this run was met.\n');
    expect(clean).not.toContain('A reason is the analysis');
  });

  it('marks a quick run and a partial run, and a full run as neither', () => {
    const quick = renderBenchmarksDoc(input({ quick: true, skipped: ['import-writes', 'dedup-speed'] }));
    expect(quick).toContain('> **Quick run** (`--quick`)');
    expect(quick).toContain('These figures are not the reference');
    expect(quick).toContain('> **Partial run** (`--only`): `import-writes`, `dedup-speed` did not run.');
    expect(doc).not.toContain('Quick run');
    expect(doc).not.toContain('Partial run');
  });
});

describe('tallyRuns', () => {
  it('counts verdicts and names the failed benches', () => {
    expect(tallyRuns(input({}).runs)).toEqual({ met: 1, missed: 2, info: 0, failedBenches: ['export-throughput'] });
  });
});

describe('recordFigure and parseFigureLines', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hoop-bench-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one JSON line per figure to the results file, and reads them back', () => {
    const file = path.join(dir, 'results.jsonl');
    const env = { HOOP_BENCH_RESULTS: file };
    recordFigure(cpuRatio, env);
    recordFigure({ ...cpuRss, value: Number.NaN }, env);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    const back = parseFigureLines(text);
    expect(back[0]).toEqual(cpuRatio);
    // JSON has no NaN: an unmeasured value comes back as NaN, and misses its goal.
    expect(back[1]!.value).toBeNaN();
    expect(judgeFigure(back[1]!).verdict).toBe('missed');
  });

  it('writes nothing without HOOP_BENCH_RESULTS', () => {
    const before = readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]);
    recordFigure(cpuRatio, { HOOP_BENCH_RESULTS: '' });
    recordFigure(cpuRatio, {});
    expect(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')])).toEqual(before);
  });

  it.each([
    ['{"bench":"b"', 'Result line 2 is not JSON'],
    ['{"bench":"b","figure":"f","label":"l","value":"fast","unit":""}', 'Result line 2 is not a figure: value must be a number'],
    ['{"bench":"b","figure":"f","label":"l","value":1,"unit":"","goal":2}', 'Result line 2 is not a figure: a goal needs a number and a comparator'],
  ])('refuses %s', (bad, message) => {
    expect(() => parseFigureLines(`${JSON.stringify(cpuRss)}\n${bad}\n`)).toThrow(message);
  });
});
