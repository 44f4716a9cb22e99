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
