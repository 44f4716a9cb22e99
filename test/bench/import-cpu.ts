/**
 * Import CPU benchmark: the import's work without the API (parse, map,
 * normalise, dedup, merge) against a bare csv-parse -> csv-stringify pass over
 * the same file, measured in the same run. Goals (issue 4):
 *   - our rows/s divided by the bare pass's rows/s at least 0.5;
 *   - peak RSS at most 300 MB.
 *
 * Run, after `npm run build` (the `ours` pass runs the built import):
 *   node --import tsx test/bench/import-cpu.ts [--rows 1000000]
 *
 * A CSV of `--rows` rows is generated in a temp dir, streamed to disk: first
 * and last name (dirty case and spaces, some non-ASCII), email (about 10% of
 * the rows are the same person again, with the email in another casing and
 * the phone in another format), phone in mixed formats, company (some quoted),
 * tags (0 to 3, comma-separated), note (some multi-line). One person in 997
 * has an invalid email, so a few rows fail as they would in a real file.
 *
 * Each measured pass runs in its own child process (a fresh heap, so one pass's
 * garbage is not the next one's RSS); this process samples the child's RSS
 * from /proc every 100 ms and the child reports its kernel high-water mark
 * (VmHWM) and its CPU time (every thread). The passes:
 *   bare   csv-parse (arrays) -> csv-stringify -> /dev/null, streams, one
 *          thread; run before and after ours, and the faster of the two is
 *          the denominator (the conservative ratio);
 *   source readCsvRows alone (our CSV source: line numbers, UTF-8 check,
 *          rows as objects), info only, to split the cost;
 *   ours   runImport itself (the built one, dist/) with `dryRun: true` and an
 *          in-memory stub of the API (an empty location: no network at all):
 *          pass 1 reads the CSV on the import's thread while the mapping
 *          worker (RowMapper) maps, normalises and keys the rows, then spills
 *          and clusters them; pass 2 reads the spill back and merges and plans
 *          each cluster. Two threads: say so when comparing with `bare`.
 * On a machine other processes keep busy, wall times (and so the ratio) move
 * with their load; the CPU µs/row and the load averages printed beside them
 * tell how much.
 * rows/s is data rows (header excluded) over the pass's wall time, module
 * loading excluded. The temp dir is deleted at the end. It exits 0 whether or
 * not the goals are met; 1 only when it cannot run. No network is used.
 *
 * Options:
 *   --rows N              rows in the generated CSV (default 1000000)
 *   --seed N              PRNG seed of the data (default 1)
 *   --only bare|source|ours   run one pass (e.g. to profile it)
 *   --child-node-args=FLAGS   extra node flags for the pass children (note the `=`),
 *                         e.g. --child-node-args="--cpu-prof --cpu-prof-dir=/tmp/import-prof";
 *                         with --expose-gc the heap size `ours` reports at the end is the
 *                         live size (after a full GC)
 *   --keep                keep the temp dir (its path is printed)
 *   --timeout-s N         hard stop for the whole run (default 900)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as csvParse } from 'csv-parse';
import { stringify as csvStringify } from 'csv-stringify';
import type { ContactsApi } from '../../dist/api/endpoints.js';
import { parsePipeline, type ImportPipeline } from '../../src/config/index.js';
import { readCsvRows } from '../../src/sources/read-csv-rows.js';
import { recordFigure } from './report.js';
// The built import (dist/), as the CLI runs it: its mapping worker is a built file.
import { runImport } from '../../dist/writers/import-run.js';
import { seededRandom } from '../../src/core/random.js';

// ---------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    'child-node-args': { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '900' },
    // Internal: the pass a child process runs.
    phase: { type: 'string' },
    file: { type: 'string' },
    pipeline: { type: 'string' },
  },
  strict: true,
});

function intOpt(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`import-cpu: --${name} must be an integer >= ${min}, got '${String(v)}'\n`);
    process.exit(1);
  }
  return n;
}

const PHASES = ['bare', 'source', 'ours'] as const;
type Phase = (typeof PHASES)[number];

const GOAL_RATIO = 0.5;
const GOAL_RSS_MB = 300;
const SAMPLE_MS = 100;
const LOCATION = 'benchLocation0000001';
const MB = 1024 * 1024;

const SCRIPT = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- data

/** The project's seeded PRNG (mulberry32), so every run replays. */
const prng = seededRandom;

