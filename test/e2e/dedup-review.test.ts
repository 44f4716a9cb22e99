import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { shellWord } from '../../src/cli/resume-command.js';
import { planFingerprint } from '../../src/dedup/decisions.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI, e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * The review workflow end to end: `hoop-etl dedup --plan --report` writes the
 * page, a person decides on it in a real browser (headless Chromium driven by
 * playwright-core), Save decisions downloads the file, and `--apply
 * --decisions` merges exactly what was approved. Also: review clusters left
 * alone without decisions, another plan's decisions refused, and the question
 * asked on a real terminal (a pseudo-terminal from util-linux `script`)
 * before contacts are deleted.
 */

const { emulator, freshDir, track } = e2eHarness('dedup-review');

const id = (s: string): string => s.padEnd(20, '0');
const ADA1 = id('revAdaOld');
const ADA2 = id('revAdaNew');
const JON1 = id('revJonathan');
const JON2 = id('revJon');
const MARY = id('revMarySmithers');
const MARIA = id('revMariaLopez');
const CARLOS = id('revCarlosLopez');
const TIER = id('cfLoyaltyTier');

const SINGLES = [
  ['Alan', 'Turing', 'alan@bletchley.example', '+441234567890', '1912-06-23'],
  ['Katherine', 'Johnson', 'kj@nasa.example', '+17575550100', '1918-08-26'],
  ['Edsger', 'Dijkstra', 'ewd@tue.example', '+31402470000', '1930-05-11'],
  ['Barbara', 'Liskov', 'liskov@mit.example', '+16175550111', '1939-11-07'],
  ['Donald', 'Knuth', 'knuth@stanford.example', '+16505550112', '1938-01-10'],
  ['Margaret', 'Hamilton', 'mh@apollo.example', '+16175550113', '1936-08-17'],
  ['Linus', 'Torvalds', 'linus@kernel.example', '+15035550114', '1969-12-28'],
  ['Radia', 'Perlman', 'radia@net.example', '+14255550115', '1951-12-18'],
  ['Tim', 'Berners-Lee', 'timbl@w3.example', '+16175550116', '1955-06-08'],
  ['Frances', 'Allen', 'fran@ibm.example', '+19145550117', '1932-08-04'],
  ['John', 'McCarthy', 'jmc@lisp.example', '+16505550118', '1927-09-04'],
  ['Shafi', 'Goldwasser', 'shafi@crypto.example', '+16175550119', '1958-11-14'],
] as const;

