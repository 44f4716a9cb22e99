import { describe, expect, it } from 'vitest';
import { isRelativeDate, resolveRelativeDate } from '../../../src/config/relative-date.js';
import { resolveFilters } from '../../../src/exporter/filters.js';

// Thursday 2026-11-26 15:30:00 UTC
const NOW = Date.parse('2026-11-26T15:30:00.000Z');

describe('relative dates in filter ranges', () => {
  it.each<[string, string | undefined]>([
    ['now', '2026-11-26T15:30:00.000Z'],
    ['now-7d', '2026-11-19T15:30:00.000Z'],
    ['now-90m', '2026-11-26T14:00:00.000Z'],
    ['now+1h', '2026-11-26T16:30:00.000Z'],
    ['startOfDay', '2026-11-26T00:00:00.000Z'],
    ['startOfWeek', '2026-11-23T00:00:00.000Z'],
    ['startOfMonth', '2026-11-01T00:00:00.000Z'],
    ['startOfMonth-1d', '2026-10-31T00:00:00.000Z'],
    ['startOfYear', '2026-01-01T00:00:00.000Z'],
    ['yesterday', undefined],
    ['now-7w', undefined],
    ['2026-11-01', undefined],
  ])('%s', (text, expected) => {
    expect(resolveRelativeDate(text, NOW)).toBe(expected);
    expect(isRelativeDate(text)).toBe(expected !== undefined);
  });

  it('a Sunday belongs to the week that started on Monday', () => {
    expect(resolveRelativeDate('startOfWeek', Date.parse('2026-11-29T23:00:00Z'))).toBe('2026-11-23T00:00:00.000Z');
  });

  it('the exporter resolves them in ranges, nested groups included, and leaves other values', () => {
    const out = resolveFilters(
      [
        { field: 'dateUpdated', operator: 'range', value: { gte: 'startOfMonth', lt: 'now' } },
        { group: 'OR', filters: [{ field: 'dateAdded', operator: 'range', value: { gt: 'now-1d', lte: '2026-12-01' } }] },
        { field: 'source', operator: 'eq', value: 'now' },
      ],
      [],
      NOW,
    );
    expect(out).toEqual([
      { field: 'dateUpdated', operator: 'range', value: { gte: '2026-11-01T00:00:00.000Z', lt: '2026-11-26T15:30:00.000Z' } },
      { group: 'OR', filters: [{ field: 'dateAdded', operator: 'range', value: { gt: '2026-11-25T15:30:00.000Z', lte: '2026-12-01' } }] },
      { field: 'source', operator: 'eq', value: 'now' },
    ]);
  });
});
