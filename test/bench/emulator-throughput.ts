/**
 * Emulator throughput benchmark: is the local emulator ever what limits our
 * benchmarks? Goals (rate limits off, 100,000 contacts stored):
 *   - at least 5,000 upserts/s;
 *   - at least 20 search pages of 500 contacts/s.
 *
 * Run: `npm run bench` (builds first), or after `npm run build`:
 *   node --import tsx test/bench/emulator-throughput.ts [options]
 *
 * The emulator runs in a child process (`dist/cli/main.js emulator`), so the
 * load generator and the server do not share an event loop; they do share the
 * machine's cores. A bare `node:http` server answering a fixed body, also in a
 * child process, is measured with the same load generator, to show how much of
 * the ceiling is the load generator and HTTP itself rather than the emulator.
 * All traffic is on 127.0.0.1. The run stops by itself (`--timeout-s`).
 * It exits 0 whether or not the goals are met; 1 only when it cannot run.
 *
 * Options:
 *   --contacts N          contacts seeded before measuring (default 100000)
 *   --upserts N           measured upserts, half updates, half creates (default 20000)
 *   --concurrency N       requests in flight for the upsert phases (default 64)
 *   --client http|fetch   load generator: node:http with a keep-alive Agent, or
 *                         the global fetch (undici) (default http: on a 2-core
 *                         machine with Node 20 it gets about 10x the requests per
 *                         CPU that fetch gets against the bare server)
 *   --emulator-node-args=FLAGS  extra node flags for the emulator child (note the
 *                         `=`), e.g. --emulator-node-args="--cpu-prof --cpu-prof-dir=/tmp/emu-prof"
 *   --timeout-s N         hard stop for the whole run (default 300)
 *   --only search|upsert  run one emulator phase (after seeding), e.g. to profile it;
 *                         the bare-server comparison still runs
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, spawnUntilReady, startEmulatorChild as spawnEmulator, stopProcess, type EmulatorChild, type ReadyChild } from './emulator-child.js';
import { recordFigure, type Baseline } from './report.js';

// ---------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    upserts: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    client: { type: 'string', default: 'http' },
    'emulator-node-args': { type: 'string', default: '' },
    'timeout-s': { type: 'string', default: '300' },
    only: { type: 'string' },
  },
  strict: true,
});

function intOpt(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`emulator-throughput: --${name} must be an integer >= ${min}, got '${String(v)}'\n`);
    process.exit(1);
  }
  return n;
}

const CONTACTS = intOpt('contacts', opts.contacts, 1000);
const UPSERTS = intOpt('upserts', opts.upserts, 100);
const CONCURRENCY = intOpt('concurrency', opts.concurrency, 1);
const TIMEOUT_S = intOpt('timeout-s', opts['timeout-s'], 10);
const CLIENT_KIND = opts.client === 'fetch' ? 'fetch' : opts.client === 'http' ? 'http' : undefined;
if (!CLIENT_KIND) {
  process.stderr.write(`emulator-throughput: --client must be http or fetch, got '${String(opts.client)}'\n`);
  process.exit(1);
}
const ONLY = opts.only;
if (ONLY !== undefined && ONLY !== 'search' && ONLY !== 'upsert') {
  process.stderr.write(`emulator-throughput: --only must be search or upsert, got '${ONLY}'\n`);
  process.exit(1);
}
const EMULATOR_NODE_ARGS = (opts['emulator-node-args'] ?? '').split(/\s+/).filter(Boolean);

const GOAL_UPSERTS_PER_S = 5000;
const GOAL_PAGES_PER_S = 20;
const PAGE_LIMIT = 500;
const SEED_BATCH = 5000;
const VERSION = '2021-07-28';
/** Seeded contacts are one minute apart from here, so a dateAdded range selects a known share. */
const BASE_DATE_MS = Date.UTC(2024, 0, 1);
const MINUTE_MS = 60_000;
const TAG_GROUPS = 4;


// ---------------------------------------------------------------- hard stop and children

const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

process.on('exit', killChildren);
const watchdog = setTimeout(() => {
  process.stderr.write(`\nemulator-throughput: stopped after the ${TIMEOUT_S}s time limit (--timeout-s)\n`);
  killChildren();
  process.exit(1);
}, TIMEOUT_S * 1000);
watchdog.unref();