/** Three clusters: Ada by email (exact), Jonathan/Jon Smithers by name, street and birth date (fuzzy), the Lopez family landline (review). */
function seedContacts(): Array<Record<string, unknown>> {
  return [
    { id: ADA1, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', city: 'London', dateAdded: '2020-01-01T00:00:00Z' },
    { id: ADA2, firstName: 'ada', lastName: 'lovelace', email: 'ADA@example.com', city: 'Paris', phone: '+14155550101', dateAdded: '2021-06-01T00:00:00Z' },
    {
      id: JON1,
      firstName: 'Jonathan',
      lastName: 'Smithers',
      email: 'jon.smithers@alpha.example',
      address1: '12 Elm Street',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62704',
      dateOfBirth: '1980-04-12',
      dateAdded: '2022-01-01T00:00:00Z',
    },
    {
      id: JON2,
      firstName: 'Jon',
      lastName: 'Smithers',
      email: 'jsmithers@beta.example',
      phone: '+12175550199',
      companyName: '</script><b>"Smithers & Sons"</b>',
      customFields: [{ id: TIER, value: 'gold' }],
      address1: '12 Elm St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62704',
      dateOfBirth: '1980-04-12',
      dateAdded: '2023-01-01T00:00:00Z',
    },
    { id: MARY, firstName: 'Mary', lastName: 'Smithers', address1: '12 Elm Street', city: 'Springfield', state: 'IL', postalCode: '62704', dateOfBirth: '1982-09-30', dateAdded: '2022-02-02T00:00:00Z' },
    { id: MARIA, firstName: 'Maria', lastName: 'Lopez', phone: '+15125550100', address1: '5 Oak Avenue', city: 'Austin', state: 'TX', postalCode: '78701', dateAdded: '2019-04-04T00:00:00Z' },
    { id: CARLOS, firstName: 'Carlos', lastName: 'Lopez', phone: '+15125550100', city: 'Austin', dateAdded: '2020-05-05T00:00:00Z' },
    ...SINGLES.map(([firstName, lastName, email, phone, dateOfBirth], i) => ({
      id: id(`revSingle${String.fromCharCode(65 + i)}`),
      firstName,
      lastName,
      email,
      phone,
      dateOfBirth,
      city: `City ${i}`,
      dateAdded: `2018-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
    })),
  ];
}

async function seededEmulator(): Promise<RunningEmulator> {
  const emu = await emulator();
  await admin(emu, 'POST', `/locations/${emu.locationId}/custom-fields`, { id: TIER, name: 'Loyalty tier', dataType: 'TEXT' });
  await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, { contacts: seedContacts() });
  return emu;
}

interface Location {
  ids: string[];
  deleted: string[];
  byId: Map<string, Record<string, unknown>>;
}

async function location(emu: RunningEmulator): Promise<Location> {
  const r = await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`);
  const contacts = r.contacts as Array<Record<string, unknown>>;
  return { ids: contacts.map((c) => c.id as string).sort(), deleted: [...(r.deleted as string[])].sort(), byId: new Map(contacts.map((c) => [c.id as string, c])) };
}

interface Planned {
  dir: string;
  planFile: string;
  pageFile: string;
  reports: string;
  plan: any;
  exact: string;
  fuzzy: string;
  review: string;
}

/** Plans through the built CLI and names the three clusters by kind. */
async function planned(emu: RunningEmulator, name: string): Promise<Planned> {
  const dir = freshDir(name);
  const planFile = join(dir, 'plan.json');
  const pageFile = join(dir, 'plan.html');
  const r = await runCli(['dedup', '--location', emu.locationId, '--plan', planFile, '--report', pageFile], envFor(emu));
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('3 duplicate clusters (1 by exact email or phone, 1 fuzzy, 1 for a person to review)');
  expect(r.stdout).toContain('A review cluster is merged only when approved on the review page.');
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const bySurvivor = (ids: string[]): any => plan.clusters.find((c: any) => ids.includes(c.survivor) && ids.every((i) => c.ids.includes(i)));
  const exact = bySurvivor([ADA1, ADA2]);
  const fuzzy = bySurvivor([JON1, JON2]);
  const review = bySurvivor([MARIA, CARLOS]);
  expect([exact?.kind, fuzzy?.kind, review?.kind], JSON.stringify(plan.clusters.map((c: any) => [c.id, c.kind, c.ids]))).toEqual(['exact', 'fuzzy', 'review']);
  expect(plan.clusters).toHaveLength(3);
  expect(review.survivor).toBe(MARIA);
  expect(review.review.length).toBeGreaterThan(0);
  return { dir, planFile, pageFile, reports: join(dir, 'runs'), plan, exact: exact.id, fuzzy: fuzzy.id, review: review.id };
}

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`dedup-review: the review page test in headless Chromium is skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(!HAVE_CHROMIUM)('the review page in headless Chromium: decide, save, apply', () => {
  it('rejecting a fuzzy cluster and approving the review cluster merges exactly the approved ones', async () => {
    const { chromium } = await import('playwright-core');
    const emu = await seededEmulator();
    const p = await planned(emu, 'browser');
    const before = await location(emu);

    const profile = mkdtempSync(join(tmpdir(), 'hoop-chromium-'));
    // A fresh profile (--user-data-dir): playwright passes it for a persistent context.
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 20_000,
    });
    let decisionsFile: string;
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('blob:')) problems.push(`request: ${r.url()}`);
      });
      await page.goto(`file://${p.pageFile}`);

      // Review first, then by confidence; titled by names; the data's markup shown as text.
      const order = await page.$$eval('section.cluster', (list) => list.map((s) => s.getAttribute('data-cluster')));
      expect(order[0]).toBe(p.review);
      expect(new Set(order)).toEqual(new Set([p.exact, p.fuzzy, p.review]));
      expect(await page.textContent(`#cluster-${p.review} h2 .title`)).toBe('Maria Lopez · Carlos Lopez');
      expect(await page.textContent(`#cluster-${p.review} .warning.review`)).toContain('A person must decide');
      expect(await page.textContent(`#cluster-${p.fuzzy}`)).toContain('</script><b>"Smithers & Sons"</b>');
      expect(await page.$$eval('b', (list) => list.filter((b) => b.textContent === '"Smithers & Sons"').length)).toBe(0);
      // Custom fields by name, dates as dates.
      expect(await page.textContent(`#cluster-${p.fuzzy} tr[data-field="customFields.${TIER}"] th`)).toBe('Loyalty tier');
      expect(await page.textContent(`#cluster-${p.fuzzy} tr[data-field="dateOfBirth"] td`)).toBe('1980-04-12');
      expect(await page.textContent('#count-approve')).toBe('2');
      expect(await page.textContent('#count-later')).toBe('1');

      await page.check(`#decide-${p.fuzzy}-reject`);
      await page.check(`#decide-${p.review}-approve`);
      expect(await page.getAttribute(`#cluster-${p.fuzzy}`, 'data-decision')).toBe('reject');
      expect([await page.textContent('#count-approve'), await page.textContent('#count-reject'), await page.textContent('#count-later')]).toEqual(['2', '1', '0']);

      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.click('#save')]);
      expect(download.suggestedFilename()).toBe('decisions.json');
      decisionsFile = join(p.dir, 'downloaded-decisions.json');
      await download.saveAs(decisionsFile);
      expect(await page.textContent('#saved')).toContain(`Then run: npx hoop-etl dedup --apply ${p.planFile} --decisions decisions.json`);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }

    const saved = JSON.parse(readFileSync(decisionsFile, 'utf8'));
    expect(saved).toMatchObject({
      kind: 'hoop-etl dedup decisions',
      version: 1,
      location: emu.locationId,
      planCreatedAt: p.plan.createdAt,
      planHash: planFingerprint(p.plan),
      decisions: { [p.exact]: 'approve', [p.fuzzy]: 'reject', [p.review]: 'approve' },
    });
    expect(Object.keys(saved.decisions)).toHaveLength(3);

    const applied = await runCli(['dedup', '--apply', p.planFile, '--decisions', decisionsFile, '--yes', '--report-dir', p.reports], envFor(emu));
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Applied 2 clusters: 2 merged, 0 skipped as changed since the plan, 0 failed; 2 contacts deleted');
    expect(applied.stdout).toContain(`Left out as rejected by the reviewer: 1 (${p.fuzzy}).`);
    expect(applied.stdout).not.toContain('left for review');

    const after = await location(emu);
    expect(after.deleted).toEqual([ADA2, CARLOS].sort());
    expect(after.ids).toEqual(before.ids.filter((i) => i !== ADA2 && i !== CARLOS));
    // The rejected cluster is as it was; the survivors took what the plan said.
    for (const i of [JON1, JON2, MARY]) expect(after.byId.get(i)).toEqual(before.byId.get(i));
    expect(after.byId.get(ADA1)).toMatchObject({ email: 'ada@example.com', phone: '+14155550101', city: 'London' });
    expect(after.byId.get(MARIA)).toMatchObject({ firstName: 'Maria', phone: '+15125550100' });
    // The run folder keeps the decisions it followed and, as its plan, only the clusters it applied.
    const run = join(p.reports, readdirSync(p.reports)[0]!);
    expect(JSON.parse(readFileSync(join(run, 'decisions.json'), 'utf8')).decisions).toEqual(saved.decisions);
    expect(JSON.parse(readFileSync(join(run, 'plan.json'), 'utf8')).clusters.map((c: any) => c.id).sort()).toEqual([p.exact, p.review].sort());
    expect(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).leftOut).toEqual({ skipped: [], rejected: [p.fuzzy], awaitingReview: [] });
  }, 60_000);
});

