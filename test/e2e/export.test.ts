import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { HoopClient } from '../../src/api/client.js';
import { ContactsApi } from '../../src/api/endpoints.js';
import { parsePipeline, type ExportPipeline } from '../../src/config/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runExport } from '../../src/exporter/export-run.js';
import { CLI, e2eHarness, envFor, runCli, sleep } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * `hoop-etl export` end to end: the real exporter (library and built CLI)
 * against a real emulator over HTTP. Expected rows are written from what the
 * test seeded, never from the exporter's own code.
 */

const { emulator, freshDir, track } = e2eHarness('export');

/**
 * The real client whose searches wait for `gate()` once it is set: a test
 * changes contacts after the first page and holds the later pages until the
 * change is done (the page after the first is already on its way by then).
 */
function gatedApi(api: ContactsApi): { api: ContactsApi; hold: (p: Promise<unknown>) => void; done: () => Promise<unknown> } {
  let gate: Promise<unknown> | undefined;
  const gated = new (class extends ContactsApi {
    override async searchContacts(request: Parameters<ContactsApi['searchContacts']>[0]) {
      await gate;
      return super.searchContacts(request);
    }
  })(api.client);
  return { api: gated, hold: (p) => void (gate ??= p), done: async () => gate };
}

function readCsv(path: string): Array<Record<string, string>> {
  const buf = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  return parse(text, { columns: true, bom: true, relax_quotes: false }) as Array<Record<string, string>>;
}

function apiFor(emu: RunningEmulator, locationId = emu.locationId, token = emu.token): ContactsApi {
  return new ContactsApi(new HoopClient({ baseUrl: emu.url, token, locationId }));
}

/** The pipeline as if run from `dir`: its relative outputs are relative to the working directory, here `dir`. */
function exportPipeline(yaml: string, dir: string): ExportPipeline {
  const p = parsePipeline(yaml, join(dir, 'export.yaml'), {});
  if (p.job !== 'export') throw new Error('not an export');
  const inDir = (path: string): string => (path === '-' || isAbsolute(path) ? path : join(dir, path));
  return { ...p, reportDir: inDir(p.reportDir), export: { ...p.export, out: inDir(p.export.out), ...(p.export.state !== undefined && { state: inDir(p.export.state) }) } };
}

async function seed(emu: RunningEmulator, contacts: object[], locationId = emu.locationId): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < contacts.length; i += 5000) {
    const r = await admin<{ ids: string[] }>(emu, 'POST', `/locations/${locationId}/contacts`, { contacts: contacts.slice(i, i + 5000) });
    ids.push(...r.ids);
  }
  return ids;
}

describe('paging', () => {
  it('exports 25,000 contacts that share one dateAdded exactly once each, past the 10,000-record page cap', async () => {
    const emu = await emulator();
    const dateAdded = '2026-03-01T12:00:00.000Z';
    const n = 25_000;
    const ids = await seed(
      emu,
      Array.from({ length: n }, (_, i) => ({ firstName: `P${i}`, email: `p${i}@same-time.example`, dateAdded })),
    );
    expect(new Set(ids).size).toBe(n);
    await admin(emu, 'POST', '/stats/reset');
    const dir = freshDir('same-time');
    const out = join(dir, 'all.csv');

    const run = await runCli(['export', '--location', emu.locationId, '--out', out, '--report-dir', join(dir, 'runs'), '--columns', 'id,email,dateAdded'], envFor(emu));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const rows = readCsv(out);
    expect(rows).toHaveLength(n);
    const exported = rows.map((r) => r.id);
    expect(new Set(exported).size).toBe(n);
    expect([...exported].sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.dateAdded))).toEqual(new Set([dateAdded]));
    // Not one page number, not one error.
    const stats = await admin<{ byOperation: Record<string, number>; byStatus: Record<string, number> }>(emu, 'GET', '/stats');
    // 50 full pages, the empty page that ends the walk, and one look at the last contact (one timestamp: nothing to split).
    expect(stats.byOperation['search-contacts-advanced']).toBe(52);
    expect(stats.byStatus).toEqual({ 200: 53 });
    expect(run.stdout).toMatch(/25000 contacts/);
    const summary = JSON.parse(readFileSync(join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!, 'summary.json'), 'utf8'));
    expect(summary.exported).toBe(n);
    expect(summary.locations[0].total).toBe(n);
    expect(summary.locations[0].totalMismatch).toBeUndefined();
  }, 120_000);
});

