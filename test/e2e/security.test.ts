import { createServer } from 'node:net';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI, e2eHarness, envFor, runCli, type CliRun } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { consentCode, emulatorSecrets, loginWithCode, oauthEnv, readStore } from '../helpers/oauth.js';

/**
 * Security at the CLI level, against the real emulator over HTTP:
 * - the token never shows in any output of any command (stdout, stderr at
 *   trace level, every report, journal, plan, page, export and state file),
 *   in clear, base64 or URL-encoded, including failed, stopped and crashed runs;
 * - report, journal, plan and export files are readable by their owner only;
 * - `--mask-pii` keeps emails and phones out of stderr: the logs and the final error line;
 * - every CSV written escapes cells a spreadsheet would run as formulas;
 * - a plain http:// base URL outside loopback is refused (exit 2).
 */

const { emulator, freshDir } = e2eHarness('security');

/** A token with characters that base64 and URL encoding change, so each form is distinct. */
const TOKEN = 'pit-LEAK+canary/7f3a9c2e=sec';
const FORMS = [TOKEN, Buffer.from(TOKEN).toString('base64'), Buffer.from(`Bearer ${TOKEN}`).toString('base64'), encodeURIComponent(TOKEN), TOKEN.split('').reverse().join('')];

const id = (s: string): string => s.padEnd(20, '0');

/** An emulator whose location accepts TOKEN (made through the admin route), seeded with one duplicate pair. */
async function tokenEmulator(options: Parameters<typeof emulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await emulator(options);
  const made = await admin(emu, 'POST', '/tokens', { locationId: emu.locationId, token: TOKEN });
  expect(JSON.stringify(made)).toContain(TOKEN);
  await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: [
      { id: id('secAdaOld'), firstName: 'Ada', lastName: 'Lovelace', email: 'ada.seed@example.com', phone: '+14155550188', dateAdded: '2020-01-01T00:00:00.000Z' },
      { id: id('secAdaNew'), firstName: 'Ada', lastName: 'Lovelace', email: 'ADA.seed@example.com', tags: ['vip'], dateAdded: '2021-01-01T00:00:00.000Z' },
    ],
  });
  return emu;
}

const CSV = [
  'First Name,Last Name,Email,Phone',
  'Grace,Hopper,grace.hopper@example.com,(415) 555-0101',
  'Alan,Turing,alan.turing@example.com,+44 20 7946 0958',
  'Bad,Email,not-an-email,(415) 555-0102',
  'Katherine,Johnson,kj@example.com,(757) 555-0103',
  'Edsger,Dijkstra,ewd@example.com,(415) 555-0104',
  'Barbara,Liskov,liskov@example.com,(617) 555-0105',
].join('\n');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** A secret as it may leak: in clear, base64 (alone and as a Bearer header), URL-encoded, reversed. */
const formsOf = (secret: string): string[] => [secret, Buffer.from(secret).toString('base64'), Buffer.from(`Bearer ${secret}`).toString('base64'), encodeURIComponent(secret), secret.split('').reverse().join('')];

/** The places `text` holds one of the token's forms (or of the secrets given). */
function leaks(where: string, text: string, forms: readonly string[] = FORMS): string[] {
  return forms.filter((f) => text.includes(f)).map((f) => `${where} holds ${f === TOKEN ? 'the token' : `a form of a secret (${f})`}`);
}

/** Scans the runs' stdout and stderr and every file under `dir` (bytes, as latin1 so binary files such as SQLite are scanned too), but `skip`. */
function scan(runs: Record<string, CliRun>, dir: string, forms: readonly string[] = FORMS, skip: (path: string) => boolean = () => false): { leaks: string[]; files: string[] } {
  const found: string[] = [];
  for (const [name, r] of Object.entries(runs)) found.push(...leaks(`${name} stdout`, r.stdout, forms), ...leaks(`${name} stderr`, r.stderr, forms));
  const files = filesUnder(dir).filter((f) => !skip(f));
  for (const f of files) found.push(...leaks(f, readFileSync(f).toString('latin1'), forms), ...leaks(f, readFileSync(f).toString('utf16le'), forms));
  return { leaks: found, files: files.map((f) => f.slice(dir.length + 1)) };
}

