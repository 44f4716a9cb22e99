import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { chooseGrant, grantForAll, type GrantChoice } from './auth/grant-choice.js';
import { appIdOf, OAuthApi, type OAuthApiOptions } from './auth/oauth-api.js';
import { GrantTokenProvider, LocationTokenProvider, type TokenProvider } from './auth/token-provider.js';
import { AUTH_STORE_ENV, defaultStorePath, FileTokenStore, type TokenStore } from './auth/token-store.js';
import { DEFAULT_BASE_URL } from './connection.js';

/**
 * Where the token comes from: `--token-file` or `HOOPAI_TOKEN`, never a plain
 * flag, because a command line ends up in shell history and process lists.
 */

export const TOKEN_ENV = 'HOOPAI_TOKEN';
export const BASE_URL_ENV = 'HOOPAI_BASE_URL';
export const CLIENT_ID_ENV = 'HOOPAI_CLIENT_ID';
export const CLIENT_SECRET_ENV = 'HOOPAI_CLIENT_SECRET';

/** Every way to give a token, for the message of a command that found none. */
export const WAYS_TO_SIGN_IN =
  `set ${TOKEN_ENV} (or ${TOKEN_ENV}_<location> for one location), pass --token-file <file>, or sign in with an OAuth app: hoop-etl auth login (the grant goes to the token store; --auth-store <file> or ${AUTH_STORE_ENV} to choose it)`;

export interface CredentialSources {
  env: Readonly<Record<string, string | undefined>>;
  tokenFile?: string;
  /** A token given as a plain flag: always refused. */
  tokenFlag?: unknown;
}

export async function resolveToken(src: CredentialSources): Promise<string> {
  if (src.tokenFlag !== undefined) {
    throw new UsageError(
      `A token on the command line is refused: it would be kept in shell history and shown in process lists. Set ${TOKEN_ENV} or pass --token-file <file>`,
      '--token',
    );
  }
  if (src.tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(src.tokenFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`Cannot read the token file: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'} (${src.tokenFile})`, '--token-file');
    }
    const token = text.trim();
    if (!token) throw new ConfigError(`The token file is empty (${src.tokenFile})`, '--token-file');
    if (/\s/.test(token)) throw new ConfigError(`The token file must hold one token on one line (${src.tokenFile})`, '--token-file');
    return token;
  }
  const fromEnv = src.env[TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  throw new UsageError(`No token: set ${TOKEN_ENV} or pass --token-file <file>`);
}

export function resolveBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? env[BASE_URL_ENV] ?? DEFAULT_BASE_URL;
}

/**
 * Where a location's credential comes from, first match wins:
 * 1. `HOOPAI_TOKEN_<location>` (a token bound to that one location),
 * 2. `--token-file`,
 * 3. `--auth-store` (or HOOPAI_AUTH_STORE) named explicitly: its OAuth grant,
 * 4. `HOOPAI_TOKEN`,
 * 5. the OAuth grant in the default token store, when it holds one.
 * A flag beats the environment, the more specific beats the general, and a
 * store the user named beats a token merely present in the environment.
 */
export type CredentialSource = 'location-env' | 'token-file' | 'named-store' | 'env' | 'default-store' | 'none';

export function credentialSource(input: { locationId: string; env: Readonly<Record<string, string | undefined>>; tokenFile?: string; storeNamed: boolean; defaultStoreHasGrant: boolean }): CredentialSource {
  if (input.env[`${TOKEN_ENV}_${input.locationId}`]?.trim()) return 'location-env';
  if (input.tokenFile !== undefined) return 'token-file';
  if (input.storeNamed) return 'named-store';
  if (input.env[TOKEN_ENV]?.trim()) return 'env';
  if (input.defaultStoreHasGrant) return 'default-store';
  return 'none';
}

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

/**
 * The OAuth app's id and secret: `--client-file` (the `client_id=… client_secret=…`
 * words the emulator prints, one per line or on one line, or JSON with those
 * keys), else HOOPAI_CLIENT_ID and HOOPAI_CLIENT_SECRET.
 */