describe('incremental runs', () => {
  it('a contact written while the index lags, or updated during a run, is exported by the next run; unchanged ones are not exported again', async () => {
    const emu = await emulator();
    const api = apiFor(emu);
    const ids = await seed(
      emu,
      Array.from({ length: 1200 }, (_, i) => ({ firstName: `Old${i}`, email: `c${i}@inc.example`, dateAdded: '2026-10-01T00:00:00.000Z' })),
    );
    const dir = freshDir('incremental');
    const state = join(dir, 'state.json');
    const pipeline = (out: string) => exportPipeline(`job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: ${out}, state: state.json, pageLimit: 100, columns: [id, firstName] }\n`, dir);
    const names = (file: string) => new Map(readCsv(join(dir, file)).map((r) => [r.id!, r.firstName!]));

    // Night 1: everything.
    const first = await runExport({ pipeline: pipeline('n1.csv'), apiFor: () => api });
    expect(first.exported).toBe(1200);
    expect(names('n1.csv').size).toBe(1200);
    const state1 = JSON.parse(readFileSync(state, 'utf8'));
    expect(state1.locations[emu.locationId].watermark).toBe('2026-10-01T00:00:00.000Z');

    // Updated during night 2: one contact the walk has already passed (page 1), one it has not reached yet (page 12).
    // Their new dateUpdated is after the run's start, so they leave its range: the next night owns them.
    // Later pages wait for the updates (page 2 is already on its way when page 1 is written).
    // They share one dateUpdated, so the walk goes in id order (the cursor's tie-break).
    const byId = [...ids].sort();
    const early = byId[0]!;
    const late = byId[1100]!;
    const gated = gatedApi(api);
    const second = await runExport({
      pipeline: pipeline('n2.csv'),
      apiFor: () => gated.api,
      onProgress: () => gated.hold(Promise.all([api.updateContact(early, { firstName: 'EarlyChanged' }), api.updateContact(late, { firstName: 'LateChanged' })])),
    });
    await gated.done();
    // Night 2 looked again at the overlap window before night 1's watermark and left out the 1,199 contacts it
    // had already exported unchanged (early among them, read before it changed); late had left the range. The
    // search had counted 1,200, and the run says why they differ.
    expect(second.exported).toBe(0);
    expect(second.locations[0]!.alreadyExported).toBe(1199);
    expect(second.warnings.join('\n')).toMatch(/counted 1200 contacts but 1199 came through .*changed or deleted during the run; the next incremental run picks up what changed/);
    await sleep(50);

    // A contact written while the index lags: invisible to night 3 (it must not be lost by it).
    await admin(emu, 'PATCH', '/config', { searchLagMs: 60_000 });
    const hidden = byId[500]!;
    await api.updateContact(hidden, { firstName: 'WrittenDuringLag' });
    const third = await runExport({ pipeline: pipeline('n3.csv'), apiFor: () => api });
    // Night 3 sees the two updates of night 2 (indexed before the lag was switched on), not the hidden one.
    expect(names('n3.csv')).toEqual(new Map([[early, 'EarlyChanged'], [late, 'LateChanged']]));
    expect(third.locations[0]!.alreadyExported).toBe(1198);

    // The index catches up; night 4 exports the hidden contact and leaves out what night 3 exported unchanged.
    await admin(emu, 'PATCH', '/config', { searchLagMs: 0 });
    const fourth = await runExport({ pipeline: pipeline('n4.csv'), apiFor: () => api });
    expect(names('n4.csv')).toEqual(new Map([[hidden, 'WrittenDuringLag']]));
    expect(fourth.locations[0]!.alreadyExported).toBe(2);

    // Night 5: nothing changed, nothing exported; the file still has its header.
    const fifth = await runExport({ pipeline: pipeline('n5.csv'), apiFor: () => api });
    expect(fifth.exported).toBe(0);
    expect(readFileSync(join(dir, 'n5.csv'), 'utf8')).toBe('id,firstName\r\n');

    // Across the nights, every contact's latest version was exported.
    const latest = new Map<string, string>();
    for (const f of ['n1.csv', 'n2.csv', 'n3.csv', 'n4.csv', 'n5.csv']) for (const [id, n] of names(f)) latest.set(id, n);
    const truth = await admin<{ contacts: Array<{ id: string; firstName: string }> }>(emu, 'GET', `/locations/${emu.locationId}/contacts`);
    expect(latest).toEqual(new Map(truth.contacts.map((c) => [c.id, c.firstName])));
  }, 60_000);
});

