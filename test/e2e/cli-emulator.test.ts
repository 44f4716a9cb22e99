import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';

/** The built CLI, as a user or a script runs it (npm test builds first). */

const CLI = join(process.cwd(), 'dist/cli/main.js');
const LINE = /^HoopAI emulator listening on (http:\/\/127\.0\.0\.1:\d+) location=([A-Za-z0-9]{20}) token=(\S+)$/;
const tmp = mkdtempSync(join(tmpdir(), 'hoop-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  locationId: string;
  token: string;
  exited: Promise<number | null>;
}

async function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited ${code} before listening`)));
  });
  const m = LINE.exec(first);
  if (!m) throw new Error(`unexpected first line: ${first}`);
  return { child, url: m[1]!, locationId: m[2]!, token: m[3]!, exited };
}

describe('hoop-etl emulator', () => {
  it('prints the documented first line, serves the API, and stops cleanly on SIGTERM', async () => {
    const emu = await startCli([]);
    expect(emu.locationId).toBe('hoopDemoLocation0001');
    const r = await call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, email: 'cli@example.com' } });
    expect(r.status).toBe(201);
    emu.child.kill('SIGTERM');
    expect(await emu.exited).toBe(0);
  });

  it('stops cleanly on SIGINT too', async () => {
    const emu = await startCli(['--location', 'abcdefghijABCDEFGHIJ', '--token', 'pit-custom']);
    expect([emu.locationId, emu.token]).toEqual(['abcdefghijABCDEFGHIJ', 'pit-custom']);
    emu.child.kill('SIGINT');
    expect(await emu.exited).toBe(0);
  });

  it('keeps state across restarts with --data', async () => {
    const data = join(tmp, 'state.sqlite');
    const a = await startCli(['--data', data]);
    const created = await call(a, 'POST', '/contacts/', { body: { locationId: a.locationId, email: 'kept@example.com', tags: ['x'] } });
    await call(a, 'POST', `/contacts/${created.body.contact.id}/notes`, { body: { body: 'a note' } });
    a.child.kill('SIGTERM');
    await a.exited;
    const b = await startCli(['--data', data]);
    const got = await call(b, 'GET', `/contacts/${created.body.contact.id}`);
    expect(got.body.contact).toMatchObject({ email: 'kept@example.com', tags: ['x'] });
    const notes = await call(b, 'GET', `/contacts/${created.body.contact.id}/notes`);
    expect(notes.body.notes).toHaveLength(1);
    b.child.kill('SIGTERM');
    await b.exited;
  });

  it('loads --seed contacts from a CSV', async () => {
    const seed = join(tmp, 'seed.csv');
    writeFileSync(seed, '\uFEFFFirst Name,Last Name,Email,Phone,Tags\nAda,Lovelace,ada@example.com,(212) 555-0170,"vip, speaker"\nAlan,Turing,alan@example.com,,\n');
    const emu = await startCli(['--seed', seed]);
    const r = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 10 } });
    expect(r.body.total).toBe(2);
    const dup = await call(emu, 'GET', `/contacts/search/duplicate?locationId=${emu.locationId}&number=%2B12125550170`);
    expect(dup.body.contact).toMatchObject({ firstName: 'Ada', tags: ['vip', 'speaker'] });
    emu.child.kill('SIGTERM');
    await emu.exited;
  });

  it.each([
    [['--fail-rate', '2'], 'Expected --fail-rate to be a number between 0 and 1, got 2'],
    [['--location', 'short'], "Expected --location to be a 20-character [A-Za-z0-9] id, got 'short'"],
    [['--unique-identifiers', 'email,fax'], 'Expected --unique-identifiers to list email and/or phone'],
    [['--bogus'], 'Unknown argument: bogus'],
  ])('refuses %j with exit 2 and one clear line, no stack trace', (args, message) => {
    const r = spawnSync(process.execPath, [CLI, 'emulator', '--port', '0', ...args], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad seed file with exit 2 naming the file and line', () => {
    const seed = join(tmp, 'bad-seed.csv');
    writeFileSync(seed, 'Email,Phone\na@example.com,2125550100\nb@example.com,12\n');
    const bad = spawnSync(process.execPath, [CLI, 'emulator', '--port', '0', '--seed', seed], { encoding: 'utf8', timeout: 10_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`Cannot seed contact: phone must be a valid phone number (${seed} line 3)`);
    const missing = spawnSync(process.execPath, [CLI, 'emulator', '--port', '0', '--seed', join(tmp, 'none.csv')], { encoding: 'utf8', timeout: 10_000 });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('Cannot read seed file: ENOENT');
  });

  it('does not seed twice into a --data file that already holds contacts', async () => {
    const seed = join(tmp, 'once.csv');
    const data = join(tmp, 'once.sqlite');
    writeFileSync(seed, 'Email\nonce@example.com\n');
    for (let i = 0; i < 2; i++) {
      const emu = await startCli(['--seed', seed, '--data', data]);
      const r = await call(emu, 'POST', '/contacts/search', { body: { locationId: emu.locationId, pageLimit: 10 } });
      expect(r.body.total).toBe(1);
      emu.child.kill('SIGTERM');
      await emu.exited;
    }
  });

  it('exits 2 when the port is taken', async () => {
    const emu = await startCli([]);
    const port = new URL(emu.url).port;
    const r = spawnSync(process.execPath, [CLI, 'emulator', '--port', port], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Port already in use');
    emu.child.kill('SIGTERM');
    await emu.exited;
  });
});

describe('hoop-etl', () => {
  it('has --help for every command', () => {
    for (const cmd of [[], ['emulator'], ['demo']]) {
      const r = spawnSync(process.execPath, [CLI, ...cmd, '--help'], { encoding: 'utf8' });
      expect(r.status, cmd.join(' ')).toBe(0);
      expect(r.stdout).toContain('hoop-etl');
    }
  });

  it('exits 2 on an unknown command', () => {
    const r = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
  });

  it('runs the demo end to end', () => {
    const r = spawnSync(process.execPath, [CLI, 'demo', '--report-dir', join(tmp, 'demo-runs')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Dry run of 6 rows: 5 contacts (3 to create, 2 to update, 0 unchanged), 1 row merged in the file, 0 rows failing');
    expect(r.stdout).toContain('The real run would spend about 13 requests');
    expect(r.stdout).toContain('Imported 6 rows: 3 created, 2 updated, 0 unchanged, 1 merged into another row, 0 failed.');
    expect(r.stdout).toContain('Ada Lovelace: [existing-customer, vip, newsletter, hoop-etl-demo, speaker]');
    expect(r.stdout).toContain('Grace Hopper: [conference-2025, newsletter, hoop-etl-demo]');
    // Then it cleans up two duplicates another tool left (Alan by phone, Kathy by email in other case).
    expect(r.stdout).toContain('2 duplicate clusters (2 by exact email or phone, 0 fuzzy), 4 contacts in them');
    expect(r.stdout).toMatch(/Applied 2 clusters: 2 merged, 0 skipped as changed since the plan, 0 failed; 2 contacts deleted/);
    // It ends with an export of the location: the 5 contacts, tags sorted in their cell, the duplicates' tags kept.
    expect(r.stdout).toMatch(/hoopDemoLocation0001: 5 contacts -> .*demo-export-.*\.csv/);
    const file = /-> (\S+demo-export-\S+\.csv)/.exec(r.stdout)![1]!;
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe('firstName,lastName,email,phone,companyName,tags');
    expect(lines).toContain(`Ada,Lovelace,ada@analytical.example,'+14155550101,Analytical Engines,"existing-customer, hoop-etl-demo, newsletter, speaker, vip"`);
    expect(lines).toContain(`Alan,Turing,alan@bletchley.example,'+14155550103,Bletchley Park,"hoop-etl-demo, old-crm, prospect"`);
    expect(lines.filter((l) => l !== '')).toHaveLength(6);
  });
});