/** Files readable or writable by anyone but the owner, and folders not 0700, under `dir`. */
function openToOthers(dir: string, paths = filesUnder(dir)): string[] {
  const bad: string[] = [];
  for (const p of paths) {
    const mode = statSync(p).mode & 0o777;
    if (mode & 0o077) bad.push(`${p} ${mode.toString(8)}`);
  }
  const walkDirs = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = join(d, e.name);
      const mode = statSync(p).mode & 0o777;
      if (mode !== 0o700) bad.push(`${p}/ ${mode.toString(8)}`);
      walkDirs(p);
    }
  };
  walkDirs(dir);
  return bad;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const runIdOf = (r: CliRun): string => /run id (\S+)/.exec(r.stdout)?.[1] ?? /--resume (\S+)/.exec(r.stderr)?.[1] ?? '';

describe('the token never appears in any output', () => {
  it('the scanner finds each form of the token when one is there', () => {
    const dir = freshDir('canary');
    for (const [i, f] of FORMS.entries()) writeFileSync(join(dir, `f${i}.bin`), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(f), Buffer.from([0])]));
    writeFileSync(join(dir, 'wide.bin'), Buffer.from(TOKEN, 'utf16le'));
    expect(scan({}, dir).leaks).toHaveLength(FORMS.length + 1);
    expect(scan({ x: { status: 0, signal: null, stdout: '', stderr: `Authorization: Bearer ${TOKEN}` } }, freshDir('empty')).leaks).toHaveLength(1);
  });

  it('import (failing rows, dry run, --token-file, a daily-budget stop, a crash, a resume), export, dedup plan/apply/undo and api, at trace level', async () => {
    const emu = await tokenEmulator();
    const dir = freshDir('all');
    const reports = join(dir, 'runs');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, CSV);
    const tokenFile = join(dir, 'token.txt');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const env = envFor(emu, { HOOPAI_TOKEN: TOKEN });
    const fileEnv = envFor(emu, { HOOPAI_TOKEN: undefined });
    const trace = ['--log-level', 'trace', '--report-dir', reports];
    const runs: Record<string, CliRun> = {};

    runs.dryRun = await runCli(['import', csv, '--location', emu.locationId, '--dry-run', ...trace], env);
    expect(runs.dryRun.status).toBe(3);
    expect(runs.dryRun.stdout).toMatch(/Dry run of 6 rows/);

    // A run that stops: the daily budget runs out after the snapshot and one write.
    await admin(emu, 'PATCH', '/config', { rateLimit: { max: 0, dailyLimit: 3 } });
    await admin(emu, 'POST', '/daily-reset');
    runs.budgetStop = await runCli(['import', csv, '--location', emu.locationId, '--concurrency', '1', ...trace], env);
    expect(runs.budgetStop.status).toBe(1);
    expect(runs.budgetStop.stderr).toMatch(/--resume/);
    const stopped = runIdOf(runs.budgetStop);
    expect(stopped).not.toBe('');
    await admin(emu, 'PATCH', '/config', { rateLimit: { max: 0, dailyLimit: 0 } });
    await admin(emu, 'POST', '/daily-reset');

    // A crash: the platform is gone (nothing listens on the port) in the middle of the resumed run's life.
    const gone = `http://127.0.0.1:${await closedPort()}`;
    runs.crash = await runCli(['import', csv, '--location', emu.locationId, '--resume', stopped, ...trace], { ...env, HOOPAI_BASE_URL: gone });
    expect(runs.crash.status).toBe(1);

    // Resumed with the token from a file: it finishes, one row failing (exit 3).
    runs.resumed = await runCli(['import', csv, '--location', emu.locationId, '--resume', stopped, '--token-file', tokenFile, ...trace], fileEnv);
    expect(runs.resumed.status).toBe(3);
    expect(runs.resumed.stdout).toMatch(/1 failed/);

    // A refused token (another location): the error message names the reason, not the token.
    const other = await admin(emu, 'POST', '/locations', {});
    runs.forbidden = await runCli(['import', csv, '--location', other.location.id, ...trace], env);
    expect(runs.forbidden.status).toBe(1);

    runs.export = await runCli(['export', '--location', emu.locationId, '--out', join(reports, 'export.csv'), '--state', join(reports, 'export.state.json'), ...trace], env);
    expect(runs.export.status).toBe(0);
    runs.exportStdout = await runCli(['export', '--location', emu.locationId, '--out', '-', ...trace], env);
    expect(runs.exportStdout.stdout).toContain('grace.hopper@example.com');
    runs.exportRefused = await runCli(['export', '--location', other.location.id, '--out', join(reports, 'export.csv'), ...trace], env);
    expect(runs.exportRefused.status).toBe(1);

    const plan = join(reports, 'plan.json');
    runs.plan = await runCli(['dedup', '--location', emu.locationId, '--plan', plan, '--report', join(reports, 'plan.html'), ...trace], env);
    expect(runs.plan.status).toBe(0);
    expect(runs.plan.stdout).toMatch(/1 duplicate cluster /);
    runs.apply = await runCli(['dedup', '--apply', plan, '--token-file', tokenFile, ...trace], fileEnv);
    expect(runs.apply.status).toBe(0);
    const applied = /run id (\S+)\./.exec(runs.apply.stdout)?.[1] ?? '';
    runs.undo = await runCli(['dedup', '--undo', applied, ...trace], env);
    expect(runs.undo.status).toBe(0);

    runs.api = await runCli(['api', 'GET', '/contacts/', '--location', emu.locationId, '--query', `locationId=${emu.locationId}`, '--log-level', 'trace'], env);
    expect(runs.api.status).toBe(0);
    runs.apiFailed = await runCli(['api', 'GET', `/contacts/${id('nobody')}`, '--location', emu.locationId, '--log-level', 'trace', '--token-file', tokenFile], fileEnv);
    expect(runs.apiFailed.status).toBe(1);

    const { leaks: found, files } = scan(runs, reports);
    expect(found).toEqual([]);
    // The scan covered every kind of output.
    for (const f of ['succeeded.csv', 'failed.csv', 'summary.json', 'journal.sqlite', 'plan.json', 'plan.html', 'export.csv', 'export.state.json', 'undo-recreated.csv', 'undo-summary.json']) {
      expect(files.some((p) => p.endsWith(f)), f).toBe(true);
    }
    // Logs were on: at trace level the runs wrote log lines.
    expect(Object.values(runs).some((r) => /"level":(10|20)/.test(r.stderr))).toBe(true);
  }, 180_000);
});

