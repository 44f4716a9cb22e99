import type { RunningEmulator } from '../../src/emulator/index.js';

/** Plain HTTP calls against a running emulator, the way any client would make them. */

export interface CallOptions {
  body?: unknown;
  token?: string | null;
  version?: string | null;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(emu: Pick<RunningEmulator, 'url' | 'token'>, method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const token = opts.token === undefined ? emu.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const version = opts.version === undefined ? '2021-07-28' : opts.version;
  if (version !== null) headers.version = version;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function admin<T = any>(emu: Pick<RunningEmulator, 'url'>, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.url}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 400) throw new Error(`admin ${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
  return json;
}
