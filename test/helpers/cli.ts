import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';

/** The built CLI run as a user runs it; free of the test runner, so benches use it too. */

export const CLI = join(process.cwd(), 'dist/cli/main.js');

export interface CliRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The CLI's environment for an emulator: its token and URL, no HOOPAI_LOCATION; `undefined` in `extra` removes a variable. */
export function envFor(emu: RunningEmulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOOPAI_TOKEN: emu.token, HOOPAI_BASE_URL: emu.url, ...extra };
  delete env.HOOPAI_LOCATION;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

/** Runs the built CLI to its end (in `cwd`, default this process's) and resolves with its exit status, signal and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, cwd?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, ...(cwd !== undefined && { cwd }) }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: string | null }) | null;
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

