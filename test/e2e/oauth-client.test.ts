import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import type { GrantTokenProvider } from '../../src/api/auth/token-provider.js';
import { HoopClient } from '../../src/api/client.js';
import { Credentials } from '../../src/api/credentials.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI, e2eHarness, runCli, sleep, type CliRun } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { consentCode, emulatorSecrets, loginWithCode, oauthEnv, oauthStats, readStore } from '../helpers/oauth.js';

/**
 * The client side of OAuth 2.0 against the real emulator over HTTP, through
 * the built CLI: sign-in (local redirect and pasted code), refresh that never
 * loses the grant (short token lifetimes, rotation, one refresh per expiry
 * across callers and processes, a kill between the platform's answer and the
 * store), and agency grants acting on several locations.
 */

const { emulator, freshDir, track } = e2eHarness('oauth-client');
// Most tests run the CLI several times; on a loaded machine that outlasts the suite's 30 s default. The long ones set their own.
vi.setConfig({ testTimeout: 180_000 });

async function seed(emu: RunningEmulator, locationId: string, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i += 5000) {
    const contacts = Array.from({ length: Math.min(5000, n - i) }, (_, k) => ({ firstName: `${tag}${i + k}`, email: `${tag.toLowerCase()}${i + k}@oauth.example` }));
    await admin(emu, 'POST', `/locations/${locationId}/contacts`, { contacts });
  }
}

/** No OAuth secret in any output or report, and the store never printed. */
function expectNoSecrets(emu: RunningEmulator, runs: Record<string, CliRun>, dirs: string[] = []): void {
  const secrets = emulatorSecrets(emu);
  expect(secrets.length).toBeGreaterThan(2);
  const found: string[] = [];
  for (const [name, r] of Object.entries(runs)) for (const s of secrets) if (r.stdout.includes(s) || r.stderr.includes(s)) found.push(`${name} printed a secret`);
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const f of dirs.filter((d) => existsSync(d)).flatMap(walk)) {
    const text = readFileSync(f, 'latin1');
    for (const s of secrets) if (text.includes(s)) found.push(`${f} holds a secret`);
  }
  expect(found).toEqual([]);
}

describe('auth login, status, logout', () => {
  it('signs in through the local redirect, following the consent URL as a browser would; status shows the grant without its tokens; logout forgets it', async () => {
    const emu = await emulator();
    const dir = freshDir('login');
    const env = oauthEnv(emu, dir);
    const child = track(spawn(process.execPath, [CLI, 'auth', 'login', '--port', '0', '--user-type', 'Location'], { env }));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!/^\s+(http\S+)$/m.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`login exited early: ${stderr}`);
      await sleep(20);
    }
    const consent = new URL(/^\s+(http\S+)$/m.exec(stdout)![1]!);
    expect(consent.origin + consent.pathname).toBe(`${emu.url}/v2/oauth/chooselocation`);
    expect(consent.searchParams.get('client_id')).toBe(emu.oauth.clientId);
    expect(consent.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(consent.searchParams.get('scope')).toContain('contacts.write');
    // The browser: the consent page redirects to the local callback with the code.
    const page = await fetch(consent, { redirect: 'manual' });
    expect(page.status).toBe(302);
    const callback = page.headers.get('location')!;
    expect(callback.startsWith(consent.searchParams.get('redirect_uri')!)).toBe(true);
    const landed = await fetch(callback);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('Signed in to hoop-etl');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/Signed in: Location grant of location \S+/);

    const store = join(dir, 'config', 'hoop-etl', 'auth.json');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'config', 'hoop-etl')).mode & 0o777).toBe(0o700);
    const status = await runCli(['auth', 'status'], env);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain(`Location grant of location ${emu.locationId}`);
    expect(status.stdout).toMatch(/scopes .*contacts\.readonly/);
    expect(status.stdout).toMatch(/access token valid until \d{4}-/);

    // The grant works for a command, from the default store.
    const api = await runCli(['api', 'POST', '/contacts/search', '--data', JSON.stringify({ locationId: emu.locationId, pageLimit: 1 }), '--location', emu.locationId], env);
    expect(api.status).toBe(0);

    const logout = await runCli(['auth', 'logout'], env);
    expect(logout.stdout).toContain('Removed 1 grant(s)');
    const after = await runCli(['auth', 'status'], env);
    expect(after.stdout).toContain('No OAuth grant');
    const none = await runCli(['api', 'POST', '/contacts/search', '--data', '{}', '--location', emu.locationId], env);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('auth login');
    expectNoSecrets(emu, { login: { status: 0, signal: null, stdout, stderr }, status, api, logout, after, none });
  });

  it('signs in with a pasted code, refuses a used code cleanly, and needs the client secret', async () => {
    const emu = await emulator();
    const dir = freshDir('code');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    const ok = await loginWithCode(emu, env, store, 'Location');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`Grant stored in ${store}`);
    expect(Object.values(readStore(store))).toHaveLength(1);
    const noSecret = await runCli(['auth', 'login', '--code', 'whatever', '--auth-store', store], { ...env, HOOPAI_CLIENT_SECRET: '' });
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toContain('HOOPAI_CLIENT_SECRET');
    const used = await runCli(['auth', 'login', '--code', 'not-a-real-code-0000', '--auth-store', store], env);
    expect(used.status).toBe(1);
    expect(used.stderr).toMatch(/Invalid grant/);
    expectNoSecrets(emu, { ok, noSecret, used });
  });
});