describe('OAuth secrets never appear in any output', () => {
  it('access and refresh tokens (rotated many times), codes and the client secret are in no output or report of auth, import, export, dedup and api at trace level, failing runs included; the store file is 0600 and its content is printed nowhere', async () => {
    const emu = await emulator({ tokenTtlS: 2 });
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: Array.from({ length: 1500 }, (_, i) => ({ firstName: `O${i}`, email: `o${i}@oauth-sec.example` })) });
    const dir = freshDir('oauth-secrets');
    const reports = join(dir, 'runs');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'config', 'hoop-etl', 'auth.json');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, CSV);
    const trace = ['--log-level', 'trace', '--report-dir', reports];
    const runs: Record<string, CliRun> = {};
    runs.login = await loginWithCode(emu, env, store, 'Location');
    expect(runs.login.status).toBe(0);
    runs.badCode = await runCli(['auth', 'login', '--code', await consentCode(emu, { userType: 'Location' }), '--client-file', join(dir, 'missing.txt')], env);
    runs.import = await runCli(['import', csv, '--location', emu.locationId, ...trace], env);
    runs.export = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'out.csv'), ...trace], env);
    runs.plan = await runCli(['dedup', '--location', emu.locationId, '--plan', join(dir, 'plan.json'), ...trace], env);
    runs.api = await runCli(['api', 'POST', '/contacts/search', '--data', JSON.stringify({ locationId: emu.locationId, pageLimit: 1 }), '--location', emu.locationId, '--log-level', 'trace'], env);
    runs.status = await runCli(['auth', 'status'], env);
    // A dead grant: the failing refresh's error names no token.
    for (const g of emu.store.refreshGrants.values()) emu.store.putRefreshGrant({ ...g, usedAt: g.usedAt ?? Date.now() });
    await new Promise((r) => setTimeout(r, 2100));
    runs.dead = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'dead.csv'), ...trace], env);
    expect(runs.dead.status).toBe(1);
    expect(runs.dead.stderr).toContain('hoop-etl auth login');
    expect([runs.import.status, runs.export.status, runs.plan.status, runs.api.status]).toEqual([3, 0, 0, 0]);

    const secrets = emulatorSecrets(emu);
    // Rotation happened: more than the first pair was issued, and the store holds one of them.
    expect(secrets.length).toBeGreaterThan(6);
    const stored = Object.values(readStore(store))[0]!;
    expect(secrets).toContain(stored.refreshToken);
    const forms = secrets.flatMap(formsOf);
    const isStore = (p: string): boolean => p.startsWith(store);
    const { leaks: found, files } = scan(runs, dir, forms, isStore);
    expect(found).toEqual([]);
    expect(files.some((f) => f.endsWith('summary.json'))).toBe(true);
    expect(statSync(store).mode & 0o777).toBe(0o600);
    expect(openToOthers(join(dir, 'config'))).toEqual([]);
    // The store holds the tokens by design, and nothing else does: the scan sees them there.
    expect(scan({}, join(dir, 'config'), forms).leaks.length).toBeGreaterThan(0);
  }, 600_000);
});

