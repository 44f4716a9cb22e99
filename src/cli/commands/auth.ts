import { randomBytes } from 'node:crypto';
import { hoopEtl } from '../invocation.js';
import { createServer, type Server } from 'node:http';
import type { Argv } from 'yargs';
import { consentBase, consentUrl, DEFAULT_SCOPES, readCallback } from '../../api/auth/consent-url.js';
import { expiresAtOf } from '../../api/auth/token-expiry.js';
import { grantKey, type GrantRecord, type TokenRecord, type UserType } from '../../api/auth/token-store.js';
import { CLIENT_ID_ENV, CLIENT_SECRET_ENV, resolveBaseUrl } from '../../api/credentials.js';
import { EXIT, HoopError, UsageError, type ExitCode } from '../../core/errors.js';
import type { CommandDef } from '../command.js';
import { credentialsFor, loggerFor } from '../connection-options.js';

/**
 * `hoop-etl auth login|status|logout`: the OAuth app's grants in the token
 * store, as `gh auth` keeps GitHub's. Login is the authorization-code flow:
 * the consent URL, the code on a local redirect (or pasted with --code), the
 * exchange, the grant stored. No token is ever printed.
 */

export interface AuthArgs {
  action: 'login' | 'status' | 'logout';
  code?: string;
  'user-type'?: UserType;
  scopes?: string;
  port: number;
  'redirect-uri'?: string;
  'consent-url'?: string;
  'timeout-s': number;
  'auth-store'?: string;
  'client-file'?: string;
  'base-url'?: string;
  'log-level': string;
  'mask-pii'?: boolean;
}

export const DEFAULT_REDIRECT_PORT = 53682;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const when = (ms: number | undefined): string => (ms === undefined ? 'unknown' : new Date(ms).toISOString());

/** One grant in words, never its tokens. */
export function describeRecord(r: TokenRecord, now: number): string {
  const expiry = r.expiresAt === undefined ? 'no expiry given' : `access token ${r.expiresAt <= now ? 'expired' : 'valid until'} ${when(r.expiresAt)}`;
  if (r.kind === 'location') return `  location token for ${r.locationId} (company ${r.companyId}): ${expiry}`;
  const who = r.userType === 'Company' ? `company ${r.companyId}` : `location ${r.locationId}${r.companyId ? ` of company ${r.companyId}` : ''}`;
  const approved = r.approvedLocations?.length ? `; approved locations: ${r.approvedLocations.join(', ')}` : '';
  return `${r.userType} grant of ${who} (client ${r.clientId}): scopes ${r.scopes.join(' ') || '(none given)'}${approved}; ${expiry}; signed in ${when(r.obtainedAt)}${r.refreshedAt ? `, last refreshed ${when(r.refreshedAt)}` : ''}`;
}

/** Waits on the local redirect for the platform to bring the code back. */
function receiveCode(server: Server, state: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new HoopError('LOGIN_TIMEOUT', `No sign-in came back within ${Math.round(timeoutMs / 1000)} s; run ${hoopEtl()} auth login again, or paste the code: ${hoopEtl()} auth login --code <code>`)), timeoutMs);
    server.on('request', (req, res) => {
      const got = readCallback(req.url ?? '/', state);
      if (got.kind === 'ignore') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not the hoop-etl sign-in callback.\n');
        return;
      }
      const page = (status: number, text: string): void =>
        void res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(`<!doctype html><meta charset="utf-8"><title>hoop-etl</title><p>${text}</p>\n`);
      clearTimeout(timer);
      if (got.kind === 'error') {
        page(400, 'The sign-in was refused. Go back to the terminal.');
        reject(new HoopError('LOGIN_REFUSED', `The platform refused the sign-in: ${got.message}`));
        return;
      }
      page(200, 'Signed in to hoop-etl. You can close this tab and go back to the terminal.');
      resolve(got.code);
    });
  });
}

async function login(args: AuthArgs): Promise<ExitCode> {
  const env = process.env;
  const logger = loggerFor(args);
  const credentials = credentialsFor(args, env, logger);
  const client = await credentials.client();
  if (!client.clientId || !client.clientSecret) {
    throw new UsageError(`auth login needs the OAuth app's client id and secret: set ${CLIENT_ID_ENV} and ${CLIENT_SECRET_ENV}, or pass --client-file <file> (client_id=<id> client_secret=<secret>)`, '--client-file');
  }
  const requested = args['user-type'];
  let code = args.code?.trim();
  let redirectUri = args['redirect-uri'];
  if (code === '') throw new UsageError('--code is empty', '--code');
  if (code === undefined) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(args.port, '127.0.0.1', () => resolve());
    });
    try {
      const port = (server.address() as { port: number }).port;
      redirectUri ??= `http://127.0.0.1:${port}/callback`;
      const state = randomBytes(16).toString('hex');
      const scopes = args.scopes ? args.scopes.split(/[\s,]+/).filter(Boolean) : DEFAULT_SCOPES;
      const url = consentUrl({ base: consentBase(resolveBaseUrl(args['base-url'], env), args['consent-url']), clientId: client.clientId, redirectUri, scopes, state, userType: requested });
      out('Open this page in a browser and choose where to install the app:');
      out(`  ${url}`);
      out(`Waiting for the sign-in on ${redirectUri} (or stop and run ${hoopEtl()} auth login --code <code> with the code from the page)`);
      code = await receiveCode(server, state, args['timeout-s'] * 1000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }
  const oauth = credentials.oauth();
  const now = Date.now();
  const answer = await oauth.exchangeCode({ clientId: client.clientId, clientSecret: client.clientSecret, code, userType: requested, redirectUri });
  if (!answer.refreshToken) throw new HoopError('LOGIN_INCOMPLETE', 'The platform answered the code exchange without a refresh token: nothing stored');
  // The app's distribution decides the kind of token, not the user_type asked for (BEHAVIOUR.md §10.2).
  const userType: UserType = answer.userType ?? requested ?? (answer.locationId ? 'Location' : 'Company');
  const id = userType === 'Location' ? answer.locationId : answer.companyId;
  if (!id) throw new HoopError('LOGIN_INCOMPLETE', `The platform answered a ${userType} grant without its ${userType === 'Location' ? 'locationId' : 'companyId'}: nothing stored`);
  const expiresAt = expiresAtOf(now, answer.expiresInS);
  const record: GrantRecord = {
    kind: 'grant',
    clientId: client.clientId,
    userType,
    companyId: answer.companyId,
    locationId: answer.locationId,
    userId: answer.userId,
    scopes: answer.scopes,
    approvedLocations: answer.approvedLocations,
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    expiresAt,
    lifetimeMs: expiresAt !== undefined ? expiresAt - now : undefined,
    obtainedAt: now,
  };
  const store = credentials.tokenStore();
  await store.put(grantKey(client.clientId, userType, id), record);
  if (requested && requested !== userType) out(`Asked for a ${requested} grant; the platform gave a ${userType} grant (the app's distribution decides).`);
  out(`Signed in: ${describeRecord(record, Date.now())}`);
  out(`Grant stored in ${store.describe}`);
  return EXIT.ok;
}