describe('clock skew', () => {
  it('with this machine\'s clock ahead of the platform\'s, a contact updated during a run is written once; the next run has its new version', async () => {
    // The platform's clock is an hour behind ours: a contact updated during the run stays inside the run's range.
    const emu = await emulator({ now: () => Date.now() - 3_600_000 });
    const ids = await seed(emu, Array.from({ length: 300 }, (_, i) => ({ firstName: `S${i}`, email: `s${i}@skew.example`, dateAdded: '2026-10-01T00:00:00.000Z' })));
    const byId = [...ids].sort();
    const api = apiFor(emu);
    const dir = freshDir('skew');
    const pipeline = (out: string) => exportPipeline(`job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: ${out}, state: state.json, pageLimit: 100, columns: [id, firstName] }\n`, dir);
    const gated = gatedApi(api);
    const first = await runExport({
      pipeline: pipeline('a.csv'),
      apiFor: () => gated.api,
      parallel: 1,
      onProgress: () => gated.hold(api.updateContact(byId[0]!, { firstName: 'Moved' })),
    });
    await gated.done();
    const rows = readCsv(join(dir, 'a.csv'));
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.id)).size).toBe(300);
    expect(rows.find((r) => r.id === byId[0])!.firstName).toBe('S' + ids.indexOf(byId[0]!));
    expect(first.exported).toBe(300);
    // The range ended at the platform's clock, an hour behind ours.
    expect(Date.parse(first.locations[0]!.until!)).toBeLessThan(Date.now() - 3_500_000);

    // The platform's Date header has whole seconds: a run whose range ends at it takes changes up to
    // the second before it started, so the next run a second later has the change.
    await sleep(1100);
    const second = await runExport({ pipeline: pipeline('b.csv'), apiFor: () => api, parallel: 1 });
    expect(readCsv(join(dir, 'b.csv'))).toEqual([{ id: byId[0], firstName: 'Moved' }]);
    expect(second.exported).toBe(1);
  }, 60_000);
});

