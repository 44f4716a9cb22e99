import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { CLI, e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * The emulator as a rehearsal copy of a location: a location with every kind
 * of custom field, tags and DND is exported by the built CLI, a new emulator
 * (the built CLI too) is seeded from that file, and exported again. The two
 * files must be the same apart from ids and dates.
 */

const { emulator, freshDir, track } = e2eHarness('emulator-seed');

const LINE = /^HoopAI emulator listening on (http:\/\/127\.0\.0\.1:\d+) location=([A-Za-z0-9]{20}) token=(\S+)$/;

interface Started {
  child: ChildProcess;
  url: string;
  locationId: string;
  token: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const child = track(spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--rate-max', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited ${code} before listening: ${err}`)));
  });
  const m = LINE.exec(first);
  if (!m) throw new Error(`unexpected first line: ${first}`);
  return { child, url: m[1]!, locationId: m[2]!, token: m[3]!, stderr: () => err, exited };
}

async function stop(e: Started): Promise<void> {
  e.child.kill('SIGTERM');
  await e.exited;
}

/** Every custom field type the emulator supports, two fields sharing a name, and one named like a standard column. */
const FIELDS = [
  { name: 'Nickname', dataType: 'TEXT' },
  { name: 'Biography', dataType: 'LARGE_TEXT' },
  { name: 'Shoe Size', dataType: 'NUMERICAL' },
  { name: 'Lifetime Value', dataType: 'MONETORY' },
  { name: 'Renewal Date', dataType: 'DATE' },
  { name: 'Interests', dataType: 'CHECKBOX', picklistOptions: ['golf', 'sailing', 'chess'] },
  { name: 'Channels', dataType: 'MULTIPLE_OPTIONS', picklistOptions: ['email', 'sms', 'post'] },
  { name: 'Tier', dataType: 'SINGLE_OPTIONS', picklistOptions: ['gold', 'silver'] },
  { name: 'Preferred Time', dataType: 'RADIO', picklistOptions: ['morning', 'evening'] },
  { name: 'Assistant Phone', dataType: 'PHONE' },
  { name: 'Referral', dataType: 'TEXT' },
  { name: 'Referral', dataType: 'TEXT' },
  { name: 'Email', dataType: 'TEXT' },
  { name: 'Checklist', dataType: 'TEXTBOX_LIST' },
] as const;

async function realLocation(emu: RunningEmulator): Promise<Map<string, string>> {
  const r = await admin<{ customFields: Array<{ id: string; name: string; fieldKey: string }> }>(emu, 'POST', `/locations/${emu.locationId}/custom-fields`, { customFields: FIELDS });
  const keys = new Map<string, string>();
  r.customFields.forEach((f, i) => keys.set(`${i}`, f.fieldKey));
  const cf = (values: Array<[number, unknown]>) => values.map(([i, value]) => ({ key: keys.get(`${i}`), value }));
  await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
    contacts: [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phone: '+12125550170',
        companyName: 'Analytical, Ltd.',
        address1: '12 St James Square',
        city: 'London',
        postalCode: 'SW1Y 4JH',
        country: 'GB',
        website: 'https://ada.example.com',
        source: 'rehearsal',
        dateOfBirth: '1815-12-10',
        tags: ['vip', 'speaker', 'early adopter'],
        dnd: true,
        dndSettings: { SMS: { status: 'active' }, Email: { status: 'inactive' }, Call: { status: 'permanent' } },
        followers: ['user0000000000000001'],
        additionalEmails: ['ada.l@example.org'],
        dateAdded: '2024-01-02T03:04:05.000Z',
        customFields: cf([
          [0, 'Countess'],
          [1, 'First line.\nSecond line, with a comma; and "quotes".'],
          [2, 38],
          [3, 1250.5],
          [4, '2025-06-30'],
          [5, ['golf', 'chess']],
          [6, ['email']],
          [7, 'gold'],
          [8, 'evening'],
          [9, '+442071234567'],
          [10, 'Babbage'],
          [11, 'Somerville'],
          [12, 'not-an-address'],
          [13, { steps: ['call', 'write'] }],
        ]),
      },
      {
        firstName: 'Alan',
        lastName: 'Turing',
        email: 'alan@example.com',
        tags: ['speaker'],
        dndSettings: { WhatsApp: { status: 'active' } },
        dateAdded: '2024-02-03T04:05:06.000Z',
        customFields: cf([
          [2, 44.5],
          [3, 0],
          [4, '2026-01-15'],
          [5, ['sailing']],
          [7, 'silver'],
        ]),
      },
      { phone: '+13125550199', dateAdded: '2024-03-04T05:06:07.000Z' },
    ],
  });
  return keys;
}

