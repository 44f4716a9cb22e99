import { describe, expect, it } from 'vitest';
import type { CustomFieldDefinition } from '../../../src/api/types.js';
import { parseColumnsFlag, parseFilterFlag } from '../../../src/cli/commands/export.js';
import { ConfigError, UsageError } from '../../../src/core/errors.js';
import { cellText, planColumns, STANDARD_COLUMNS, type RowSource } from '../../../src/exporter/columns.js';
import { namesCustomField, resolveFilters } from '../../../src/exporter/filters.js';
import { csvLine } from '../../../src/exporter/output.js';
import { splitRange } from '../../../src/exporter/partitions.js';
import { lowerBound, parseState, WatermarkTracker } from '../../../src/exporter/watermark.js';

const def = (id: string, name: string, key: string, dataType = 'TEXT', position = 0): CustomFieldDefinition => ({ id, name, fieldKey: `contact.${key}`, dataType, position, model: 'contact' });

describe('csvLine', () => {
  it.each<[string, string[], boolean, string]>([
    ['plain cells', ['a', 'b', ''], true, 'a,b,\r\n'],
    ['a comma is quoted', ['Doe, Jane'], true, '"Doe, Jane"\r\n'],
    ['quotes are doubled', ['say "hi"'], true, '"say ""hi"""\r\n'],
    ['line breaks are quoted', ['a\nb', 'c\r\nd'], true, '"a\nb","c\r\nd"\r\n'],
    ['= is escaped', ['=1+1'], true, "'=1+1\r\n"],
    ['+ - @ are escaped', ['+1', '-2', '@SUM(A1)'], true, "'+1,'-2,'@SUM(A1)\r\n"],
    ['tab and CR starts are escaped, CR quoted', ['\tx', '\rx'], true, `'\tx,"'\rx"\r\n`],
    ['escaping is off when asked', ['=1+1', '+1'], false, '=1+1,+1\r\n'],
    ['an escaped formula with a comma is quoted after escaping', ['=A1,B1'], true, `"'=A1,B1"\r\n`],
    ['a formula character later in the cell is left', ['a=b', 'x-y'], true, 'a=b,x-y\r\n'],
  ])('%s', (_what, cells, escape, expected) => {
    expect(csvLine(cells, escape)).toBe(expected);
  });
});

describe('cellText', () => {
  it.each<[unknown, string]>([
    [undefined, ''],
    [null, ''],
    ['x', 'x'],
    [3.5, '3.5'],
    [false, 'false'],
    [['a', 'b'], 'a, b'],
    [[], ''],
    [{ k: 1 }, '{"k":1}'],
  ])('%j -> %j', (value, expected) => {
    expect(cellText(value)).toBe(expected);
  });
});