describe('a failed run', () => {
  it('killed in the middle, it leaves the previous file and state untouched; the next run completes', async () => {
    const emu = await emulator({ rateLimit: { max: 4, intervalMs: 1000 } });
    await seed(emu, Array.from({ length: 3000 }, (_, i) => ({ firstName: `K${i}`, email: `k${i}@kill.example` })));
    const dir = freshDir('kill');
    const pipelineFile = join(dir, 'nightly.yaml');
    // Outputs relative to the working directory: the runs below are started in `dir`.
    writeFileSync(pipelineFile, `job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: nightly.csv.gz, gzip: true, state: nightly.state.json, pageLimit: 100 }\n`);
    // Yesterday's file and state.
    writeFileSync(join(dir, 'nightly.csv.gz'), 'yesterday');
    const yesterdayState = `${JSON.stringify({ version: 1, locations: { [emu.locationId]: { watermark: '2020-01-01T00:00:00.000Z', runStartedAt: '2020-01-01T00:00:00.000Z', recent: [] } } })}\n`;
    writeFileSync(join(dir, 'nightly.state.json'), yesterdayState);

    const child = track(spawn(process.execPath, [CLI, 'run', pipelineFile], { env: envFor(emu), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    // At 4 requests a second the 31 pages take about 8 s: kill once the temporary file has grown.
    const tmpFile = () => readdirSync(dir).find((f) => f.endsWith('.tmp'));
    for (let i = 0; i < 200 && !(tmpFile() && statSync(join(dir, tmpFile()!)).size > 0); i++) await sleep(50);
    await sleep(1500);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    expect(readFileSync(join(dir, 'nightly.csv.gz'), 'utf8')).toBe('yesterday');
    expect(readFileSync(join(dir, 'nightly.state.json'), 'utf8')).toBe(yesterdayState);

    // Ctrl-C: the temporary file is removed, the exit code says the run did not finish.
    const interrupted = track(spawn(process.execPath, [CLI, 'run', pipelineFile], { env: envFor(emu), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    interrupted.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // The killed run's temporary file is still there; the new run removes it and writes its own.
    const before = new Set(readdirSync(dir).filter((f) => f.endsWith('.tmp')));
    expect(before.size).toBeGreaterThan(0);
    const ownTmp = () => readdirSync(dir).filter((f) => f.endsWith('.tmp') && !before.has(f));
    for (let i = 0; i < 200 && ownTmp().length === 0; i++) await sleep(50);
    await sleep(500);
    expect(interrupted.exitCode).toBeNull();
    interrupted.kill('SIGINT');
    const code = await new Promise<number | null>((r) => interrupted.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/interrupted by SIGINT.*previous file and state are untouched/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp')), 'neither the killed run\'s temporary file nor its own is left').toEqual([]);
    expect(readFileSync(join(dir, 'nightly.csv.gz'), 'utf8')).toBe('yesterday');
    expect(readFileSync(join(dir, 'nightly.state.json'), 'utf8')).toBe(yesterdayState);

    // The next night finishes: the whole location (updated after 2020), gzipped.
    const done = await runCli(['run', pipelineFile], envFor(emu), 120_000, dir);
    expect(done.status).toBe(0);
    expect(readCsv(join(dir, 'nightly.csv.gz'))).toHaveLength(3000);
    expect(JSON.parse(readFileSync(join(dir, 'nightly.state.json'), 'utf8')).locations[emu.locationId].lastRun.exported).toBe(3000);
  }, 90_000);
});

describe('what the file holds', () => {
  async function customFields(emu: RunningEmulator, locationId = emu.locationId) {
    const r = await admin<{ customFields: Array<{ id: string; name: string; fieldKey: string }> }>(emu, 'POST', `/locations/${locationId}/custom-fields`, {
      customFields: [
        { name: 'Favourite Colour', dataType: 'TEXT', position: 1 },
        { name: 'Score', dataType: 'NUMERICAL', position: 2 },
        { name: 'Interests', dataType: 'MULTIPLE_OPTIONS', position: 3, picklistOptions: ['golf', 'sailing', 'chess'] },
      ],
    });
    return Object.fromEntries(r.customFields.map((f) => [f.name, f.id]));
  }

  it('escapes formulas (or not, when asked), quotes what needs it, and heads custom fields by name', async () => {
    const emu = await emulator();
    const cf = await customFields(emu);
    await seed(emu, [
      {
        firstName: '=HYPERLINK("http://evil.example","click")',
        lastName: '@SUM(1+1)',
        email: 'f1@formula.example',
        companyName: 'Doe, Smith & "Partners"',
        address1: '1 Main St\nSuite 2',
        tags: ['-minus', 'plain'],
        customFields: [
          { id: cf['Favourite Colour'], value: '+blue' },
          { id: cf.Score, value: 42 },
          { id: cf.Interests, value: ['golf', 'chess'] },
        ],
        dateAdded: '2026-01-01T00:00:00.000Z',
      },
      { firstName: 'Plain', lastName: 'Person', email: 'f2@formula.example', phone: '+14155550100', dateAdded: '2026-01-02T00:00:00.000Z' },
    ]);
    const dir = freshDir('formulas');
    const env = envFor(emu);

    const safe = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'safe.csv'), '--report-dir', join(dir, 'runs')], env);
    expect(safe.status).toBe(0);
    const rows = readCsv(join(dir, 'safe.csv'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      firstName: `'=HYPERLINK("http://evil.example","click")`,
      lastName: "'@SUM(1+1)",
      companyName: 'Doe, Smith & "Partners"',
      address1: '1 Main St\nSuite 2',
      tags: "'-minus, plain",
      'Favourite Colour': "'+blue",
      Score: '42',
      Interests: 'golf, chess',
    });
    expect(rows[1]).toMatchObject({ firstName: 'Plain', phone: "'+14155550100", 'Favourite Colour': '', Score: '' });
    const header = readFileSync(join(dir, 'safe.csv'), 'utf8').split('\r\n')[0]!.split(',');
    expect(header.slice(-3)).toEqual(['Favourite Colour', 'Score', 'Interests']);

    const raw = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'raw.csv'), '--no-escape-formulas', '--bom', '--report-dir', join(dir, 'runs')], env);
    expect(raw.status).toBe(0);
    const bytes = readFileSync(join(dir, 'raw.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readCsv(join(dir, 'raw.csv'))[0]).toMatchObject({ firstName: '=HYPERLINK("http://evil.example","click")', 'Favourite Colour': '+blue' });
  }, 60_000);

  it('selects, renames and filters through a pipeline file, custom fields by name', async () => {
    const emu = await emulator();
    const cf = await customFields(emu);
    await seed(emu, [
      { firstName: 'Ann', email: 'ann@sel.example', tags: ['vip'], customFields: [{ id: cf['Favourite Colour'], value: 'blue' }], dateAdded: '2026-01-01T00:00:00.000Z' },
      { firstName: 'Bob', email: 'bob@sel.example', tags: ['vip'], customFields: [{ id: cf['Favourite Colour'], value: 'red' }], dateAdded: '2026-01-02T00:00:00.000Z' },
      { firstName: 'Cy', email: 'cy@sel.example', tags: ['other'], customFields: [{ id: cf['Favourite Colour'], value: 'blue' }], dateAdded: '2026-01-03T00:00:00.000Z' },
      { firstName: 'Di', email: 'di@sel.example', tags: ['vip'], customFields: [{ id: cf['Favourite Colour'], value: 'blue' }], dateAdded: '2026-01-04T00:00:00.000Z' },
    ]);
    const dir = freshDir('select');
    writeFileSync(
      join(dir, 'vip.yaml'),
      [
        'job: export',
        `location: ${emu.locationId}`,
        'reportDir: runs',
        'export:',
        '  out: vip.csv',
        '  columns: [firstName, { field: Favourite Colour, header: Colour }, { field: email, header: E-mail }]',
        '  filter:',
        '    - { field: tags, operator: eq, value: VIP }              # tags are stored lower-case',
        '    - { field: customFields.Favourite Colour, operator: eq, value: blue }',
        '',
      ].join('\n'),
    );
    // Run from `dir`: the pipeline's relative outputs are relative to the working directory.
    const run = await runCli(['run', join(dir, 'vip.yaml')], envFor(emu), 120_000, dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/2 contacts/);
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'vip.csv'), 'utf8')).toBe('firstName,Colour,E-mail\r\nAnn,blue,ann@sel.example\r\nDi,blue,di@sel.example\r\n');

    // The same through flags, to stdout.
    const flags = await runCli(
      ['export', '--location', emu.locationId, '--out', '-', '--columns', 'firstName,Colour=Favourite Colour', '--filter', '{"field":"tags","operator":"eq","value":"other"}', '--report-dir', join(dir, 'runs')],
      envFor(emu),
    );
    expect(flags.status).toBe(0);
    expect(flags.stdout).toBe('firstName,Colour\r\nCy,blue\r\n');
    expect(flags.stderr).toMatch(/Exported 1 contact /);
  }, 60_000);

  it('with extras, estimates their cost first and adds notes and tasks', async () => {
    const emu = await emulator({ rateLimit: { max: 100, intervalMs: 10_000 } });
    await seed(emu, [
      { firstName: 'Noted', email: 'n@x.example', notes: [{ body: 'first call', dateAdded: '2026-01-01T00:00:00Z' }, { body: 'second, "quoted"', dateAdded: '2026-01-02T00:00:00Z' }], tasks: [{ title: 'Call back', dueDate: '2026-02-01T09:00:00Z' }], dateAdded: '2026-01-01T00:00:00Z' },
      { firstName: 'Bare', email: 'b@x.example', dateAdded: '2026-01-02T00:00:00Z' },
    ]);
    const dir = freshDir('extras');
    const run = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'x.csv'), '--columns', 'firstName,notes,tasks', '--extras', 'notes,tasks', '--report-dir', join(dir, 'runs')], envFor(emu));
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/extras \(notes, tasks\) cost 2 requests per contact: about 4 requests for 2 contacts, 1 s at the location's limit of 100 per 10 s/);
    const rows = readCsv(join(dir, 'x.csv'));
    expect(rows).toEqual([
      { firstName: 'Noted', notes: 'first call\n\n---\n\nsecond, "quoted"', tasks: '[ ] Call back (due 2026-02-01T09:00:00.000Z)' },
      { firstName: 'Bare', notes: '', tasks: '' },
    ]);
  }, 60_000);

  it('several locations: one file each, or one file with a locationId column; each with its own token and budget', async () => {
    const emu = await emulator();
    await admin(emu, 'POST', '/locations', { id: 'secondLocation000001' });
    const { token: second } = await admin<{ token: string }>(emu, 'POST', '/tokens', { locationId: 'secondLocation000001' });
    await seed(emu, [{ firstName: 'A1', email: 'a1@one.example' }]);
    await seed(
      emu,
      [
        { firstName: 'B1', email: 'b1@two.example', dateAdded: '2026-01-01T00:00:00Z' },
        { firstName: 'B2', email: 'b2@two.example', dateAdded: '2026-01-02T00:00:00Z' },
      ],
      'secondLocation000001',
    );
    const dir = freshDir('multi');
    const env = envFor(emu, { HOOPAI_TOKEN_secondLocation000001: second });
    const both = `${emu.locationId},secondLocation000001`;

    const split = await runCli(['export', '--location', both, '--out', join(dir, 'c-{location}.csv'), '--columns', 'firstName', '--state', join(dir, 's.json'), '--report-dir', join(dir, 'runs')], env);
    expect(split.stderr).toBe('');
    expect(split.status).toBe(0);
    expect(readFileSync(join(dir, `c-${emu.locationId}.csv`), 'utf8')).toBe('firstName\r\nA1\r\n');
    expect(readFileSync(join(dir, 'c-secondLocation000001.csv'), 'utf8')).toBe('firstName\r\nB1\r\nB2\r\n');
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).locations).sort()).toEqual([emu.locationId, 'secondLocation000001'].sort());

    const one = await runCli(['export', '--location', both, '--out', join(dir, 'all.csv'), '--columns', 'firstName', '--report-dir', join(dir, 'runs')], env);
    expect(one.status).toBe(0);
    const rows = readCsv(join(dir, 'all.csv'));
    expect(rows.map((r) => `${r.locationId}:${r.firstName}`).sort()).toEqual([`${emu.locationId}:A1`, 'secondLocation000001:B1', 'secondLocation000001:B2'].sort());

    // Without a token for the second location, the shared token is refused there: the run fails and writes nothing.
    const refused = await runCli(['export', '--location', both, '--out', join(dir, 'none.csv'), '--report-dir', join(dir, 'runs')], envFor(emu));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Export failed: .*The previous file is untouched\./);
    expect(existsSync(join(dir, 'none.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});

describe('round trip', () => {
  it('an export imported into another location with pipelines/roundtrip.yaml exports to the same file, apart from ids and dates', async () => {
    const emu = await emulator();
    const target = 'roundTripTarget00001';
    await admin(emu, 'POST', '/locations', { id: target });
    const { token: targetToken } = await admin<{ token: string }>(emu, 'POST', '/tokens', { locationId: target });
    // The same custom fields in both locations (their ids differ).
    const fields = {
      customFields: [
        { name: 'Favourite Colour', dataType: 'TEXT', position: 1 },
        { name: 'Score', dataType: 'NUMERICAL', position: 2 },
        { name: 'Interests', dataType: 'MULTIPLE_OPTIONS', position: 3, picklistOptions: ['golf', 'sailing', 'chess'] },
      ],
    };
    const source = await admin<{ customFields: Array<{ id: string; name: string }> }>(emu, 'POST', `/locations/${emu.locationId}/custom-fields`, fields);
    await admin(emu, 'POST', `/locations/${target}/custom-fields`, fields);
    const cf = Object.fromEntries(source.customFields.map((f) => [f.name, f.id]));
    await seed(emu, [
      {
        firstName: 'José',
        lastName: 'Muñoz',
        email: 'jose@rt.example',
        phone: '+34612345678',
        companyName: 'Ejemplo, SL',
        city: 'Madrid',
        country: 'ES',
        tags: ['spain', 'vip'],
        dateOfBirth: '1980-05-17',
        customFields: [
          { id: cf['Favourite Colour'], value: 'blue' },
          { id: cf.Score, value: 1250.5 },
          { id: cf.Interests, value: ['golf', 'chess'] },
        ],
        dateAdded: '2026-01-01T00:00:00Z',
      },
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@rt.example', address1: '12 St James\'s Square', postalCode: 'SW1Y 4JH', website: 'https://ada.example', source: 'referral', tags: ['speaker'], dateAdded: '2026-01-02T00:00:00Z' },
      { firstName: 'Phone', lastName: 'Only', phone: '+14155550123', state: 'CA', timezone: 'America/Los_Angeles', dateAdded: '2026-01-03T00:00:00Z' },
    ]);
    const dir = freshDir('roundtrip');
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    expect((await runCli(['export', '--location', emu.locationId, '--out', a, '--report-dir', join(dir, 'runs')], envFor(emu))).status).toBe(0);

    const imported = await runCli(['import', a, '--location', target, '--pipeline', join(process.cwd(), 'pipelines/roundtrip.yaml'), '--report-dir', join(dir, 'runs')], envFor(emu, { HOOPAI_TOKEN: targetToken }));
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/3 created/);

    expect((await runCli(['export', '--location', target, '--out', b, '--report-dir', join(dir, 'runs')], envFor(emu, { HOOPAI_TOKEN: targetToken }))).status).toBe(0);
    const comparable = (file: string) =>
      readCsv(file)
        .map((r) => {
          const { id: _id, dateAdded: _a, dateUpdated: _u, lastActivity: _l, ...rest } = r;
          return rest;
        })
        .sort((x, y) => (x.email! + x.phone!).localeCompare(y.email! + y.phone!));
    const before = comparable(a);
    expect(before).toHaveLength(3);
    expect(before.find((r) => r.email === 'jose@rt.example')).toMatchObject({ 'Favourite Colour': 'blue', Score: '1250.5', Interests: 'golf, chess' });
    expect(comparable(b)).toEqual(before);
  }, 60_000);
});

describe('mistakes', () => {
  it.each<[string, string[], RegExp]>([
    ['--filter that is not JSON', ['--filter', '{field: tags}'], /--filter is not valid JSON/],
    ['an unknown filter field', ['--filter', '{"field":"contact_name","operator":"eq","value":"x"}'], /export\.filter\[0\]\.field: unknown field 'contact_name' \(did you mean 'contactName'\?\)/],
    ['an operator the field does not take', ['--filter', '{"field":"email","operator":"contains","value":"x"}'], /export\.filter\[0\]\.operator: 'email' takes eq, not_eq, exists, not_exists, not contains/],
    ['an unknown custom field in a filter', ['--filter', '{"field":"customFields.Shoe Size","operator":"eq","value":"x"}'], /unknown custom field 'Shoe Size'.*\(at export\.filter\[0\]\.field\)/],
    ['an unknown column', ['--columns', 'email,frstName'], /unknown field 'frstName' \(did you mean 'firstName'\?\).*\(at export\.columns\[1\]\.field\)/],
    ['since and state together', ['--since', '2026-01-01', '--state', 's.json'], /mutually exclusive|since or state/],
    ['a since that is no date', ['--since', 'yesterday'], /export\.since: 'yesterday' is not an ISO 8601 date/],
    ['a bad overlap', ['--state', 's.json', '--overlap', '5 minutes'], /export\.overlap/],
    ['an unknown extra', ['--extras', 'calls'], /export\.extras\[0\]: expected one of notes, tasks/],
  ])('%s: exit 2 with the setting named, before any search', async (_what, flags, message) => {
    const emu = await emulator();
    const dir = freshDir('mistake');
    await admin(emu, 'POST', '/stats/reset');
    const run = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'x.csv'), '--report-dir', join(dir, 'runs'), ...flags], envFor(emu));
    expect(run.stderr).not.toMatch(/\.tmp/);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
    const stats = await admin<{ byOperation: Record<string, number> }>(emu, 'GET', '/stats');
    expect(stats.byOperation['search-contacts-advanced'] ?? 0).toBe(0);
  }, 30_000);

  it('an output folder that does not exist: exit 2 naming the file, no temporary file named', async () => {
    const emu = await emulator();
    const dir = freshDir('no-folder');
    const out = join(dir, 'missing', 'x.csv');
    const run = await runCli(['export', '--location', emu.locationId, '--out', out, '--report-dir', join(dir, 'runs')], envFor(emu));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`Cannot write ${out}: its folder does not exist (at export.out)`);
    expect(run.stderr).not.toMatch(/\.tmp/);

    // A state file that could not be written at the end stops the run before anything is read.
    const state = join(dir, 'missing', 'state.json');
    const noState = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'x.csv'), '--state', state, '--report-dir', join(dir, 'runs')], envFor(emu));
    expect(noState.status).toBe(2);
    expect(noState.stderr).toContain(`Cannot write the state file ${state}: its folder does not exist (at export.state)`);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });

  it('a damaged state file is a configuration error that names it', async () => {
    const emu = await emulator();
    const dir = freshDir('bad-state');
    writeFileSync(join(dir, 's.json'), '{"version": 1, "locations": ');
    const run = await runCli(['export', '--location', emu.locationId, '--out', join(dir, 'x.csv'), '--state', join(dir, 's.json'), '--report-dir', join(dir, 'runs')], envFor(emu));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/The state file .*s\.json is not valid JSON.*move it away to start over/);
  });
});

