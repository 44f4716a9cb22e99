import type { RouteDef } from './routes/route.js';

/**
 * Matches a request to a route. Literal segments win over parameters, so
 * `/contacts/search` never reaches `/contacts/{contactId}` and
 * `/campaigns/removeAll` never reaches `/campaigns/{campaignId}`.
 * A trailing slash is ignored (`/contacts` and `/contacts/` are one route).
 */

interface Compiled {
  route: RouteDef;
  segments: Array<{ literal: string } | { param: string }>;
  literals: number;
}

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function moreSpecificFirst(a: Compiled, b: Compiled): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const la = 'literal' in a.segments[i]!;
    const lb = 'literal' in b.segments[i]!;
    if (la !== lb) return la ? -1 : 1;
  }
  return b.literals - a.literals;
}

export class Router {
  private readonly byMethod = new Map<string, Compiled[]>();

  constructor(routes: readonly RouteDef[]) {
    for (const route of routes) {
      const segments = splitPath(route.path).map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s }));
      const c: Compiled = { route, segments, literals: segments.filter((s) => 'literal' in s).length };
      const list = this.byMethod.get(route.method) ?? [];
      list.push(c);
      // At the first position where two routes differ, a literal beats a parameter:
      // the first match is then the most specific one.
      list.sort(moreSpecificFirst);
      this.byMethod.set(route.method, list);
    }
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const c of this.byMethod.get(method) ?? []) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = c.segments[i]!;
        const part = parts[i]!;
        if ('literal' in seg) {
          if (seg.literal !== part) {
            ok = false;
            break;
          }
        } else {
          try {
            params[seg.param] = decodeURIComponent(part);
          } catch {
            params[seg.param] = part;
          }
        }
      }
      if (ok) return { route: c.route, params };
    }
    return undefined;
  }
}