const FIRST = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Nancy', 'Daniel', 'Lisa',
  'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'José', 'Zoë', 'Søren', 'Chloé', 'Mary-Jane', 'DeShawn',
  'François', 'Ana', 'Li', 'Priya',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
  'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White',
  'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', "O'Brien", 'Müller', 'García', 'van der Berg', 'McDonald',
  'Nguyen', 'Kowalski', 'Østergaard', 'Smith-Jones', 'Patel',
];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'acme-corp.com', 'example.org', 'mail.co.uk'];
const COMPANIES = [
  'Acme, Inc.', 'Globex Corporation', 'Initech', 'Umbrella Corp', '"Best" Widgets LLC', 'Stark Industries', 'Wayne Enterprises',
  'Hooli', 'Pied Piper', 'Vandelay Industries', 'Soylent Green Co.', 'Müller & Söhne GmbH', '', '', '',
];
const TAGS = ['vip', 'newsletter', 'lead', 'customer', 'partner', 'webinar-2024', 'trade show', 'churned', 'VIP', ' Newsletter '];
const NOTES = [
  '', '', '', '', '',
  'Called on Monday; wants a demo.',
  'Met at the 2024 conference.\nFollow up in Q3.',
  'Prefers email, not phone',
  'Said "call me next week"',
  'Imported from the old CRM. Owner: Dana.\r\nLast activity 2023-11-02.',
  'Asked for pricing',
];
/** Area codes libphonenumber-js accepts for US numbers. */
const AREAS = [212, 415, 312, 617, 206, 303, 404, 512, 702, 713, 305, 503];
/** Exchanges 200-999 without N11 codes, 555, and repeated digits (which the filler list treats as "no phone"). */
const EXCHANGES = Array.from({ length: 800 }, (_, k) => 200 + k).filter((e) => e % 100 !== 11 && e !== 555 && e % 111 !== 0);

/** A valid US number for person p, unique for p < 9 million. */
function phoneDigits(p: number): string {
  const area = AREAS[p % AREAS.length]!;
  const q = Math.floor(p / AREAS.length);
  const exchange = EXCHANGES[q % EXCHANGES.length]!;
  const line = Math.floor(q / EXCHANGES.length) % 10_000;
  return `${area}${exchange}${String(line).padStart(4, '0')}`;
}

