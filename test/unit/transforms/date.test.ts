import { describe, expect, it } from 'vitest';
import { dateFormatError, parseDateParts, toApiDate, type DateFormat } from '../../../src/transforms/date.js';

describe('toApiDate: auto', () => {
  it.each([
    // Year first, every separator the API documents.
    ['1990-09-25', '1990-09-25'],
    ['1990/09/25', '1990-09-25'],
    ['1990.9.5', '1990-09-05'],
    ['1990_09_25', '1990-09-25'],
    ['19900925', '1990-09-25'],
    // Year last: a number over 12 says which is the day.
    ['25/04/1990', '1990-04-25'],
    ['04/25/1990', '1990-04-25'],
    ['25.04.1990', '1990-04-25'],
    ['4-25-1990', '1990-04-25'],
    ['12_31_1999', '1999-12-31'],
    // Equal day and month cannot be read wrong.
    ['04/04/1990', '1990-04-04'],
    // Date-times: the date as written, time and zone dropped.
    ['1990-09-25T00:00:00.000Z', '1990-09-25'],
    ['1990-09-25T23:30:00-05:00', '1990-09-25'],
    ['1990-09-25T00:30:00+0200', '1990-09-25'],
    ['1990-09-25 13:45:00', '1990-09-25'],
    ['1990-09-25T13:45', '1990-09-25'],
    ['04/25/1990 12:00 AM', '1990-04-25'],
    ['25/04/1990 00:00', '1990-04-25'],
    // Excel serial day numbers.
    ['32874', '1990-01-01'],
    ['33141', '1990-09-25'],
    ['32874.75', '1990-01-01'],
    ['45658', '2025-01-01'],
    // Month names.
    ['25 Apr 1990', '1990-04-25'],
    ['25-Apr-1990', '1990-04-25'],
    ['April 25, 1990', '1990-04-25'],
    ['Apr. 25 1990', '1990-04-25'],
    ['Sept 5, 1990', '1990-09-05'],
    ['5th September 1990', '1990-09-05'],
    ['Wed, 25 Apr 1990', '1990-04-25'],
    // Leap days.
    ['2000-02-29', '2000-02-29'],
    ['29/02/2024', '2024-02-29'],
    ['  1990-09-25\t', '1990-09-25'],
  ])('%j -> %s', (raw, expected) => {
    expect(toApiDate(raw)).toEqual({ ok: true, value: expected });
  });

  it('auto is the default', () => {
    expect(toApiDate('25/04/1990')).toEqual(toApiDate('25/04/1990', 'auto'));
  });
});

