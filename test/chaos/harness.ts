import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { FaultConfig } from '../../src/emulator/faults.js';
import { seededRandom } from '../../src/emulator/faults.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { CLI, runCli, sleep, type CliRun, type E2eHarness } from '../helpers/e2e.js';

/**
 * The chaos suite's shared parts: its settings, the fault mix, a switch that
 * kills a CLI at an exact API request, and an RSS sampler.
 *
 * Settings come from the environment so that `npm run test:chaos` (20 kill
 * points per job, a 50,000-row soak, a seed of its own) and the short version
 * inside `npm test` (a few points, a small soak, a fixed seed) run the same code:
 *   CHAOS_SEED       seed of the kill points and the fault dice (default 20261128)
 *   CHAOS_POINTS     kill points per job (default 2)
 *   CHAOS_SOAK_ROWS  rows of the soak import (default 3000)
 */

export interface ChaosSettings {
  seed: number;
  points: number;
  soakRows: number;
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got '${raw}'`);
  return n;
}

export function chaosSettings(): ChaosSettings {
  return {
    seed: intFromEnv('CHAOS_SEED', 20261128, 0),
    points: intFromEnv('CHAOS_POINTS', 2, 1),
    soakRows: intFromEnv('CHAOS_SOAK_ROWS', 3000, 100),
  };
}

/** Every kind of fault the emulator has, at rates a run meets many times over. */
export function everyFault(seed: number, scale = 1): Partial<FaultConfig> {
  return {
    failRate: 0.03 * scale,
    dropRate: 0.02 * scale,
    ambiguousRate: 0.03 * scale,
    rateLimitRate: 0.01 * scale,
    latencyMs: 2,
    latencyJitterMs: 6,
    spikeRate: 0.01 * scale,
    spikeMs: 300,
    seed,
  };
}

/**
 * `count` kill points as fractions of a run, stratified: point i falls
 * somewhere in the i-th of `count` equal slices of (0, 0.9), so the points cover
 * the run from its first request to near its last whatever the seed. Each point
 * also says whether the resume is killed too (about one in three), and where.
 */
export interface KillPoint {
  index: number;
  /** Where in the run the first kill falls, in (0, 0.9): the last tenth is kept clear, as runs under faults vary in length. */
  at: number;
  /** Where in what is left the resume is killed, in (0, 0.5); none if undefined. */
  again?: number;
  /** For the test's title. */
  label: string;
}

export function killPoints(seed: number, count: number): KillPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const at = ((i + random()) / count) * 0.9;
    const again = random() < 0.35 ? 0.05 + random() * 0.45 : undefined;
    const pct = (f: number) => `${(f * 100).toFixed(1)}%`;
    const label = `point ${i + 1}: killed at ${pct(at)} of the run${again !== undefined ? `, its resume killed at ${pct(again)} of the rest` : ''}`;
    return { index: i + 1, at, ...(again !== undefined ? { again } : {}), label };
  });
}

/** The request a fraction of a run of `requests` requests falls on, at least 1. */
export const requestAt = (fraction: number, requests: number): number => Math.max(1, Math.floor(fraction * requests));

/** What a kill switch saw when it fired. */
export interface Kill {
  operation: string;
  atRequest: number;
}

/**
 * Kills an armed CLI with SIGKILL as the emulator routes the chosen request,
 * before the request is checked or applied: the request itself is then in
 * flight, answered to a dead client.
 */
export class KillSwitch {
  private target: { child: ChildProcess; at: number } | undefined;
  fired: Kill | undefined;
  private emu: RunningEmulator | undefined;

  /** The option to give `startEmulator`. */
  readonly onRequest = (operation: string, count: number): void => {
    const t = this.target;
    if (!t || count < t.at) return;
    this.target = undefined;
    this.fired = { operation, atRequest: count };
    t.child.kill('SIGKILL');
  };

  bind(emu: RunningEmulator): void {
    this.emu = emu;
  }

  /** Kill `child` at its `nth` API request from now (1 = the next one). */
  arm(child: ChildProcess, nth: number): void {
    this.fired = undefined;
    this.target = { child, at: this.emu!.state.routed + nth };
  }

  disarm(): void {
    this.target = undefined;
  }
}

/**
 * An emulator with a kill switch on its requests. No burst limit unless asked,
 * but a window of one second: a forced 429 asks the client to wait a second
 * (the platform's ten would make each run minutes long without testing more).
 */
export async function killableEmulator(h: E2eHarness, options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; killer: KillSwitch }> {
  const killer = new KillSwitch();
  const emu = await h.emulator({ ...options, rateLimit: { max: 0, intervalMs: 1000, ...options.rateLimit }, onRequest: killer.onRequest });
  killer.bind(emu);
  return { emu, killer };
}

export interface Spawned {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => { stdout: string; stderr: string };
}

export function spawnCli(h: E2eHarness, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = h.track(spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/**
 * Runs a CLI and kills it at its `nth` API request. Resolves with how it ended:
 * `killed` false when it finished first (the caller decides whether that may be).
 */
export async function runAndKill(h: E2eHarness, killer: KillSwitch, args: string[], env: NodeJS.ProcessEnv, nth: number): Promise<{ killed: boolean; kill?: Kill; code: number | null; stdout: string; stderr: string }> {
  const s = spawnCli(h, args, env);
  killer.arm(s.child, nth);
  const end = await s.exited;
  killer.disarm();
  await new Promise((r) => setImmediate(r));
  const killed = end.signal === 'SIGKILL';
  return { killed, ...(killed ? { kill: killer.fired } : {}), code: end.code, ...s.output() };
}

/**
 * Resumes until the job ends: exit 1 (a transient stop, e.g. retries used up
 * on a bad streak) is resumed again, up to `attempts` times.
 */
export async function resumeToEnd(args: string[], env: NodeJS.ProcessEnv, attempts = 5): Promise<CliRun & { attempts: number }> {
  let last: CliRun | undefined;
  for (let i = 1; i <= attempts; i++) {
    last = await runCli(args, env, 180_000);
    if (last.status !== 1) return { ...last, attempts: i };
  }
  return { ...last!, attempts };
}

/** Resident set size of a live process in bytes, from /proc; undefined once it has gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until `stop` is called. */
export function sampleRss(pid: number, everyMs = 200): { stop: () => Array<{ t: number; rss: number }> } {
  const samples: Array<{ t: number; rss: number }> = [];
  const start = Date.now();
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push({ t: Date.now() - start, rss });
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export const MB = 1024 * 1024;

export { sleep };