/** A node child tracked for the hard stop, resolved once it prints the `ready` line. */
async function spawnNode(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<ReadyChild> {
  const child = await spawnUntilReady(args, ready, { env });
  children.add(child.proc);
  child.proc.on('exit', () => children.delete(child.proc));
  return child;
}

// ---------------------------------------------------------------- CPU accounting

let clkTck = 100;

/** User+system CPU ms of a process, from /proc (Linux); undefined elsewhere. */
function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clkTck : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ms the whole machine spent busy (all cores), from /proc/stat; undefined elsewhere. */
function machineBusyMs(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const busy = cpu.slice(0, 8).reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    return Number.isFinite(busy) ? (busy * 1000) / clkTck : undefined;
  } catch {
    return undefined;
  }
}

interface CpuMark {
  at: number;
  self: NodeJS.CpuUsage;
  server: number | undefined;
  machine: number | undefined;
}

function cpuMark(serverPid: number | undefined): CpuMark {
  return { at: performance.now(), self: process.cpuUsage(), server: procCpuMs(serverPid), machine: machineBusyMs() };
}

interface CpuSpan {
  wallMs: number;
  /** Shares of one core, 0..1+: this process (the load generator), the server child, everything else on the machine. */
  client: number;
  server: number | undefined;
  other: number | undefined;
  serverCpuMs: number | undefined;
}

function cpuSpan(m: CpuMark, serverPid: number | undefined): CpuSpan {
  const wallMs = performance.now() - m.at;
  const self = process.cpuUsage(m.self);
  const clientMs = (self.user + self.system) / 1000;
  const serverNow = procCpuMs(serverPid);
  const serverCpuMs = serverNow !== undefined && m.server !== undefined ? serverNow - m.server : undefined;
  const machineNow = machineBusyMs();
  const machineMs = machineNow !== undefined && m.machine !== undefined ? machineNow - m.machine : undefined;
  const otherMs = machineMs === undefined || serverCpuMs === undefined ? undefined : Math.max(0, machineMs - clientMs - serverCpuMs);
  return {
    wallMs,
    client: clientMs / wallMs,
    server: serverCpuMs === undefined ? undefined : serverCpuMs / wallMs,
    other: otherMs === undefined ? undefined : otherMs / wallMs,
    serverCpuMs,
  };
}

// ---------------------------------------------------------------- load generator

interface Reply {
  status: number;
  body: Buffer;
}

interface Client {
  request(method: string, pathname: string, body?: Buffer, headers?: Record<string, string>): Promise<Reply>;
  close(): void;
}

