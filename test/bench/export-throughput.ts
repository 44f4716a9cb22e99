/**
 * Export benchmark: how close `hoop-etl export` runs to what the rate limit
 * allows, and how much memory it needs.
 *
 * The emulator runs in one child process, the exporter (the built CLI) in
 * another, timed by /usr/bin/time for its peak RSS. Two runs:
 *   1. 200,000 contacts, limit 100 requests per 1,000 ms: contacts/s divided
 *      by (limit x 500 contacts per page). Goal at least 0.9; peak RSS at most
 *      150 MB.
 *   2. 1,000,000 contacts, no limit: peak RSS at most 150 MB (memory flat
 *      however many contacts are exported).
 *
 * Run: `npm run bench` or, after `npm run build`,
 *   node --import tsx test/bench/export-throughput.ts [--contacts 200000] [--big 1000000]
 * All traffic is on 127.0.0.1; files go to a temporary folder that is removed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI as cli, startEmulatorChild, emulatorAdmin } from './emulator-child.js';
import { recordFigure } from './report.js';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '200000' },
    big: { type: 'string', default: '1000000' },
    max: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '1000' },
  },
});
const CONTACTS = Number(values.contacts);
const BIG = Number(values.big);
const MAX = Number(values.max);
const INTERVAL = Number(values['interval-ms']);
const PAGE = 500;

const work = mkdtempSync(path.join(os.tmpdir(), 'hoop-export-bench-'));

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function contact(i: number): Record<string, unknown> {
  return {
    firstName: `First${i}`,
    lastName: `Last${i}`,
    email: `export.bench${i}@example.com`,
    phone: `+1415${2_000_000 + i}`,
    companyName: `Company ${i % 997}`,
    city: 'San Francisco',
    source: 'bench',
    tags: ['bench', `grp-${i % 50}`],
    // Many contacts share a timestamp: the cursor's id tie-break is exercised too.
    dateAdded: Date.UTC(2026, 0, 1) + Math.floor(i / 7) * 1000,
  };
}

const admin = emulatorAdmin;

async function seed(url: string, locationId: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 5000) {
    const contacts = [];
    for (let i = start; i < Math.min(to, start + 5000); i++) contacts.push(contact(i));
    await admin(url, 'POST', `/locations/${locationId}/contacts`, { contacts });
  }
}

interface ExportRun {
  contacts: number;
  elapsedMs: number;
  contactsPerSecond: number;
  peakRssMb: number;
  requests: number;
}

/** The built CLI under /usr/bin/time: its own summary for the rate, the kernel's peak RSS for memory. */
function runExport(url: string, token: string, locationId: string, name: string): Promise<ExportRun> {
  const out = path.join(work, `${name}.csv`);
  const reports = path.join(work, `${name}-runs`);
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'PEAK_RSS_KB=%M', process.execPath, cli, 'export', '--location', locationId, '--out', out, '--report-dir', reports],
      { env: { ...process.env, HOOPAI_TOKEN: token, HOOPAI_BASE_URL: url }, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`export failed: ${err.message}\n${stderr}`));
        const kb = Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1]);
        const runDir = readdirSync(reports)[0]!;
        const summary = JSON.parse(readFileSync(path.join(reports, runDir, 'summary.json'), 'utf8'));
        const lines = readFileSync(out, 'utf8').split('\r\n').length - 2;
        if (lines !== summary.exported) return reject(new Error(`the file has ${lines} rows, the summary says ${summary.exported}`));
        log(`  ${name}: ${fmt(summary.exported)} contacts in ${(summary.elapsedMs / 1000).toFixed(1)} s, ${fmt(statSync(out).size / 1e6)} MB file, peak RSS ${fmt(kb / 1024)} MB`);
        rmSync(out);
        resolve({ contacts: summary.exported, elapsedMs: summary.elapsedMs, contactsPerSecond: summary.contactsPerSecond, peakRssMb: kb / 1024, requests: summary.requests });
      },
    );
  });
}

