import type { Argv } from 'yargs';
import { HoopClient } from '../api/client.js';
import { baseUrlSource, Credentials, resolveBaseUrl } from '../api/credentials.js';
import { ContactsApi } from '../api/endpoints.js';
import type { RateGovernor } from '../api/rate-governor.js';
import { createLogger, maskPii, type Logger } from '../core/logger.js';

/** The flags every command that talks to the platform shares, and the client they build. */

export interface ConnectionArgs {
  'base-url'?: string;
  'token-file'?: string;
  token?: unknown;
  'auth-store'?: string;
  'client-file'?: string;
  location: string;
  'log-level': string;
  'mask-pii'?: boolean;
}

export function withConnectionOptions<T>(y: Argv<T>, locationRequired = true): Argv<T> {
  return y
    .option('location', { type: 'string', demandOption: locationRequired, describe: 'Location (sub-account) id the requests act on and count against' + (locationRequired ? '' : ' (default: the pipeline\'s)') })
    .option('base-url', { type: 'string', describe: 'API base URL (or HOOPAI_BASE_URL); default https://services.leadconnectorhq.com' })
    .option('token-file', { type: 'string', describe: 'File holding the access token (else HOOPAI_TOKEN)' })
    .option('auth-store', { type: 'string', nargs: 1, describe: 'OAuth token store file (or HOOPAI_AUTH_STORE); default ~/.config/hoop-etl/auth.json' })
    .option('client-file', { type: 'string', nargs: 1, describe: "File with the OAuth app's client_id= and client_secret= (else HOOPAI_CLIENT_ID, HOOPAI_CLIENT_SECRET)" })
    .option('token', { type: 'string', hidden: true, describe: 'Refused: a token on the command line leaks into shell history' })
    .option('log-level', { type: 'string', default: 'warn', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], describe: 'Log level on stderr' })
    .option('mask-pii', { type: 'boolean', default: false, describe: 'Mask emails and phones in every line on stderr: logs, messages, the error (a***@example.com, +1415*****01)' }) as unknown as Argv<T>;
}

/** The logger the connection flags ask for: level, and masking of emails and phones. */
export function loggerFor(args: Pick<ConnectionArgs, 'log-level' | 'mask-pii'>): Logger {
  return createLogger({ level: args['log-level'], maskPii: args['mask-pii'] === true });
}

/**
 * Where a command's own lines for the user go when they are not its output
 * (warnings, estimates, a summary while the data is on stdout): stderr,
 * masked as the logs are under `--mask-pii`, since both end up in the same
 * terminal scrollback and CI logs.
 */
export function stderrLines(args: Pick<ConnectionArgs, 'mask-pii'>, stream: { write(text: string): unknown } = process.stderr): (line: string) => void {
  const mask = args['mask-pii'] === true;
  return (line) => void stream.write(`${mask ? maskPii(line) : line}\n`);
}

export interface Connected {
  api: ContactsApi;
  client: HoopClient;
  logger: Logger;
}

/** The credentials the connection flags and the environment describe: static tokens or OAuth grants, per location. */
export function credentialsFor(args: Omit<ConnectionArgs, 'location'>, env: NodeJS.ProcessEnv, logger?: Logger): Credentials {
  return new Credentials({
    env,
    tokenFile: args['token-file'],
    tokenFlag: args.token,
    authStore: args['auth-store'],
    clientFile: args['client-file'],
    baseUrl: resolveBaseUrl(args['base-url'], env),
    logger,
  });
}

export async function connect(args: ConnectionArgs, env: NodeJS.ProcessEnv = process.env, governor?: RateGovernor): Promise<Connected> {
  const logger = loggerFor(args);
  const token = await credentialsFor(args, env, logger).forLocation(args.location);
  const client = new HoopClient({ baseUrl: resolveBaseUrl(args['base-url'], env), baseUrlFrom: baseUrlSource(args['base-url'], env), token, locationId: args.location, governor, logger });
  return { api: new ContactsApi(client), client, logger };
}
