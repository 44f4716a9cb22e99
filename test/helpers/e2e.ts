import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

/**
 * What every end-to-end test file needs: emulators on port 0 closed after each
 * test, spawned CLIs killed if a test failed before its own kill, a scratch
 * folder removed at the end, and the built CLI run asynchronously (never
 * spawnSync: the in-process emulator must answer while the CLI runs).
 * Call `e2eHarness('name')` once at the top of a test file.
 */

export const CLI = join(process.cwd(), 'dist/cli/main.js');

export interface CliRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface E2eHarness {
  /** A real emulator on 127.0.0.1 and a free port; no rate limit unless asked. */
  emulator(options?: EmulatorOptions): Promise<RunningEmulator>;
  /** A new empty folder inside the file's scratch folder. */
  freshDir(name: string): string;
  /** A CLI process the harness kills after the test if it is still running. */
  track(child: ChildProcess): ChildProcess;
}

export function e2eHarness(name: string): E2eHarness {
  const tmp = mkdtempSync(join(tmpdir(), `hoop-${name}-`));
  const emulators: RunningEmulator[] = [];
  const children: ChildProcess[] = [];
  let dirs = 0;
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  return {
    async emulator(options = {}) {
      const emu = await startEmulator({ port: 0, rateLimit: { max: 0 }, log: () => {}, ...options });
      emulators.push(emu);
      return emu;
    },
    freshDir(dirName) {
      const dir = join(tmp, `${dirName}-${++dirs}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    track(child) {
      children.push(child);
      return child;
    },
  };
}

/** The CLI's environment for an emulator: its token and URL, no HOOPAI_LOCATION; `undefined` in `extra` removes a variable. */
export function envFor(emu: RunningEmulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOOPAI_TOKEN: emu.token, HOOPAI_BASE_URL: emu.url, ...extra };
  delete env.HOOPAI_LOCATION;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

/** Runs the built CLI to its end and resolves with its exit status, signal and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: string | null }) | null;
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