describe('hoop-etl dedup --apply and review clusters', () => {
  it('without decisions, merges the others, leaves the review cluster and says how to approve it (no terminal: no question)', async () => {
    const emu = await seededEmulator();
    const p = await planned(emu, 'no-decisions');
    const r = await runCli(['dedup', '--apply', p.planFile, '--report-dir', p.reports], envFor(emu));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Type yes');
    expect(r.stdout).toContain('Applied 2 clusters: 2 merged');
    expect(r.stdout).toContain(
      `1 cluster was left for review, not merged (${p.review}): a person must approve it on the plan's review page (--report), click Save decisions, then run npx hoop-etl dedup --apply ${p.planFile} --decisions decisions.json`,
    );
    const after = await location(emu);
    expect(after.deleted).toEqual([ADA2, JON2].sort());
    expect(after.ids).toContain(MARIA);
    expect(after.ids).toContain(CARLOS);
  }, 60_000);

  it('refuses the decisions saved from another plan of the same location, before any request', async () => {
    const emu = await seededEmulator();
    const first = await planned(emu, 'first');
    const second = await planned(emu, 'second');
    expect(second.plan.createdAt).not.toBe(first.plan.createdAt);
    const file = join(first.dir, 'decisions.json');
    writeFileSync(
      file,
      JSON.stringify({ kind: 'hoop-etl dedup decisions', version: 1, location: emu.locationId, planCreatedAt: first.plan.createdAt, planHash: planFingerprint(first.plan), decisions: { [first.review]: 'approve' } }),
    );
    const requests = (await admin(emu, 'GET', '/stats')).requests as number;
    const r = await runCli(['dedup', '--apply', second.planFile, '--decisions', file, '--yes', '--report-dir', second.reports], envFor(emu));
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('saved from the review page of another plan');
    expect(r.stderr).toContain('(at --decisions)');
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(requests);
    expect(existsSync(second.reports)).toBe(false);
    // --decisions and --yes belong to --apply.
    const misplaced = await runCli(['dedup', '--location', emu.locationId, '--plan', join(first.dir, 'x.json'), '--decisions', file], envFor(emu));
    expect(misplaced.status).toBe(2);
    expect(misplaced.stderr).toContain('--decisions goes with --apply');
  }, 60_000);
});

