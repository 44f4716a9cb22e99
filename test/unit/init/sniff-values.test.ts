import { describe, expect, it } from 'vitest';
import { sniffColumn, sniffDate } from '../../../src/init/sniff-values.js';

describe('sniffDate', () => {
  it.each([
    [['25.04.1990', '03.11.1975', '12.05.1980'], undefined, { format: 'DD.MM.YYYY', order: 'day-first', decidedBy: 'values' }],
    [['04/25/1990', '11/03/1975', '7/4/1979'], undefined, { format: 'MM/DD/YYYY', order: 'month-first', decidedBy: 'values' }],
    [['03/04/1990', '05/06/1975'], 'German', { format: 'DD/MM/YYYY', order: 'day-first', decidedBy: 'language' }],
    [['03/04/1990', '05/06/1975'], 'English', { format: 'MM/DD/YYYY', order: 'month-first', decidedBy: 'language' }],
    [['03/04/1990', '05/06/1975'], undefined, { format: 'MM/DD/YYYY', order: 'month-first', decidedBy: 'default' }],
    [['03-04-90', '25-06-75'], undefined, { format: 'DD-MM-YY', order: 'day-first', decidedBy: 'values' }],
    [['1990-04-25', '2021-02-11T16:02:11.000Z', '2021-03-14 09:21'], undefined, { format: 'YYYY-MM-DD', order: 'year-first', decidedBy: 'form' }],
    // Year-first values are read under any day-month pattern: the day-month values decide.
    [['1987-02-14', '04/25/1990', '31/12/1988', '10/31/1986'], undefined, { format: 'MM/DD/YYYY', order: 'month-first', decidedBy: 'values', otherOrder: 1 }],
    [['25 Apr 1990', 'April 3, 1975'], undefined, { format: 'auto', order: 'month-names', decidedBy: 'form' }],
  ] as const)('%j (%s headers) -> %j', (values, language, expected) => {
    expect(sniffDate(values, language)).toEqual(expected);
  });

  it.each([[['hello', 'world']], [['12345', '67890']], [['+49 30 1234567']]])('%j are no dates', (values) => {
    expect(sniffDate(values)).toBeUndefined();
  });
});

const col = (values: string[]) => values;

describe('sniffColumn', () => {
  it.each([
    ['E-Mail', col(['a@example.com', 'B@Example.org', '', 'c@example.net']), 'email', 3, 3],
    ['Notes', col(['call back', 'a@example.com', 'x', 'y']), 'text', 4, 4],
    ['Newsletter', col(['ja', 'nein', 'ja', 'Ja']), 'boolean', 4, 4],
    ['Shoe Size', col(['37', '42', '40.5']), 'number', 3, 3],
    ['Record ID', col(['51234567801', '51234567802']), 'identifier', 2, 2],
    ['Customer No', col(['1001', '1002']), 'identifier', 2, 2],
    ['Revenue', col(['$1,200.50', '€300', '2,500']), 'money', 3, 3],
    ['Interests', col(['Webinars;Newsletter', 'Newsletter', 'Events;Webinars', 'Events']), 'list', 4, 4],
    ['Country', col(['Deutschland', 'FR', 'United Kingdom', 'Belgique']), 'country', 4, 4],
    ['Site', col(['https://a.example', 'www.b.example', 'c.example']), 'url', 3, 3],
    ['Message', col(['Line one\nline two', 'short']), 'largeText', 2, 2],
    ['Fax', col(['', ' ', '']), 'empty', 0, 0],
  ] as const)('%s %j is %s (%i of %i)', (header, values, kind, matching, filled) => {
    expect(sniffColumn(header, values)).toMatchObject({ kind, matching, filled });
  });

  it('reads national numbers in the headers\' language country, and says how many have +', () => {
    const s = sniffColumn('Telefon', ['030 12345678', '+49 89 1234 5601', '0211 8765401', '0151 23456701'], { language: 'German' });
    expect(s).toMatchObject({ kind: 'phone', matching: 4, phone: { defaultCountry: 'DE', international: 1, national: 3 } });
  });

  it('reads national numbers in the country that reads them when the headers say nothing', () => {
    const s = sniffColumn('Phone', ['(415) 555-0134', '415.555.0178', '+1 212 555 0119']);
    expect(s).toMatchObject({ kind: 'phone', matching: 3, phone: { defaultCountry: 'US', international: 1, national: 2 } });
  });

  it("reads each row's number in the row's country", () => {
    const s = sniffColumn('Phone', ['02 511 23 45', '01 42 68 53 00', '0131 225 2000'], { rowCountries: ['Belgique', 'France', 'United Kingdom'] });
    expect(s).toMatchObject({ kind: 'phone', matching: 3 });
  });

  it('a column named as emails is read as emails however few are, with the count', () => {
    expect(sniffColumn('Email', ['a@example.com', 'n/a', 'none', 'x'], { expect: 'email' })).toMatchObject({ kind: 'email', matching: 1, filled: 4 });
  });

  it('digits without a leading 0 or + are no phone numbers', () => {
    expect(sniffColumn('Kundennummer', ['4155550134', '4155550178']).kind).not.toBe('phone');
  });
});
