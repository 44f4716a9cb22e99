import { DEFAULT_BASE_URL } from '../connection.js';

/**
 * The page where a user grants the app access (the authorization-code
 * flow's first step). The real platform's is on the marketplace host
 * (BEHAVIOUR.md §10.2); any other base URL (the emulator, a rehearsal copy)
 * serves it itself under the same path.
 */

export const MARKETPLACE_CONSENT_URL = 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation';
export const CONSENT_PATH = '/v2/oauth/chooselocation';

/** The scopes `auth login` asks for unless told: contacts, their custom fields, and what an agency grant needs for location tokens. */
export const DEFAULT_SCOPES = ['contacts.readonly', 'contacts.write', 'locations.readonly', 'locations/customFields.readonly', 'oauth.readonly', 'oauth.write'];

export function consentBase(baseUrl: string, override?: string): string {
  if (override) return override;
  if (baseUrl.replace(/\/+$/, '') === DEFAULT_BASE_URL) return MARKETPLACE_CONSENT_URL;
  return `${baseUrl.replace(/\/+$/, '')}${CONSENT_PATH}`;
}

export function consentUrl(input: { base: string; clientId: string; redirectUri: string; scopes: readonly string[]; state?: string; userType?: string }): string {
  const url = new URL(input.base);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', input.scopes.join(' '));
  if (input.state) url.searchParams.set('state', input.state);
  // The platform decides the grant's kind from the app's distribution; a consent page that lets the user choose (the emulator) reads this.
  if (input.userType) url.searchParams.set('user_type', input.userType);
  return url.toString();
}

export type CallbackResult = { kind: 'code'; code: string } | { kind: 'error'; message: string } | { kind: 'ignore'; why: string };

/**
 * What a request to the local redirect carries. A `state` that differs from
 * ours is another page's request (a forged or stale redirect), ignored; a
 * missing one is accepted, since not every server echoes it.
 */
export function readCallback(requestUrl: string, expectedState: string | undefined, callbackPath = '/callback'): CallbackResult {
  const url = new URL(requestUrl, 'http://127.0.0.1');
  if (url.pathname !== callbackPath) return { kind: 'ignore', why: `not ${callbackPath}` };
  const state = url.searchParams.get('state');
  if (expectedState && state !== null && state !== expectedState) return { kind: 'ignore', why: 'state does not match this sign-in' };
  const error = url.searchParams.get('error');
  if (error) return { kind: 'error', message: `${error}${url.searchParams.get('error_description') ? `: ${url.searchParams.get('error_description')}` : ''}` };
  const code = url.searchParams.get('code');
  if (!code) return { kind: 'ignore', why: 'no code' };
  return { kind: 'code', code };
}