export async function readClientCredentials(env: Readonly<Record<string, string | undefined>>, clientFile?: string): Promise<ClientCredentials> {
  if (clientFile === undefined) return { clientId: env[CLIENT_ID_ENV]?.trim() || undefined, clientSecret: env[CLIENT_SECRET_ENV]?.trim() || undefined };
  let text: string;
  try {
    text = await readFile(clientFile, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the client file: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'} (${clientFile})`, '--client-file');
  }
  return parseClientFile(text, clientFile);
}

export function parseClientFile(text: string, name: string): ClientCredentials {
  const out: ClientCredentials = {};
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      throw new ConfigError(`The client file is not valid JSON (${name})`, '--client-file');
    }
    const id = j.client_id ?? j.clientId;
    const secret = j.client_secret ?? j.clientSecret;
    if (typeof id === 'string' && id) out.clientId = id;
    if (typeof secret === 'string' && secret) out.clientSecret = secret;
  } else {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      for (const word of line.trim().split(/\s+/).filter(Boolean)) {
        const m = /^(client_id|client_secret|oauth)(?:=(.*))?$/.exec(word);
        if (!m) throw new ConfigError(`The client file holds an unknown word at line ${i + 1}: expected client_id=<id> and client_secret=<secret> (${name})`, '--client-file');
        if (m[1] === 'client_id' && m[2]) out.clientId = m[2];
        if (m[1] === 'client_secret' && m[2]) out.clientSecret = m[2];
      }
    });
  }
  if (!out.clientId || !out.clientSecret) throw new ConfigError(`The client file must give both client_id and client_secret (${name})`, '--client-file');
  return out;
}

export interface CredentialOptions {
  env: Readonly<Record<string, string | undefined>>;
  tokenFile?: string;
  tokenFlag?: unknown;
  /** `--auth-store`. */
  authStore?: string;
  clientFile?: string;
  baseUrl: string;
  logger?: Logger;
  now?: () => number;
  /** The OAuth routes' retry knobs (tests make them small). */
  oauth?: Omit<OAuthApiOptions, 'baseUrl' | 'logger'>;
  /** For tests: a store other than a file. */
  store?: TokenStore;
}

/**
 * One model of credentials for every command: a static token or an OAuth
 * grant, per location. Providers are shared, so that every client of a
 * location (and a Company grant's every location) refreshes through one.
 */
export class Credentials {
  readonly storePath: string;
  readonly storeNamed: boolean;
  private store: TokenStore | undefined;
  private oauthApi: OAuthApi | undefined;
  private shared: Promise<string> | undefined;
  private clientCreds: Promise<ClientCredentials> | undefined;
  private readonly grants = new Map<string, GrantTokenProvider>();
  private readonly locations = new Map<string, LocationTokenProvider>();

  constructor(private readonly o: CredentialOptions) {
    if (o.tokenFlag !== undefined) {
      throw new UsageError(`A token on the command line is refused: it would be kept in shell history and shown in process lists. ${WAYS_TO_SIGN_IN[0]!.toUpperCase()}${WAYS_TO_SIGN_IN.slice(1)}`, '--token');
    }
    const named = o.authStore ?? (o.env[AUTH_STORE_ENV]?.trim() || undefined);
    this.storeNamed = named !== undefined;
    this.storePath = named ?? defaultStorePath(o.env);
  }

  tokenStore(): TokenStore {
    return (this.store ??= this.o.store ?? new FileTokenStore(this.storePath));
  }

  oauth(): OAuthApi {
    return (this.oauthApi ??= new OAuthApi({ baseUrl: this.o.baseUrl, logger: this.o.logger, ...this.o.oauth }));
  }

  client(): Promise<ClientCredentials> {
    return (this.clientCreds ??= readClientCredentials(this.o.env, this.o.clientFile));
  }

