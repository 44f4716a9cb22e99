import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HoopClient } from '../../src/api/client.js';
import { ContactsApi } from '../../src/api/endpoints.js';
import { parsePipeline, type ExportPipeline } from '../../src/config/index.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { runExport } from '../../src/exporter/export-run.js';
import { admin, call } from '../helpers/http.js';

/**
 * `hoop-etl export` end to end: the real exporter (library and built CLI)
 * against a real emulator over HTTP. Expected rows are written from what the
 * test seeded, never from the exporter's own code.
 */

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'hoop-export-'));
const emulators: RunningEmulator[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ port: 0, rateLimit: { max: 0 }, log: () => {}, ...options });
  emulators.push(emu);
  return emu;
}

let dirs = 0;
function freshDir(name: string): string {
  const dir = join(tmp, `${name}-${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function envFor(emu: RunningEmulator, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOOPAI_TOKEN: emu.token, HOOPAI_BASE_URL: emu.url, ...extra };
  delete env.HOOPAI_LOCATION;
  return env;
}

/** Async (never spawnSync), so that the in-process emulator can answer while the CLI runs. */
function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: string | null }) | null;
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readCsv(path: string): Array<Record<string, string>> {
  const buf = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  return parse(text, { columns: true, bom: true, relax_quotes: false }) as Array<Record<string, string>>;
}

function apiFor(emu: RunningEmulator, locationId = emu.locationId, token = emu.token): ContactsApi {
  return new ContactsApi(new HoopClient({ baseUrl: emu.url, token, locationId }));
}

function exportPipeline(yaml: string, dir: string): ExportPipeline {
  const p = parsePipeline(yaml, join(dir, 'export.yaml'), {});
  if (p.job !== 'export') throw new Error('not an export');
  return p;
}

async function seed(emu: RunningEmulator, contacts: object[], locationId = emu.locationId): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < contacts.length; i += 5000) {
    const r = await admin<{ ids: string[] }>(emu, 'POST', `/locations/${locationId}/contacts`, { contacts: contacts.slice(i, i + 5000) });
    ids.push(...r.ids);
  }
  return ids;
}

describe('paging', () => {
  it('exports 25,000 contacts that share one dateAdded exactly once each, past the 10,000-record page cap', async () => {
    const emu = await emulator();
    const dateAdded = '2026-03-01T12:00:00.000Z';
    const n = 25_000;
    const ids = await seed(
      emu,
      Array.from({ length: n }, (_, i) => ({ firstName: `P${i}`, email: `p${i}@same-time.example`, dateAdded })),
    );
    expect(new Set(ids).size).toBe(n);
    await admin(emu, 'POST', '/stats/reset');
    const dir = freshDir('same-time');
    const out = join(dir, 'all.csv');

    const run = await runCli(['export', '--location', emu.locationId, '--out', out, '--report-dir', join(dir, 'runs'), '--columns', 'id,email,dateAdded'], envFor(emu));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const rows = readCsv(out);
    expect(rows).toHaveLength(n);
    const exported = rows.map((r) => r.id);
    expect(new Set(exported).size).toBe(n);
    expect([...exported].sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.dateAdded))).toEqual(new Set([dateAdded]));
    // 50 pages of 500 and the custom-field definitions; not one page number, not one error.
    const stats = await admin<{ byOperation: Record<string, number>; byStatus: Record<string, number> }>(emu, 'GET', '/stats');
    expect(stats.byOperation['search-contacts-advanced']).toBe(51); // 50 full pages + the empty page that ends the walk
    expect(stats.byStatus).toEqual({ 200: 52 });
    expect(run.stdout).toMatch(/25000 contacts/);
    const summary = JSON.parse(readFileSync(join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!, 'summary.json'), 'utf8'));
    expect(summary.exported).toBe(n);
    expect(summary.locations[0].total).toBe(n);
    expect(summary.locations[0].totalMismatch).toBeUndefined();
  }, 120_000);
});

describe('incremental runs', () => {
  it('a contact written while the index lags, or updated during a run, is exported by the next run; unchanged ones are not exported again', async () => {
    const emu = await emulator();
    const api = apiFor(emu);
    const ids = await seed(
      emu,
      Array.from({ length: 1200 }, (_, i) => ({ firstName: `Old${i}`, email: `c${i}@inc.example`, dateAdded: '2026-10-01T00:00:00.000Z' })),
    );
    const dir = freshDir('incremental');
    const state = join(dir, 'state.json');
    const pipeline = (out: string) => exportPipeline(`job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: ${out}, state: state.json, pageLimit: 100, columns: [id, firstName] }\n`, dir);
    const names = (file: string) => new Map(readCsv(join(dir, file)).map((r) => [r.id!, r.firstName!]));

    // Night 1: everything.
    const first = await runExport({ pipeline: pipeline('n1.csv'), apiFor: () => api });
    expect(first.exported).toBe(1200);
    expect(names('n1.csv').size).toBe(1200);
    const state1 = JSON.parse(readFileSync(state, 'utf8'));
    expect(state1.locations[emu.locationId].watermark).toBe('2026-10-01T00:00:00.000Z');

    // Updated during night 2: one contact the walk has already passed (page 1), one it has not reached yet (page 12).
    // Their new dateUpdated is after the run's start, so they leave its range: the next night owns them.
    // Later pages wait for the updates (page 2 is already on its way when page 1 is written).
    // They share one dateUpdated, so the walk goes in id order (the cursor's tie-break).
    const byId = [...ids].sort();
    const early = byId[0]!;
    const late = byId[1100]!;
    let gate: Promise<unknown> | undefined;
    const gated = new (class extends ContactsApi {
      override async searchContacts(request: Parameters<ContactsApi['searchContacts']>[0]) {
        await gate;
        return super.searchContacts(request);
      }
    })(api.client);
    const second = await runExport({
      pipeline: pipeline('n2.csv'),
      apiFor: () => gated,
      onProgress: () => {
        gate ??= Promise.all([api.updateContact(early, { firstName: 'EarlyChanged' }), api.updateContact(late, { firstName: 'LateChanged' })]);
      },
    });
    await gate;
    // Night 2 looked again at the overlap window before night 1's watermark and left out the 1,199 contacts it
    // had already exported unchanged (early among them, read before it changed); late had left the range. The
    // search had counted 1,200, and the run says why they differ.
    expect(second.exported).toBe(0);
    expect(second.locations[0]!.alreadyExported).toBe(1199);
    expect(second.warnings.join('\n')).toMatch(/counted 1200 contacts but 1199 came through .*changed or deleted during the run; the next incremental run picks up what changed/);
    await sleep(50);

    // A contact written while the index lags: invisible to night 3 (it must not be lost by it).
    await admin(emu, 'PATCH', '/config', { searchLagMs: 60_000 });
    const hidden = byId[500]!;
    await api.updateContact(hidden, { firstName: 'WrittenDuringLag' });
    const third = await runExport({ pipeline: pipeline('n3.csv'), apiFor: () => api });
    // Night 3 sees the two updates of night 2 (indexed before the lag was switched on), not the hidden one.
    expect(names('n3.csv')).toEqual(new Map([[early, 'EarlyChanged'], [late, 'LateChanged']]));
    expect(third.locations[0]!.alreadyExported).toBe(1198);

    // The index catches up; night 4 exports the hidden contact and leaves out what night 3 exported unchanged.
    await admin(emu, 'PATCH', '/config', { searchLagMs: 0 });
    const fourth = await runExport({ pipeline: pipeline('n4.csv'), apiFor: () => api });
    expect(names('n4.csv')).toEqual(new Map([[hidden, 'WrittenDuringLag']]));
    expect(fourth.locations[0]!.alreadyExported).toBe(2);

    // Night 5: nothing changed, nothing exported; the file still has its header.
    const fifth = await runExport({ pipeline: pipeline('n5.csv'), apiFor: () => api });
    expect(fifth.exported).toBe(0);
    expect(readFileSync(join(dir, 'n5.csv'), 'utf8')).toBe('id,firstName\r\n');

    // Across the nights, every contact's latest version was exported.
    const latest = new Map<string, string>();
    for (const f of ['n1.csv', 'n2.csv', 'n3.csv', 'n4.csv', 'n5.csv']) for (const [id, n] of names(f)) latest.set(id, n);
    const truth = await admin<{ contacts: Array<{ id: string; firstName: string }> }>(emu, 'GET', `/locations/${emu.locationId}/contacts`);
    expect(latest).toEqual(new Map(truth.contacts.map((c) => [c.id, c.firstName])));
  }, 60_000);
});

describe('a failed run', () => {
  it('killed in the middle, it leaves the previous file and state untouched; the next run completes', async () => {
    const emu = await emulator({ rateLimit: { max: 4, intervalMs: 1000 } });
    await seed(emu, Array.from({ length: 3000 }, (_, i) => ({ firstName: `K${i}`, email: `k${i}@kill.example` })));
    const dir = freshDir('kill');
    const pipelineFile = join(dir, 'nightly.yaml');
    writeFileSync(pipelineFile, `job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: nightly.csv.gz, gzip: true, state: nightly.state.json, pageLimit: 100 }\n`);
    // Yesterday's file and state.
    writeFileSync(join(dir, 'nightly.csv.gz'), 'yesterday');
    const yesterdayState = `${JSON.stringify({ version: 1, locations: { [emu.locationId]: { watermark: '2020-01-01T00:00:00.000Z', runStartedAt: '2020-01-01T00:00:00.000Z', recent: [] } } })}\n`;
    writeFileSync(join(dir, 'nightly.state.json'), yesterdayState);

    const child = spawn(process.execPath, [CLI, 'run', pipelineFile], { env: envFor(emu), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    // At 4 requests a second the 31 pages take about 8 s: kill once the temporary file has grown.
    const tmpFile = () => readdirSync(dir).find((f) => f.endsWith('.tmp'));
    for (let i = 0; i < 200 && !(tmpFile() && statSync(join(dir, tmpFile()!)).size > 0); i++) await sleep(50);
    await sleep(1500);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    expect(readFileSync(join(dir, 'nightly.csv.gz'), 'utf8')).toBe('yesterday');
    expect(readFileSync(join(dir, 'nightly.state.json'), 'utf8')).toBe(yesterdayState);

    // Ctrl-C: the temporary file is removed, the exit code says the run did not finish.
    const interrupted = spawn(process.execPath, [CLI, 'run', pipelineFile], { env: envFor(emu), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(interrupted);
    let stderr = '';
    interrupted.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const before = new Set(readdirSync(dir).filter((f) => f.endsWith('.tmp')));
    for (let i = 0; i < 200 && readdirSync(dir).filter((f) => f.endsWith('.tmp')).length === before.size; i++) await sleep(50);
    await sleep(500);
    interrupted.kill('SIGINT');
    const code = await new Promise<number | null>((r) => interrupted.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/interrupted by SIGINT.*previous file and state are untouched/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([...before]);
    expect(readFileSync(join(dir, 'nightly.csv.gz'), 'utf8')).toBe('yesterday');
    expect(readFileSync(join(dir, 'nightly.state.json'), 'utf8')).toBe(yesterdayState);

    // The next night finishes: the whole location (updated after 2020), gzipped.
    const done = await runCli(['run', pipelineFile], envFor(emu));
    expect(done.status).toBe(0);
    expect(readCsv(join(dir, 'nightly.csv.gz'))).toHaveLength(3000);
    expect(JSON.parse(readFileSync(join(dir, 'nightly.state.json'), 'utf8')).locations[emu.locationId].lastRun.exported).toBe(3000);
  }, 90_000);
});
