import { got, type Got } from 'got';
import { HoopError, UsageError } from '../core/errors.js';

/**
 * A connection to the platform (or the emulator): base URL, bearer token,
 * `Version` header, JSON. This first version has no retry and no rate
 * governor; the API client issue adds them here, behind the same interface.
 */

export const DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';
export const API_VERSION = '2021-07-28';

export interface ConnectionOptions {
  /** @default DEFAULT_BASE_URL */
  baseUrl?: string;
  token: string;
  /** @default 30000 */
  timeoutMs?: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** A plain-http base URL would send the token in clear text: only loopback may use it. */
export function checkBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`Base URL is not a URL: '${raw}'`, '--base-url');
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname) && !url.hostname.startsWith('127.')) {
    throw new UsageError(`Refusing plain http:// to ${url.hostname}: the token would travel unencrypted; use https:// (http is allowed on loopback only)`, '--base-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Base URL must be http(s), got '${url.protocol}'`, '--base-url');
  return url;
}

export class ApiCallError extends HoopError {
  readonly status: number;
  readonly body: unknown;

  constructor(method: string, path: string, status: number, body: unknown) {
    const msg = (body as { message?: unknown } | undefined)?.message;
    super('API_ERROR', `${method} ${path} failed: ${status} ${Array.isArray(msg) ? msg.join('; ') : String(msg ?? '')}`);
    this.status = status;
    Object.defineProperty(this, 'body', { value: body, enumerable: false });
    this.body = body;
  }
}

export interface Connection {
  request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: { json?: unknown; searchParams?: Record<string, string> }): Promise<{ status: number; body: T }>;
}

export function createConnection(options: ConnectionOptions): Connection {
  const base = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const client: Got = got.extend({
    prefixUrl: base.toString(),
    headers: { authorization: `Bearer ${options.token}`, version: API_VERSION, accept: 'application/json' },
    timeout: { request: options.timeoutMs ?? 30_000 },
    retry: { limit: 0 },
    throwHttpErrors: false,
    responseType: 'json',
  });
  return {
    async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: { json?: unknown; searchParams?: Record<string, string> } = {}) {
      const res = await client(path.replace(/^\//, ''), { method, json: opts.json, searchParams: opts.searchParams });
      if (res.statusCode >= 400) throw new ApiCallError(method, path, res.statusCode, res.body);
      return { status: res.statusCode, body: res.body as T };
    },
  };
}