async function main(): Promise<void> {
  const emu = await startEmulatorChild({ args: ['--rate-max', '0', '--daily-limit', '0'], nodeArgs: ['--max-old-space-size=16384'], inheritStderr: true }).catch((e: unknown) => {
    rmSync(work, { recursive: true, force: true });
    throw e;
  });
  try {
    const { url, locationId, token } = emu;

    log(`seeding ${fmt(CONTACTS)} contacts...`);
    await seed(url, locationId, 0, CONTACTS);
    await admin(url, 'PATCH', '/config', { rateLimit: { max: MAX, intervalMs: INTERVAL } });
    log(`exporting with a limit of ${MAX} requests per ${INTERVAL} ms...`);
    const limited = await runExport(url, token, locationId, 'limited');
    const ceiling = (MAX / INTERVAL) * 1000 * PAGE;
    const ratio = limited.contactsPerSecond / ceiling;

    let big: ExportRun | undefined;
    if (BIG > CONTACTS) {
      await admin(url, 'PATCH', '/config', { rateLimit: { max: 0 } });
      log(`seeding up to ${fmt(BIG)} contacts...`);
      await seed(url, locationId, CONTACTS, BIG);
      log('exporting with no limit...');
      big = await runExport(url, token, locationId, 'unlimited');
    }

    const rows = [
      ['metric', 'measured', 'goal', 'result'],
      [`contacts/s at ${MAX}/${INTERVAL} ms (${fmt(limited.contacts)} contacts)`, fmt(limited.contactsPerSecond), '', ''],
      [`ratio to limit x ${PAGE} (${fmt(ceiling)}/s)`, ratio.toFixed(3), '>= 0.9', ratio >= 0.9 ? 'met' : 'missed'],
      ['peak RSS, limited run (MB)', fmt(limited.peakRssMb), '<= 150', limited.peakRssMb <= 150 ? 'met' : 'missed'],
      ...(big
        ? [
            [`contacts/s, no limit (${fmt(big.contacts)} contacts)`, fmt(big.contactsPerSecond), '', 'info'],
            [`peak RSS, ${fmt(big.contacts)} contacts (MB)`, fmt(big.peakRssMb), '<= 150', big.peakRssMb <= 150 ? 'met' : 'missed'],
          ]
        : []),
    ];
    const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    process.stdout.write(`\nhoop-etl export benchmark (${os.cpus().length} cores, Node ${process.version})\n`);
    for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padEnd(width[c]!)).join('  ')}\n`);

    const bench = 'export-throughput';
    recordFigure({
      bench,
      figure: 'limited-ratio',
      label: `contacts/s / (limit × ${PAGE} a page), ${fmt(limited.contacts)} contacts`,
      value: ratio,
      unit: 'of limit × 500',
      goal: 0.9,
      comparator: '>=',
      baseline: { what: `emulator's configured limit ${MAX} per ${INTERVAL} ms × ${PAGE} contacts a page`, value: ceiling, unit: 'contacts/s' },
      note: `measured ${fmt(limited.contactsPerSecond)} contacts/s, ${fmt(limited.requests)} requests`,
      digits: 3,
    });
    recordFigure({ bench, figure: 'peak-rss-limited', label: `peak RSS of the export, ${fmt(limited.contacts)} contacts`, value: limited.peakRssMb, unit: 'MB', goal: 150, comparator: '<=', note: '/usr/bin/time %M', digits: 0 });
    if (big) {
      recordFigure({
        bench,
        figure: 'unlimited-contacts-per-s',
        label: `contacts/s with no limit, ${fmt(big.contacts)} contacts`,
        value: big.contactsPerSecond,
        unit: 'contacts/s',
        baseline: { what: `the limited run above`, value: limited.contactsPerSecond, unit: 'contacts/s' },
        ratio: big.contactsPerSecond / limited.contactsPerSecond,
        digits: 0,
      });
      recordFigure({ bench, figure: 'peak-rss-big', label: `peak RSS of the export, ${fmt(big.contacts)} contacts, no limit`, value: big.peakRssMb, unit: 'MB', goal: 150, comparator: '<=', note: '/usr/bin/time %M', digits: 0 });
    }
  } finally {
    emu.proc.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