describe('refresh that never loses the grant', () => {
  it('exports 20,000 contacts and imports 5,000 rows with 3 s access tokens: no failed row, no request lost, the refresh token rotated many times and never reused', async () => {
    // 60 ms per request: the import lasts many token lifetimes whatever the machine's speed.
    const emu = await emulator({ tokenTtlS: 3, faults: { latencyMs: 60 } });
    const dir = freshDir('ttl');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Location')).status).toBe(0);
    await seed(emu, emu.locationId, 20_000, 'Exp');
    // The export starts after the signed-in token has expired: it must refresh before its first request.
    await new Promise((r) => setTimeout(r, 3_100));

    const out = join(dir, 'all.csv');
    const exp = await runCli(['export', '--location', emu.locationId, '--out', out, '--auth-store', store, '--report-dir', join(dir, 'runs')], env, 600_000);
    expect(exp.stderr).toBe('');
    expect(exp.status).toBe(0);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(20_000);
    expect(new Set(rows.map((r) => r.email)).size).toBe(20_000);
    const afterExport = await oauthStats(emu);

    const csv = join(dir, 'in.csv');
    writeFileSync(csv, ['First Name,Email', ...Array.from({ length: 5000 }, (_, i) => `Imp${i},imp${i}@oauth-import.example`)].join('\n'));
    const imp = await runCli(['import', csv, '--location', emu.locationId, '--auth-store', store, '--report-dir', join(dir, 'runs')], env, 900_000);
    expect(imp.stderr).toBe('');
    expect(imp.status).toBe(0);
    expect(imp.stdout).toMatch(/5000 created, 0 updated, 0 unchanged, 0 merged into another row, 0 failed/);
    const inEmulator = await admin<{ total: number }>(emu, 'GET', `/locations/${emu.locationId}/contacts`);
    expect(inEmulator.total).toBe(25_000);

    const stats = await oauthStats(emu);
    // Figures for the report: how often each run refreshed.
    console.info(`3 s tokens: export refreshed ${afterExport.refreshes} times, import ${stats.refreshes! - afterExport.refreshes!} times; ${stats.expiredTokens} requests refused as expired`);
    expect(afterExport.refreshes).toBeGreaterThanOrEqual(1);
    expect(stats.refreshes! - afterExport.refreshes!).toBeGreaterThanOrEqual(2);
    expect(stats.invalidGrant).toBe(0);
    expect(stats.refreshReplays).toBe(0);
    expectNoSecrets(emu, { exp, imp }, [join(dir, 'runs')]);
  }, 1_800_000);

  it('20 concurrent callers in each of 2 processes sharing one store, at each of 3 expiries: exactly one refresh per expiry', async () => {
    const emu = await emulator({ tokenTtlS: 2 });
    const dir = freshDir('race');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Location')).status).toBe(0);
    const script = join(dir, 'callers.mjs');
    writeFileSync(
      script,
      `import { Credentials } from ${JSON.stringify(join(process.cwd(), 'dist/api/credentials.js'))};
import { HoopClient } from ${JSON.stringify(join(process.cwd(), 'dist/api/client.js'))};
import { createInterface } from 'node:readline';
const [store, baseUrl, loc] = process.argv.slice(2);
const creds = new Credentials({ env: process.env, authStore: store, baseUrl });
const provider = await creds.forLocation(loc);
const client = new HoopClient({ baseUrl, token: provider, locationId: loc });
await provider.token();
process.stdout.write('ready\\n');
for await (const _line of createInterface({ input: process.stdin })) {
  const before = provider.counters.refreshes;
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.call({ operation: 'search', method: 'POST', path: '/contacts/search', json: { locationId: loc, pageLimit: 1 }, safety: 'safe' })));
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  process.stdout.write(JSON.stringify({ ok, refreshes: provider.counters.refreshes - before, renewals: client.stats.tokenRenewals }) + '\\n');
}
`,
    );
    const procs = [0, 1].map(() => {
      const c = track(spawn(process.execPath, [script, store, emu.url, emu.locationId], { env }));
      const lines: string[] = [];
      let buf = '';
      let err = '';
      c.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        lines.push(...parts);
      });
      c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      return { c, lines, err: () => err };
    });
    const waitLines = async (n: number): Promise<void> => {
      while (procs.some((p) => p.lines.length < n)) {
        for (const p of procs) if (p.c.exitCode !== null) throw new Error(`caller exited: ${p.err()}`);
        await sleep(10);
      }
    };
    await waitLines(1);
    const rounds: Array<{ platform: number; byProcess: number[] }> = [];
    for (let round = 1; round <= 3; round++) {
      // Past the access token's end (and its refresh margin), then both processes' 40 callers at once.
      const exp = Object.values(readStore(store))[0]!.expiresAt!;
      await sleep(Math.max(0, exp - Date.now()) + 50);
      const before = (await oauthStats(emu)).refreshes!;
      for (const p of procs) p.c.stdin!.write('go\n');
      await waitLines(round + 1);
      const results = procs.map((p) => JSON.parse(p.lines[round]!) as { ok: number; refreshes: number });
      expect(results.map((r) => r.ok)).toEqual([20, 20]);
      rounds.push({ platform: (await oauthStats(emu)).refreshes! - before, byProcess: results.map((r) => r.refreshes) });
    }
    for (const p of procs) p.c.stdin!.end();
    expect(rounds.map((r) => r.platform)).toEqual([1, 1, 1]);
    expect(rounds.map((r) => r.byProcess[0]! + r.byProcess[1]!)).toEqual([1, 1, 1]);
    expect((await oauthStats(emu)).invalidGrant).toBe(0);
  }, 120_000);
});