describe('ranges walked at once', () => {
  it('a location of many pages is split into time ranges walked together: the same file, row for row, as one walk', async () => {
    const emu = await emulator();
    // Uneven timestamps: bursts of contacts sharing a second, gaps of hours.
    await seed(
      emu,
      Array.from({ length: 6000 }, (_, i) => ({ firstName: `R${i}`, email: `r${i}@ranges.example`, dateAdded: Date.UTC(2026, 0, 1) + Math.floor(i / 40) * (i % 3 === 0 ? 3_600_000 : 1000) })),
    );
    const dir = freshDir('ranges');
    const run = async (parallel: number, name: string) => {
      const pipeline = exportPipeline(`job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: ${name}, pageLimit: 100 }\n`, dir);
      return runExport({ pipeline, apiFor: () => apiFor(emu), parallel });
    };
    const one = await run(1, 'one.csv');
    const four = await run(4, 'four.csv');
    expect(one.exported).toBe(6000);
    expect(four.exported).toBe(6000);
    const a = readFileSync(join(dir, 'one.csv'), 'utf8');
    expect(readFileSync(join(dir, 'four.csv'), 'utf8')).toBe(a);
    expect(new Set(readCsv(join(dir, 'one.csv')).map((r) => r.id)).size).toBe(6000);
    // Split walks end each range with a short page: a few more requests, never a second copy of a page.
    expect(four.locations[0]!.pages).toBeGreaterThan(one.locations[0]!.pages);
    expect(four.locations[0]!.pages).toBeLessThanOrEqual(one.locations[0]!.pages + 5);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // The incremental walk (dateUpdated order, within its since/until range) splits the same way.
    const incremental = async (parallel: number, name: string) => {
      const pipeline = exportPipeline(`job: export\nlocation: ${emu.locationId}\nreportDir: runs\nexport: { out: ${name}.csv, state: ${name}.json, pageLimit: 100 }\n`, dir);
      return runExport({ pipeline, apiFor: () => apiFor(emu), parallel });
    };
    const i1 = await incremental(1, 'inc-one');
    const i4 = await incremental(4, 'inc-four');
    expect(i4.exported).toBe(6000);
    expect(i4.locations[0]!.pages).toBeGreaterThan(i1.locations[0]!.pages);
    expect(readFileSync(join(dir, 'inc-four.csv'), 'utf8')).toBe(readFileSync(join(dir, 'inc-one.csv'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'inc-four.json'), 'utf8')).locations[emu.locationId].watermark).toBe(
      JSON.parse(readFileSync(join(dir, 'inc-one.json'), 'utf8')).locations[emu.locationId].watermark,
    );
  }, 60_000);
});
