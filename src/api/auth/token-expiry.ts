/**
 * When an access token counts as expired: pure arithmetic on the clock, so
 * that a unit table pins it and tests inject the clock.
 *
 * The token is refreshed a little before it expires, so that a request sent
 * with it does not arrive after its end: 30 s (as the official SDK does), but
 * never more than a tenth of the token's lifetime, so that a token that lives
 * 3 s is still used for 2.7 s instead of being refreshed before every request.
 */

export const MAX_SKEW_MS = 30_000;

/** When a token answered at `receivedAt` with `expires_in` seconds expires, in epoch ms. */
export function expiresAtOf(receivedAt: number, expiresInS: unknown): number | undefined {
  const s = typeof expiresInS === 'string' ? Number(expiresInS) : expiresInS;
  if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) return undefined;
  return receivedAt + Math.floor(s * 1000);
}

/** How long before its end a token of this lifetime is refreshed. */
export function refreshSkewMs(lifetimeMs: number): number {
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return 0;
  return Math.min(MAX_SKEW_MS, Math.floor(lifetimeMs / 10));
}

export interface Expiring {
  /** Epoch ms; undefined: the platform gave no lifetime, so only a 401 says it is over. */
  expiresAt?: number;
  /** The lifetime the platform gave, in ms. */
  lifetimeMs?: number;
}

/** Whether a token should be refreshed before it is used at `now`. */
export function needsRefresh(token: Expiring, now: number): boolean {
  if (token.expiresAt === undefined) return false;
  const lifetime = token.lifetimeMs ?? MAX_SKEW_MS * 10;
  return now >= token.expiresAt - refreshSkewMs(lifetime);
}
