import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Who may use the `/__emulator/*` routes. They reset, read every contact with
 * its notes and mint tokens, so once the emulator listens beyond loopback they
 * need an admin token (`--admin-token` or HOOPAI_EMULATOR_ADMIN_TOKEN); on
 * loopback they stay open for tests and the demo unless a token is given.
 */

export const ADMIN_TOKEN_ENV = 'HOOPAI_EMULATOR_ADMIN_TOKEN';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, their IPv4-mapped forms, and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  if (isIP(h) === 6) {
    // ::1 in any spelling: every group zero but the last, which is 1.
    const full = h.includes('::') ? expandV6(h) : h.split(':');
    return full.length === 8 && full.slice(0, 7).every((g) => /^0+$/.test(g)) && /^0*1$/.test(full[7]!);
  }
  return false;
}

function expandV6(h: string): string[] {
  const [left, right] = h.split('::') as [string, string];
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  return [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
}

/** Whether the admin routes need a token on `host` with `token` given; throws nothing. */
export function adminTokenRequired(host: string, token: string | undefined): 'open' | 'token' | 'refuse' {
  if (token) return 'token';
  return isLoopbackHost(host) ? 'open' : 'refuse';
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time: both sides hashed to one length first, so neither length nor content leaks through timing. */
export function adminTokenMatches(expected: string, authorization: string | undefined): boolean {
  const m = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  const given = m?.[1]?.trim() ?? '';
  return timingSafeEqual(digest(expected), digest(given)) && given.length > 0;
}