describe('a process killed after the platform answered a refresh, before the store was written', () => {
  /** An export killed (SIGKILL) the moment its first refresh reaches the platform, which then rotates the token: the answer never gets to the store. */
  async function killAtRefresh(grace: number): Promise<{ emu: RunningEmulator; env: NodeJS.ProcessEnv; store: string; dir: string; before: string }> {
    let armed: (() => void) | undefined;
    const emu = await emulator({ tokenTtlS: 2, oauth: { refreshGraceSeconds: grace }, onRequest: (op) => op === 'get-access-token' && armed?.() });
    const dir = freshDir(`kill-${grace}`);
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Location')).status).toBe(0);
    await seed(emu, emu.locationId, 3000, 'Kill');
    // The signed-in token has expired when the export starts: its first act is a refresh, whatever the machine's speed.
    await sleep(2_100);
    const before = Object.values(readStore(store))[0]!.refreshToken!;
    const child = track(spawn(process.execPath, [CLI, 'export', '--location', emu.locationId, '--out', join(dir, 'x.csv'), '--auth-store', store, '--report-dir', join(dir, 'runs')], { env }));
    const killed = new Promise<string | null>((r) => child.on('exit', (_c, s) => r(s)));
    armed = () => {
      armed = undefined;
      child.kill('SIGKILL');
    };
    const signal = await Promise.race([killed, sleep(30_000).then(() => 'timeout')]);
    if (signal !== 'SIGKILL') throw new Error(`the export was not killed at its refresh (${String(signal)})`);
    return { emu, env, store, dir, before };
  }

  it('with no reuse grace (the emulator\'s default): the store keeps the old, spent refresh token intact; the next run stops cleanly (exit 1) asking for auth login, printing no token; a new login works', async () => {
    const { emu, env, store, dir, before } = await killAtRefresh(0);
    const stats = await oauthStats(emu);
    expect(stats.refreshes).toBe(1);
    // The store is whole (atomic writes) and still holds the refresh token the platform just rotated away.
    expect(Object.values(readStore(store))[0]!.refreshToken).toBe(before);
    await sleep(2100);
    const again = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'y.csv'), '--auth-store', store], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/can no longer be refreshed .*sign in again with hoop-etl auth login/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect((await oauthStats(emu)).invalidGrant).toBe(1);
    const relogin = await loginWithCode(emu, env, store, 'Location');
    expect(relogin.status).toBe(0);
    const ok = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'z.csv'), '--auth-store', store], env);
    expect(ok.status).toBe(0);
    expectNoSecrets(emu, { again, relogin, ok }, [join(dir, 'runs')]);
  }, 120_000);

  it('with a reuse grace on the platform: the next run spends the old refresh token again inside the grace, gets the same pair, and carries on', async () => {
    const { emu, env, dir, store } = await killAtRefresh(60);
    await sleep(2100);
    const again = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'y.csv'), '--auth-store', store], env);
    expect(again.status).toBe(0);
    const stats = await oauthStats(emu);
    expect(stats.refreshReplays).toBe(1);
    expectNoSecrets(emu, { again });
  }, 120_000);

  it('an import whose grant dies mid-run stops resumable (exit 1, --resume and auth login named); after a new login the resume finishes with every row once', async () => {
    let armed = false;
    let seen = 0;
    // The platform revokes the app's grants (an uninstall, a reinstall elsewhere) while the import writes: every refresh token dies.
    const revokeAll = (e: RunningEmulator): void => {
      const now = Date.now();
      for (const g of e.store.refreshGrants.values()) e.store.putRefreshGrant({ ...g, usedAt: g.usedAt ?? now });
    };
    let emuRef: RunningEmulator | undefined;
    const emu = await emulator({
      tokenTtlS: 2,
      onRequest: (op) => {
        if (armed && op === 'upsert-contact' && ++seen === 100) revokeAll(emuRef!);
      },
    });
    emuRef = emu;
    const dir = freshDir('import-stop');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Location')).status).toBe(0);
    armed = true;
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, ['First Name,Email', ...Array.from({ length: 2000 }, (_, i) => `R${i},r${i}@stop.example`)].join('\n'));
    const reports = join(dir, 'runs');
    const first = await runCli(['import', csv, '--location', emu.locationId, '--auth-store', store, '--report-dir', reports], env, 400_000);
    expect(first.stderr).toContain('hoop-etl auth login');
    expect(first.status).toBe(1);
    const runId = /--resume (\S+)/.exec(first.stderr)?.[1];
    expect(runId).toBeDefined();
    expect((await loginWithCode(emu, env, store, 'Location')).status).toBe(0);
    const resumed = await runCli(['import', csv, '--location', emu.locationId, '--auth-store', store, '--report-dir', reports, '--resume', runId!], env, 400_000);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/0 failed/);
    const inEmulator = await admin<{ total: number }>(emu, 'GET', `/locations/${emu.locationId}/contacts`);
    expect(inEmulator.total).toBe(2000);
    expectNoSecrets(emu, { first, resumed }, [reports]);
  }, 900_000);
});