describe('files holding personal data are readable by their owner only', () => {
  it('import, export and dedup create their files 0600 and their folders 0700', async () => {
    const emu = await tokenEmulator();
    const dir = freshDir('modes');
    const reports = join(dir, 'runs');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, CSV);
    const env = envFor(emu, { HOOPAI_TOKEN: TOKEN });
    const at = ['--report-dir', reports];
    const out = join(dir, 'out');
    // The folders the user names (out/) exist already; what the tool creates goes under them.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out, { mode: 0o700 });

    expect((await runCli(['import', csv, '--location', emu.locationId, '--dry-run', ...at], env)).status).toBe(3);
    expect((await runCli(['import', csv, '--location', emu.locationId, ...at], env)).status).toBe(3);
    expect((await runCli(['export', '--location', emu.locationId, '--out', join(out, 'export.csv'), '--state', join(out, 'state.json'), '--fields-out', join(out, 'fields.json'), ...at], env)).status).toBe(0);
    expect((await runCli(['export', '--location', emu.locationId, '--out', join(out, 'export.csv.gz'), '--gzip', ...at], env)).status).toBe(0);
    // The plan and its page go into folders dedup creates.
    expect((await runCli(['dedup', '--location', emu.locationId, '--plan', join(out, 'plans', 'plan.json'), '--report', join(out, 'pages', 'plan.html'), ...at], env)).status).toBe(0);
    const apply = await runCli(['dedup', '--apply', join(out, 'plans', 'plan.json'), ...at], env);
    expect(apply.status).toBe(0);
    expect((await runCli(['dedup', '--undo', /run id (\S+)\./.exec(apply.stdout)![1]!, ...at], env)).status).toBe(0);

    const files = [...filesUnder(reports), ...filesUnder(out)];
    const names = files.map((f) => f.split('/').pop());
    for (const f of ['succeeded.csv', 'failed.csv', 'summary.json', 'journal.sqlite', 'plan.json', 'plan.html', 'export.csv', 'export.csv.gz', 'state.json', 'undo-recreated.csv', 'fields.json']) {
      expect(names, f).toContain(f);
    }
    expect(openToOthers(reports)).toEqual([]);
    expect(openToOthers(out)).toEqual([]);
    expect(statSync(reports).mode & 0o777).toBe(0o700);
  }, 120_000);
});

