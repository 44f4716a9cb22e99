import type { ChildProcess } from 'node:child_process';
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

export { CLI, envFor, runCli, type CliRun } from './cli.js';

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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