function httpClient(baseUrl: string, maxSockets: number): Client {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    request(method, pathname, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const h: Record<string, string | number> = { ...headers };
        if (body) {
          h['content-type'] = 'application/json';
          h['content-length'] = body.length;
        }
        const req = http.request({ host: u.hostname, port: u.port, method, path: pathname, agent, headers: h }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${pathname}: no answer within 60s`)));
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function fetchClient(baseUrl: string): Client {
  return {
    async request(method, pathname, body, headers = {}) {
      const res = await fetch(baseUrl + pathname, {
        method,
        headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
        body,
      });
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    },
    close() {},
  };
}

function makeClient(baseUrl: string): Client {
  return CLIENT_KIND === 'fetch' ? fetchClient(baseUrl) : httpClient(baseUrl, CONCURRENCY);
}

interface LoadResult {
  count: number;
  errors: number;
  statuses: Map<number, number>;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpu: CpuSpan;
  firstError?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Sends `count` requests, `concurrency` at a time; `ok` decides which statuses count as success. */
async function runLoad(
  client: Client,
  count: number,
  concurrency: number,
  make: (i: number) => { method: string; path: string; body?: Buffer },
  headers: Record<string, string>,
  serverPid: number | undefined,
  ok: (status: number) => boolean = (s) => s >= 200 && s < 300,
): Promise<LoadResult> {
  const lat = new Float64Array(count);
  const statuses = new Map<number, number>();
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const mark = cpuMark(serverPid);
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const r = make(i);
      const t0 = performance.now();
      try {
        const res = await client.request(r.method, r.path, r.body, headers);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (!ok(res.status)) {
          errors++;
          firstError ??= `${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
        }
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
      lat[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const cpu = cpuSpan(mark, serverPid);
  lat.sort();
  return {
    count,
    errors,
    statuses,
    perSecond: (count / cpu.wallMs) * 1000,
    p50Ms: percentile(lat, 0.5),
    p99Ms: percentile(lat, 0.99),
    cpu,
    firstError,
  };
}

// ---------------------------------------------------------------- data

/** NANP exchanges usable in test data: 200-999 without the N11 service codes. */
const EXCHANGES = Array.from({ length: 800 }, (_, k) => 200 + k).filter((e) => e % 100 !== 11);

/**
 * A valid E.164 US number for contact `i`: area code 212, an exchange that
 * never starts with 0/1 and is not an N11, line 0000-9999. Unique for i < 7,920,000.
 */
function phoneOf(i: number): string {
  const exchange = EXCHANGES[Math.floor(i / 10_000) % EXCHANGES.length]!;
  return `+1212${exchange}${String(i % 10_000).padStart(4, '0')}`;
}

const emailOf = (i: number): string => `bench.contact${i}@example.com`;
const tagOf = (i: number): string => `grp-${i % TAG_GROUPS}`;

function seedContact(i: number): Record<string, unknown> {
  return {
    firstName: `First${i}`,
    lastName: `Last${i}`,
    email: emailOf(i),
    phone: phoneOf(i),
    companyName: `Company ${i % 997}`,
    city: 'New York',
    source: 'bench',
    tags: ['bench', tagOf(i)],
    dateAdded: BASE_DATE_MS + i * MINUTE_MS,
  };
}

// ---------------------------------------------------------------- emulator helpers

interface Emulator {
  child: EmulatorChild;
  url: string;
  locationId: string;
  token: string;
  client: Client;
  headers: Record<string, string>;
}

async function startEmulatorChild(): Promise<Emulator> {
  const child = await spawnEmulator({ args: ['--rate-max', '0', '--daily-limit', '0'], nodeArgs: EMULATOR_NODE_ARGS });
  children.add(child.proc);
  child.proc.on('exit', () => children.delete(child.proc));
  const { url, locationId, token } = child;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`emulator is not on 127.0.0.1: ${url}`);
  return {
    child,
    url,
    locationId,
    token,
    client: makeClient(url),
    headers: { authorization: `Bearer ${token}`, version: VERSION },
  };
}

async function json(client: Client, method: string, pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const r = await client.request(method, pathname, body === undefined ? undefined : Buffer.from(JSON.stringify(body)), headers);
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body.toString('utf8'));
  } catch {
    parsed = r.body.toString('utf8');
  }
  return { status: r.status, body: parsed };
}

/** Seeds a few phones of the whole range into a scratch location and checks they are stored as sent. */
async function checkPhones(emu: Emulator, indexes: number[]): Promise<void> {
  const scratch = 'benchPhoneCheck00001';
  const created = await json(emu.client, 'POST', '/__emulator/locations', { id: scratch, country: 'US' });
  if (created.status !== 201) throw new Error(`cannot create the scratch location: ${created.status} ${JSON.stringify(created.body)}`);
  const contacts = indexes.map((i) => ({ email: emailOf(i), phone: phoneOf(i) }));
  const seeded = await json(emu.client, 'POST', `/__emulator/locations/${scratch}/contacts`, { contacts });
  if (seeded.status !== 201) throw new Error(`the emulator refuses a generated phone: ${JSON.stringify(seeded.body)}`);
  const listed = await json(emu.client, 'GET', `/__emulator/locations/${scratch}/contacts`, undefined);
  const stored = new Map<string, string>((listed.body.contacts as Array<{ email: string; phone: string }>).map((c) => [c.email, c.phone]));
  for (const c of contacts) {
    if (stored.get(c.email) !== c.phone) throw new Error(`phone ${c.phone} was stored as ${String(stored.get(c.email))}`);
  }
}