describe("the emulator's --data file is owner-only and whole after a stop", () => {
  /** The built CLI's emulator under umask 000, the most open a user could have: modes must come from the code. */
  async function emulatorUnderUmask(data: string): Promise<{ url: string; token: string; locationId: string; stop: () => Promise<number | null> }> {
    const { spawn } = await import('node:child_process');
    const { createInterface } = await import('node:readline');
    const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, CLI, 'emulator', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
    });
    const m = /listening on (\S+) location=(\S+) token=(\S+)$/.exec(first)!;
    return {
      url: m[1]!,
      locationId: m[2]!,
      token: m[3]!,
      stop: async () => {
        child.kill('SIGTERM');
        return exited;
      },
    };
  }

  it('--data and its -wal and -shm are 0600 under umask 000, and after SIGTERM the -wal is empty and the main file alone holds the data', async () => {
    const { existsSync, copyFileSync } = await import('node:fs');
    const { call } = await import('../helpers/http.js');
    const Database = (await import('better-sqlite3')).default;
    const dir = freshDir('emulator-data');
    const data = join(dir, 'emu.db');
    const emu = await emulatorUnderUmask(data);
    const N = 25;
    for (let i = 0; i < N; i++) {
      const r = await call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, email: `kept${i}@example.com`, tags: ['kept'] } });
      expect(r.status).toBe(201);
    }
    // While it runs, SQLite keeps its WAL and shared memory beside the file.
    expect([existsSync(`${data}-wal`), existsSync(`${data}-shm`)]).toEqual([true, true]);
    expect(openToOthers(dir, [data, `${data}-wal`, `${data}-shm`])).toEqual([]);
    // Someone looking at the file with another SQLite connection: the emulator's close is then not
    // the last one, so SQLite would leave the WAL as it is; the emulator's own checkpoint must empty it.
    const looker = new Database(data, { readonly: true });
    try {
      expect((looker.prepare("SELECT COUNT(*) AS n FROM records WHERE kind = 'contact'").get() as { n: number }).n).toBe(N);
      expect(await emu.stop()).toBe(0);
      const wal = `${data}-wal`;
      expect(!existsSync(wal) || statSync(wal).size === 0, 'the -wal after SIGTERM with another connection open').toBe(true);
    } finally {
      looker.close();
    }
    const wal = `${data}-wal`;
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    expect(openToOthers(dir)).toEqual([]);
    // The main file alone (copied away from any -wal) holds every contact.
    const alone = join(freshDir('emulator-data-copy'), 'copy.db');
    copyFileSync(data, alone);
    const db = new Database(alone, { readonly: true });
    try {
      const n = (db.prepare("SELECT COUNT(*) AS n FROM records WHERE kind = 'contact'").get() as { n: number }).n;
      expect(n).toBe(N);
    } finally {
      db.close();
    }
  }, 60_000);

  it('an existing --data file left 0644 by an older version is made 0600', async () => {
    const { chmodSync } = await import('node:fs');
    const dir = freshDir('emulator-data-old');
    const data = join(dir, 'emu.db');
    const first = await emulatorUnderUmask(data);
    expect(await first.stop()).toBe(0);
    chmodSync(data, 0o644);
    const again = await emulatorUnderUmask(data);
    expect(openToOthers(dir)).toEqual([]);
    expect(await again.stop()).toBe(0);
  }, 60_000);
});

describe('a plain http:// base URL outside loopback is refused', () => {
  it.each([
    ['import', (loc: string, dir: string) => ['import', join(dir, 'c.csv'), '--location', loc, '--report-dir', join(dir, 'runs')]],
    ['export', (loc: string, dir: string) => ['export', '--location', loc, '--out', join(dir, 'x.csv'), '--report-dir', join(dir, 'runs')]],
    ['dedup', (loc: string, dir: string) => ['dedup', '--location', loc, '--plan', join(dir, 'plan.json'), '--report-dir', join(dir, 'runs')]],
    ['api', (loc: string) => ['api', 'GET', '/contacts/', '--location', loc]],
  ])('%s exits 2 naming --base-url, and sends nothing', async (_cmd, argv) => {
    const emu = await tokenEmulator();
    const dir = freshDir('http');
    writeFileSync(join(dir, 'c.csv'), CSV);
    await admin(emu, 'POST', '/stats/reset');
    for (const how of [['--base-url', 'http://api.example.com'], []]) {
      const env = envFor(emu, { HOOPAI_TOKEN: TOKEN, HOOPAI_BASE_URL: how.length ? emu.url : 'http://10.1.2.3:4010' });
      const r = await runCli([...argv(emu.locationId, dir), ...how], env);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Refusing plain http:\/\/ to (api\.example\.com|10\.1\.2\.3)/);
      expect(r.stderr).toContain('--base-url');
      expect(leaks('stderr', r.stderr + r.stdout)).toEqual([]);
    }
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(0);
    expect(readdirSync(dir)).toEqual(['c.csv']);
  }, 60_000);
});

