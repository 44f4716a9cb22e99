import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskLogLine, maskPii } from '../../../src/core/logger.js';

/** `--mask-pii`: emails and phones masked in log lines; what is neither is left as it is. */

describe('maskPii', () => {
  it.each([
    ['ada@example.com', 'a***@example.com'],
    ['Ada.Lovelace+crm@mail.example.co.uk', 'A***@mail.example.co.uk'],
    ['contact ada@example.com failed', 'contact a***@example.com failed'],
    ['email=ada%40example.com&phone=%2B14155550101', 'email=a***%40example.com&phone=%2B1415*****01'],
    ['+14155550101', '+1415*****01'],
    ['+447911123456', '+4479******56'],
    ['+44 20 7946 0958', '+44 20 **** **58'],
    ['(415) 555-0101', '(415) ***-**01'],
    ['415.555.0101', '415.***.**01'],
    ['4155550101', '415*****01'],
    ['a@b.co and +14155550101, then bob@example.org', 'a***@b.co and +1415*****01, then b***@example.org'],
    // Not emails or phones: left alone.
    ['2026-11-28T01:02:03.000Z', '2026-11-28T01:02:03.000Z'],
    ['http://127.0.0.1:4010/contacts/', 'http://127.0.0.1:4010/contacts/'],
    ['run 20261128T010203-ab12cd', 'run 20261128T010203-ab12cd'],
    ['contact abcdefghij0123456789', 'contact abcdefghij0123456789'],
    ['attempt 3 of 6, 250 ms, line 12', 'attempt 3 of 6, 250 ms, line 12'],
    ['not-an-email', 'not-an-email'],
  ])('%s -> %s', (input, masked) => {
    expect(maskPii(input)).toBe(masked);
  });

  it('masks string values of a JSON log line, keeps its numbers (time) and shape', () => {
    const line = `${JSON.stringify({ level: 10, time: 1795829260350, key: 'ada@example.com', query: { phone: '+14155550101' }, rows: [3, 'kj@example.com'], msg: 'row written' })}\n`;
    expect(JSON.parse(maskLogLine(line))).toEqual({ level: 10, time: 1795829260350, key: 'a***@example.com', query: { phone: '+1415*****01' }, rows: [3, 'k***@example.com'], msg: 'row written' });
    expect(maskLogLine(line).endsWith('\n')).toBe(true);
    expect(maskLogLine('not json ada@example.com')).toBe('not json a***@example.com');
  });

  it.each(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)('a logger with maskPii masks at %s level; without, it does not', (level) => {
    const lines = (mask: boolean): string => {
      let text = '';
      const destination = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
      createLogger({ level: 'trace', maskPii: mask, destination })[level]({ email: 'grace@example.com', phone: '+14155550101' }, 'grace@example.com called from (415) 555-0101');
      return text;
    };
    expect(lines(true)).not.toMatch(/grace@|5550101|555-0101/);
    expect(lines(true)).toContain('g***@example.com');
    expect(lines(false)).toContain('grace@example.com');
    expect(lines(false)).toContain('+14155550101');
  });
});