async function status(args: AuthArgs): Promise<ExitCode> {
  const credentials = credentialsFor(args, process.env);
  const records = await credentials.tokenStore().list();
  if (records.length === 0) {
    out(`No OAuth grant in ${credentials.storePath}. Sign in with ${hoopEtl()} auth login.`);
    return EXIT.ok;
  }
  out(`Token store ${credentials.storePath}:`);
  const now = Date.now();
  const grants = records.filter(([, r]) => r.kind === 'grant');
  for (const [, r] of grants) out(describeRecord(r, now));
  for (const [, r] of records.filter(([, x]) => x.kind === 'location')) out(describeRecord(r, now));
  return EXIT.ok;
}

async function logout(args: AuthArgs): Promise<ExitCode> {
  const credentials = credentialsFor(args, process.env);
  const store = credentials.tokenStore();
  const records = await store.list();
  let grants = 0;
  let tokens = 0;
  for (const [key, r] of records) {
    await store.delete(key);
    if (r.kind === 'grant') grants++;
    else tokens++;
  }
  out(`Removed ${grants} grant(s) and ${tokens} location token(s) from ${credentials.storePath}. The app stays installed on the platform: uninstall it there to revoke its access.`);
  return EXIT.ok;
}

export const authCommand: CommandDef<AuthArgs> = {
  command: 'auth <action>',
  describe: 'Sign in with an OAuth app (authorization code), show or remove the grants in the token store',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['login', 'status', 'logout'] as const, describe: 'login: sign in and store the grant; status: what is stored (never the tokens); logout: forget every grant' })
      .option('code', { type: 'string', nargs: 1, describe: 'login: the authorization code, pasted (no local redirect)' })
      .option('user-type', { choices: ['Company', 'Location'] as const, describe: 'login: the grant asked for: Company (agency, many locations) or Location (one sub-account)' })
      .option('scopes', { type: 'string', describe: `login: scopes asked for, space- or comma-separated (default ${DEFAULT_SCOPES.join(' ')})` })
      .option('port', { type: 'number', default: DEFAULT_REDIRECT_PORT, describe: 'login: local port of the redirect http://127.0.0.1:<port>/callback (register it as the app\'s redirect URI; 0 picks a free one)' })
      .option('redirect-uri', { type: 'string', nargs: 1, describe: 'login: the redirect URI registered for the app, when it is not the local one' })
      .option('consent-url', { type: 'string', nargs: 1, describe: 'login: the consent page (default: the marketplace\'s for the platform, <base-url>/v2/oauth/chooselocation otherwise)' })
      .option('timeout-s', { type: 'number', default: 300, describe: 'login: how long to wait for the redirect' })
      .option('auth-store', { type: 'string', nargs: 1, describe: 'Token store file (or HOOPAI_AUTH_STORE); default ~/.config/hoop-etl/auth.json' })
      .option('client-file', { type: 'string', nargs: 1, describe: `File with the app's client_id= and client_secret= (else ${CLIENT_ID_ENV}, ${CLIENT_SECRET_ENV})` })
      .option('base-url', { type: 'string', describe: 'API base URL (or HOOPAI_BASE_URL); default https://services.leadconnectorhq.com' })
      .option('log-level', { type: 'string', default: 'warn', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], describe: 'Log level on stderr' })
      .option('mask-pii', { type: 'boolean', default: false, hidden: true })
      .option('token', { type: 'string', hidden: true })
      .example('$0 auth login --user-type Company', 'Sign in as the agency: open the printed page, choose the locations')
      .example('$0 auth login --code 3f9c... --user-type Location', 'Sign in with a code pasted from the redirect page')
      .example('$0 auth status', 'Which grants are stored, their scopes and expiry')
      .example('$0 auth logout', 'Forget every grant'),
  async handler(args) {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`Expected --port to be an integer from 0 to 65535, got ${String(args.port)}`, '--port');
    if (!(args['timeout-s'] > 0)) throw new UsageError(`Expected --timeout-s to be a number > 0, got ${String(args['timeout-s'])}`, '--timeout-s');
    if (args.action !== 'login') for (const f of ['code', 'user-type', 'scopes', 'redirect-uri', 'consent-url'] as const) if (args[f] !== undefined) throw new UsageError(`--${f} goes with auth login`, `--${f}`);
    if (args.action === 'login') return login(args);
    if (args.action === 'status') return status(args);
    return logout(args);
  },
};
