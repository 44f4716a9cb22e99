/**
 * Import writes benchmark: the real CLI path end to end against the emulator
 * with the platform's burst limit scaled to 100 requests per 1,000 ms. Goals
 * (issue 4), for 5,000 rows with 10% in-file duplicates and tags on every row:
 *   - API requests per unique contact at most 1.05;
 *   - achieved request rate over the write phase divided by the limit at least 0.95.
 *
 * Run, after `npm run build`:
 *   node --import tsx test/bench/import-writes.ts [--rows 5000]
 *
 * The emulator (`dist/cli/main.js emulator --port 0 --rate-max 100
 * --rate-interval-ms 1000 --daily-limit 0`) and the import
 * (`dist/cli/main.js import <csv> --pipeline <yaml> --location <loc>
 * --report-dir <tmp>`, with HOOPAI_TOKEN and HOOPAI_BASE_URL) are child
 * processes; the location starts empty. The CSV: first/last name, email,
 * phone, company, tags. One row in ten is a person already in the file
 * again (email in another casing, phone in another format or blank, same
 * tags). Every row carries tags: a constant tag plus one of 5 segment tags
 * (5 distinct tag sets, so the bulk tags endpoint can batch them). No notes
 * or tasks: each costs its own request by design and would hide the overhead
 * this measures.
 *
 * Counting: requests are the emulator's own counter (`/__emulator/stats`,
 * every request that reached a route, 429s included). The write phase is
 * timed from outside: this process reads the counters every 100 ms (admin
 * routes are not counted, not rate limited) and takes the phase as running
 * from the last reading with no write request to the first reading that shows
 * the final count. That bracket is up to two readings (200 ms) wider than the
 * phase, which lowers the rate a little; the opening burst into an empty
 * sliding window (up to the limit at once) raises it a little (about 2% on a
 * 45 s phase). Shown alongside: the inner bracket (first reading showing a
 * write to the last reading before the final count), the steady state (5 s
 * after the start to 1 s before the end: no burst, no tail) and summary.json's
 * requests / elapsed (the whole run: start, snapshot, first pass).
 *
 * All traffic is on 127.0.0.1; the run stops by itself (`--timeout-s`). It
 * exits 0 whether or not the goals are met; 1 only when it cannot run.
 *
 * Options:
 *   --rows N              rows in the CSV (default 5000; e.g. 500 for a quick run)
 *   --dup-share X         share of rows that repeat an earlier person (default 0.1)
 *   --rate-max N          emulator requests per window (default 100)
 *   --rate-interval-ms N  emulator window (default 1000)
 *   --cli-node-args=FLAGS extra node flags for the import child (note the `=`),
 *                         e.g. --cli-node-args="--cpu-prof --cpu-prof-dir=/tmp/import-prof"
 *   --keep                keep the temp dir (CSV, pipeline, run reports)
 *   --timeout-s N         hard stop for the whole run (default 600)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, ROOT, startEmulatorChild, type EmulatorChild } from './emulator-child.js';
import { recordFigure } from './report.js';
import { seededRandom } from '../../src/core/random.js';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000' },
    'dup-share': { type: 'string', default: '0.1' },
    'rate-max': { type: 'string', default: '100' },
    'rate-interval-ms': { type: 'string', default: '1000' },
    'cli-node-args': { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '600' },
  },
  strict: true,
});

function numOpt(name: string, v: string | undefined, min: number, max = Infinity, integer = true): number {
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    process.stderr.write(`import-writes: --${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${String(v)}'\n`);
    process.exit(1);
  }
  return n;
}

const ROWS = numOpt('rows', opts.rows, 10);
const DUP_SHARE = numOpt('dup-share', opts['dup-share'], 0, 0.9, false);
const RATE_MAX = numOpt('rate-max', opts['rate-max'], 1);
const RATE_INTERVAL = numOpt('rate-interval-ms', opts['rate-interval-ms'], 100);
const TIMEOUT_S = numOpt('timeout-s', opts['timeout-s'], 10);
const CLI_NODE_ARGS = (opts['cli-node-args'] ?? '').split(/\s+/).filter(Boolean);

const GOAL_REQUESTS_PER_CONTACT = 1.05;
const GOAL_RATE_RATIO = 0.95;
const POLL_MS = 100;
const SEGMENTS = 5;
const CONSTANT_TAG = 'migrated-2024';

// ---------------------------------------------------------------- children and hard stop

const children = new Set<ChildProcess>();
function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killChildren);
let tmpDir: string | undefined;
const watchdog = setTimeout(() => {
  process.stderr.write(`\nimport-writes: stopped after the ${TIMEOUT_S}s time limit (--timeout-s)\n`);
  killChildren();
  if (tmpDir && !opts.keep) rmSync(tmpDir, { recursive: true, force: true });
  process.exit(1);
}, TIMEOUT_S * 1000);
watchdog.unref();

async function startEmulator(): Promise<EmulatorChild> {
  const emu = await startEmulatorChild({ args: ['--rate-max', String(RATE_MAX), '--rate-interval-ms', String(RATE_INTERVAL), '--daily-limit', '0'] });
  children.add(emu.proc);
  return emu;
}

// ---------------------------------------------------------------- data

/** The project's seeded PRNG (mulberry32), so every run replays. */
const prng = seededRandom;

const FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'José', 'Zoë', 'Chloé', 'Priya'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Garcia', 'Miller', "O'Brien", 'Müller', 'Nguyen', 'Patel', 'Lee', 'Davis'];
/** Exchanges 200-999 without N11, 555 and repeated digits (a filler number to the dedup). */
const EXCHANGES = Array.from({ length: 800 }, (_, k) => 200 + k).filter((e) => e % 100 !== 11 && e !== 555 && e % 111 !== 0);
const AREAS = [212, 415, 312, 617, 206];

function phoneDigits(p: number): string {
  const area = AREAS[p % AREAS.length]!;
  const q = Math.floor(p / AREAS.length);
  return `${area}${EXCHANGES[q % EXCHANGES.length]!}${String(Math.floor(q / EXCHANGES.length) % 10_000).padStart(4, '0')}`;
}

const FORMATS: Array<(d: string) => string> = [
  (d) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
  (d) => `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  (d) => `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
  (d) => d,
];

const csvField = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const segmentOf = (p: number): string => `segment-${String.fromCharCode(97 + (p % SEGMENTS))}`;

interface Generated {
  csv: string;
  persons: number;
  duplicateRows: number;
  /** Per person: lower-cased email -> expected tags (sorted). */
  expected: Map<string, string[]>;
}

function generate(rows: number): Generated {
  const rnd = prng(4);
  const lines = ['First Name,Last Name,Email,Phone,Company,Tags'];
  let persons = 0;
  let duplicateRows = 0;
  const expected = new Map<string, string[]>();
  const dupTarget = Math.round(rows * DUP_SHARE);
  for (let r = 0; r < rows; r++) {
    // Exactly dupTarget duplicates, spread evenly over the file.
    const dup = persons > 0 && Math.floor(((r + 1) * dupTarget) / rows) > duplicateRows;
    const p = dup ? Math.floor(rnd() * persons) : persons++;
    const first = FIRST[p % FIRST.length]!;
    const last = LAST[(p * 7) % LAST.length]!;
    const local = `${first.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${last.replace(/[^A-Za-z]/g, '').toLowerCase()}${p}`;
    let email = `${local}@example.com`;
    let phone = FORMATS[Math.floor(rnd() * FORMATS.length)]!(phoneDigits(p));
    const tags = `${CONSTANT_TAG}, ${segmentOf(p)}`;
    if (dup) {
      duplicateRows++;
      email = rnd() < 0.5 ? email.toUpperCase() : `${local[0]!.toUpperCase()}${local.slice(1)}@Example.COM`;
      if (rnd() < 0.25) phone = '';
    } else {
      expected.set(`${local}@example.com`, [CONSTANT_TAG, segmentOf(p)].sort());
    }
    const name = (s: string): string => (dup && rnd() < 0.5 ? s.toLowerCase() : s);
    lines.push([name(first), name(last), email, phone, `Company ${p % 37}`, tags].map(csvField).join(','));
  }
  return { csv: `${lines.join('\n')}\n`, persons, duplicateRows, expected };
}

function pipelineYaml(csvFile: string): string {
  return `job: import
location: \${HOOPAI_LOCATION}
source:
  file: ${JSON.stringify(csvFile)}
mode: upsert
mapping:
  firstName: { column: First Name, transform: [trim, title] }
  lastName: { column: Last Name, transform: [trim, title] }
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US }
  companyName: { column: Company, transform: trim }
tags:
  column: Tags
  split: ","
blanks: keep
dedup: { inFile: true, keys: [email, phone], policy: fillBlanks }
collisions: fail
`;
}

// ---------------------------------------------------------------- measuring

