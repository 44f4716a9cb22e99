import { spawn, execFile } from 'node:child_process';
import { readFileSync, writeFileSync, appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI, e2eHarness, envFor, runCli, type CliRun } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * Stopping and resuming as people expect, end to end: Ctrl-C during an import
 * and during a dedup apply lets the requests in flight finish, prints the run
 * id and the whole command that continues it, and exits 130; that command,
 * run as printed, finishes the job with every row in exactly one outcome
 * file; `--resume <id>` alone is enough, and a changed file is refused.
 */

const { emulator, freshDir, track } = e2eHarness('stop-resume');

const ROWS = 120;

function writeContactsCsv(file: string): void {
  const lines = ['Email,First Name,Last Name,Phone,Tags'];
  for (let i = 0; i < ROWS; i++) lines.push(`person${i}@example.com,Person${i},Walker,+1415555${String(1000 + i)},migrated`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Runs the CLI, sends SIGINT once the emulator has answered `after` requests, and resolves with how it ended. */
function interruptAfter(emu: RunningEmulator & { requests: () => number }, args: string[], env: NodeJS.ProcessEnv, after: number): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setInterval(() => {
      if (emu.requests() >= after) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 5);
    child.on('exit', (status, signal) => {
      clearInterval(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** An emulator whose requests are slow enough to be stopped in the middle, counting the API requests it was asked. */
async function slowEmulator(): Promise<RunningEmulator & { requests: () => number }> {
  let count = 0;
  const emu = await emulator({ faults: { latencyMs: 40 }, onRequest: (_op, n) => void (count = n) });
  return Object.assign(emu, { requests: () => count });
}

/** The printed command, run by a shell as a user would paste it, from the project folder. */
function runPrinted(command: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number }) | null;
      resolve({ status: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: null, stdout, stderr });
    });
  });
}

function continueLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('To continue: '));
  expect(line, stderr).toBeDefined();
  return line!.slice('To continue: '.length);
}

function csvRecords(file: string): string[] {
  return readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
}