const HAVE_SCRIPT = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!HAVE_SCRIPT) console.warn('dedup-review: the terminal question test is skipped: util-linux `script` is not installed');

interface TtyRun {
  status: number | null;
  output: string;
}

/** Ctrl-D: the end of input as a person at a terminal types it (`script` does not pass on the end of its own input). */
const CTRL_D = '\x04';

/** Runs the built CLI on a pseudo-terminal (stdin and stdout both a TTY), typing `typed`. */
function runOnTerminal(args: string[], env: NodeJS.ProcessEnv, typed: string): Promise<TtyRun> {
  const command = [process.execPath, CLI, ...args].map(shellWord).join(' ');
  return new Promise((resolve) => {
    const child = track(spawn('script', ['-qec', command, '/dev/null'], { env: { ...env, SHELL: '/bin/sh', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (status) => resolve({ status, output: output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') }));
    child.stdin!.end(typed);
  });
}

describe.skipIf(!HAVE_SCRIPT)('hoop-etl dedup --apply on a terminal: the question before deleting', () => {
  it('asks; anything but yes (no, y, Ctrl-D) exits 2 with nothing read or written; yes applies', async () => {
    const emu = await seededEmulator();
    const p = await planned(emu, 'terminal');
    const env = envFor(emu);
    const apply = ['dedup', '--apply', p.planFile, '--report-dir', p.reports];
    const question = `2 contacts will be deleted from location ${emu.locationId} (2 clusters merged; undo with --undo <run-id> after the run). Type yes to continue:`;
    const requests = (await admin(emu, 'GET', '/stats')).requests as number;

    for (const typed of ['no\n', 'y\n', CTRL_D]) {
      const refused = await runOnTerminal(apply, env, typed);
      expect(refused.status, refused.output).toBe(2);
      expect(refused.output).toContain(question);
      expect(refused.output).toContain('Not applied: the answer was not yes; nothing was changed. To apply without the question, add --yes (at --yes)');
    }
    expect((await admin(emu, 'GET', '/stats')).requests).toBe(requests);
    expect(existsSync(p.reports)).toBe(false);
    expect((await location(emu)).deleted).toEqual([]);

    const yes = await runOnTerminal(apply, env, 'yes\n');
    expect(yes.status, yes.output).toBe(0);
    expect(yes.output).toContain(question);
    expect(yes.output).toContain('Applied 2 clusters: 2 merged');
    expect((await location(emu)).deleted).toEqual([ADA2, JON2].sort());
  }, 60_000);

  it('--yes and --no-delete apply on a terminal without asking', async () => {
    const emu = await seededEmulator();
    const p = await planned(emu, 'terminal-flags');
    // Typed: Ctrl-D, which a question would read as no (exit 2).
    const yes = await runOnTerminal(['dedup', '--apply', p.planFile, '--report-dir', p.reports, '--decisions', writeApproveAll(p), '--yes'], envFor(emu), CTRL_D);
    expect(yes.status, yes.output).toBe(0);
    expect(yes.output).not.toContain('Type yes');
    expect(yes.output).toContain('Applied 3 clusters: 3 merged');

    const other = await seededEmulator();
    const q = await planned(other, 'terminal-no-delete');
    const kept = await runOnTerminal(['dedup', '--apply', q.planFile, '--report-dir', q.reports, '--no-delete'], envFor(other), CTRL_D);
    expect(kept.output).not.toContain('Type yes');
    expect(kept.output).toContain('0 contacts deleted, 2 tagged as duplicates');
    expect((await location(other)).deleted).toEqual([]);
  }, 60_000);
});

/** A decisions file approving every cluster of the plan, as the page would save it. */
function writeApproveAll(p: Planned): string {
  const file = join(p.dir, 'approve-all.json');
  const decisions = Object.fromEntries(p.plan.clusters.map((c: any) => [c.id, 'approve']));
  writeFileSync(file, JSON.stringify({ kind: 'hoop-etl dedup decisions', version: 1, location: p.plan.location, planCreatedAt: p.plan.createdAt, planHash: planFingerprint(p.plan), decisions }));
  return file;
}