function readRows(path: string): { headers: string[]; rows: Array<Record<string, string>> } {
  const text = readFileSync(path, 'utf8');
  const rows = parse(text, { columns: true, bom: true }) as Array<Record<string, string>>;
  const headers = (parse(text, { bom: true, to_line: 1 }) as string[][])[0]!;
  return { headers, rows };
}

const IDS_AND_DATES = new Set(['id', 'dateAdded', 'dateUpdated', 'lastActivity']);

/** Columns whose cells differ anywhere, ids and dates apart. */
function differingColumns(a: ReturnType<typeof readRows>, b: ReturnType<typeof readRows>): string[] {
  const byEmailOrPhone = (r: Record<string, string>) => r.email || r.phone;
  const other = new Map(b.rows.map((r) => [byEmailOrPhone(r), r]));
  const differ = new Set<string>();
  for (const r of a.rows) {
    const s = other.get(byEmailOrPhone(r));
    for (const h of a.headers) if (!IDS_AND_DATES.has(h) && (s?.[h] ?? '<missing row>') !== r[h]) differ.add(`${h}: ${JSON.stringify(r[h])} -> ${JSON.stringify(s?.[h])}`);
  }
  return [...differ];
}

describe('emulator --seed from an export', () => {
  it('an export seeds a copy whose export is the same file apart from ids and dates, with and without --seed-fields', async () => {
    const dir = freshDir('roundtrip');
    const real = await emulator();
    await realLocation(real);
    const first = join(dir, 'first.csv');
    const fields = join(dir, 'fields.json');
    const r1 = await runCli(['export', '--location', real.locationId, '--out', first, '--fields-out', fields, '--report-dir', join(dir, 'runs')], envFor(real));
    expect(r1.stderr).toBe('');
    expect(r1.status).toBe(0);
    const a = readRows(first);
    // Every field made a column (two Referral fields and the Email field under `name (key)`).
    expect(a.headers).toEqual(expect.arrayContaining(['Nickname', 'Biography', 'Checklist', 'Referral (referral)', 'Referral (referral_1)', 'Email (email)']));
    const realDefs = (await call(real, 'GET', `/locations/${real.locationId}/customFields`)).body.customFields as Array<Record<string, unknown>>;
    expect(JSON.parse(readFileSync(fields, 'utf8')).customFields.map((d: Record<string, unknown>) => d.fieldKey)).toEqual(realDefs.map((d) => d.fieldKey));

    for (const withFields of [true, false]) {
      const copy = await startCli(['--seed', first, ...(withFields ? ['--seed-fields', fields] : [])]);
      try {
        const second = join(dir, `second-${withFields}.csv`);
        const r2 = await runCli(['export', '--location', copy.locationId, '--out', second, '--report-dir', join(dir, 'runs')], {
          ...envFor(real),
          HOOPAI_TOKEN: copy.token,
          HOOPAI_BASE_URL: copy.url,
        });
        expect(r2.status, r2.stderr).toBe(0);
        const b = readRows(second);
        expect(b.headers).toEqual(a.headers);
        expect(b.rows).toHaveLength(a.rows.length);
        expect(differingColumns(a, b)).toEqual([]);
        // The seed keeps ids and dates too, so the files are in fact identical.
        expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));

        const defs = (await call(copy, 'GET', `/locations/${copy.locationId}/customFields`)).body.customFields as Array<Record<string, unknown>>;
        const shape = (d: Record<string, unknown>) => ({ name: d.name, fieldKey: d.fieldKey, dataType: d.dataType, picklistOptions: d.picklistOptions });
        if (withFields) {
          expect(defs.map(shape)).toEqual(realDefs.map(shape));
        } else {
          // Without definitions the types come from the values: the unambiguous ones exactly.
          const type = (name: string) => defs.find((d) => d.name === name)?.dataType;
          expect([type('Shoe Size'), type('Lifetime Value'), type('Renewal Date'), type('Assistant Phone'), type('Biography'), type('Nickname')]).toEqual([
            'NUMERICAL', 'NUMERICAL', 'DATE', 'PHONE', 'LARGE_TEXT', 'TEXT',
          ]);
          expect(defs.map((d) => d.fieldKey)).toEqual(realDefs.map((d) => d.fieldKey));
        }
        // Values are stored typed: a number is a number, options a list.
        const ada = (await admin<{ contacts: Array<Record<string, any>> }>(copy, 'GET', `/locations/${copy.locationId}/contacts`)).contacts.find((c) => c.email === 'ada@example.com')!;
        const value = (name: string) => ada.customFields.find((f: { id: string }) => f.id === defs.find((d) => d.name === name)!.id)?.value;
        expect(value('Shoe Size')).toBe(38);
        expect(value('Lifetime Value')).toBe(1250.5);
        if (withFields) expect(value('Interests')).toEqual(['golf', 'chess']);
        expect(ada.dndSettings).toEqual({ SMS: { status: 'active' }, Email: { status: 'inactive' }, Call: { status: 'permanent' } });
        expect(ada.dnd).toBe(true);
        expect([...ada.tags].sort()).toEqual(['early adopter', 'speaker', 'vip']);
      } finally {
        await stop(copy);
      }
    }
  });

  it('a file of several locations seeds several locations, each with its contacts and fields', async () => {
    const dir = freshDir('locations');
    const real = await emulator();
    await realLocation(real);
    const second = 'secondLocation000002';
    await admin(real, 'POST', '/locations', { id: second });
    await admin(real, 'POST', `/locations/${second}/custom-fields`, { name: 'Branch', dataType: 'SINGLE_OPTIONS', picklistOptions: ['north', 'south'] });
    await admin(real, 'POST', `/locations/${second}/contacts`, { contacts: [{ email: 'grace@example.com', tags: ['navy'], customFields: [{ key: 'branch', value: 'north' }] }] });
    const { token: secondToken } = await admin<{ token: string }>(real, 'POST', '/tokens', { locationId: second });
    const env = (emu: Pick<RunningEmulator, 'url' | 'token'>, token2: string) => ({ ...envFor(real), HOOPAI_BASE_URL: emu.url, HOOPAI_TOKEN: emu.token, [`HOOPAI_TOKEN_${second}`]: token2 });
    const both = join(dir, 'both.csv');
    const fields = join(dir, 'fields.json');
    const r1 = await runCli(['export', '--location', `${real.locationId},${second}`, '--out', both, '--fields-out', fields, '--report-dir', join(dir, 'runs')], env(real, secondToken));
    expect(r1.status, r1.stderr).toBe(0);
    expect(readRows(both).headers[0]).toBe('locationId');

    const copy = await startCli(['--seed', both, '--seed-fields', fields]);
    try {
      const locations = (await admin<{ locations: Array<{ id: string; contacts: number }> }>(copy, 'GET', '/locations')).locations;
      expect(locations.map((l) => [l.id, l.contacts]).sort()).toEqual([[real.locationId, 3], [second, 1]].sort());
      const branch = (await admin<{ contacts: Array<Record<string, any>> }>(copy, 'GET', `/locations/${second}/contacts`)).contacts[0]!;
      expect(branch.email).toBe('grace@example.com');
      const copyToken = (await admin<{ token: string }>(copy, 'POST', '/tokens', { locationId: second })).token;
      const again = join(dir, 'again.csv');
      const r2 = await runCli(['export', '--location', `${real.locationId},${second}`, '--out', again, '--report-dir', join(dir, 'runs')], env(copy, copyToken));
      expect(r2.status, r2.stderr).toBe(0);
      expect(readFileSync(again, 'utf8')).toBe(readFileSync(both, 'utf8'));
      // The second location holds only its own field, with its type.
      const defs = (await call({ url: copy.url, token: copyToken }, 'GET', `/locations/${second}/customFields`)).body.customFields;
      expect(defs.map((d: Record<string, unknown>) => [d.name, d.dataType])).toEqual([['Branch', 'SINGLE_OPTIONS']]);
    } finally {
      await stop(copy);
    }
  });

  it('reads JSON Lines: one contact a line, custom fields by key, types from the values', async () => {
    const dir = freshDir('jsonl');
    const file = join(dir, 'contacts.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ firstName: 'Ada', email: 'ada@example.com', tags: ['vip'], dndSettings: { SMS: { status: 'active' } }, customFields: [{ key: 'contact.shoe_size', value: 38 }, { key: 'nickname', value: 'Countess' }] }),
        '',
        JSON.stringify({ firstName: 'Alan', phone: '+12125550100', customFields: { shoe_size: 44, interests: ['chess', 'golf'] } }),
        JSON.stringify({ email: 'other@example.com', locationId: 'otherLocation0000003' }),
      ].join('\n'),
    );
    const copy = await startCli(['--seed', file]);
    try {
      const list = (await admin<{ contacts: Array<Record<string, any>> }>(copy, 'GET', `/locations/${copy.locationId}/contacts`)).contacts;
      const defs = (await call(copy, 'GET', `/locations/${copy.locationId}/customFields`)).body.customFields as Array<Record<string, any>>;
      expect(defs.map((d) => [d.fieldKey, d.dataType])).toEqual([
        ['contact.shoe_size', 'NUMERICAL'],
        ['contact.nickname', 'TEXT'],
        ['contact.interests', 'MULTIPLE_OPTIONS'],
      ]);
      const byKey = (c: Record<string, any>, key: string) => c.customFields.find((f: { id: string }) => f.id === defs.find((d) => d.fieldKey === key)!.id)?.value;
      const ada = list.find((c) => c.email === 'ada@example.com')!;
      expect([ada.tags, ada.dndSettings, byKey(ada, 'contact.shoe_size'), byKey(ada, 'contact.nickname')]).toEqual([['vip'], { SMS: { status: 'active' } }, 38, 'Countess']);
      const alan = list.find((c) => c.phone === '+12125550100')!;
      expect([byKey(alan, 'contact.shoe_size'), byKey(alan, 'contact.interests')]).toEqual([44, ['chess', 'golf']]);
      expect(list).toHaveLength(2);
      const other = await admin<{ contacts: Array<Record<string, any>> }>(copy, 'GET', '/locations/otherLocation0000003/contacts');
      expect(other.contacts.map((c) => c.email)).toEqual(['other@example.com']);
    } finally {
      await stop(copy);
    }
  });

  it('keeps the older seed CSV working: office-dev seed.csv with its source column', async () => {
    const file = '/work/shared/data/dedup/office-dev/seed.csv';
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    const head = lines[0]!.split(',');
    const copy = await startCli(['--seed', file]);
    try {
      const list = (await admin<{ contacts: Array<Record<string, any>> }>(copy, 'GET', `/locations/${copy.locationId}/contacts`)).contacts;
      expect(list).toHaveLength(lines.length - 1);
      const defs = (await call(copy, 'GET', `/locations/${copy.locationId}/customFields`)).body.customFields;
      expect(defs).toEqual([]);
      const first = Object.fromEntries(head.map((h, i) => [h, lines[1]!.split(',')[i]]));
      const got = list.find((c) => c.source === first.source)!;
      // The emulator answers dates of birth as ISO date-times, as the platform does.
      expect([got.firstName, got.lastName, got.email, got.dateOfBirth]).toEqual([first.firstName, first.lastName, first.email, `${first.dateOfBirth}T00:00:00.000Z`]);
    } finally {
      await stop(copy);
    }
  });
});

