import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { envFor, runCli, type CliRun } from './cli.js';
import { admin } from './http.js';

/** OAuth sign-ins against the emulator for end-to-end tests: the CLI's environment, a code, a stored grant. */

/** The CLI's environment for an OAuth app of the emulator: client id and secret, no static token, the config folder in `dir`. */
export function oauthEnv(emu: RunningEmulator, dir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return envFor(emu, {
    HOOPAI_TOKEN: undefined,
    HOOPAI_AUTH_STORE: undefined,
    HOOPAI_CLIENT_ID: emu.oauth.clientId,
    HOOPAI_CLIENT_SECRET: emu.oauth.clientSecret,
    XDG_CONFIG_HOME: join(dir, 'config'),
    ...extra,
  });
}

/** The consent a user gives on the platform's page, through the emulator's admin route: a single-use code. */
export async function consentCode(emu: RunningEmulator, body: { userType: 'Company' | 'Location'; locationId?: string; scopes?: string }): Promise<string> {
  const r = await admin<{ code?: string; message?: unknown }>(emu, 'POST', '/oauth/authorize', body);
  if (!r.code) throw new Error(`no code: ${JSON.stringify(r)}`);
  return r.code;
}

/** `hoop-etl auth login --code` with a fresh consent; the run, for its output. */
export async function loginWithCode(emu: RunningEmulator, env: NodeJS.ProcessEnv, store: string, userType: 'Company' | 'Location', locationId?: string): Promise<CliRun> {
  const code = await consentCode(emu, { userType, ...(locationId && { locationId }) });
  return runCli(['auth', 'login', '--code', code, '--user-type', userType, '--auth-store', store], env);
}

export interface StoredGrant {
  kind: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
  userType?: string;
  locationId?: string;
  companyId?: string;
}

/** The store file as the test reads it (the test may; hoop-etl never prints it). */
export function readStore(path: string): Record<string, StoredGrant> {
  return (JSON.parse(readFileSync(path, 'utf8')) as { records: Record<string, StoredGrant> }).records;
}

export async function oauthStats(emu: RunningEmulator): Promise<Record<string, number>> {
  return (await admin<{ oauth: Record<string, number> }>(emu, 'GET', '/stats')).oauth;
}

/** Every OAuth secret the emulator ever issued or knows: access and refresh tokens, codes, the client secret. */
export function emulatorSecrets(emu: RunningEmulator): string[] {
  const s = emu.store as unknown as { tokens: Map<string, unknown>; refreshGrants?: Map<string, unknown>; codes?: Map<string, unknown> };
  return [...s.tokens.keys(), ...(s.refreshGrants?.keys() ?? []), ...(s.codes?.keys() ?? []), emu.oauth.clientSecret].filter((x) => x.length >= 8);
}