describe('toApiDate: a declared format', () => {
  it.each<[string, DateFormat, string]>([
    ['03/04/1990', 'MM/DD/YYYY', '1990-03-04'],
    ['03/04/1990', 'DD/MM/YYYY', '1990-04-03'],
    ['3.4.1990', 'DD/MM/YYYY', '1990-04-03'],
    ['03-04-1990', 'MM/DD/YYYY', '1990-03-04'],
    ['04/25/1990', 'MM/DD/YYYY', '1990-04-25'],
    ['25/04/1990', 'DD/MM/YYYY', '1990-04-25'],
    // Unambiguous forms are read whatever the format.
    ['1990-04-03', 'DD/MM/YYYY', '1990-04-03'],
    ['1990-04-03', 'MM/DD/YYYY', '1990-04-03'],
    ['1990-04-03', 'YYYY-MM-DD', '1990-04-03'],
    ['32874', 'DD/MM/YYYY', '1990-01-01'],
    ['April 3, 1990', 'DD/MM/YYYY', '1990-04-03'],
  ])('%j as %s -> %s', (raw, format, expected) => {
    expect(toApiDate(raw, format)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, DateFormat, RegExp]>([
    ['25/04/1990', 'MM/DD/YYYY', /month is not 1 to 12 for the format MM\/DD\/YYYY/],
    ['04/25/1990', 'DD/MM/YYYY', /month is not 1 to 12 for the format DD\/MM\/YYYY/],
    ['02/30/1990', 'MM/DD/YYYY', /day does not exist in that month for the format MM\/DD\/YYYY/],
    ['03/04/1990', 'YYYY-MM-DD', /does not match the format YYYY-MM-DD/],
  ])('%j as %s -> INVALID_DATE', (raw, format, message) => {
    const r = toApiDate(raw, format);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe('INVALID_DATE');
      expect(r.problem.message).toMatch(message);
    }
  });

  it.each([
    ['YYYY/DD/MM'],
    ['MM/DD/YYYY HH:mm:ss'],
  ])('%s is a usable pattern', (format) => {
    expect(dateFormatError(format)).toBeUndefined();
  });

  it.each([
    ['MM/DD', /with a year/],
    ['MM/DD/YYYY/YY', /one year \(MM\/DD\/YYYY\/YY has two\)/],
    ['MMM DD YYYY', /one month/],
    ['dd/mm/yyyy', /a pattern of YYYY, YY, MM/],
    ['DD,MM,YYYY', /a pattern of YYYY, YY, MM/],
  ])('%s is not a usable pattern', (format, reason) => {
    expect(dateFormatError(format)).toMatch(reason);
    expect(() => toApiDate('1990-01-01', format)).toThrow(TypeError);
  });

  it('the error reads like every option error', () => {
    expect(dateFormatError('dd/mm/yyyy')).toBe(
      'Expected `format` to be `auto` or a pattern of YYYY, YY, MM, M, DD, D, HH, mm, ss and - / . _ space : T, got `dd/mm/yyyy` (string)',
    );
    expect(dateFormatError('auto')).toBeUndefined();
  });
});

describe('toApiDate: patterns', () => {
  it.each<[string, string, string]>([
    ['25.04.1990', 'DD.MM.YYYY', '1990-04-25'],
    ['25/04/1990', 'DD.MM.YYYY', '1990-04-25'],
    ['1990-25-04', 'YYYY-DD-MM', '1990-04-25'],
    ['19902504', 'YYYYDDMM', '1990-04-25'],
    ['900425', 'YYMMDD', '1990-04-25'],
    ['3/4/90', 'M/D/YY', '1990-03-04'],
    ['3/4/29', 'M/D/YY', '2029-03-04'],
    ['3/4/30', 'M/D/YY', '1930-03-04'],
    ['3/4/1990', 'MM/DD/YY', '1990-03-04'],
    ['04/25/1990 13:45', 'MM/DD/YYYY HH:mm', '1990-04-25'],
    ['04/25/1990', 'MM/DD/YYYY HH:mm', '1990-04-25'],
    ['1990-04-25T13:45:10', 'YYYY-MM-DDTHH:mm:ss', '1990-04-25'],
    ['25  04  1990', 'DD MM YYYY', '1990-04-25'],
  ])('%j as %s -> %s', (raw, format, expected) => {
    expect(toApiDate(raw, format)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, string, string, RegExp]>([
    ['1990-04-25', 'YYYY-DD-MM', 'INVALID_DATE', /month is not 1 to 12 for the format YYYY-DD-MM/],
    ['1990-04-25', 'YYYYDDMM', 'INVALID_DATE', /does not match the format YYYYDDMM/],
    ['19900425', 'YYYY-DD-MM', 'INVALID_DATE', /does not match the format YYYY-DD-MM/],
    ['25/04', 'DD/MM/YYYY', 'INVALID_DATE', /does not match the format DD\/MM\/YYYY/],
    ['04/25/1990 25:00', 'MM/DD/YYYY HH:mm', 'INVALID_DATE', /time does not exist/],
  ])('%j as %s -> %s', (raw, format, code, message) => {
    const r = toApiDate(raw, format);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe(code);
      expect(r.problem.message).toMatch(message);
    }
  });
});

describe('parseDateParts', () => {
  it.each<[string, string, unknown]>([
    ['04/25/1990 13:45', 'MM/DD/YYYY HH:mm', { year: 1990, month: 4, day: 25, hour: 13, minute: 45, second: 0 }],
    ['2024-10-25T09:05:30', 'YYYY-MM-DDTHH:mm:ss', { year: 2024, month: 10, day: 25, hour: 9, minute: 5, second: 30 }],
    ['04/25/1990', 'MM/DD/YYYY HH:mm', { year: 1990, month: 4, day: 25 }],
    ['04/25/1990 13:45', 'MM/DD/YYYY', { year: 1990, month: 4, day: 25 }],
    ['1990-04-25T13:45:00Z', 'auto', { year: 1990, month: 4, day: 25 }],
  ])('%j as %s -> %j', (raw, format, expected) => {
    expect(parseDateParts(raw, format)).toEqual({ ok: true, value: expected });
  });
});

describe('toApiDate: failures', () => {
  it.each([
    ['', 'BLANK_VALUE', /blank/],
    ['03/04/1990', 'AMBIGUOUS_DATE', /either way round.*MM\/DD\/YYYY or DD\/MM\/YYYY/],
    ['1/2/1990', 'AMBIGUOUS_DATE', /either way round/],
    ['3/4/90', 'AMBIGUOUS_DATE', /two-digit year/],
    ['25/04/90', 'AMBIGUOUS_DATE', /two-digit year/],
    ['25-Apr-90', 'AMBIGUOUS_DATE', /two-digit year/],
    ['25/13/1990', 'INVALID_DATE', /neither of its first two numbers can be a month/],
    ['1990-02-30', 'INVALID_DATE', /day does not exist/],
    ['1990-02-29', 'INVALID_DATE', /day does not exist/],
    ['31/04/1990', 'INVALID_DATE', /day does not exist/],
    ['1990-13-01', 'INVALID_DATE', /month is not 1 to 12/],
    ['1990-00-10', 'INVALID_DATE', /month is not 1 to 12/],
    ['1990-01-00', 'INVALID_DATE', /day does not exist/],
    ['0990-01-01', 'INVALID_DATE', /year is out of range/],
    ['19901325', 'INVALID_DATE', /month/],
    ['1990-09/25', 'INVALID_DATE', /not in a form that can be read/],
    ['1990', 'INVALID_DATE', /not in a form/],
    ['123', 'INVALID_DATE', /not in a form/],
    ['yesterday', 'INVALID_DATE', /not in a form/],
    ['25 Foo 1990', 'INVALID_DATE', /month name/],
    ['1990-09', 'INVALID_DATE', /not in a form/],
    ['25/04/1990/1', 'INVALID_DATE', /not in a form/],
  ])('%j -> %s', (raw, code, message) => {
    const r = toApiDate(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe(code);
      expect(r.problem.message).toMatch(message);
    }
  });
});
