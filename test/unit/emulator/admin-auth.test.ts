import { describe, expect, it } from 'vitest';
import { adminTokenMatches, adminTokenRequired, isLoopbackHost } from '../../../src/emulator/admin-auth.js';

describe('the admin routes need a token once the emulator leaves loopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.20', false],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['::2', false],
    ['::ffff:10.0.0.1', false],
    ['example.com', false],
    ['localhost.example.com', false],
    ['', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it.each([
    ['127.0.0.1', undefined, 'open'],
    ['127.0.0.1', 'T', 'token'],
    ['::1', undefined, 'open'],
    ['0.0.0.0', undefined, 'refuse'],
    ['0.0.0.0', 'T', 'token'],
    ['192.168.1.20', undefined, 'refuse'],
    ['192.168.1.20', 'T', 'token'],
  ] as const)('on %s with token %s the routes are %s', (host, token, rule) => {
    expect(adminTokenRequired(host, token)).toBe(rule);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['Bearer', false],
    ['Bearer ', false],
    ['Bearer wrong', false],
    ['Bearer adm-secret-2', false],
    ['Bearer adm-secre', false],
    ['Basic adm-secret', false],
    ['adm-secret', false],
    ['Bearer adm-secret', true],
    ['bearer adm-secret', true],
    ['  Bearer   adm-secret  ', true],
  ])('Authorization %j matches: %s', (header, ok) => {
    expect(adminTokenMatches('adm-secret', header)).toBe(ok);
  });
});