describe('emulator --seed refuses bad input with exit 2, naming file, line and column', () => {
  const run = (args: string[]) => runCli(['emulator', '--port', '0', ...args], process.env, 15_000);

  it.each([
    ['a malformed JSON line', 'bad.jsonl', '{"email":"a@example.com"}\n{"email": oops}\n', [], /Seed line is not valid JSON: .* \(.*bad\.jsonl line 2\)/],
    ['a line that is not an object', 'list.ndjson', '{"email":"a@example.com"}\n[1,2]\n', [], /Each seed line must be one contact object \(.*list\.ndjson line 2\)/],
    ['a number column holding text', 'typed.csv', 'email,Shoe Size\na@example.com,38\nb@example.com,big\n', ['fields'], /NUMERICAL custom field 'Shoe Size' expects a number, got "big" \(.*typed\.csv line 3 column 2 'Shoe Size'\)/],
    ['a DND column with an unknown status', 'dnd.csv', 'email,dndSettings.SMS.status\na@example.com,maybe\n', [], /DND status must be active, inactive or permanent, got 'maybe' \(.*dnd\.csv line 2 column 2 'dndSettings.SMS.status'\)/],
    ['an unknown DND channel', 'chan.csv', 'email,dndSettings.Pager.status\na@example.com,active\n', [], /Unknown DND channel 'Pager' .*\(.*chan\.csv line 1 column 2\)/],
    ['a bad locationId', 'loc.csv', 'locationId,email\nshort,a@example.com\n', [], /locationId must be 20 characters .* \(.*loc\.csv line 2 column 1 'locationId'\)/],
  ])('%s', async (_what, name, text, extra, message) => {
    const dir = freshDir('bad');
    const file = join(dir, name);
    writeFileSync(file, text);
    const fields = join(dir, 'fields.json');
    writeFileSync(fields, JSON.stringify({ customFields: [{ name: 'Shoe Size', fieldKey: 'contact.shoe_size', dataType: 'NUMERICAL' }] }));
    const r = await run(['--seed', file, ...(extra.length ? ['--seed-fields', fields] : [])]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('a seed refused half-way leaves nothing in --data, so the next start seeds it whole', async () => {
    const dir = freshDir('half');
    const data = join(dir, 'emu.db');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'email,phone\nfirst@example.com,+12125550100\nsecond@example.com,12\n');
    const r = await run(['--seed', bad, '--data', data]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`Cannot seed contact: phone must be a valid phone number (${bad} line 3)`);
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'email\nfirst@example.com\nsecond@example.com\n');
    const copy = await startCli(['--seed', good, '--data', data]);
    try {
      expect(copy.stderr()).not.toContain('skipped');
      const list = (await admin<{ contacts: Array<Record<string, any>> }>(copy, 'GET', `/locations/${copy.locationId}/contacts`)).contacts;
      expect(list.map((c) => c.email).sort()).toEqual(['first@example.com', 'second@example.com']);
    } finally {
      await stop(copy);
    }
  });

  it('a --seed-fields definition with an unknown data type', async () => {
    const dir = freshDir('bad-fields');
    const file = join(dir, 'seed.csv');
    writeFileSync(file, 'email\na@example.com\n');
    const fields = join(dir, 'fields.json');
    writeFileSync(fields, JSON.stringify({ customFields: [{ name: 'Ok', dataType: 'TEXT' }, { name: 'Colour', dataType: 'COLOUR' }] }));
    const r = await run(['--seed', file, '--seed-fields', fields]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`Custom field 'Colour' has an unknown dataType 'COLOUR' (known: TEXT, LARGE_TEXT`);
    expect(r.stderr).toContain(`(${fields} customFields[1])`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
