/**
 * What a dedup plan costs in requests: `hoop-etl dedup --plan` (the built
 * CLI, its real client over HTTP) against the emulator in a child process,
 * on a location of `--contacts` contacts of which a tenth are a person's
 * second record. Goal: at most ceil(N/500) + 10 requests (the search pages
 * and a constant), however many contacts are duplicates. Before the plan
 * took its before-images from the search hits, it also read every cluster
 * member by id: that count is printed beside the figure for comparison
 * (search pages + contacts in clusters), computed, not measured.
 *
 * The data: people with a name, an email, most with a phone, half with an
 * address and postal code, a fifth with a birth date. A duplicate is the
 * same person typed again with a typo in the email's mailbox; half keep the
 * phone (an exact link), the others lose it and keep the address or birth
 * date (linked by score).
 *
 * Counting: the emulator's own counter (`/__emulator/stats`, every request
 * that reached a route), reset after seeding; the emulator keeps the
 * platform's default limit (100 requests per 10 s).
 *
 * Run, after `npm run build`:
 *   node --import tsx test/bench/dedup-plan-requests.ts [--contacts 10000] [--seed 1]
 * Exits 0 whether or not the goal is met; 1 only when it cannot run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../src/core/random.js';
import { CLI, startEmulatorChild, emulatorAdmin } from './emulator-child.js';
import { recordFigure } from './report.js';

const { values: opts } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
  },
  strict: true,
});

const TOTAL = Number(opts.contacts);
const SEED = Number(opts.seed);
if (!Number.isInteger(TOTAL) || TOTAL < 100 || !Number.isInteger(SEED)) {
  process.stderr.write('dedup-plan-requests: --contacts must be an integer >= 100 and --seed an integer\n');
  process.exit(1);
}
const PAGE = 500;
const GOAL = Math.ceil(TOTAL / PAGE) + 10;

const log = (s: string): void => void process.stderr.write(`${s}\n`);

const prng = seededRandom;

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'Lucas', 'Mia', 'Mateo', 'Amara', 'Kenji', 'Zofia', 'Tariq', 'Ines', 'Bram', 'Leilani', 'Oskar', 'Grace', 'Ada'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'son', 'vak', 'ren', 'do', 'sha', 'bel', 'gor', 'nix', 'pa', 'tu', 'wel', 'zan'];

/** Area codes in service, so that every phone is valid. */
const AREAS = ['212', '415', '312', '617', '206', '303', '404', '512', '702', '718', '213', '305', '602', '615', '503', '971', '919', '704', '801', '816'];

type Seeded = Record<string, unknown>;

function generate(n: number, rnd: () => number): Seeded[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const digits = (k: number): string => Array.from({ length: k }, () => Math.floor(rnd() * 10)).join('');
  const people = Math.round(n * 0.9);
  const out: Seeded[] = [];
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < people; i++) {
    const last = `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`.replace(/^./, (c) => c.toUpperCase());
    const first = pick(FIRST);
    const hasAddress = rnd() < 0.5;
    out.push({
      firstName: first,
      lastName: last,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
      // Unique by the person's number: the area code and exchange come from it, the line is random.
      ...(rnd() < 0.8 && { phone: `+1${AREAS[i % AREAS.length]}${2 + (Math.floor(i / AREAS.length) % 8)}${String(Math.floor(i / AREAS.length / 8) % 100).padStart(2, '0')}${digits(4)}` }),
      ...(hasAddress && { address1: `${1 + Math.floor(rnd() * 999)} ${pick(SYLLABLES)}${pick(SYLLABLES)} Street`, city: 'Springfield', state: 'IL', postalCode: `6${digits(4)}` }),
      ...(rnd() < 0.2 && { dateOfBirth: `19${50 + Math.floor(rnd() * 50)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}` }),
      dateAdded: new Date(start + i * 60_000).toISOString(),
    });
  }
  for (let d = 0; out.length < n; d++) {
    const src = out[Math.floor(rnd() * people)] as Seeded;
    const email = String(src.email);
    const at = email.indexOf('@');
    const k = 1 + Math.floor(rnd() * (at - 2));
    // A typo in the mailbox: two letters swapped.
    const typo = `${email.slice(0, k)}${email[k + 1]}${email[k]}${email.slice(k + 2)}`;
    const dup: Seeded = { ...src, email: typo, dateAdded: new Date(start + (people + d) * 60_000).toISOString() };
    if (d % 2 === 1 && (src.address1 || src.dateOfBirth)) delete dup.phone;
    out.push(dup);
  }
  return out;
}

const admin = emulatorAdmin;

function runPlan(url: string, token: string, locationId: string, planFile: string): Promise<{ ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'dedup', '--location', locationId, '--plan', planFile],
      { env: { ...process.env, HOOPAI_TOKEN: token, HOOPAI_BASE_URL: url }, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`the plan failed: ${err.message}\n${stdout}\n${stderr}`));
        log(stdout.trim());
        resolve({ ms: performance.now() - t0 });
      },
    );
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'hoop-dedup-plan-requests-'));
  const emu = await startEmulatorChild().catch((e: unknown) => {
    rmSync(work, { recursive: true, force: true });
    throw e;
  });
  try {
    const { url, locationId, token } = emu;
    const contacts = generate(TOTAL, prng(SEED));
    log(`seeding ${TOTAL.toLocaleString('en-US')} contacts (${TOTAL - Math.round(TOTAL * 0.9)} of them a person's second record)...`);
    for (let i = 0; i < contacts.length; i += 5000) await admin(url, 'POST', `/locations/${locationId}/contacts`, { contacts: contacts.slice(i, i + 5000) });
    await admin(url, 'POST', '/stats/reset');

    const planFile = path.join(work, 'plan.json');
    const { ms } = await runPlan(url, token, locationId, planFile);
    const stats = await admin(url, 'GET', '/stats');
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    const requests = stats.requests as number;
    const pages = (stats.byOperation['search-contacts-advanced'] as number | undefined) ?? 0;
    const byOperation = Object.entries(stats.byOperation as Record<string, number>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    const before = pages + (plan.summary.contactsInClusters as number);

    console.log(`dedup plan requests: ${TOTAL} contacts, seed ${SEED}`);
    console.log(`requests:                    ${requests} (${byOperation}); goal <= ceil(${TOTAL}/${PAGE}) + 10 = ${GOAL}`);
    console.log(`clusters:                    ${plan.summary.clusters} holding ${plan.summary.contactsInClusters} contacts`);
    console.log(`one GET per member would be: ${before} requests`);
    console.log(`plan took:                   ${(ms / 1000).toFixed(1)} s (the CLI, start to end)`);
    recordFigure({
      bench: 'dedup-plan-requests',
      figure: 'requests',
      label: `requests of a dedup plan of ${TOTAL.toLocaleString('en-US')} contacts (10% a person's second record); goal ceil(N/${PAGE}) + 10`,
      value: requests,
      unit: 'requests',
      goal: GOAL,
      comparator: '<=',
      note: `${byOperation}; ${plan.summary.clusters} clusters holding ${plan.summary.contactsInClusters} contacts, which one GET per member (the plan before search-only before-images) would have made ${before} requests`,
      digits: 0,
    });
    recordFigure({
      bench: 'dedup-plan-requests',
      figure: 'plan-seconds',
      label: `dedup plan of ${TOTAL.toLocaleString('en-US')} contacts, the CLI start to end (emulator limit 100 requests / 10 s)`,
      value: ms / 1000,
      unit: 's',
      digits: 1,
    });
  } finally {
    await emu.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`dedup-plan-requests: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