const PHONE_FORMATS: Array<(d: string) => string> = [
  (d) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
  (d) => `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  (d) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
  (d) => `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
  (d) => d,
  (d) => `1-${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  (d) => `+1${d}`,
];

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function messyName(name: string, r: number): string {
  if (r < 0.15) return name.toLowerCase();
  if (r < 0.22) return name.toUpperCase();
  if (r < 0.3) return `  ${name} `;
  return name;
}

interface Person {
  first: string;
  last: string;
  email: string;
  phone: string | undefined;
  company: string;
  invalid: boolean;
}

function person(p: number): Person {
  const first = FIRST[(p * 7 + 3) % FIRST.length]!;
  const last = LAST[(p * 13 + 5) % LAST.length]!;
  const domain = DOMAINS[(p * 3) % DOMAINS.length]!;
  const invalid = p % 997 === 500;
  // An invalid address the email transform rejects: the domain has no dot.
  const email = invalid ? `${ascii(first)}.${ascii(last)}${p}@${domain.split('.')[0]}` : `${ascii(first)}.${ascii(last)}${p}@${domain}`;
  const phone = p % 20 === 7 ? undefined : phoneDigits(p);
  return { first, last, email, phone, company: COMPANIES[p % COMPANIES.length]!, invalid };
}

interface GeneratedFile {
  rows: number;
  persons: number;
  /** Persons whose every row fails (invalid email). */
  invalidPersons: number;
  invalidRows: number;
  duplicateRows: number;
  bytes: number;
  ms: number;
}

const HEADER = ['First Name', 'Last Name', 'Email', 'Phone', 'Company', 'Tags', 'Note'];

/** Writes the CSV chunk by chunk, honouring backpressure: memory stays flat. */
async function generateCsv(file: string, rows: number, seed: number): Promise<GeneratedFile> {
  const t0 = performance.now();
  const rnd = prng(seed);
  const out = createWriteStream(file);
  let persons = 0;
  let invalidPersons = 0;
  let invalidRows = 0;
  let duplicateRows = 0;
  let chunk = `${HEADER.join(',')}\n`;
  for (let r = 0; r < rows; r++) {
    const dup = persons > 0 && rnd() < 0.1;
    const p = dup ? Math.floor(rnd() * persons) : persons++;
    const who = person(p);
    if (!dup && who.invalid) invalidPersons++;
    if (who.invalid) invalidRows++;
    if (dup) duplicateRows++;
    let email = who.email;
    let phone = who.phone === undefined ? '' : PHONE_FORMATS[Math.floor(rnd() * PHONE_FORMATS.length)]!(who.phone);
    if (dup) {
      // The same person again: the email in another casing, the phone in another format or left out.
      const local = email.slice(0, email.indexOf('@'));
      email = rnd() < 0.5 ? email.toUpperCase() : `${local[0]!.toUpperCase()}${local.slice(1)}@${email.slice(local.length + 1).toUpperCase()}`;
      if (rnd() < 0.25) phone = '';
    }
    if (rnd() < 0.05) email = ` ${email} `;
    const nTags = Math.floor(rnd() * 4);
    const tags: string[] = [];
    for (let k = 0; k < nTags; k++) tags.push(TAGS[Math.floor(rnd() * TAGS.length)]!);
    const note = NOTES[Math.floor(rnd() * NOTES.length)]!;
    chunk += [messyName(who.first, rnd()), messyName(who.last, rnd()), email, phone, who.company, tags.join(', '), note].map(csvField).join(',');
    chunk += rnd() < 0.02 ? '\r\n' : '\n';
    if (chunk.length >= 256 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { rows, persons, invalidPersons, invalidRows, duplicateRows, bytes: statSync(file).size, ms: performance.now() - t0 };
}

/** The pipeline the `ours` pass reads the file with. */
function pipelineYaml(file: string, reportDir: string): string {
  return `job: import
location: ${LOCATION}
source:
  file: ${JSON.stringify(file)}
mode: upsert
reportDir: ${JSON.stringify(reportDir)}
mapping:
  firstName: { column: First Name, transform: [trim, title] }
  lastName: { column: Last Name, transform: [trim, title] }
  email: { column: Email, transform: email }
  phone: { column: Phone, transform: e164, defaultCountry: US }
  companyName: { column: Company, transform: trim }
tags:
  column: Tags
  split: ","
  add: [imported]
notes:
  - column: Note
    title: Imported note
blanks: keep
dedup: { inFile: true, keys: [email, phone], policy: fillBlanks }
collisions: fail
`;
}

// ---------------------------------------------------------------- child: the passes

interface PassResult {
  phase: Phase;
  rows: number;
  ms: number;
  /** RSS when the pass started (modules loaded), sampled peak from inside, and the kernel's high-water mark. */
  startRss: number;
  innerPeakRss: number;
  hwm: number | undefined;
  /** CPU time of the pass, every thread of the process (user + system). */
  cpuMs: number;
  detail: Record<string, number>;
}

function vmHwm(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function barePass(file: string): Promise<{ rows: number; detail: Record<string, number> }> {
  // The line endings our source lists: the file mixes LF and CRLF, as exports do (csv-parse otherwise keeps the first it sees).
  const parser = csvParse({ record_delimiter: ['\r\n', '\n', '\r'] });
  await streamPipeline(createReadStream(file), parser, csvStringify(), createWriteStream('/dev/null'));
  // Records include the header line.
  const records = parser.info.records;
  return { rows: records - 1, detail: { records } };
}

async function sourcePass(file: string): Promise<{ rows: number; detail: Record<string, number> }> {
  let rows = 0;
  let bad = 0;
  for await (const item of readCsvRows(file)) {
    rows++;
    if (item.kind === 'bad-row') bad++;
  }
  return { rows, detail: { badRows: bad } };
}

/**
 * Heap in use now: after a full GC when the child runs with --expose-gc
 * (e.g. --child-node-args=--expose-gc), else including garbage not yet collected.
 */
function liveHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function loadBenchPipeline(pipelineFile: string): ImportPipeline {
  const p = parsePipeline(readFileSync(pipelineFile, 'utf8'), pipelineFile, process.env);
  if (p.job !== 'import') throw new Error(`${pipelineFile}: not an import pipeline`);
  return p;
}

/** runImport's dry run, against an in-memory stub of an empty location: no network. */
async function oursPass(pipelineFile: string): Promise<{ rows: number; detail: Record<string, number> }> {
  const pipeline = loadBenchPipeline(pipelineFile);
  const stats = { requests: 0, retries: 0, rateLimited: 0, reconciled: 0 };
  const api = {
    locationId: LOCATION,
    country: 'US',
    // No answer ever told a rate limit: the dry run's estimate falls back to the documented one.
    client: { stats, governor: { limit: async () => undefined } },
    searchContacts: async () => ({ contacts: [], total: 0 }),
    customFieldMap: async () => new Map(),
  } as unknown as ContactsApi;
  const summary = await runImport({ pipeline, api, reportDir: pipeline.reportDir, dryRun: true });
  return {
    rows: summary.rows,
    detail: {
      failed: summary.counts.failed,
      contacts: summary.contacts,
      merged: summary.counts.merged,
      created: summary.counts.created,
      plannedRequests: summary.plannedRequests ?? NaN,
      heapAtEnd: liveHeap(),
    },
  };
}

async function runChildPhase(phase: Phase): Promise<void> {
  const startRss = process.memoryUsage.rss();
  let innerPeakRss = startRss;
  const sampler = setInterval(() => {
    innerPeakRss = Math.max(innerPeakRss, process.memoryUsage.rss());
  }, SAMPLE_MS);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await (phase === 'bare'
    ? barePass(opts.file!)
    : phase === 'source'
      ? sourcePass(opts.file!)
      : oursPass(opts.pipeline!)
  ).finally(() => clearInterval(sampler));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  innerPeakRss = Math.max(innerPeakRss, process.memoryUsage.rss());
  const result: PassResult = { phase, rows: r.rows, ms, startRss, innerPeakRss, hwm: vmHwm(), cpuMs: (cpu.user + cpu.system) / 1000, detail: r.detail };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- parent

const children = new Set<ChildProcess>();
function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

function procRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Measured extends PassResult {
  /** Peak of the RSS this process read from /proc every 100 ms (undefined off Linux). */
  outerPeakRss: number | undefined;
  samples: number;
}

/** Runs one pass in a child process, sampling its RSS from outside every 100 ms. */
function runPass(phase: Phase, args: string[], childNodeArgs: string[]): Promise<Measured> {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && !a.startsWith('--heap-prof'));
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...execArgv, ...childNodeArgs, SCRIPT, '--phase', phase, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let outerPeak: number | undefined;
    let samples = 0;
    const sampler = setInterval(() => {
      const rss = proc.pid === undefined ? undefined : procRss(proc.pid);
      if (rss !== undefined) {
        samples++;
        outerPeak = Math.max(outerPeak ?? 0, rss);
      }
    }, SAMPLE_MS);
    let out = '';
    let err = '';
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearInterval(sampler);
      children.delete(proc);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`pass ${phase} failed (code ${String(code)}, signal ${String(signal)})\n${err}`));
        return;
      }
      const r = JSON.parse(line.slice('RESULT '.length)) as PassResult;
      resolve({ ...r, outerPeakRss: outerPeak, samples });
    });
  });
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');
const mb = (b: number | undefined): string => (b === undefined ? '-' : `${fmt(b / MB, 0)} MB`);
const rate = (m: Measured): number => (m.rows / m.ms) * 1000;
const cpuPerRow = (m: Measured): number => (m.cpuMs * 1000) / m.rows;

async function main(): Promise<void> {
  const ROWS = intOpt('rows', opts.rows, 100);
  const SEED = intOpt('seed', opts.seed, 0);
  const TIMEOUT_S = intOpt('timeout-s', opts['timeout-s'], 10);
  const only = opts.only as Phase | undefined;
  if (only !== undefined && !PHASES.includes(only)) throw new Error(`--only must be one of ${PHASES.join(', ')}, got '${only}'`);
  const childNodeArgs = (opts['child-node-args'] ?? '').split(/\s+/).filter(Boolean);

  const watchdog = setTimeout(() => {
    process.stderr.write(`\nimport-cpu: stopped after the ${TIMEOUT_S}s time limit (--timeout-s)\n`);
    killChildren();
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }, TIMEOUT_S * 1000);
  watchdog.unref();

  const cores = os.availableParallelism();
  const machine = `${cores} cores (os.availableParallelism), ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  const loadAvg = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const log = (s: string): void => void process.stderr.write(`${s}\n`);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hoop-import-cpu-'));
  try {
    const file = path.join(tmp, 'contacts.csv');
    const reportDir = path.join(tmp, 'runs');
    const pipelineFile = path.join(tmp, 'bench.yaml');
    writeFileSync(pipelineFile, pipelineYaml(file, reportDir));
    log(`import-cpu: ${machine}; load average at start ${loadAvg}`);
    log(`generating ${fmt(ROWS)} rows in ${tmp}${opts.keep ? ' (kept: --keep)' : ''}...`);
    const gen = await generateCsv(file, ROWS, SEED);
    log(`  ${fmt(gen.bytes / MB, 1)} MB in ${fmt(gen.ms / 1000, 1)} s: ${fmt(gen.persons)} people, ${fmt(gen.duplicateRows)} duplicate rows, ${fmt(gen.invalidRows)} rows with an invalid email`);

    const passArgs = (phase: Phase): string[] => (phase === 'bare' || phase === 'source' ? ['--file', file] : ['--pipeline', pipelineFile]);
    const plan: Array<[Phase, string]> = only
      ? [[only, only]]
      : [
          ['bare', 'bare#1'],
          ['source', 'source'],
          ['ours', 'ours'],
          ['bare', 'bare#2'],
        ];
    const res = new Map<string, Measured>();
    for (const [phase, label] of plan) {
      log(`pass ${label}...`);
      const m = await runPass(phase, passArgs(phase), childNodeArgs);
      res.set(label, m);
      log(`  ${fmt(m.rows)} rows in ${fmt(m.ms / 1000, 2)} s = ${fmt(rate(m))} rows/s, CPU ${fmt(cpuPerRow(m), 1)} µs/row; peak RSS ${mb(m.outerPeakRss)} (sampled), VmHWM ${mb(m.hwm)}; load average ${os.loadavg()[0]!.toFixed(2)}`);
    }

    // ---------------------------------------------------------------- report
    const bares = [res.get('bare#1'), res.get('bare#2'), only === 'bare' ? res.get('bare') : undefined].filter((m): m is Measured => m !== undefined);
    const bestBare = bares.length ? Math.max(...bares.map(rate)) : NaN;
    const ours = res.get('ours');
    const source = res.get('source');
    const peakOf = (m: Measured): number => m.outerPeakRss ?? m.innerPeakRss;

    const rows: Array<[string, string, string, string]> = [];
    for (const [label, m] of [...res].filter(([, m]) => m.phase === 'bare')) {
      rows.push([`bare csv-parse -> csv-stringify -> /dev/null, rows/s (${label}); CPU µs/row`, `${fmt(rate(m))}; ${fmt(cpuPerRow(m), 1)}`, '-', '-']);
    }
    if (source) rows.push(['readCsvRows alone (our CSV source), rows/s', fmt(rate(source)), '-', fmt(rate(source) / bestBare, 3)]);
    if (ours) {
      rows.push(['ours: parse, map, normalise, dedup, merge (2 passes), rows/s; CPU µs/row (both threads)', `${fmt(rate(ours))}; ${fmt(cpuPerRow(ours), 1)}`, '-', '-']);
      rows.push(['ours / bare (best bare run), rows/s', `${fmt(rate(ours))} / ${fmt(bestBare)}`, `>= ${GOAL_RATIO}`, fmt(rate(ours) / bestBare, 3)]);
      rows.push([`ours: peak RSS, sampled every ${SAMPLE_MS} ms`, mb(peakOf(ours)), `<= ${GOAL_RSS_MB} MB`, fmt(peakOf(ours) / (GOAL_RSS_MB * MB), 2)]);
      rows.push(['ours: kernel high-water mark (VmHWM)', mb(ours.hwm), `(<= ${GOAL_RSS_MB} MB)`, ours.hwm === undefined ? '-' : fmt(ours.hwm / (GOAL_RSS_MB * MB), 2)]);
    }
    for (const m of bares) rows.push([`bare (${m === res.get('bare#2') ? 'bare#2' : 'bare#1'}): peak RSS, sampled every ${SAMPLE_MS} ms`, mb(peakOf(m)), '-', '-']);

    const out = (s = ''): void => void process.stdout.write(`${s}\n`);
    out('');
    out(`Import CPU: ${fmt(ROWS)}-row generated CSV (${fmt(gen.bytes / MB, 1)} MB), no API; each pass in its own child process, RSS sampled from /proc every ${SAMPLE_MS} ms`);
    out(`Machine: ${machine}; load average at start ${loadAvg}, at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${new Date().toISOString()}`);
    out('');
    out('| metric | measured | goal | ratio |');
    out('|---|---:|---:|---:|');
    for (const r of rows) out(`| ${r.join(' | ')} |`);
    out('');
    out(`- file: ${fmt(gen.persons)} people, ${fmt(gen.duplicateRows)} duplicate rows (email in another casing, phone reformatted or blank), ${fmt(gen.invalidRows)} rows of ${fmt(gen.invalidPersons)} people with an invalid email; generated in ${fmt(gen.ms / 1000, 1)} s`);
    const expectContacts = gen.persons - gen.invalidPersons;
    if (ours) {
      const m = ours;
      const d = m.detail;
      const ok = d.contacts === expectContacts && d.failed === gen.invalidRows;
      out(
        `- ours: ${fmt(d.contacts!)} contacts (expected ${fmt(expectContacts)}), ${fmt(d.failed!)} failed rows (expected ${fmt(gen.invalidRows)}), ${fmt(d.merged!)} merged, ${fmt(d.plannedRequests!)} planned requests` +
          `; heap in use at the end ${mb(d.heapAtEnd)}${childNodeArgs.includes('--expose-gc') ? ' (after a full GC)' : ' (garbage included; --child-node-args=--expose-gc for the live size)'}` +
          `; RSS at start ${mb(m.startRss)}, VmHWM ${mb(m.hwm)}${ok ? '' : '; PROBLEM: the counts differ from the file'}`,
      );
    }
    out('- bare pass: csv-parse (records as arrays; record_delimiter CRLF/LF/CR as our source sets it, since the file mixes line endings), csv-stringify, written to /dev/null, one thread; the faster bare run is the denominator');
    out(`- ours runs on two threads: the import's thread reads and parses the CSV while RowMapper's worker maps and normalises the rows read before (this machine has ${cores} cores); CPU µs/row counts both threads, so it shows the work whatever the load of the machine`);
    out('');
    if (ours) {
      const r = rate(ours) / bestBare;
      const peak = peakOf(ours);
      out(`${r >= GOAL_RATIO ? 'GOAL MET   ' : 'GOAL MISSED'}  rows/s ours / bare ${fmt(r, 3)} (goal >= ${GOAL_RATIO})`);
      out(`${peak <= GOAL_RSS_MB * MB ? 'GOAL MET   ' : 'GOAL MISSED'}  peak RSS ${mb(peak)} (goal <= ${GOAL_RSS_MB} MB)`);

      const bench = 'import-cpu';
      const bestBareRun = bares.reduce<Measured | undefined>((a, b) => (a === undefined || rate(b) > rate(a) ? b : a), undefined);
      if (bestBareRun) recordFigure({
        bench,
        figure: 'rows-per-s-ratio',
        label: `import dry run rows/s / bare CSV pass rows/s, ${fmt(ROWS)}-row file, no API`,
        value: r,
        unit: 'of bare',
        goal: GOAL_RATIO,
        comparator: '>=',
        baseline: { what: `bare csv-parse -> csv-stringify pass over the same file (best of ${bares.length}, ${fmt(cpuPerRow(bestBareRun), 1)} µs CPU a row)`, value: bestBare, unit: 'rows/s' },
        note: `ours ${fmt(rate(ours))} rows/s, ${fmt(cpuPerRow(ours), 1)} µs CPU a row on 2 threads${source ? `; our CSV source alone ${fmt(rate(source))} rows/s, ${fmt(cpuPerRow(source), 1)} µs a row` : ''}`,
        digits: 3,
      });
      recordFigure({
        bench,
        figure: 'peak-rss',
        label: `peak RSS of the import dry run, ${fmt(ROWS)} rows`,
        value: peak / MB,
        unit: 'MB',
        goal: GOAL_RSS_MB,
        comparator: '<=',
        ...(bares.length ? { baseline: { what: 'bare pass peak RSS', value: Math.max(...bares.map(peakOf)) / MB, unit: 'MB' } } : {}),
        note: `sampled every ${SAMPLE_MS} ms; VmHWM ${mb(ours.hwm)}`,
        digits: 0,
      });
    }
    clearTimeout(watchdog);
  } finally {
    if (opts.keep) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

if (opts.phase !== undefined) {
  const phase = opts.phase as Phase;
  if (!PHASES.includes(phase)) {
    process.stderr.write(`import-cpu: unknown phase ${phase}\n`);
    process.exit(1);
  }
  runChildPhase(phase).catch((e: unknown) => {
    process.stderr.write(`import-cpu (${phase}): ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
} else {
  process.on('exit', killChildren);
  main().catch((e: unknown) => {
    process.stderr.write(`import-cpu: ${(e as Error).stack ?? String(e)}\n`);
    killChildren();
    process.exitCode = 1;
  });
}
