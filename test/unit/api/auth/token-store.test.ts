import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isStale, withFileLock } from '../../../../src/api/auth/file-lock.js';
import { defaultStorePath, FileTokenStore, grantKey, MemoryTokenStore, type GrantRecord } from '../../../../src/api/auth/token-store.js';
import { ConfigError } from '../../../../src/core/errors.js';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'hoop-token-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(tmp, `case-${++n}`, 'auth.json');

const grant = (refreshToken: string): GrantRecord => ({
  kind: 'grant',
  clientId: 'app-1',
  userType: 'Location',
  locationId: 'LOC',
  scopes: ['contacts.readonly'],
  accessToken: `at-${refreshToken}`,
  refreshToken,
  expiresAt: 10_000,
  lifetimeMs: 3_000,
  obtainedAt: 1,
});

describe('defaultStorePath', () => {
  it.each<[Record<string, string>, string]>([
    [{ XDG_CONFIG_HOME: '/x/conf' }, '/x/conf/hoop-etl/auth.json'],
    [{ XDG_CONFIG_HOME: '  ' }, '/home/u/.config/hoop-etl/auth.json'],
    [{}, '/home/u/.config/hoop-etl/auth.json'],
  ])('%j -> %s', (env, want) => {
    expect(defaultStorePath(env, '/home/u')).toBe(want);
  });
});

describe('FileTokenStore', () => {
  it('creates the file 0600 in a 0700 folder even under umask 000, and leaves no temporary file', async () => {
    const path = fresh();
    const old = process.umask(0);
    try {
      const store = new FileTokenStore(path);
      await store.put('k', grant('r1'));
    } finally {
      process.umask(old);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(path, '..'))).toEqual(['auth.json']);
  });

  it('makes a file left 0644 owner-only on the next write', async () => {
    const path = fresh();
    const store = new FileTokenStore(path);
    await store.put('k', grant('r1'));
    const { chmodSync } = await import('node:fs');
    chmodSync(path, 0o644);
    await store.put('k', grant('r2'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reads back what it wrote, deletes, lists, and keeps every key when two stores write different keys at once', async () => {
    const path = fresh();
    const a = new FileTokenStore(path);
    const b = new FileTokenStore(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).put(`k${i}`, grant(`r${i}`))));
    expect((await a.list()).map(([k]) => k).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
    expect(await b.get('k3')).toEqual(grant('r3'));
    expect(await a.delete('k3')).toBe(true);
    expect(await a.delete('k3')).toBe(false);
    expect(await b.get('k3')).toBeUndefined();
  });

  it('replaces the file atomically: the old content or the new, never a mix (a reader during 200 writes)', async () => {
    const path = fresh();
    const store = new FileTokenStore(path);
    await store.put('k', grant('r0'));
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as { records: Record<string, GrantRecord> };
        expect(parsed.records.k!.refreshToken).toMatch(/^r\d+$/);
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 1; i <= 200; i++) await store.put('k', grant(`r${i}`));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await store.get('k'))?.refreshToken).toBe('r200');
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{"version":1,"records":{"k":{"refreshToken":"SECRET-RT"', /not valid JSON/],
    ['another shape', '{"tokens":[]}', /not a hoop-etl token store/],
  ])('refuses a store that is %s, naming the file and never quoting it', async (_n, text, re) => {
    const path = fresh();
    const store = new FileTokenStore(path);
    await store.put('x', grant('r'));
    writeFileSync(path, text);
    const err = await store.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('SECRET-RT');
  });

  it('names the key of a grant by client, user type and id', () => {
    expect(grantKey('app-1', 'Company', 'CO')).toBe('grant:app-1:Company:CO');
  });
});

describe('the store lock', () => {
  it('lets one holder at a time run, within a process (50 callers, file and memory stores)', async () => {
    for (const store of [new FileTokenStore(fresh(), { lock: { pollMs: 2 } }), new MemoryTokenStore()]) {
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.lock('grant', async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setTimeout(r, 1));
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
    }
  });

  it('is released when the holder throws', async () => {
    const store = new FileTokenStore(fresh());
    await expect(store.lock('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(store.lock('k', async () => 'again')).resolves.toBe('again');
  });

  it('lets one process at a time run across 3 processes (each appends begin and end; no two begins in a row)', async () => {
    const dir = join(tmp, `procs-${++n}`);
    const lockPath = join(dir, 'x.lock');
    const log = join(dir, 'log.txt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(log, '');
    const script = `
      import { appendFileSync } from 'node:fs';
      import { withFileLock } from ${JSON.stringify(join(process.cwd(), 'src/api/auth/file-lock.ts'))};
      for (let i = 0; i < 15; i++) {
        await withFileLock(${JSON.stringify(lockPath)}, async () => {
          appendFileSync(${JSON.stringify(log)}, 'begin ' + process.pid + '\\n');
          await new Promise((r) => setTimeout(r, 2));
          appendFileSync(${JSON.stringify(log)}, 'end ' + process.pid + '\\n');
        }, { pollMs: 2 });
      }`;
    await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script])));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(90);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]!.startsWith('begin ')).toBe(true);
      expect(lines[i + 1]).toBe(lines[i]!.replace('begin', 'end'));
    }
  });

  it('breaks a lock whose holder died (SIGKILL leaves the file behind)', async () => {
    const dir = join(tmp, `dead-${++n}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const lockPath = join(dir, 'x.lock');
    const child = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout);
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid, host: hostname(), at: Date.now(), id: 'dead' }));
    await expect(withFileLock(lockPath, async () => 'taken', { timeoutMs: 2_000 })).resolves.toBe('taken');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits for a live holder and gives up after the timeout, naming the file', async () => {
    const dir = join(tmp, `live-${++n}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const lockPath = join(dir, 'x.lock');
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), at: Date.now(), id: 'live' }));
    await expect(withFileLock(lockPath, async () => 'taken', { timeoutMs: 100, pollMs: 5 })).rejects.toThrow(lockPath);
  });

  it.each<[string, { pid: number; host: string; at: number; id: string } | undefined, boolean]>([
    ['this process', { pid: process.pid, host: hostname(), at: 1_000, id: 'a' }, false],
    ['old, whoever holds it', { pid: process.pid, host: hostname(), at: 0, id: 'a' }, true],
    ['another host, recent', { pid: 1, host: 'elsewhere', at: 1_000, id: 'a' }, false],
    ['unreadable', undefined, false],
  ])('a lock held by %s is stale: %s', (_n, holder, want) => {
    expect(isStale(holder, 1_500, 1_000)).toBe(want);
  });
});
