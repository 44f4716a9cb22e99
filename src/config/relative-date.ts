/**
 * Dates relative to the run in filter ranges, so that a nightly pipeline can
 * say "this month" without being edited: `now`, `now-7d` (units s, m, h, d),
 * `startOfDay`, `startOfWeek` (Monday), `startOfMonth`, `startOfYear`, each
 * optionally followed by `-N<unit>` or `+N<unit>`. All in UTC. Resolved to
 * ISO instants when the run starts; anything else is left as written.
 */

const RELATIVE = /^(now|startOfDay|startOfWeek|startOfMonth|startOfYear)(?:([+-])(\d+)([smhd]))?$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function isRelativeDate(text: string): boolean {
  return RELATIVE.test(text);
}

/** The instant `text` names at `nowMs`, or undefined when it is not a relative date. */
export function resolveRelativeDate(text: string, nowMs: number): string | undefined {
  const m = RELATIVE.exec(text);
  if (!m) return undefined;
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  let base: number;
  switch (m[1]) {
    case 'now':
      base = nowMs;
      break;
    case 'startOfDay':
      base = Date.UTC(y, mo, day);
      break;
    case 'startOfWeek':
      base = Date.UTC(y, mo, day - ((d.getUTCDay() + 6) % 7));
      break;
    case 'startOfMonth':
      base = Date.UTC(y, mo, 1);
      break;
    default:
      base = Date.UTC(y, 0, 1);
  }
  const offset = m[2] ? (m[2] === '-' ? -1 : 1) * Number(m[3]) * UNIT_MS[m[4]!]! : 0;
  return new Date(base + offset).toISOString();
}