describe('--mask-pii', () => {
  it('keeps every seeded email and phone out of trace-level stderr of import, api, export and dedup; without it they show', async () => {
    const emu = await tokenEmulator();
    const dir = freshDir('mask');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, CSV);
    const env = envFor(emu, { HOOPAI_TOKEN: TOKEN });
    const stderrOf = async (mask: string[]): Promise<string> => {
      await admin(emu, 'POST', '/reset', {});
      await admin(emu, 'POST', '/tokens', { locationId: emu.locationId, token: TOKEN });
      const reports = join(dir, `runs${mask.length}`);
      const at = ['--log-level', 'trace', '--report-dir', reports, ...mask];
      const runs = [
        await runCli(['import', csv, '--location', emu.locationId, ...at], env),
        await runCli(['api', 'GET', '/contacts/search/duplicate', '--location', emu.locationId, '--query', `locationId=${emu.locationId}`, '--query', 'email=grace.hopper@example.com', '--query', 'phone=+14155550104', ...at.filter((a) => a !== '--report-dir' && a !== reports)], env),
        await runCli(['export', '--location', emu.locationId, '--out', join(dir, `x${mask.length}.csv`), ...at], env),
        await runCli(['dedup', '--location', emu.locationId, '--plan', join(dir, `plan${mask.length}.json`), ...at], env),
      ];
      expect(runs.map((r) => r.status)).toEqual([3, 0, 0, 0]);
      return runs.map((r) => r.stderr).join('\n');
    };
    const pii = ['grace.hopper@example.com', 'alan.turing@example.com', 'kj@example.com', 'ewd@example.com', 'liskov@example.com'];
    const phones = ['4155550101', '2079460958', '7575550103', '4155550104', '6175550105'];
    const shown = (text: string): string[] => [...pii.filter((e) => text.includes(e) || text.includes(encodeURIComponent(e))), ...phones.filter((p) => text.replace(/\D/g, ' ').includes(p) || text.includes(`${p.slice(0, 3)}) ${p.slice(3, 6)}-${p.slice(6)}`))];

    const plain = await stderrOf([]);
    expect(shown(plain).length).toBeGreaterThanOrEqual(6);
    const masked = await stderrOf(['--mask-pii']);
    expect(masked).toMatch(/"level":10/);
    expect(masked).toContain('g***@example.com');
    expect(shown(masked)).toEqual([]);
  }, 120_000);

  it('masks the final error line too, whose message quotes a setting or a flag value (import, run, export); without it the values show', async () => {
    // Regression: the logs were masked, but `hoop-etl: ...` quoted the values in clear.
    const emu = await tokenEmulator();
    const dir = freshDir('mask-errors');
    const csv = join(dir, 'contacts.csv');
    writeFileSync(csv, CSV);
    const EMAIL = 'grace.hopper@example.com';
    const PHONE = '(415) 555-0199';
    const pipeline = join(dir, 'import.yaml');
    // Values pasted into the wrong settings: each error quotes what it got.
    writeFileSync(pipeline, [`job: import`, `location: ${emu.locationId}`, 'source: { file: contacts.csv }', 'mapping: { email: Email, phone: { column: Phone, transform: e164, defaultCountry: US } }', `blanks: ${EMAIL}`, `collisions: "${PHONE}"`, ''].join('\n'));
    const env = envFor(emu, { HOOPAI_TOKEN: TOKEN });
    const commands = [
      ['import', csv, '--location', emu.locationId, '--pipeline', pipeline],
      ['run', pipeline],
      ['import', csv, '--location', emu.locationId, '--mode', EMAIL],
      ['export', '--location', emu.locationId, '--out', join(dir, 'x.csv'), '--since', EMAIL],
    ];
    const stderrOf = async (mask: string[]): Promise<string[]> => {
      const runs = await Promise.all(commands.map((c) => runCli([...c, '--log-level', 'trace', ...mask], env)));
      expect(runs.map((r) => r.status)).toEqual([2, 2, 2, 2]);
      return runs.map((r) => r.stderr);
    };

    const plain = await stderrOf([]);
    for (const text of plain.slice(0, 2)) expect(text).toMatch(new RegExp(`^hoop-etl: Invalid pipeline file .*got '${EMAIL}'.*got '\\(415\\) 555-0199'`, 's'));
    for (const text of plain.slice(2)) expect(text).toContain(EMAIL);

    const masked = await stderrOf(['--mask-pii']);
    for (const text of masked) {
      expect(text).toMatch(/^hoop-etl: /);
      expect(text).not.toContain(EMAIL);
      expect(text).not.toMatch(/grace\.hopper|555-0199/);
      expect(text).toContain('g***@example.com');
    }
    for (const text of masked.slice(0, 2)) expect(text).toContain("got '(415) ***-**99'");
    // Nothing but the values changed: the line, the setting and the position are all there.
    expect(masked[0]).toContain("line 5, column 9: blanks: expected one of keep, clear, got 'g***@example.com'");
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(0);
  }, 120_000);
});

