/**
 * The built emulator (`dist/cli/main.js emulator`) in a child process, for the
 * benchmarks: the load and the server must not share an event loop. Resolves
 * once the emulator prints its listening line, with the URL, location and
 * token read from it; stdout is drained for the child's whole life so it never
 * blocks on a full pipe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');

const LISTEN_RE = /^HoopAI emulator listening on (http:\/\/\S+) location=(\S+) token=(\S+)$/;

export interface EmulatorChildOptions {
  /** Emulator flags after `emulator --host 127.0.0.1 --port 0`, e.g. `--rate-max 0`. */
  args?: readonly string[];
  /** Node flags for the child, e.g. `--max-old-space-size=16384` or `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Let the child write to this process's stderr instead of keeping its last 20,000 characters. @default false */
  inheritStderr?: boolean;
  /** @default 20000 */
  readyTimeoutMs?: number;
}

export interface EmulatorChild {
  proc: ChildProcess;
  url: string;
  locationId: string;
  token: string;
  /** The end of what the child wrote to stderr (empty with `inheritStderr`). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (a profiled child needs the graceful exit to write its profile). */
  stop(graceMs?: number): Promise<void>;
}

/** SIGTERM, then SIGKILL after `graceMs` (a profiled child needs the graceful exit to write its profile). */
export function stopProcess(proc: ChildProcess, graceMs = 10_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

export interface ReadyChild {
  proc: ChildProcess;
  /** The first stdout line `ready` matched, as matched. */
  match: RegExpExecArray;
  /** The end of what the child wrote to stderr (empty with `inheritStderr`). */
  stderr(): string;
}

/**
 * Spawns `node args...` and resolves once a stdout line matches `ready`
 * (other lines, e.g. from --trace-gc, are skipped; stdout is drained for the
 * child's whole life so it never blocks on a full pipe). A child that exits
 * first, or is not ready within `readyTimeoutMs`, rejects (and is killed).
 */
export function spawnUntilReady(
  args: readonly string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; inheritStderr?: boolean; readyTimeoutMs?: number; what?: string } = {},
): Promise<ReadyChild> {
  const { env = process.env, inheritStderr = false, readyTimeoutMs = 20_000, what = 'child' } = options;
  const proc = spawn(process.execPath, [...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', inheritStderr ? 'inherit' : 'pipe'] });
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
  return new Promise((resolve, reject) => {
    let out = '';
    let done = false;
    const finish = (e: Error | undefined, m?: RegExpExecArray): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) {
        proc.kill('SIGKILL');
        reject(e);
        return;
      }
      resolve({ proc, match: m!, stderr: () => err });
    };
    const timer = setTimeout(() => finish(new Error(`${what} not listening within ${readyTimeoutMs} ms\n${err}`)), readyTimeoutMs);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (done) return;
      out += d;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const m = ready.exec(out.slice(0, nl).trim());
        out = out.slice(nl + 1);
        if (m) return finish(undefined, m);
      }
    });
    proc.once('exit', (code, signal) => finish(new Error(`${what} exited (code ${String(code)}, signal ${String(signal)}) before listening\n${err}`)));
    proc.once('error', (e) => finish(e));
  });
}

export async function startEmulatorChild(options: EmulatorChildOptions = {}): Promise<EmulatorChild> {
  if (!existsSync(CLI)) throw new Error(`${path.relative(process.cwd(), CLI)} is missing: run \`npm run build\` first (\`npm run bench\` does it)`);
  const { args = [], nodeArgs = [], inheritStderr = false, readyTimeoutMs = 20_000 } = options;
  const child = await spawnUntilReady([...nodeArgs, CLI, 'emulator', '--host', '127.0.0.1', '--port', '0', ...args], LISTEN_RE, { inheritStderr, readyTimeoutMs, what: 'emulator' });
  const [, url, locationId, token] = child.match as unknown as [string, string, string, string];
  return { proc: child.proc, url, locationId, token, stderr: child.stderr, stop: (graceMs = 10_000) => stopProcess(child.proc, graceMs) };
}

/** One call to the emulator's admin routes (`/__emulator...`); throws with the answer on a 4xx or 5xx. */
export async function emulatorAdmin(url: string, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}/__emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}
