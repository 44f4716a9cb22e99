import { hostname } from 'node:os';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HoopError } from '../../core/errors.js';

/**
 * A lock between processes on one machine (or on a shared folder): a file
 * created with O_EXCL that names its holder. A holder that died (SIGKILL, a
 * crash) leaves the file behind; a waiter breaks it when the holder's pid is
 * gone on this host, or when it is older than `staleMs` (another host, or a
 * pid that was reused). No dependency: `proper-lockfile` does the same with
 * mtime polling, and its retry options would be all we used of it.
 */

export interface FileLockOptions {
  /** Give up waiting after this long; longer than a refresh that waits out the token endpoint's 429s. @default 300000 */
  timeoutMs?: number;
  /** A lock older than this is broken even if its holder seems alive (a holder on this host that died is seen at once by its pid). @default 600000 */
  staleMs?: number;
  /** Between two looks at a held lock. @default 20 */
  pollMs?: number;
  /** @default Date.now */
  now?: () => number;
}

interface Holder {
  pid: number;
  host: string;
  at: number;
  id: string;
}

export class LockTimeoutError extends HoopError {
  constructor(path: string, holder: string) {
    super('LOCK_TIMEOUT', `Timed out waiting for the lock ${path} (held by ${holder}); if no hoop-etl is running, remove that file`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<{ text: string; holder: Holder | undefined } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return { text, holder: JSON.parse(text) as Holder };
  } catch {
    // Created but not yet written, or torn by a crash: judged by age below.
    return { text, holder: undefined };
  }
}

/** Whether the lock's holder is gone for good. */
export function isStale(holder: Holder | undefined, now: number, staleMs: number, host = hostname()): boolean {
  if (!holder) return false;
  if (now - holder.at > staleMs) return true;
  return holder.host === host && holder.pid !== process.pid && !alive(holder.pid);
}

async function tryCreate(path: string, me: Holder): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify(me));
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Moves a stale lock away, and puts it back if what was moved was not the stale one (a waiter beside us broke it first and took the lock). */
async function breakLock(path: string, staleText: string): Promise<void> {
  const aside = `${path}.${randomBytes(4).toString('hex')}.broken`;
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** Runs `fn` holding the lock file `path`; the file is removed afterwards, whatever `fn` did. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const staleMs = options.staleMs ?? 600_000;
  const pollMs = options.pollMs ?? 20;
  const me: Holder = { pid: process.pid, host: hostname(), at: now(), id: randomBytes(8).toString('hex') };
  const started = now();
  let firstSeen: { text: string; at: number } | undefined;
  for (;;) {
    me.at = now();
    if (await tryCreate(path, me)) break;
    const seen = await readHolder(path);
    if (seen) {
      // An unreadable holder is judged by how long we have seen it unchanged.
      if (!firstSeen || firstSeen.text !== seen.text) firstSeen = { text: seen.text, at: now() };
      const stale = seen.holder ? isStale(seen.holder, now(), staleMs) : now() - firstSeen.at > staleMs;
      if (stale) {
        await breakLock(path, seen.text);
        continue;
      }
    }
    if (now() - started > timeoutMs) {
      const h = seen?.holder;
      throw new LockTimeoutError(path, h ? `pid ${h.pid} on ${h.host}` : 'an unknown process');
    }
    await sleep(pollMs + Math.floor(Math.random() * pollMs));
  }
  try {
    return await fn();
  } finally {
    // Remove only our own lock: a lock broken as stale while we held it belongs to someone else now.
    const seen = await readHolder(path).catch(() => undefined);
    if (seen?.holder?.id === me.id) await unlink(path).catch(() => undefined);
  }
}