describe('formula injection: every CSV written escapes cells a spreadsheet would run', () => {
  const FORMULAS = ['=cmd|calc', '+1+1', '-1-1', '@SUM(A1)', '\tx', '\rx'];
  const isFormula = (c: string): boolean => /^[=+\-@\t\r]/.test(c);
  const cellsOf = (file: string): string[][] => parse(readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][];

  it('failed.csv and succeeded.csv of an import, the export (and its opt-out), and dedup\'s CSVs', async () => {
    const emu = await tokenEmulator();
    const dir = freshDir('formulas');
    const reports = join(dir, 'runs');
    const env = envFor(emu, { HOOPAI_TOKEN: TOKEN });
    const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
    // Each formula as a first name twice: a row that fails (bad email) and a row written by phone only (its key, +1..., is a formula too).
    const lines = ['First Name,Last Name,Email,Phone'];
    FORMULAS.forEach((f, i) => {
      lines.push(`${q(f)},Bad${i},bad-${i},`);
      lines.push(`${q(f)},Good${i},,+1415555020${i}`);
    });
    const csv = join(dir, 'formulas.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const imported = await runCli(['import', csv, '--location', emu.locationId, '--report-dir', reports], env);
    expect(imported.status).toBe(3);
    const runDir = join(reports, runIdOf(imported));

    const failed = cellsOf(join(runDir, 'failed.csv'));
    expect(failed.slice(1).map((r) => r[2])).toEqual(FORMULAS.map((f) => `'${f}`));
    const succeeded = cellsOf(join(runDir, 'succeeded.csv'));
    // Its cells are ids, keys (`phone:+1...`, never a bare formula) and actions: none starts a formula.
    expect(succeeded.slice(1).map((r) => r[2]).sort()).toEqual(FORMULAS.map((_f, i) => `phone:+1415555020${i}`).sort());
    expect(succeeded.flat().filter(isFormula)).toEqual([]);

    const escaped = join(dir, 'escaped.csv');
    const raw = join(dir, 'raw.csv');
    expect((await runCli(['export', '--location', emu.locationId, '--out', escaped, '--report-dir', reports], env)).status).toBe(0);
    expect((await runCli(['export', '--location', emu.locationId, '--out', raw, '--no-escape-formulas', '--report-dir', reports], env)).status).toBe(0);
    const e = cellsOf(escaped);
    const r = cellsOf(raw);
    expect(e.length).toBe(r.length);
    const rawFormulas = r.flat().filter(isFormula);
    // The first names the platform kept as they were are among the raw cells, and every raw formula cell is escaped in the default export.
    for (const f of ['=cmd|calc', '+1+1', '-1-1', '@SUM(A1)']) expect(rawFormulas).toContain(f);
    expect(rawFormulas.length).toBeGreaterThanOrEqual(10);
    r.forEach((row, i) => row.forEach((cell, j) => expect(e[i]![j]).toBe(isFormula(cell) ? `'${cell}` : cell)));

    // Dedup: seed two contacts whose names are formulas and who share an email; apply and undo; no cell of any of its CSVs runs.
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
      contacts: [
        { id: id('fxOne'), firstName: '=cmd', lastName: '@x', email: 'fx@example.com', dateAdded: '2020-01-01T00:00:00.000Z' },
        { id: id('fxTwo'), firstName: '=cmd', lastName: '@x', email: 'FX@example.com', dateAdded: '2021-01-01T00:00:00.000Z' },
      ],
    });
    const plan = join(dir, 'plan.json');
    expect((await runCli(['dedup', '--location', emu.locationId, '--plan', plan, '--report-dir', reports], env)).status).toBe(0);
    const apply = await runCli(['dedup', '--apply', plan, '--report-dir', reports], env);
    expect(apply.status).toBe(0);
    const applied = /run id (\S+)\./.exec(apply.stdout)![1]!;
    expect((await runCli(['dedup', '--undo', applied, '--report-dir', reports], env)).status).toBe(0);
    const dedupCsvs = filesUnder(join(reports, applied)).filter((f) => f.endsWith('.csv'));
    expect(dedupCsvs.map((f) => f.split('/').pop()).sort()).toEqual(['failed.csv', 'succeeded.csv', 'undo-recreated.csv']);
    for (const f of dedupCsvs) expect(cellsOf(f).flat().filter(isFormula)).toEqual([]);
  }, 120_000);
});