interface Stats {
  requests: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  rateLimited: number;
  windowPeaks: Record<string, number>;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const isRead = (op: string): boolean => op.startsWith('get-') || op.startsWith('search-');
const writesOf = (s: Stats): number => Object.entries(s.byOperation).reduce((n, [op, c]) => (isRead(op) ? n : n + c), 0);

interface Sample {
  at: number;
  requests: number;
  writes: number;
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${path.relative(process.cwd(), CLI)} is missing: run \`npm run build\` first`);
  const cores = os.availableParallelism();
  const machine = `${cores} cores (os.availableParallelism), ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  const loadAvg = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  log(`import-writes: ${machine}; load average at start ${loadAvg}`);

  const tmp = (tmpDir = mkdtempSync(path.join(os.tmpdir(), 'hoop-import-writes-')));
  const emu = await startEmulator();
  try {
    log(`emulator pid ${String(emu.proc.pid)} at ${emu.url}, location ${emu.locationId}, limit ${RATE_MAX} per ${RATE_INTERVAL} ms`);
    const csvFile = path.join(tmp, 'contacts.csv');
    const yamlFile = path.join(tmp, 'bench-import.yaml');
    const reportDir = path.join(tmp, 'runs');
    const gen = generate(ROWS);
    writeFileSync(csvFile, gen.csv);
    writeFileSync(yamlFile, pipelineYaml(csvFile));
    log(`${fmt(ROWS)} rows: ${fmt(gen.persons)} people, ${fmt(gen.duplicateRows)} duplicate rows, ${SEGMENTS} tag sets; importing...`);

    const before = await getJson<Stats>(`${emu.url}/__emulator/stats`);
    if (before.requests !== 0) throw new Error(`the emulator already counted ${before.requests} requests`);

    // The import, with the emulator's counters read every 100 ms meanwhile.
    const samples: Sample[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const s = await getJson<Stats>(`${emu.url}/__emulator/stats`);
        samples.push({ at: performance.now(), requests: s.requests, writes: writesOf(s) });
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
    const t0 = performance.now();
    const cli = spawn(
      process.execPath,
      [...CLI_NODE_ARGS, CLI, 'import', csvFile, '--pipeline', yamlFile, '--location', emu.locationId, '--report-dir', reportDir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOOPAI_TOKEN: emu.token, HOOPAI_BASE_URL: emu.url, HOOPAI_LOCATION: emu.locationId } },
    );
    children.add(cli);
    let cliOut = '';
    let cliErr = '';
    cli.stdout!.setEncoding('utf8').on('data', (d: string) => (cliOut += d));
    cli.stderr!.setEncoding('utf8').on('data', (d: string) => (cliErr = (cliErr + d).slice(-20_000)));
    const exitCode = await new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
    const cliMs = performance.now() - t0;
    polling = false;
    await poller;
    const stats = await getJson<Stats>(`${emu.url}/__emulator/stats`);
    samples.push({ at: performance.now(), requests: stats.requests, writes: writesOf(stats) });
    log(`import exited ${String(exitCode)} after ${fmt(cliMs / 1000, 1)} s`);

    const runs = existsSync(reportDir) ? readdirSync(reportDir) : [];
    const summaryFile = runs.length === 1 ? path.join(reportDir, runs[0]!, 'summary.json') : undefined;
    const summary = summaryFile && existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>) : undefined;
    if (!summary) throw new Error(`no summary.json under ${reportDir} (import exit ${String(exitCode)})\n${cliOut}\n${cliErr}`);

    // Final state: every expected person once, with exactly its tags.
    const inspected = await getJson<{ total: number; contacts: Array<{ email?: string; tags?: string[] }> }>(`${emu.url}/__emulator/locations/${emu.locationId}/contacts`);
    let tagsWrong = 0;
    let unknown = 0;
    const seen = new Set<string>();
    for (const c of inspected.contacts) {
      const email = (c.email ?? '').toLowerCase();
      const want = gen.expected.get(email);
      if (!want) {
        unknown++;
        continue;
      }
      seen.add(email);
      const have = [...(c.tags ?? [])].map((t) => t.toLowerCase()).sort();
      if (have.join('|') !== want.join('|')) tagsWrong++;
    }
    const missing = gen.persons - seen.size;

    // Write phase, from the counters read every 100 ms.
    const finalWrites = writesOf(stats);
    const firstWriteIdx = samples.findIndex((s) => s.writes > 0);
    const startIdx = Math.max(0, firstWriteIdx - 1);
    const endIdx = samples.findIndex((s) => s.writes === finalWrites && s.requests === stats.requests);
    const phaseMs = samples[endIdx]!.at - samples[startIdx]!.at;
    const phaseRequests = stats.requests - samples[startIdx]!.requests;
    const phaseRate = (phaseRequests / phaseMs) * 1000;
    // The tightest bracket inside the phase (a rate upper bound), to show the sampling error.
    const innerMs = samples[endIdx - 1] && endIdx - 1 > firstWriteIdx ? samples[endIdx - 1]!.at - samples[firstWriteIdx]!.at : NaN;
    const innerRequests = samples[endIdx - 1] ? samples[endIdx - 1]!.requests - samples[firstWriteIdx]!.requests : NaN;
    const innerRate = (innerRequests / innerMs) * 1000;
    // Steady state: 5 s after the first write to 1 s before the end (no opening burst of an empty window).
    const tA = samples[startIdx]!.at + 5_000;
    const tB = samples[endIdx]!.at - 1_000;
    const a = samples.find((s) => s.at >= tA);
    const b = [...samples].reverse().find((s) => s.at <= tB);
    const steadyRate = a && b && b.at > a.at ? ((b.requests - a.requests) / (b.at - a.at)) * 1000 : NaN;
    const limit = (RATE_MAX * 1000) / RATE_INTERVAL;

    const unique = gen.persons;
    const perContact = stats.requests / unique;
    const peak = stats.windowPeaks[emu.locationId] ?? 0;
    const s = summary as { requests: number; elapsedMs: number; requestsPerSecond: number; rateLimited: number; retries: number; contacts: number; counts: Record<string, number>; exitCode: number };

    const rows: Array<[string, string, string, string]> = [
      ['API requests per unique contact (emulator count / unique contacts)', `${fmt(stats.requests)} / ${fmt(unique)}`, `<= ${GOAL_REQUESTS_PER_CONTACT}`, fmt(perContact, 3)],
      [`request rate over the write phase / limit (req/s, ${fmt(phaseMs / 1000, 1)} s)`, `${fmt(phaseRate, 1)} / ${fmt(limit, 1)}`, `>= ${GOAL_RATE_RATIO}`, fmt(phaseRate / limit, 3)],
      ['  same, inner bracket of the 100 ms readings', `${fmt(innerRate, 1)} / ${fmt(limit, 1)}`, '-', fmt(innerRate / limit, 3)],
      ['  same, steady state (5 s after the first write to 1 s before the end)', `${fmt(steadyRate, 1)} / ${fmt(limit, 1)}`, '-', fmt(steadyRate / limit, 3)],
      ['  whole run, summary.json requests / elapsed (start, snapshot, pass 1 included)', `${fmt(s.requestsPerSecond, 1)} / ${fmt(limit, 1)}`, '-', fmt(s.requestsPerSecond / limit, 3)],
      ['requests answered 429 (emulator)', `${fmt(stats.rateLimited)} of ${fmt(stats.requests)}`, '-', fmt(stats.rateLimited / stats.requests, 4)],
      ['most requests arriving in one window (429s included)', fmt(peak), `<= ${RATE_MAX}`, fmt(peak / RATE_MAX, 3)],
      ['contacts in the location after the run', `${fmt(inspected.total)} / ${fmt(unique)} expected`, `= ${fmt(unique)}`, fmt(inspected.total / unique, 3)],
    ];

    const out = (line = ''): void => void process.stdout.write(`${line}\n`);
    out('');
    out(`Import writes, real CLI against the emulator: ${fmt(ROWS)} rows (${fmt(gen.duplicateRows)} duplicates in the file, ${fmt(unique)} unique contacts, tags on every row, ${SEGMENTS} tag sets), empty location, limit ${RATE_MAX} per ${RATE_INTERVAL} ms`);
    out(`Machine: ${machine}; load average at start ${loadAvg}; ${new Date().toISOString()}`);
    out('');
    out('| metric | measured | goal | ratio |');
    out('|---|---:|---:|---:|');
    for (const r of rows) out(`| ${r.join(' | ')} |`);
    out('');
    const ops = Object.entries(stats.byOperation).sort((x, y) => y[1] - x[1]).map(([op, n]) => `${op} ${fmt(n)}`).join(', ');
    out(`- requests by operation: ${ops}; by status: ${Object.entries(stats.byStatus).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
    out(`- write phase: from the last reading with no write to the first reading showing the final count (${samples.length} readings, every ${POLL_MS} ms); ${fmt(phaseRequests)} requests in ${fmt(phaseMs / 1000, 2)} s; an empty sliding window lets the first ${RATE_MAX} through at once, so the best possible is about ${fmt(((phaseRequests / Math.max(phaseRequests - RATE_MAX, 1)) * 100), 1)}% of the limit over this phase`);
    out(`- CLI: exit ${String(exitCode)} (summary exitCode ${s.exitCode}) after ${fmt(cliMs / 1000, 1)} s wall; summary.json: ${fmt(s.requests)} requests, ${fmt(s.retries)} retries, ${fmt(s.rateLimited)} answered 429, ${fmt(s.elapsedMs / 1000, 1)} s, counts ${JSON.stringify(s.counts)}, contacts ${fmt(s.contacts)}`);
    out(`- final state: ${fmt(inspected.total)} contacts, ${fmt(missing)} expected people missing, ${fmt(unknown)} unexpected contacts, ${fmt(tagsWrong)} with tags other than [constant, segment]`);
    out(`- CLI stdout: ${cliOut.trim().split('\n').join(' / ')}`);
    if (exitCode !== 0 && cliErr.trim()) out(`- CLI stderr (last lines): ${cliErr.trim().split('\n').slice(-5).join(' / ')}`);
    out('');
    const verdict = (ok: boolean): string => (ok ? 'GOAL MET   ' : 'GOAL MISSED');
    out(`${verdict(perContact <= GOAL_REQUESTS_PER_CONTACT)}  requests per unique contact ${fmt(perContact, 3)} (goal <= ${GOAL_REQUESTS_PER_CONTACT})`);
    out(`${verdict(phaseRate / limit >= GOAL_RATE_RATIO)}  write-phase rate / limit ${fmt(phaseRate / limit, 3)} (goal >= ${GOAL_RATE_RATIO})`);
    const stateOk = inspected.total === unique && missing === 0 && unknown === 0 && tagsWrong === 0;
    out(`${stateOk ? 'CHECK OK    ' : 'CHECK FAILED'}  final contacts and tags (${fmt(inspected.total)} contacts, ${fmt(tagsWrong)} with wrong tags); 429s: ${fmt(stats.rateLimited)}`);

    const bench = 'import-writes';
    const setup = `${fmt(ROWS)} rows, ${fmt(gen.duplicateRows)} in-file duplicates, tags on every row`;
    recordFigure({
      bench,
      figure: 'requests-per-contact',
      label: `API requests per unique contact (${setup})`,
      value: perContact,
      unit: 'requests',
      goal: GOAL_REQUESTS_PER_CONTACT,
      comparator: '<=',
      baseline: { what: 'unique contacts in the file', value: unique, unit: 'contacts' },
      note: `${fmt(stats.requests)} requests (emulator's count, 429s included)`,
      digits: 3,
    });
    recordFigure({
      bench,
      figure: 'rate-ratio',
      label: 'request rate over the write phase / the emulator\'s limit',
      value: phaseRate / limit,
      unit: 'of limit',
      goal: GOAL_RATE_RATIO,
      comparator: '>=',
      baseline: { what: `emulator's configured limit, ${RATE_MAX} per ${RATE_INTERVAL} ms`, value: limit, unit: 'req/s' },
      note: `${fmt(phaseRate, 1)} req/s over ${fmt(phaseMs / 1000, 1)} s; steady state ${fmt(steadyRate / limit, 3)} of limit; ${fmt(stats.rateLimited)} answered 429`,
      digits: 3,
    });
    recordFigure({ bench, figure: 'window-peak', label: 'most requests arriving in one window of the emulator', value: peak, unit: 'requests', goal: RATE_MAX, comparator: '<=', digits: 0 });
    recordFigure({
      bench,
      figure: 'wrong-contacts',
      label: 'wrong contacts after the import: missing, twice, unexpected, or with other tags',
      value: missing + (inspected.total - unknown - seen.size) + unknown + tagsWrong,
      unit: 'contacts',
      goal: 0,
      comparator: '<=',
      note: `${fmt(inspected.total)} contacts in the location, ${fmt(unique)} expected; CLI exit ${String(exitCode)}`,
      digits: 0,
    });
  } finally {
    await emu.stop(5_000);
    if (opts.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => {
    clearTimeout(watchdog);
  },
  (e: unknown) => {
    process.stderr.write(`import-writes: ${(e as Error).stack ?? String(e)}\n`);
    killChildren();
    process.exitCode = 1;
  },
);