describe('an agency grant acting on several locations', () => {
  it('exports three locations with --location A,B,C and with --location all, one file per location; location tokens are kept in the store for the next run', async () => {
    const emu = await emulator({ locations: 3 });
    const ids = emu.locations.map((l) => l.locationId);
    const dir = freshDir('agency');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    const login = await loginWithCode(emu, env, store, 'Company');
    expect(login.status).toBe(0);
    expect(login.stdout).toContain(`Company grant of company ${emu.companyId}`);
    for (const [i, loc] of ids.entries()) await seed(emu, loc, 10 * (i + 1), `L${i}x`);
    for (const sub of ['named', 'all']) mkdirSync(join(dir, sub));

    const named = await runCli(['export', '--location', ids.join(','), '--out', join(dir, 'named', '{location}.csv'), '--auth-store', store], env);
    expect(named.stderr).toBe('');
    expect(named.status).toBe(0);
    const all = await runCli(['export', '--location', 'all', '--out', join(dir, 'all', '{location}.csv'), '--auth-store', store], env);
    expect(all.status).toBe(0);
    for (const sub of ['named', 'all']) {
      expect(readdirSync(join(dir, sub)).sort()).toEqual(ids.map((l) => `${l}.csv`).sort());
      ids.forEach((loc, i) => expect(parse(readFileSync(join(dir, sub, `${loc}.csv`), 'utf8'), { columns: true })).toHaveLength(10 * (i + 1)));
    }
    // One location token per location, minted once and taken from the store by the second run.
    expect((await oauthStats(emu)).locationTokens).toBe(3);
    const status = await runCli(['auth', 'status', '--auth-store', store], env);
    for (const loc of ids) expect(status.stdout).toContain(`location token for ${loc}`);

    const plan = await runCli(['dedup', '--location', 'all', '--plan', join(dir, 'people.json'), '--auth-store', store], env);
    expect(plan.status).toBe(0);
    expectNoSecrets(emu, { login, named, all, status, plan });
  });

  it('a location that is not active stops the run with the platform\'s reason and keeps the grant: once active again, the same sign-in works', async () => {
    const emu = await emulator({ locations: 2 });
    const b = emu.locations[1]!.locationId;
    const dir = freshDir('inactive');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Company')).status).toBe(0);
    await admin(emu, 'PATCH', `/oauth/locations/${b}`, { active: false });
    const stopped = await runCli(['export', '--location', b, '--out', join(dir, 'b.csv'), '--auth-store', store], env);
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toContain('Location is not active');
    expect(stopped.stderr).not.toContain('auth login');
    await admin(emu, 'PATCH', `/oauth/locations/${b}`, { active: true });
    const again = await runCli(['export', '--location', b, '--out', join(dir, 'b.csv'), '--auth-store', store], env);
    expect(again.status).toBe(0);
    expect((await oauthStats(emu)).invalidGrant).toBe(0);
  });

  it('a Location grant acts on its own location only, and says so when asked for another', async () => {
    const emu = await emulator({ locations: 2 });
    const [a, b] = emu.locations.map((l) => l.locationId);
    const dir = freshDir('own');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Location', a)).status).toBe(0);
    const other = await runCli(['export', '--location', b!, '--out', join(dir, 'b.csv'), '--auth-store', store], env);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain(`Location grant for ${a}: it acts on its own location only, not on ${b}`);
    const own = await runCli(['export', '--location', 'all', '--out', join(dir, 'a.csv'), '--auth-store', store], env);
    expect(own.status).toBe(0);
  });

  it('HOOPAI_TOKEN_<location> works for every command, beside the agency grant', async () => {
    const emu = await emulator({ locations: 2 });
    const [a, b] = emu.locations;
    const dir = freshDir('pit');
    const env = oauthEnv(emu, dir, { [`HOOPAI_TOKEN_${b!.locationId}`]: b!.token });
    const r = await runCli(['api', 'POST', '/contacts/search', '--data', JSON.stringify({ locationId: b!.locationId, pageLimit: 1 }), '--location', b!.locationId], env);
    expect(r.status).toBe(0);
    const none = await runCli(['api', 'POST', '/contacts/search', '--data', '{}', '--location', a!.locationId], env);
    expect(none.status).toBe(2);
    for (const way of ['HOOPAI_TOKEN', '--token-file', 'hoop-etl auth login', '--auth-store']) expect(none.stderr).toContain(way);
  });
});