async function seed(emu: Emulator, n: number): Promise<{ perSecond: number }> {
  const t0 = performance.now();
  for (let start = 0; start < n; start += SEED_BATCH) {
    const contacts = [];
    for (let i = start; i < Math.min(n, start + SEED_BATCH); i++) contacts.push(seedContact(i));
    const r = await json(emu.client, 'POST', `/__emulator/locations/${emu.locationId}/contacts`, { contacts });
    if (r.status !== 201) throw new Error(`seeding contacts ${start}..: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  }
  return { perSecond: (n / (performance.now() - t0)) * 1000 };
}

/** Contacts stored in the emulator's default location. */
async function contactCount(emu: Emulator): Promise<number> {
  const r = await json(emu.client, 'GET', '/__emulator/locations', undefined);
  const loc = (r.body.locations as Array<{ id: string; contacts: number }>).find((l) => l.id === emu.locationId);
  if (!loc) throw new Error(`location ${emu.locationId} missing from /__emulator/locations`);
  return loc.contacts;
}

interface WalkResult {
  pages: number;
  contacts: number;
  total: number;
  pagesPerSecond: number;
  firstPageMs: number;
  cpu: CpuSpan;
  problem?: string;
}

/**
 * Walks a search with `searchAfter` (or `page` for the first `maxPages` pages),
 * one page at a time as an exporter does, and checks every contact comes once.
 */
async function walk(emu: Emulator, extra: Record<string, unknown>, mode: 'searchAfter' | 'page', maxPages = Infinity): Promise<WalkResult> {
  const seen = new Set<string>();
  let searchAfter: unknown[] | undefined;
  let pages = 0;
  let total = 0;
  let firstPageMs = 0;
  let problem: string | undefined;
  const mark = cpuMark(emu.child.proc.pid);
  while (pages < maxPages) {
    const body: Record<string, unknown> = { locationId: emu.locationId, pageLimit: PAGE_LIMIT, ...extra };
    if (mode === 'page') body.page = pages + 1;
    else if (searchAfter) body.searchAfter = searchAfter;
    const t0 = performance.now();
    const r = await json(emu.client, 'POST', '/contacts/search', body, emu.headers);
    if (pages === 0) firstPageMs = performance.now() - t0;
    if (r.status !== 200) {
      problem = `page ${pages + 1}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
      break;
    }
    const hits = r.body.contacts as Array<{ id: string; searchAfter: unknown[] }>;
    total = r.body.total as number;
    if (hits.length === 0) break;
    pages++;
    for (const h of hits) {
      if (seen.has(h.id)) problem ??= `contact ${h.id} came twice`;
      seen.add(h.id);
    }
    searchAfter = hits[hits.length - 1]!.searchAfter;
    if (hits.length < PAGE_LIMIT) break;
  }
  const cpu = cpuSpan(mark, emu.child.proc.pid);
  if (!problem && maxPages === Infinity && seen.size !== total) problem = `walked ${seen.size} contacts, total says ${total}`;
  return { pages, contacts: seen.size, total, pagesPerSecond: (pages / cpu.wallMs) * 1000, firstPageMs, cpu, problem };
}

// ---------------------------------------------------------------- bare server