  /** The credential of one location: a static token, or a provider of OAuth access tokens. */
  async forLocation(locationId: string): Promise<string | TokenProvider> {
    if (locationId === 'all') throw new UsageError('--location all is for export and dedup --plan, which act on many locations; this command acts on one location: name it', '--location');
    const env = this.o.env;
    const cheap = credentialSource({ locationId, env, tokenFile: this.o.tokenFile, storeNamed: this.storeNamed, defaultStoreHasGrant: false });
    // The store is read only when it can matter: a token given explicitly never depends on the store's state.
    const records = cheap === 'named-store' || cheap === 'none' ? await this.storeRecords() : [];
    const clientId = (await this.clientIdFilter()) ?? undefined;
    const source = credentialSource({ locationId, env, tokenFile: this.o.tokenFile, storeNamed: this.storeNamed, defaultStoreHasGrant: records.some(([, r]) => r.kind === 'grant') });
    switch (source) {
      case 'location-env':
        return env[`${TOKEN_ENV}_${locationId}`]!.trim();
      case 'token-file':
      case 'env':
        return (this.shared ??= resolveToken({ env, tokenFile: this.o.tokenFile }));
      case 'none':
        throw new UsageError(`No token for location ${locationId}: ${WAYS_TO_SIGN_IN}`);
      default: {
        const choice = chooseGrant(records, locationId, clientId, this.storePath);
        if (!choice) throw new UsageError(`No OAuth grant in the token store ${this.storePath} for location ${locationId}: sign in with hoop-etl auth login, or ${WAYS_TO_SIGN_IN.replace(/, or sign in.*$/, '')}`, '--auth-store');
        return this.providerFor(choice, locationId);
      }
    }
  }

  /**
   * `--location all`: the locations the Company grant reaches (where the app
   * is installed), or a Location grant's own location.
   */
  async allLocations(): Promise<string[]> {
    const records = await this.storeRecords();
    const choice = grantForAll(records, await this.clientIdFilter(), this.storePath);
    if (!choice) throw new UsageError(`--location all lists the locations an OAuth agency grant reaches, and the token store ${this.storePath} holds none: sign in with hoop-etl auth login --user-type Company, or name the locations (--location A,B)`, '--location');
    if (choice.kind === 'location-grant') return [choice.grant.locationId!];
    const company = this.grantProvider(choice.key);
    const g = choice.grant;
    const list = async (token: string): Promise<string[]> => this.oauth().installedLocations(token, g.companyId!, appIdOf(g.clientId));
    let token = await company.token();
    try {
      return await list(token);
    } catch (e) {
      if ((e as { code?: string }).code !== 'OAUTH_UNAUTHORIZED') throw e;
      token = await company.renew(token);
      return list(token);
    }
  }

  private async clientIdFilter(): Promise<string | undefined> {
    // Only the id filters grants; a missing secret matters only when a refresh needs it.
    if (this.o.clientFile === undefined) return this.o.env[CLIENT_ID_ENV]?.trim() || undefined;
    return (await this.client()).clientId;
  }

  private async storeRecords(): Promise<Awaited<ReturnType<TokenStore['list']>>> {
    return this.tokenStore().list();
  }

  private secret = async (): Promise<string> => {
    const c = await this.client();
    if (!c.clientSecret) throw new UsageError(`Refreshing the OAuth grant needs the app's client secret: set ${CLIENT_SECRET_ENV} or pass --client-file <file>`, '--client-file');
    return c.clientSecret;
  };

  private grantProvider(key: string): GrantTokenProvider {
    let p = this.grants.get(key);
    if (!p) {
      p = new GrantTokenProvider(key, { store: this.tokenStore(), oauth: this.oauth(), clientSecret: this.secret, now: this.o.now, logger: this.o.logger });
      this.grants.set(key, p);
    }
    return p;
  }

  private providerFor(choice: GrantChoice, locationId: string): TokenProvider {
    const grant = this.grantProvider(choice.key);
    if (choice.kind === 'location-grant') return grant;
    const key = `${choice.key}|${locationId}`;
    let p = this.locations.get(key);
    if (!p) {
      p = new LocationTokenProvider(grant, { clientId: choice.grant.clientId, companyId: choice.grant.companyId! }, locationId, {
        store: this.tokenStore(),
        oauth: this.oauth(),
        clientSecret: this.secret,
        now: this.o.now,
        logger: this.o.logger,
      });
      this.locations.set(key, p);
    }
    return p;
  }
}

/** Which setting chose the base URL, for messages about a server that cannot be reached. */
export function baseUrlSource(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag !== undefined ? '--base-url' : env[BASE_URL_ENV] !== undefined ? BASE_URL_ENV : 'the default';
}