describe('a 401 for an access token the platform no longer takes', () => {
  /** A signed-in store and two clients of the same grant that do not share memory, as two processes would not (they share the store and its lock). */
  async function twoClients(emu: RunningEmulator, dir: string): Promise<{ a: HoopClient; b: HoopClient; pa: GrantTokenProvider; pb: GrantTokenProvider; store: string }> {
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    expect((await loginWithCode(emu, env, store, 'Location')).status).toBe(0);
    const make = async (): Promise<[HoopClient, GrantTokenProvider]> => {
      const p = (await new Credentials({ env, authStore: store, baseUrl: emu.url }).forLocation(emu.locationId)) as GrantTokenProvider;
      return [new HoopClient({ baseUrl: emu.url, token: p, locationId: emu.locationId }), p];
    };
    const [a, pa] = await make();
    const [b, pb] = await make();
    return { a, b, pa, pb, store };
  }
  const search = (c: HoopClient, loc: string) => c.call({ operation: 'search', method: 'POST', path: '/contacts/search', json: { locationId: loc, pageLimit: 1 }, safety: 'safe' });

  it('a token revoked before its end: the call refreshes at once and is sent again, once', async () => {
    const emu = await emulator();
    const { a, pa } = await twoClients(emu, freshDir('revoked'));
    await search(a, emu.locationId);
    await admin(emu, 'POST', '/oauth/revoke', { token: await pa.token() });
    const r = await search(a, emu.locationId);
    expect(r.status).toBe(200);
    expect(a.stats.tokenRenewals).toBe(1);
    expect(pa.counters.refreshes).toBe(1);
    const stats = await oauthStats(emu);
    expect([stats.refreshes, stats.revokedTokens, stats.invalidGrant]).toEqual([1, 1, 0]);
  });

  it('another process refreshed (which revoked our token): our 401 takes its new token from the store, without a second refresh', async () => {
    const emu = await emulator();
    const { a, b, pa, pb, store } = await twoClients(emu, freshDir('other'));
    await Promise.all([search(a, emu.locationId), search(b, emu.locationId)]);
    // b's token is refused as expired (the platform says so for a revoked one too), so b refreshes; the platform revokes the token a still holds.
    await admin(emu, 'POST', '/oauth/revoke', { token: await pb.token() });
    await search(b, emu.locationId);
    expect(pb.counters.refreshes).toBe(1);
    const r = await search(a, emu.locationId);
    expect(r.status).toBe(200);
    expect(a.stats.tokenRenewals).toBe(1);
    expect(pa.counters).toEqual({ refreshes: 0, adopted: 1 });
    expect((await oauthStats(emu)).refreshes).toBe(1);
    expect(await pa.token()).toBe(Object.values(readStore(store))[0]!.accessToken);
  });

  it('a 401 that names a scope is not cured by a new token: no refresh, the scope error', async () => {
    const emu = await emulator();
    const dir = freshDir('scope');
    const env = oauthEnv(emu, dir);
    const store = join(dir, 'store.json');
    const code = await consentCode(emu, { userType: 'Location', scopes: 'contacts.readonly' });
    expect((await runCli(['auth', 'login', '--code', code, '--auth-store', store], env)).status).toBe(0);
    const p = (await new Credentials({ env, authStore: store, baseUrl: emu.url }).forLocation(emu.locationId)) as GrantTokenProvider;
    const c = new HoopClient({ baseUrl: emu.url, token: p, locationId: emu.locationId });
    const err = await c.call({ operation: 'upsert', method: 'POST', path: '/contacts/upsert', json: { locationId: emu.locationId, email: 'x@scope.example' }, safety: 'safe' }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('MISSING_SCOPE');
    expect(c.stats.tokenRenewals).toBe(0);
    expect((await oauthStats(emu)).refreshes).toBe(0);
  });
});
