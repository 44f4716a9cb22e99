import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyLine } from '../../../src/core/logger.js';

describe('prettyLine', () => {
  it.each([
    [{ level: 20, time: 0, msg: 'retrying request', attempt: 2, reason: 'HTTP 503' }, '00:00:00 DEBUG retrying request  attempt=2 reason=HTTP 503\n'],
    [{ level: 40, time: 3_600_000, msg: 'slow' }, '01:00:00 WARN  slow\n'],
    [{ level: 30, time: 0, msg: 'x', nested: { a: 1 } }, '00:00:00 INFO  x  nested={"a":1}\n'],
  ])('%j', (obj, expected) => {
    expect(prettyLine(JSON.stringify(obj))).toBe(expected);
  });

  it('passes a line that is not JSON through', () => {
    expect(prettyLine('plain')).toBe('plain');
  });
});

describe('createLogger', () => {
  it('writes JSON lines to the destination and redacts credentials by path', () => {
    const out: string[] = [];
    const destination = new Writable({
      write(c, _e, cb) {
        out.push(String(c));
        cb();
      },
    });
    const log = createLogger({ level: 'debug', destination });
    log.debug({ token: 's3cret', request: { headers: { authorization: 'Bearer s3cret' } } }, 'hello');
    const line = JSON.parse(out.join('')) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 20, msg: 'hello', token: '[redacted]' });
    expect(out.join('')).not.toContain('s3cret');
  });
});
