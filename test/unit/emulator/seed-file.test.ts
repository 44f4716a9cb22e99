import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferDataType, readSeedFile } from '../../../src/emulator/seed-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hoop-seed-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string, ext = 'csv'): string => {
  const p = join(dir, `f${++n}.${ext}`);
  writeFileSync(p, text);
  return p;
};

describe('a custom column without definitions takes its type from its values', () => {
  it.each([
    [['38', '44.5', '-2', '0'], 'NUMERICAL'],
    [['38', '038'], 'TEXT'], // a leading zero is an id or a code, and would not come back the same
    [['1.50'], 'TEXT'],
    [['2025-06-30', '2026-01-15T10:00:00.000Z'], 'DATE'],
    [['2025-13-45'], 'TEXT'],
    [['+442071234567', '+12125550100'], 'PHONE'],
    [['+442071234567', 'ask reception'], 'TEXT'],
    [['one\ntwo', 'three'], 'LARGE_TEXT'],
    [['golf, chess'], 'TEXT'],
    [[], 'TEXT'],
  ])('%j -> %s', (values, type) => {
    expect(inferDataType(values)).toBe(type);
  });
});

describe('export headers', () => {
  const EXPORT = 'id,firstName,email,dndSettings.SMS.status,dateAdded';

  it("reads 'Name (key)' as name and key only where the export would write it so", async () => {
    const data = await readSeedFile(file(`${EXPORT},Referral (referral),Referral (referral_1),Email (email),Size (cm),First Name\n,Ada,ada@example.com,,,a,b,c,12,x\n`));
    expect(data.fields.map((f) => [f.name, f.key])).toEqual([
      ['Referral', 'referral'],
      ['Referral', 'referral_1'],
      ['Email', 'email'],
      ['Size (cm)', 'size_cm'],
      // In our export a custom field may be called "First Name": it is not firstName there.
      ['First Name', 'first_name'],
    ]);
    expect(data.rows[0]!.contact).toMatchObject({ firstName: 'Ada', email: 'ada@example.com' });
  });

  it('in an older seed CSV loose names are standard fields and the rest custom', async () => {
    const data = await readSeedFile(file('First Name,E-mail,Tags,Favourite Colour\nAda,ada@example.com,"vip; speaker",teal\n'));
    expect(data.rows[0]!.contact).toEqual({ firstName: 'Ada', email: 'ada@example.com', tags: ['vip', 'speaker'], customFields: [{ key: 'favourite_colour', value: 'teal' }] });
  });

  it("takes off the ' our CSVs put before formula-like cells, and nothing else", async () => {
    const data = await readSeedFile(file(`${EXPORT},Note\n,Ada,ada@example.com,,,'+1 call back\n,Bob,bob@example.com,,,'quoted\n`));
    expect(data.rows.map((r) => (r.contact.customFields as Array<{ value: unknown }>)[0]!.value)).toEqual(['+1 call back', "'quoted"]);
  });
});

describe('JSON Lines', () => {
  it('custom fields by key or as an object; a key with only empty values defines nothing', async () => {
    const data = await readSeedFile(
      file(
        [
          JSON.stringify({ email: 'a@example.com', customFields: [{ key: 'contact.size', value: 38 }, { key: 'never', value: '' }] }),
          JSON.stringify({ email: 'b@example.com', customFields: { size: 40, colour: 'teal', never: null } }),
        ].join('\n'),
        'jsonl',
      ),
    );
    expect(data.fields.map((f) => [f.key, f.dataType])).toEqual([
      ['size', 'NUMERICAL'],
      ['colour', 'TEXT'],
    ]);
    expect(data.rows.map((r) => r.contact.customFields)).toEqual([
      [{ key: 'size', value: 38 }],
      [{ key: 'size', value: 40 }, { key: 'colour', value: 'teal' }],
    ]);
  });

  it('an id that no --seed-fields definition has is refused naming the line', async () => {
    const f = file(`${JSON.stringify({ email: 'a@example.com' })}\n${JSON.stringify({ email: 'b@example.com', customFields: [{ id: 'abcdefghij0123456789', value: 1 }] })}\n`, 'ndjson');
    await expect(readSeedFile(f)).rejects.toThrow(`Custom field id abcdefghij0123456789 is not in --seed-fields; give its key, or its definitions with --seed-fields (${f} line 2 customFields[0])`);
  });
});
