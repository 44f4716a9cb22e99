import { UsageError } from '../core/errors.js';

/** Where the platform is, and which base URLs may carry a token. */

export const DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';
export const API_VERSION = '2021-07-28';

const LOOPBACK = new Set(['localhost', '[::1]', '::1']);
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname) || LOOPBACK_V4.test(hostname);
}

/** A plain-http base URL would send the token in clear text: only loopback may use it. */
export function checkBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`Base URL is not a URL: '${raw}'`, '--base-url');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`Refusing plain http:// to ${url.hostname}: the token would travel unencrypted; use https:// (http is allowed on loopback only)`, '--base-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Base URL must be http(s), got '${url.protocol}'`, '--base-url');
  return url;
}