describe('planColumns', () => {
  const defs = [def('cf2', 'Score', 'score', 'NUMERICAL', 2), def('cf1', 'Favourite Colour', 'favourite_colour', 'TEXT', 1), def('cf3', 'Email', 'email_2', 'TEXT', 3)];
  const row = (hit: Record<string, unknown>, locationId = 'L1'): RowSource => ({ hit, locationId });

  it('every standard column, then custom fields by position, with unique readable headers', () => {
    const cols = planColumns({ definitions: defs, extras: [], locationColumn: false });
    const headers = cols.map((c) => c.header);
    expect(headers.slice(0, STANDARD_COLUMNS.length)).toEqual(STANDARD_COLUMNS.map((c) => c.header));
    // "Email" clashes with the standard email column: the key tells them apart.
    expect(headers.slice(STANDARD_COLUMNS.length)).toEqual(['Favourite Colour', 'Score', 'Email (email_2)']);
    expect(headers[0]).toBe('id');
    expect(headers).toContain('dndSettings.SMS.status');
  });

  it('two custom fields sharing a display name are told apart by key', () => {
    const cols = planColumns({ definitions: [def('a', 'Notes', 'notes_a'), def('b', 'Notes', 'notes_b')], extras: [], locationColumn: false });
    expect(cols.slice(STANDARD_COLUMNS.length).map((c) => c.header)).toEqual(['Notes (notes_a)', 'Notes (notes_b)']);
  });

  it('reads standard fields the way an import writes them', () => {
    const cols = planColumns({ definitions: defs, extras: [], locationColumn: true });
    const hit = {
      id: 'c1',
      firstNameRaw: 'José',
      firstNameLowerCase: 'josé',
      lastNameLowerCase: 'muñoz',
      address: '1 Main St',
      tags: ['vip', 'b-list', 'a'],
      dnd: false,
      dndSettings: { SMS: { status: 'permanent' } },
      customFields: [
        { id: 'cf1', value: 'blue' },
        { id: 'cf2', value: 7 },
      ],
    };
    const values = Object.fromEntries(cols.map((c) => [c.header, c.read(row(hit))]));
    expect(values).toMatchObject({
      locationId: 'L1',
      id: 'c1',
      firstName: 'José',
      lastName: 'muñoz',
      address1: '1 Main St',
      tags: 'a, b-list, vip',
      dnd: 'false',
      'dndSettings.SMS.status': 'permanent',
      'dndSettings.Email.status': '',
      'Favourite Colour': 'blue',
      Score: '7',
      'Email (email_2)': '',
    });
    expect(cols[0]!.header).toBe('locationId');
  });

  it('selects and renames columns by field, key, name or id, in the order given', () => {
    const cols = planColumns({
      definitions: defs,
      selection: [{ field: 'email' }, { field: 'Favourite Colour', header: 'Colour' }, { field: 'customFields.score' }, { field: 'cf3' }, { field: 'contact.favourite_colour', header: 'Colour again' }],
      extras: [],
      locationColumn: false,
    });
    expect(cols.map((c) => c.header)).toEqual(['email', 'Colour', 'Score', 'Email (email_2)', 'Colour again']);
    expect(cols[1]!.read(row({ customFields: [{ id: 'cf1', value: 'red' }] }))).toBe('red');
  });

  it.each<[string, { field: string; header?: string }[], RegExp, string]>([
    ['an unknown field, with the nearest name', [{ field: 'emial' }], /unknown field 'emial' \(did you mean 'email'\?\)/, 'export.columns[0].field'],
    ['notes without the extra', [{ field: 'email' }, { field: 'notes' }], /needs extras: \[notes\]/, 'export.columns[1].field'],
    ['one header twice', [{ field: 'email' }, { field: 'phone', header: 'email' }], /the header 'email' is used twice \(also by export.columns\[0\]\)/, 'export.columns[1]'],
  ])('%s is a configuration error naming the setting', (_what, selection, message, path) => {
    let error: unknown;
    try {
      planColumns({ definitions: defs, selection, extras: [], locationColumn: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
    expect((error as Error).message).toMatch(message);
  });
});

describe('resolveFilters', () => {
  const defs = [def('cf1', 'Favourite Colour', 'favourite_colour'), def('cf2', 'Score', 'score', 'NUMERICAL'), def('cf9', 'Skills', 'skills', 'TEXTBOX_LIST')];

  it('turns custom fields named by name or key into ids, lower-cases tag values, keeps the rest', () => {
    const out = resolveFilters(
      [
        { field: 'customFields.Favourite Colour', operator: 'eq', value: 'blue' },
        { group: 'OR', filters: [{ field: 'customFields.contact.score', operator: 'range', value: { gte: 5 } }, { field: 'tags', operator: 'eq', value: 'VIP' }] },
        { field: 'customFields.skills.opt1', operator: 'contains', value: 'ts' },
        { field: 'email', operator: 'exists' },
      ],
      defs,
    );
    expect(out).toEqual([
      { field: 'customFields.cf1', operator: 'eq', value: 'blue' },
      { group: 'OR', filters: [{ field: 'customFields.cf2', operator: 'range', value: { gte: 5 } }, { field: 'tags', operator: 'eq', value: 'vip' }] },
      { field: 'customFields.cf9.opt1', operator: 'contains', value: 'ts' },
      { field: 'email', operator: 'exists' },
    ]);
  });

  it.each<[string, object, RegExp, string]>([
    ['an unknown custom field', { field: 'customFields.Colour', operator: 'eq', value: 'x' }, /unknown custom field 'Colour'/, 'export.filter[0].field'],
    ['an operator its type does not take', { field: 'customFields.score', operator: 'contains', value: '1' }, /'Score' \(NUMERICAL\) takes range, exists, not_exists, eq, not_eq, not contains/, 'export.filter[0].operator'],
    ['a TEXTBOX_LIST field without an option', { field: 'customFields.skills', operator: 'eq', value: 'x' }, /is filtered per option/, 'export.filter[0].operator'],
  ])('%s is a configuration error', (_what, filter, message, path) => {
    let error: unknown;
    try {
      resolveFilters([filter as never], defs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
    expect((error as Error).message).toMatch(message);
  });

  it('knows when definitions are needed', () => {
    expect(namesCustomField([{ field: 'email', operator: 'exists' }])).toBe(false);
    expect(namesCustomField([{ group: 'AND', filters: [{ field: 'customFields.x', operator: 'exists' }] }])).toBe(true);
  });
});

describe('watermark', () => {
  const T = Date.parse('2026-11-27T10:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const MIN = 60_000;

  it.each<[string, Parameters<typeof lowerBound>[0], number | undefined]>([
    ['no state: a full first run', undefined, undefined],
    ['watermark before the run start', { watermark: iso(T - 60 * MIN), runStartedAt: iso(T), recent: [] }, T - 65 * MIN],
    ['run start before the watermark (clock skew)', { watermark: iso(T + MIN), runStartedAt: iso(T), recent: [] }, T - 5 * MIN],
    ['a run that exported nothing keeps its start', { runStartedAt: iso(T), recent: [] }, T - 5 * MIN],
  ])('lowerBound: %s', (_what, prev, expected) => {
    expect(lowerBound(prev, 5 * MIN)).toBe(expected);
  });

  it('drops what an earlier run exported unchanged, keeps what changed, and remembers the contacts near the watermark', () => {
    const prev = { watermark: iso(T), runStartedAt: iso(T + MIN), recent: [['a', iso(T - 2 * MIN - 1)], ['b', iso(T)]] as [string, string][] };
    const t = new WatermarkTracker(prev, 5 * MIN);
    expect(t.isRepeat('a', T - 2 * MIN - 1)).toBe(true);
    expect(t.isRepeat('b', T + 1)).toBe(false); // changed since
    expect(t.isRepeat('c', T)).toBe(false);
    t.record('b', T + 1);
    t.record('c', T + 3 * MIN);
    const next = t.result(T + 10 * MIN, T + 11 * MIN);
    expect(next.watermark).toBe(iso(T + 3 * MIN));
    expect(next.runStartedAt).toBe(iso(T + 10 * MIN));
    // The next run starts 5 min before the new watermark (T-2min, inclusive): a, 1 ms earlier, is out of range and forgotten.
    expect(next.recent).toEqual([
      ['b', iso(T + 1)],
      ['c', iso(T + 3 * MIN)],
    ]);
    expect(next.lastRun).toEqual({ finishedAt: iso(T + 11 * MIN), exported: 2 });
    expect(t.repeats).toBe(1);
  });

  it('keeps only the overlap window in memory however many contacts pass', () => {
    const t = new WatermarkTracker(undefined, 1000);
    for (let i = 0; i < 100_000; i++) t.record(`id${i}`, i * 10);
    const next = t.result(10_000_000, 10_000_000);
    // Only contacts at or after 1 s before the last dateUpdated (999,990 ms) stay: 998,990 .. 999,990, 101 of them.
    expect(next.recent).toHaveLength(101);
    expect(next.recent[0]).toEqual(['id99899', iso(998_990)]);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{', /not valid JSON/],
    ['another file', '{"hello": 1}', /not a hoop-etl export state/],
    ['a damaged entry', '{"version":1,"locations":{"L":{"watermark":"nope","recent":[]}}}', /entry of location L is damaged/],
  ])('parseState: %s', (_what, text, problem) => {
    const r = parseState(text);
    expect('problem' in r && r.problem).toMatch(problem);
  });
});

describe('export flags', () => {
  it('--filter takes one filter or a list', () => {
    expect(parseFilterFlag('{"field":"tags","operator":"eq","value":"vip"}')).toEqual([{ field: 'tags', operator: 'eq', value: 'vip' }]);
    expect(parseFilterFlag('[{"field":"email","operator":"exists"}]')).toEqual([{ field: 'email', operator: 'exists' }]);
    expect(() => parseFilterFlag('{field: tags}')).toThrow(UsageError);
    expect(() => parseFilterFlag('"tags"')).toThrow(/JSON filter object/);
  });

  it('--columns takes fields and Header=field renames', () => {
    expect(parseColumnsFlag('email, Colour=customFields.colour ,phone')).toEqual(['email', { header: 'Colour', field: 'customFields.colour' }, 'phone']);
  });
});

describe('splitRange', () => {
  it.each<[number, number, number, number[]]>([
    [0, 1000, 4, [250, 500, 750]],
    [0, 1000, 1, []],
    [5, 5, 4, []],
    [10, 5, 4, []],
    [0, 2, 4, [1]],
    [1_700_000_000_000, 1_700_000_000_003, 2, [1_700_000_000_001]],
  ])('(%d, %d] in %d parts -> %j', (from, to, parts, bounds) => {
    expect(splitRange(from, to, parts)).toEqual(bounds);
  });
});