describe('Ctrl-C during an import', () => {
  it('lets the writes in flight finish, prints the run id and the command that continues it, exits 130; that command finishes the import', async () => {
    const emu = await slowEmulator();
    const dir = freshDir('import');
    const csv = join(dir, 'people.csv');
    writeContactsCsv(csv);
    const reports = join(dir, 'runs');
    const env = envFor(emu);
    const stopped = await interruptAfter(emu, ['import', csv, '--location', emu.locationId, '--report-dir', reports, '--concurrency', '4'], env, 25);
    expect(stopped.status, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('Stopping (SIGINT)');
    const runId = readdirSync(reports)[0]!;
    expect(stopped.stderr).toContain(`Import stopped: interrupted by SIGINT. Nothing is lost: continue with --resume ${runId}`);
    const command = continueLine(stopped.stderr);
    // Runs as printed from the project folder: no bare hoop-etl, which a fresh clone does not have on PATH.
    expect(command).toBe(`npx hoop-etl import ${csv} --location ${emu.locationId} --report-dir ${reports} --concurrency 4 --resume ${runId}`);
    const loc = emu.store.location(emu.locationId)!;
    const landedAtStop = loc.contacts.size;
    expect(landedAtStop).toBeGreaterThan(0);
    expect(landedAtStop).toBeLessThan(ROWS);
    // Every contact written before the stop is journalled: its row is in succeeded.csv already.
    const summary = JSON.parse(readFileSync(join(reports, runId, 'summary.json'), 'utf8')) as { stopped?: string };
    expect(summary.stopped).toBe('interrupted by SIGINT');
    expect(csvRecords(join(reports, runId, 'succeeded.csv'))).toHaveLength(landedAtStop);

    const resumed = await runPrinted(command, env);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Imported ${ROWS} rows: ${ROWS} created`);
    expect(loc.contacts.size).toBe(ROWS);
    expect(csvRecords(join(reports, runId, 'succeeded.csv'))).toHaveLength(ROWS);
    expect(csvRecords(join(reports, runId, 'failed.csv'))).toHaveLength(0);
  }, 120_000);

  it('continues with --resume <id> alone: the file, pipeline and location come from the run; a changed file is refused with the reason', async () => {
    const emu = await slowEmulator();
    const dir = freshDir('alone');
    const csv = join(dir, 'people.csv');
    writeContactsCsv(csv);
    const pipeline = join(dir, 'people.yaml');
    writeFileSync(pipeline, ['job: import', 'source:', '  file: people.csv', 'mapping:', '  email: Email', '  firstName: First Name', '  lastName: Last Name', '  phone: Phone', 'tags:', '  add: [from-pipeline]', ''].join('\n'));
    const reports = join(dir, 'runs');
    const env = envFor(emu);
    const stopped = await interruptAfter(emu, ['import', '--pipeline', pipeline, '--location', emu.locationId, '--report-dir', reports], env, 20);
    expect(stopped.status, stopped.stderr).toBe(130);
    const runId = readdirSync(reports)[0]!;

    // A changed pipeline is refused, naming what changed; nothing is sent.
    const before = emu.requests();
    const original = readFileSync(pipeline, 'utf8');
    writeFileSync(pipeline, original.replace('from-pipeline', 'other-tag'));
    const refused = await runCli(['import', '--resume', runId, '--report-dir', reports], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`Run ${runId} cannot continue: ${pipeline} changed since the run started`);
    writeFileSync(pipeline, original);
    // So is a changed source file.
    appendFileSync(csv, 'late@example.com,Late,Comer,,\n');
    const changed = await runCli(['import', '--resume', runId, '--report-dir', reports], env);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toContain(`${csv} changed since the run started (its contents differ)`);
    writeContactsCsv(csv);
    expect(emu.requests()).toBe(before);

    const resumed = await runCli(['import', '--resume', runId, '--report-dir', reports], env);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Imported ${ROWS} rows: ${ROWS} created`);
    const contacts = [...emu.store.location(emu.locationId)!.contacts.values()];
    expect(contacts).toHaveLength(ROWS);
    expect(contacts.every((c) => c.tags.includes('from-pipeline'))).toBe(true);
  }, 120_000);

  it('says which run is missing when --resume names none, and what a first run needs', async () => {
    const emu = await emulator();
    const dir = freshDir('missing');
    const env = envFor(emu);
    const none = await runCli(['import', '--resume', '20990101T000000-aaaaaa', '--report-dir', join(dir, 'runs')], env);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`no import run 20990101T000000-aaaaaa in ${join(dir, 'runs')}`);
    const bare = await runCli(['import', '--location', emu.locationId], env);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('name the CSV file to import, or a pipeline that names it (or continue a run with --resume <run-id>)');
  }, 60_000);
});

describe('Ctrl-C during a dedup apply', () => {
  it('stops after the clusters in flight, prints the resume command without the plan flags, exits 130; the command finishes the merge', async () => {
    const emu = await slowEmulator();
    const dir = freshDir('dedup');
    // 30 people, each twice: the same email in two cases, one with a phone.
    const contacts = [];
    for (let i = 0; i < 30; i++) {
      contacts.push({ firstName: `Dana${i}`, lastName: 'Okafor', email: `dana.okafor${i}@example.com`, tags: ['first'] });
      contacts.push({ firstName: `Dana${i}`, lastName: 'Okafor', email: `DANA.OKAFOR${i}@EXAMPLE.COM`, phone: `+1312555${String(2000 + i)}`, tags: ['second'] });
    }
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts?allowDuplicates=true`, { contacts });
    const env = envFor(emu);
    const planFile = join(dir, 'plan.json');
    const planned = await runCli(['dedup', '--plan', planFile, '--location', emu.locationId], env);
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('30 duplicate clusters');
    const reports = join(dir, 'runs');
    const stopped = await interruptAfter(emu, ['dedup', '--apply', planFile, '--yes', '--report-dir', reports, '--concurrency', '2'], env, emu.requests() + 20);
    expect(stopped.status, stopped.stderr).toBe(130);
    const runId = readdirSync(reports)[0]!;
    const command = continueLine(stopped.stderr);
    expect(command).toBe(`npx hoop-etl dedup --report-dir ${reports} --concurrency 2 --resume ${runId}`);
    const loc = emu.store.location(emu.locationId)!;
    expect(loc.contacts.size).toBeGreaterThan(30);

    const resumed = await runPrinted(command, env);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(loc.contacts.size).toBe(30);
    for (const c of loc.contacts.values()) expect([...c.tags].sort()).toEqual(['first', 'second']);
  }, 180_000);
});
