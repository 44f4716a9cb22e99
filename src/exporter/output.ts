/**
 * Where an export's bytes go: a file written atomically (a temporary file
 * beside it, fsync, rename, fsync of the folder), optionally gzipped, or
 * stdout. Until `commit`, the previous file stays as it was; `abort` (or a
 * crash) leaves it untouched. Writes wait for the disk (backpressure), so
 * memory stays flat however much is exported.
 */
import { createWriteStream } from 'node:fs';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { startsFormula } from '../core/csv-cells.js';
import { ConfigError } from '../core/errors.js';

/** Whether a process with this id is running (on this machine). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files a killed run left beside `path`: its own
 * `.<name>.<pid>-<hex>.tmp` and the range spills `.<name>.part-<pid>-<hex>.tmp`,
 * of processes that are no longer running. A live run's files (another export
 * writing the same file right now) are left alone. Returns the names removed.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const name = basename(path);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${escaped}\\.(?:part-)?(\\d+)-[0-9a-f]{8}\\.tmp$`);
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const m = pattern.exec(entry);
    if (!m || processAlive(Number(m[1]))) continue;
    await unlink(join(dirname(path), entry)).then(
      () => removed.push(entry),
      () => undefined,
    );
  }
  return removed;
}

/** Resolves on the first of `events` on `emitter` (rejects on an `error` among them), removing every listener it added. */
function firstOf(emitter: NodeJS.EventEmitter, events: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const handlers = events.map((name) => {
      const h = (arg?: unknown): void => {
        for (const [n, f] of handlers) emitter.off(n, f);
        if (name === 'error') reject(arg as Error);
        else resolve(name);
      };
      return [name, h] as const;
    });
    for (const [n, f] of handlers) emitter.once(n, f);
  });
}

/** True when a cell must be quoted: it holds a quote, a comma, CR or LF. */
function needsQuotes(c: string): boolean {
  for (let i = 0; i < c.length; i++) {
    const ch = c.charCodeAt(i);
    if (ch === 34 || ch === 44 || ch === 10 || ch === 13) return true;
  }
  return false;
}

/** One CSV record (RFC 4180: quoted when it holds a quote, comma or line break; CRLF ends it). */
export function csvLine(cells: readonly string[], escapeFormulas: boolean): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    let c = cells[i]!;
    if (i > 0) line += ',';
    if (c === '') continue;
    if (escapeFormulas && startsFormula(c)) c = `'${c}`;
    line += needsQuotes(c) ? `"${c.replace(/"/g, '""')}"` : c;
  }
  return `${line}\r\n`;
}

export interface OutputOptions {
  readonly gzip: boolean;
  readonly bom: boolean;
  /** For `-`. @default process.stdout */
  readonly stdout?: Writable;
  /** File mode of a new file. @default 0o600 (exports hold personal data) */
  readonly mode?: number;
}

export interface Output {
  /** The final path, or `-`. */
  readonly path: string;
  write(text: string): Promise<void>;
  /** Makes the file durable and puts it in place. */
  commit(): Promise<void>;
  /** Drops what was written; the previous file stays. Safe to call after a failure or twice. */
  abort(): Promise<void>;
  readonly bytes: number;
}

async function fsyncFolder(path: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dirname(path), 'r');
    await fh.sync();
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  } finally {
    await fh?.close();
  }
}

export async function openOutput(path: string, options: OutputOptions): Promise<Output> {
  const bom = options.bom ? '\uFEFF' : '';
  if (path === '-') {
    const stdout = options.stdout ?? process.stdout;
    let bytes = 0;
    let first = true;
    return {
      path,
      get bytes() {
        return bytes;
      },
      async write(text) {
        const chunk = first ? bom + text : text;
        first = false;
        bytes += Buffer.byteLength(chunk);
        if (!stdout.write(chunk)) await firstOf(stdout, ['drain', 'close']);
      },
      async commit() {
        if (first && bom) stdout.write(bom);
      },
      async abort() {},
    };
  }

  await removeStaleTemps(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  // `flush`: the stream fsyncs the file before it closes it.
  const file = createWriteStream(tmp, { flags: 'wx', mode: options.mode ?? 0o600, flush: true, highWaterMark: 1 << 20 });
  try {
    await firstOf(file, ['open', 'error']);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message;
    throw new ConfigError(`Cannot write ${path}: ${why}`, 'export.out');
  }
  const gzip = options.gzip ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const head: Writable = gzip ?? file;
  let failure: Error | undefined;
  const onError = (e: Error): void => {
    failure ??= e;
  };
  file.on('error', onError);
  gzip?.on('error', onError);
  let bytes = 0;
  let state: 'open' | 'committed' | 'aborted' = 'open';
  if (bom) head.write(bom);

  return {
    path,
    get bytes() {
      return bytes;
    },
    async write(text) {
      if (failure) throw failure;
      bytes += text.length;
      if (!head.write(text)) await drainOrEnd(head, file);
      if (failure) throw failure;
    },
    async commit() {
      if (state !== 'open') return;
      head.end();
      await finished(file).catch(onError);
      if (failure) throw failure;
      await rename(tmp, path);
      await fsyncFolder(path);
      state = 'committed';
    },
    async abort() {
      if (state !== 'open') return;
      state = 'aborted';
      head.destroy();
      file.destroy();
      if (!file.closed) await firstOf(file, ['close']);
      await unlink(tmp).catch(() => undefined);
    },
  };
}

/** Waits until `head` drains, or either stream closes or `file` fails (then `write` reports the failure). */
function drainOrEnd(head: Writable, file: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      head.off('drain', done).off('close', done);
      file.off('close', done).off('error', done);
      resolve();
    };
    head.once('drain', done).once('close', done);
    file.once('close', done).once('error', done);
  });
}

/** Writes a small file (the state) atomically: temporary file, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  await removeStaleTemps(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncFolder(path);
}
