/**
 * Paths to settings: segments inside the code, dotted text for people
 * (`mapping.email.transform[1]`, `customFields[0].key`).
 */

export type PathSegment = string | number;
export type SettingPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(path: SettingPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Splits an ajv `instancePath` (a JSON pointer), telling array indexes from keys by the data. */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(token)) {
      const index = Number(token);
      path.push(index);
      node = node[index];
    } else {
      path.push(token);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined;
    }
  }
  return path;
}

export function valueAt(data: unknown, path: SettingPath): unknown {
  let node = data;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** True when `path` is `prefix` or lies under it. */
export function isWithin(path: SettingPath, prefix: SettingPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}

/** How a value is shown after "got": strings quoted, lists and sections named. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section';
  return String(value);
}

export function quote(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return `'${escaped}'`;
}

/** An allowed value in a list: plain words bare, anything else quoted (`',', ';', tab`). */
export function showAllowed(value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z0-9_.\-/]+$/.test(value) && value !== '-') return value;
  return typeof value === 'string' ? quote(value) : String(value);
}