const BARE_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const small = fs.readFileSync(process.env.BENCH_SMALL_BODY);
const big = fs.readFileSync(process.env.BENCH_BIG_BODY);
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    const body = req.url === '/big' ? big : small;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => process.stdout.write('bare listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => { server.close(); server.closeAllConnections(); });
`;

// ---------------------------------------------------------------- report

interface Row {
  metric: string;
  measured: number;
  unit: string;
  goal?: number;
  note?: string;
  /** The id it is recorded under for docs/benchmarks.md (rows with a goal). */
  figure?: string;
  /** Where the CPU went meanwhile: the note it is recorded with. */
  cpu?: string;
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const pct = (x: number | undefined): string => (x === undefined ? 'n/a' : `${Math.round(x * 100)}%`);

function printTable(rows: Row[]): void {
  const head = ['metric', 'measured', 'goal', 'ratio', 'goal met'];
  const body = rows.map((r) => [
    r.metric,
    `${fmt(r.measured, r.measured < 100 ? 1 : 0)} ${r.unit}`,
    r.goal === undefined ? '-' : `${fmt(r.goal)} ${r.unit}`,
    r.goal === undefined ? (r.note ?? '-') : `${(r.measured / r.goal).toFixed(2)}x`,
    r.goal === undefined ? '-' : r.measured >= r.goal ? 'YES' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

/** What most likely capped a phase, from where the CPU went. */
function limitedBy(c: CpuSpan, serial: boolean): string {
  const cores = os.availableParallelism();
  const used = (c.server ?? 0) + c.client + (c.other ?? 0);
  if ((c.server ?? 0) >= 0.85) return 'the server (its one JS thread is busy)';
  if (c.client >= 0.85) return 'the load generator';
  if (used >= cores * 0.85) return 'the machine (all cores busy, other processes included)';
  return serial ? 'the round trip (one request at a time: server and client work in turn)' : 'neither process saturated (scheduling, contention)';
}

function cpuNote(c: CpuSpan, serial = false): string {
  const other = c.other === undefined ? '' : `, other processes ${pct(c.other)}`;
  return `CPU (share of one core): server ${pct(c.server)}, load generator ${pct(c.client)}${other}; limited by ${limitedBy(c, serial)}`;
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Emails/phones of contacts created by upserts start here, far from the seeded ones. */
const newBase = (): number => CONTACTS + 1_000_000;

/** Upsert `i` of a run: even = update of a seeded contact (by email), odd = a new contact. */
function upsertBody(locationId: string, i: number, salt: string): Buffer {
  const update = i % 2 === 0;
  const n = update ? (i * 7919) % CONTACTS : newBase() + i;
  return Buffer.from(
    JSON.stringify({
      locationId,
      email: emailOf(n),
      phone: phoneOf(n),
      firstName: `First${n}`,
      lastName: update ? `Updated${salt}` : `Last${n}`,
      companyName: `Company ${n % 997}`,
      tags: ['bench', tagOf(n)],
      source: 'bench-upsert',
    }),
  );
}

interface Report {
  rows: Row[];
  notes: string[];
}

async function searchPhase(emu: Emulator, out: Report): Promise<number> {
  const serverPid = emu.child.proc.pid;
  const results: Array<[string, string, WalkResult]> = [];
  await walk(emu, {}, 'searchAfter', 5); // JIT warm-up; also builds the default-sort result
  const full = await walk(emu, {}, 'searchAfter');
  results.push(['search-default', 'search, default sort, searchAfter walk', full]);
  const tagged = await walk(emu, { filters: [{ field: 'tags', operator: 'eq', value: tagOf(0) }] }, 'searchAfter');
  results.push(['search-tags', `search, tags eq ${tagOf(0)}, searchAfter walk`, tagged]);
  const from = new Date(BASE_DATE_MS + Math.floor(CONTACTS / 4) * MINUTE_MS).toISOString();
  const to = new Date(BASE_DATE_MS + Math.floor((CONTACTS * 3) / 4) * MINUTE_MS).toISOString();
  const ranged = await walk(emu, { filters: [{ field: 'dateAdded', operator: 'range', value: { gte: from, lt: to } }] }, 'searchAfter');
  results.push(['search-date-range', 'search, dateAdded range, searchAfter walk', ranged]);
  const paged = await walk(emu, { sort: [{ field: 'dateAdded', direction: 'desc' }] }, 'page', 20);
  results.push(['search-page-numbers', 'search, page 1..20, dateAdded desc', paged]);

  for (const [figure, name, w] of results) {
    out.rows.push({ metric: `${name} (${fmt(w.contacts)} contacts, ${w.pages} pages)`, measured: w.pagesPerSecond, unit: 'pages/s', goal: GOAL_PAGES_PER_S, figure, cpu: cpuNote(w.cpu, true) });
    out.notes.push(`${name}: first page ${fmt(w.firstPageMs)} ms (it filters and sorts the location), ${cpuNote(w.cpu, true)}${w.problem ? `; PROBLEM: ${w.problem}` : ''}`);
  }

  // Cold pages: a write before every page invalidates the search cache, as when
  // an export walks a location that a migration is writing to.
  const n = 10;
  let pageMs = 0;
  let problem: string | undefined;
  const mark = cpuMark(serverPid);
  let after: unknown[] | undefined;
  for (let k = 0; k < n; k++) {
    const i = k * 7;
    const up = await json(emu.client, 'POST', '/contacts/upsert', { locationId: emu.locationId, email: emailOf(i), phone: phoneOf(i), city: `Cold ${k}` }, emu.headers);
    if (up.status !== 200 && up.status !== 201) problem ??= `upsert ${up.status}`;
    const t0 = performance.now();
    const r = await json(emu.client, 'POST', '/contacts/search', { locationId: emu.locationId, pageLimit: PAGE_LIMIT, ...(after ? { searchAfter: after } : {}) }, emu.headers);
    pageMs += performance.now() - t0;
    if (r.status !== 200) problem ??= `search ${r.status}`;
    else after = (r.body.contacts as Array<{ searchAfter: unknown[] }>).at(-1)?.searchAfter;
  }
  const cpu = cpuSpan(mark, serverPid);
  out.rows.push({ metric: 'search page right after a write (cache cold)', measured: (n / pageMs) * 1000, unit: 'pages/s', note: 'info' });
  out.notes.push(`cold page: ${fmt(pageMs / n)} ms per page when every page follows a write; ${cpuNote(cpu, true)}${problem ? `; PROBLEM: ${problem}` : ''}`);
  return full.pagesPerSecond;
}

async function upsertPhase(emu: Emulator, out: Report): Promise<number> {
  const serverPid = emu.child.proc.pid;
  // Warm-up: updates only, not counted.
  const warmBodies = Array.from({ length: 2000 }, (_, i) => upsertBody(emu.locationId, i * 2, 'warm'));
  const warm = await runLoad(emu.client, warmBodies.length, CONCURRENCY, (i) => ({ method: 'POST', path: '/contacts/upsert', body: warmBodies[i]! }), emu.headers, serverPid);
  if (warm.errors) throw new Error(`upsert warm-up failed: ${String(warm.firstError)}`);

  const bodies = Array.from({ length: UPSERTS }, (_, i) => upsertBody(emu.locationId, i, 'run'));
  const before = await contactCount(emu);
  const up = await runLoad(emu.client, UPSERTS, CONCURRENCY, (i) => ({ method: 'POST', path: '/contacts/upsert', body: bodies[i]! }), emu.headers, serverPid);
  const created = (await contactCount(emu)) - before;
  const answered = [...up.statuses].map(([status, n]) => `${fmt(n)} answered ${status}`).join(', ');
  out.rows.push({ metric: `upsert, ${fmt(UPSERTS)} requests, concurrency ${CONCURRENCY}`, measured: up.perSecond, unit: 'req/s', goal: GOAL_UPSERTS_PER_S, figure: 'upserts-per-s', cpu: cpuNote(up.cpu) });
  const serverUsPerReq = up.cpu.serverCpuMs === undefined ? NaN : (up.cpu.serverCpuMs / UPSERTS) * 1000;
  out.rows.push({ metric: 'upsert, emulator capacity on one full core (from its CPU time)', measured: 1e6 / serverUsPerReq, unit: 'req/s', note: 'info' });

  // The same pipeline with almost no handler work: what any request costs the emulator.
  const lookups = 10_000;
  const dup = await runLoad(
    emu.client,
    lookups,
    CONCURRENCY,
    (i) => ({ method: 'GET', path: `/contacts/search/duplicate?locationId=${emu.locationId}&email=${encodeURIComponent(emailOf((i * 7919) % CONTACTS))}` }),
    emu.headers,
    serverPid,
  );
  const dupUs = dup.cpu.serverCpuMs === undefined ? NaN : (dup.cpu.serverCpuMs / lookups) * 1000;
  out.rows.push({ metric: `GET /contacts/search/duplicate, ${fmt(lookups)} requests (pipeline floor)`, measured: dup.perSecond, unit: 'req/s', note: 'info' });
  out.notes.push(
    `upsert: ${answered}; ${fmt(created)} contacts created (expected ${fmt(Math.floor(UPSERTS / 2))}), ${up.errors} errors${up.firstError ? ` (first: ${up.firstError})` : ''}; ` +
      `p50 ${up.p50Ms.toFixed(1)} ms, p99 ${up.p99Ms.toFixed(1)} ms; ${cpuNote(up.cpu)}; ` +
      `emulator CPU ${fmt(serverUsPerReq)} us per upsert`,
  );
  out.notes.push(
    `duplicate lookup: ${dup.errors} errors${dup.firstError ? ` (first: ${dup.firstError})` : ''}; ${cpuNote(dup.cpu)}; emulator CPU ${fmt(dupUs)} us per request, ` +
      `so an upsert's own work is about ${fmt(serverUsPerReq - dupUs)} us on top of it`,
  );
  return up.perSecond;
}

