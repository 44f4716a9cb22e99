import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { planFingerprint } from '../../src/dedup/decisions.js';
import { e2eHarness, runCli } from '../helpers/e2e.js';
import { hoopEtlInvocation, readmeCommands, readReadme, shellWords, withoutComment } from '../helpers/readme-commands.js';

/**
 * The README's commands are the tool's: every `hoop-etl` command in its shell
 * blocks is accepted by the CLI's own strict parser (no flag or command the
 * tool does not have, no value outside its choices), and the ones a new user
 * runs against a location (import, init, export, dedup, run, api) are run as
 * written, in the README's order, in one folder, against a real emulator
 * standing in for LOC: so the README cannot drift from the tool.
 */

const { emulator, freshDir } = e2eHarness('readme');
const README = readReadme();
const INVOCATIONS = README.map((c) => ({ ...c, call: hoopEtlInvocation(c.text) })).filter((c) => c.call !== undefined);

describe('reading README commands', () => {
  it.each([
    ['npx hoop-etl demo # starts it', 'npx hoop-etl demo'],
    ["hoop-etl export --out 'a#b.csv' # comment", "hoop-etl export --out 'a#b.csv'"],
    ['echo "# not a comment"', 'echo "# not a comment"'],
  ])('withoutComment(%j)', (line, out) => expect(withoutComment(line)).toBe(out));

  it('joins continuation lines and keeps where each command starts', () => {
    const md = ['text', '```sh', 'npx hoop-etl api POST /x \\', "  --data '{\"a\":1}'   # body", 'npm test', '```', '```yaml', 'not: shell', '```'].join('\n');
    expect(readmeCommands(md)).toEqual([
      { text: "npx hoop-etl api POST /x --data '{\"a\":1}'", line: 3 },
      { text: 'npm test', line: 5 },
    ]);
    expect(shellWords("HOOPAI_LOCATION=LOC npx hoop-etl export --columns 'a,E-mail=email' > vip.csv")).toEqual(['HOOPAI_LOCATION=LOC', 'npx', 'hoop-etl', 'export', '--columns', 'a,E-mail=email', '>', 'vip.csv']);
    expect(hoopEtlInvocation('HOOPAI_LOCATION=LOC npx hoop-etl run p.yaml > out.txt')).toEqual({ env: { HOOPAI_LOCATION: 'LOC' }, args: ['run', 'p.yaml'], redirect: 'out.txt' });
    expect(hoopEtlInvocation('npm ci')).toBeUndefined();
  });

  it('finds the README commands of every job', () => {
    const commands = new Set(INVOCATIONS.map((c) => c.call!.args[0]));
    for (const c of ['import', 'init', 'export', 'dedup', 'run', 'auth', 'api', 'emulator', 'demo']) expect(commands, c).toContain(c);
  });
});

describe('every hoop-etl command in README.md', () => {
  it.each(INVOCATIONS.map((c) => [c.line, c.text] as const))('line %i is accepted by the CLI: %s', async (_line, text) => {
    const { args } = hoopEtlInvocation(text)!;
    let parser = yargs([...args]).scriptName('hoop-etl').strict().demandCommand(1).help(false).version(false).exitProcess(false).fail((msg, err) => {
      throw err ?? new Error(msg);
    });
    let ran = '';
    for (const c of COMMANDS) parser = parser.command(c.command, c.describe, c.builder, () => void (ran = c.command));
    await parser.parseAsync();
    expect(ran).not.toBe('');
  });
});

/** Commands a test cannot run as written: a server that keeps running, a browser sign-in, ids of runs that do not exist here. */
function runnableHere(args: readonly string[]): boolean {
  if (['emulator', 'demo', 'auth'].includes(args[0]!)) return false;
  return !args.some((a) => /^\d{8}T\d{6}-[a-z0-9]{6}$/.test(a) || a.startsWith('<') || a === 'all');
}

describe('the README, followed by a new user', () => {
  it('runs every import, init, export, dedup, run and api command as written, in order, against an emulator standing in for LOC', async () => {
    const emu = await emulator({ locations: 3 });
    const [locA, locB] = emu.locations.slice(1).map((l) => l.locationId);
    const dir = freshDir('user');
    // What a user has beside the README: the repository's pipelines and samples, and their own CSV.
    cpSync('pipelines', join(dir, 'pipelines'), { recursive: true });
    cpSync('samples', join(dir, 'samples'), { recursive: true });
    // contacts.csv is the export the README's HubSpot pipeline maps; the others any CSV of contacts.
    cpSync('samples/hubspot-contacts.csv', join(dir, 'contacts.csv'));
    for (const f of ['new-contacts.csv', 'my.csv']) cpSync('samples/demo-contacts.csv', join(dir, f));
    writeFileSync(join(dir, 'search.json'), JSON.stringify({ locationId: emu.locationId, pageLimit: 5 }));
    const substitute = (word: string): string =>
      word
        .replace(/\bLOC_A\b/g, locA!)
        .replace(/\bLOC_B\b/g, locB!)
        .replace(/\bLOC\b/g, emu.locationId)
        .replace(/hoopDemoLocation0001/g, emu.locationId);
    const ran: string[] = [];
    for (const c of INVOCATIONS) {
      const call = c.call!;
      if (!runnableHere(call.args)) continue;
      const args = call.args.map(substitute);
      if (args.includes('decisions.json') && !existsSync(join(dir, 'decisions.json'))) {
        // What the review page saves when the reviewer approves every cluster.
        const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
        const decisions = Object.fromEntries(plan.clusters.map((k: { id: string }) => [k.id, 'approve']));
        writeFileSync(join(dir, 'decisions.json'), JSON.stringify({ kind: 'hoop-etl dedup decisions', version: 1, location: plan.location, planCreatedAt: plan.createdAt, planHash: planFingerprint(plan), decisions }));
      }
      // Each further location's own token, as the README's export section says (HOOPAI_TOKEN_<location>).
      const perLocation = Object.fromEntries(emu.locations.slice(1).map((l) => [`HOOPAI_TOKEN_${l.locationId}`, l.token]));
      const env: NodeJS.ProcessEnv = { ...process.env, ...perLocation, HOOPAI_TOKEN: emu.token, HOOPAI_BASE_URL: emu.url };
      delete env.HOOPAI_LOCATION;
      // The README's '...' stands for the user's own value: here, the emulator's.
      for (const [k, v] of Object.entries(call.env)) env[k] = k === 'HOOPAI_TOKEN' || k === 'HOOPAI_BASE_URL' ? env[k] : substitute(v === '...' ? 'LOC' : v);
      const r = await runCli(args, env, 120_000, dir);
      // 3: the run finished and some rows failed: the samples hold bad rows on purpose.
      expect([0, 3], `README line ${c.line}: ${c.text}\n${r.stderr}`).toContain(r.status);
      if (call.redirect) writeFileSync(join(dir, call.redirect), r.stdout);
      ran.push(args[0]!);
    }
    // The user's path through the README: import, a pipeline, init, export, dedup, api.
    for (const job of ['import', 'run', 'init', 'export', 'dedup', 'api']) expect(ran, job).toContain(job);
    expect(ran.length).toBeGreaterThan(20);
    expect(emu.store.location(emu.locationId)!.contacts.size).toBeGreaterThan(0);
  }, 600_000);
});