/** The bare server's rates under the same load: what the emulator's are compared with. */
interface BareRates {
  upsertsPerSecond: number;
  pagesPerSecond: number;
}

async function barePhase(small: Buffer, big: Buffer, locationId: string, emulatorUpserts: number | undefined, emulatorPages: number | undefined, out: Report): Promise<BareRates> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hoop-bench-'));
  try {
    const smallPath = path.join(tmp, 'small.json');
    const bigPath = path.join(tmp, 'big.json');
    writeFileSync(smallPath, small);
    writeFileSync(bigPath, big);
    const bare = await spawnNode(['-e', BARE_SERVER], /^bare listening on /, { ...process.env, BENCH_SMALL_BODY: smallPath, BENCH_BIG_BODY: bigPath });
    try {
      const bareUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(bare.match.input)?.[1];
      if (!bareUrl) throw new Error(`unexpected first line from the bare server: ${bare.match.input}`);
      const client = makeClient(bareUrl);
      const pid = bare.proc.pid;
      const headers = { authorization: 'Bearer x', version: VERSION };
      const warmBodies = Array.from({ length: 2000 }, (_, i) => upsertBody(locationId, i * 2, 'warm'));
      const bodies = Array.from({ length: UPSERTS }, (_, i) => upsertBody(locationId, i, 'run'));
      await runLoad(client, warmBodies.length, CONCURRENCY, (i) => ({ method: 'POST', path: '/', body: warmBodies[i]! }), headers, pid);
      const b = await runLoad(client, UPSERTS, CONCURRENCY, (i) => ({ method: 'POST', path: '/', body: bodies[i]! }), headers, pid);
      out.rows.push({
        metric: `bare node:http, fixed ${fmt(small.length)}-byte body, same upsert load`,
        measured: b.perSecond,
        unit: 'req/s',
        note: emulatorUpserts === undefined ? '-' : `emulator upserts at ${pct(emulatorUpserts / b.perSecond)} of it`,
      });
      out.notes.push(`bare server, small body: p50 ${b.p50Ms.toFixed(1)} ms, p99 ${b.p99Ms.toFixed(1)} ms; ${cpuNote(b.cpu)}`);

      // The same page bytes as a search page, one at a time, parsed by the client as in the walk.
      const n = 100;
      const mark = cpuMark(pid);
      const req = Buffer.from(JSON.stringify({ locationId, pageLimit: PAGE_LIMIT }));
      for (let k = 0; k < n; k++) {
        const r = await client.request('POST', '/big', req, headers);
        JSON.parse(r.body.toString('utf8'));
      }
      const cpu = cpuSpan(mark, pid);
      const perSecond = (n / cpu.wallMs) * 1000;
      out.rows.push({
        metric: `bare node:http, fixed ${fmt(big.length / 1024)} KiB search-page body, one at a time`,
        measured: perSecond,
        unit: 'pages/s',
        note: emulatorPages === undefined ? '-' : `default walk at ${pct(emulatorPages / perSecond)} of it`,
      });
      out.notes.push(`bare server, page body: ${cpuNote(cpu, true)}`);
      client.close();
      return { upsertsPerSecond: b.perSecond, pagesPerSecond: perSecond };
    } finally {
      await stopProcess(bare.proc);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  try {
    const { execFileSync } = await import('node:child_process');
    clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    clkTck = 100;
  }
  try {
    readFileSync(CLI);
  } catch {
    throw new Error(`${path.relative(process.cwd(), CLI)} is missing: run \`npm run build\` first (\`npm run bench\` does it)`);
  }

  const cores = os.availableParallelism();
  const machine = `${cores} cores (os.availableParallelism), ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  const loadAvg = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const loadDesc = CLIENT_KIND === 'http' ? `node:http + keep-alive Agent (maxSockets ${CONCURRENCY})` : 'global fetch (undici, keep-alive)';
  log(`emulator-throughput: ${machine}; load average at start ${loadAvg}`);
  log(`load generator: ${loadDesc}, concurrency ${CONCURRENCY}, one process sharing the cores with the server`);

  const out: Report = { rows: [], notes: [] };
  const emu = await startEmulatorChild();
  log(`emulator child pid ${String(emu.child.proc.pid)} at ${emu.url}${EMULATOR_NODE_ARGS.length ? ` with ${EMULATOR_NODE_ARGS.join(' ')}` : ''}`);
  let smallBody: Buffer;
  let bigBody: Buffer;
  let upsertsPerSecond: number | undefined;
  let pagesPerSecond: number | undefined;
  try {
    // Phones: a sample of the whole range (seeded and upserted), checked in a scratch location first.
    await checkPhones(emu, [0, 1, 9_999, 10_000, Math.floor(CONTACTS / 2), CONTACTS - 1, newBase(), newBase() + UPSERTS - 1]);
    log('phones: a sample of the generated numbers is stored unchanged');

    log(`seeding ${fmt(CONTACTS)} contacts in batches of ${fmt(SEED_BATCH)}...`);
    const seeded = await seed(emu, CONTACTS);
    out.rows.push({ metric: `seed via admin route (${fmt(SEED_BATCH)} per request)`, measured: seeded.perSecond, unit: 'contacts/s', note: 'info' });

    // Real answers, replayed later by the bare server: an upsert (an update) and a search page.
    smallBody = (await emu.client.request('POST', '/contacts/upsert', upsertBody(emu.locationId, 0, 'sample'), emu.headers)).body;
    bigBody = (await emu.client.request('POST', '/contacts/search', Buffer.from(JSON.stringify({ locationId: emu.locationId, pageLimit: PAGE_LIMIT })), emu.headers)).body;

    if (ONLY !== 'upsert') {
      log('search walks...');
      pagesPerSecond = await searchPhase(emu, out);
    }
    if (ONLY !== 'search') {
      log(`upserts: ${fmt(UPSERTS)} at concurrency ${CONCURRENCY}...`);
      upsertsPerSecond = await upsertPhase(emu, out);
    }
    emu.client.close();
  } finally {
    await stopProcess(emu.child.proc);
  }
  log('bare node:http server...');
  const bare = await barePhase(smallBody, bigBody, emu.locationId, upsertsPerSecond, pagesPerSecond, out);

  console.log('');
  console.log(`Emulator throughput, ${fmt(CONTACTS)} contacts stored, rate limits off`);
  console.log(`Machine: ${machine}; load average at start ${loadAvg}`);
  console.log(`Load: ${loadDesc}, ${CONCURRENCY} upserts in flight, search pages one at a time; load generator and server are separate processes sharing the ${cores} cores`);
  console.log('');
  printTable(out.rows);
  console.log('');
  for (const n of out.notes) console.log(`- ${n}`);
  console.log('');
  const goals = out.rows.filter((r) => r.goal !== undefined);
  const missed = goals.filter((r) => r.measured < r.goal!);
  for (const r of goals) console.log(`${r.measured >= r.goal! ? 'GOAL MET   ' : 'GOAL MISSED'}  ${r.metric}: ${fmt(r.measured, 1)} ${r.unit} (goal ${fmt(r.goal!)})`);
  console.log(missed.length === 0 ? `\nAll ${goals.length} goals met.` : `\n${missed.length} of ${goals.length} goals missed.`);

  const upsertBaseline: Baseline = { what: `bare node:http server, fixed ${fmt(smallBody.length)}-byte body, same load generator`, value: bare.upsertsPerSecond, unit: 'req/s' };
  const pageBaseline: Baseline = { what: `bare node:http server, fixed ${fmt(bigBody.length / 1024)} KiB page body, one at a time`, value: bare.pagesPerSecond, unit: 'pages/s' };
  for (const r of goals) {
    if (!r.figure) continue;
    const baseline = r.unit === 'pages/s' ? pageBaseline : upsertBaseline;
    recordFigure({
      bench: 'emulator-throughput',
      figure: r.figure,
      label: `${r.metric}, ${fmt(CONTACTS)} contacts stored, no rate limit`,
      value: r.measured,
      unit: r.unit,
      goal: r.goal!,
      comparator: '>=',
      baseline,
      ratio: r.measured / baseline.value,
      ...(r.cpu ? { note: r.cpu } : {}),
      digits: r.unit === 'pages/s' ? 1 : 0,
    });
  }
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exitCode = 0;
  },
  (e: unknown) => {
    process.stderr.write(`emulator-throughput: ${(e as Error).stack ?? String(e)}\n`);
    killChildren();
    process.exitCode = 1;
  },
);
