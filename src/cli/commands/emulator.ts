import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { ADMIN_TOKEN_ENV } from '../../emulator/admin-auth.js';
import { CLIENT_SECRET_ENV } from '../../emulator/oauth.js';
import type { CommandDef } from '../command.js';

export interface EmulatorArgs {
  port: number;
  host: string;
  location?: string;
  token?: string;
  company?: string;
  locations: number;
  'oauth-client-id'?: string;
  'oauth-client-secret'?: string;
  'oauth-user-type'?: string;
  'token-ttl-s': number;
  'refresh-grace-s': number;
  seed?: string;
  'seed-fields'?: string;
  'admin-token'?: string;
  data?: string;
  country: string;
  timezone: string;
  'rate-max': number;
  'rate-interval-ms': number;
  'daily-limit': number;
  'latency-ms': number;
  'latency-jitter-ms': number;
  'fail-rate': number;
  'drop-rate': number;
  'ambiguous-rate': number;
  'rate-limit-rate': number;
  'spike-rate': number;
  'spike-ms': number;
  'fault-seed': number;
  'search-lag-ms': number;
  'retry-after': boolean;
  'allow-duplicates': boolean;
  'unique-identifiers': string;
}

function check(args: EmulatorArgs): void {
  for (const k of ['fail-rate', 'drop-rate', 'ambiguous-rate', 'rate-limit-rate', 'spike-rate'] as const) {
    const v = args[k];
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new UsageError(`Expected --${k} to be a number between 0 and 1, got ${String(v)}`, `--${k}`);
  }
  if (!Number.isInteger(args.locations) || args.locations < 1 || args.locations > 9999) {
    throw new UsageError(`Expected --locations to be an integer from 1 to 9999, got ${String(args.locations)}`, '--locations');
  }
  if (!Number.isInteger(args['token-ttl-s']) || args['token-ttl-s'] < 1) throw new UsageError(`Expected --token-ttl-s to be an integer >= 1, got ${String(args['token-ttl-s'])}`, '--token-ttl-s');
  if (!Number.isInteger(args['refresh-grace-s']) || args['refresh-grace-s'] < 0) throw new UsageError(`Expected --refresh-grace-s to be an integer >= 0, got ${String(args['refresh-grace-s'])}`, '--refresh-grace-s');
  if (args.company !== undefined && !/^[A-Za-z0-9]{20}$/.test(args.company)) {
    throw new UsageError(`Expected --company to be a 20-character [A-Za-z0-9] id, got '${args.company}'`, '--company');
  }
  if (args['oauth-client-id'] !== undefined && !/^[A-Za-z0-9]+-[A-Za-z0-9]+$/.test(args['oauth-client-id'])) {
    throw new UsageError(`Expected --oauth-client-id to be <appId>-<suffix> ([A-Za-z0-9]), got '${args['oauth-client-id']}'`, '--oauth-client-id');
  }
  if (args['oauth-client-secret'] !== undefined && args['oauth-client-secret'].trim() === '') throw new UsageError('Expected --oauth-client-secret to be non-empty', '--oauth-client-secret');
  if (args['oauth-user-type'] !== undefined && args['oauth-user-type'] !== 'Company' && args['oauth-user-type'] !== 'Location') {
    throw new UsageError(`Expected --oauth-user-type to be Company or Location, got '${args['oauth-user-type']}'`, '--oauth-user-type');
  }
  for (const k of ['port', 'rate-max', 'rate-interval-ms', 'daily-limit', 'latency-ms', 'latency-jitter-ms', 'spike-ms', 'search-lag-ms'] as const) {
    const v = args[k];
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`Expected --${k} to be an integer >= 0, got ${String(v)}`, `--${k}`);
  }
  if (args.port > 65535) throw new UsageError(`Expected --port to be at most 65535, got ${args.port}`, '--port');
  if (args['rate-interval-ms'] === 0) throw new UsageError('Expected --rate-interval-ms to be at least 1', '--rate-interval-ms');
  const ids = args['unique-identifiers'].split(',').map((s) => s.trim());
  if (!ids.every((x) => x === 'email' || x === 'phone') || new Set(ids).size !== ids.length) {
    throw new UsageError(`Expected --unique-identifiers to list email and/or phone in priority order, got '${args['unique-identifiers']}'`, '--unique-identifiers');
  }
  if (args['seed-fields'] !== undefined && args.seed === undefined) throw new UsageError('--seed-fields gives the types of the custom fields of --seed; give --seed too', '--seed-fields');
  if (args['admin-token'] !== undefined && args['admin-token'].trim() === '') throw new UsageError('Expected --admin-token to be a non-empty token', '--admin-token');
  if (args.location !== undefined && !/^[A-Za-z0-9]{20}$/.test(args.location)) {
    throw new UsageError(`Expected --location to be a 20-character [A-Za-z0-9] id, got '${args.location}'`, '--location');
  }
}

/** The flag, else the environment; an empty variable counts as unset. */
function adminToken(args: EmulatorArgs): string | undefined {
  const v = args['admin-token'] ?? process.env[ADMIN_TOKEN_ENV];
  return v && v.trim() ? v.trim() : undefined;
}

/** The flag, else the environment; an empty variable counts as unset. */
function clientSecret(args: EmulatorArgs): string | undefined {
  const v = args['oauth-client-secret'] ?? process.env[CLIENT_SECRET_ENV];
  return v && v.trim() ? v.trim() : undefined;
}

export const emulatorCommand: CommandDef<EmulatorArgs> = {
  command: 'emulator',
  describe: 'Run the local HoopAI Contacts API emulator (for tests, the demo and rehearsals)',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 4010, describe: 'Port to listen on; 0 picks a free one' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('location', { type: 'string', describe: 'Id of the location created at start (default: the demo location)' })
      .option('token', { type: 'string', describe: 'Bearer token accepted for that location (default: the demo token)' })
      .option('company', { type: 'string', describe: 'Id of the company (agency) holding the locations, for OAuth Company tokens (default: hoopDemoCompany00001)' })
      .option('locations', { type: 'number', default: 1, describe: 'How many locations the company has; each further one gets its own static token' })
      .option('oauth-client-id', { type: 'string', describe: 'The OAuth app\'s client_id, <appId>-<suffix> (default: a made-up one, printed at start)' })
      .option('oauth-client-secret', { type: 'string', describe: `The OAuth app's client_secret (or ${CLIENT_SECRET_ENV}; default: a made-up one, printed at start)` })
      .option('oauth-user-type', { type: 'string', describe: 'Token a consent gives when it does not say: Company or Location (default: Company with --company, else Location)' })
      .option('token-ttl-s', { type: 'number', default: 86399, describe: 'Lifetime of OAuth access tokens in seconds (expires_in)' })
      .option('refresh-grace-s', { type: 'number', default: 0, describe: 'Seconds in which a reused refresh token gets the same pair again; 0 = single use' })
      .option('seed', { type: 'string', describe: 'Contacts loaded at start: a hoop-etl export CSV (custom fields, tags, DND, locationId), JSON Lines (.jsonl), or a CSV of contact fields' })
      .option('seed-fields', { type: 'string', describe: 'Custom field definitions (export --fields-out) giving the seeded fields their types' })
      .option('admin-token', { type: 'string', describe: `Bearer token the /__emulator/* routes require (or ${ADMIN_TOKEN_ENV}); needed on a non-loopback --host` })
      .option('data', { type: 'string', describe: 'SQLite file that keeps state across restarts (default: in memory)' })
      .option('country', { type: 'string', default: 'US', describe: 'Location country, used for phones without +' })
      .option('timezone', { type: 'string', default: 'America/New_York', describe: 'Location time zone, used by date filters' })
      .option('rate-max', { type: 'number', default: 100, describe: 'Requests per window per token and location; 0 = no limit' })
      .option('rate-interval-ms', { type: 'number', default: 10000, describe: 'Length of the sliding rate window' })
      .option('daily-limit', { type: 'number', default: 200000, describe: 'Requests per rolling day; 0 = no limit' })
      .option('latency-ms', { type: 'number', default: 0, describe: 'Fixed latency added to every request' })
      .option('latency-jitter-ms', { type: 'number', default: 0, describe: 'Random extra latency, uniform in [0, N)' })
      .option('fail-rate', { type: 'number', default: 0, describe: 'Share of requests answered 5xx without being applied' })
      .option('drop-rate', { type: 'number', default: 0, describe: 'Share of requests whose connection is closed before any response' })
      .option('ambiguous-rate', { type: 'number', default: 0, describe: 'Share of writes applied, then answered 5xx or dropped' })
      .option('rate-limit-rate', { type: 'number', default: 0, describe: 'Share of requests answered 429 below the limit' })
      .option('spike-rate', { type: 'number', default: 0, describe: 'Share of requests slowed by a latency spike' })
      .option('spike-ms', { type: 'number', default: 1000, describe: 'Length of a latency spike' })
      .option('fault-seed', { type: 'number', default: 1, describe: 'Seed of the fault dice, to replay a chaos run' })
      .option('search-lag-ms', { type: 'number', default: 0, describe: 'How long a write takes to appear in /contacts/search' })
      .option('retry-after', { type: 'boolean', default: true, describe: 'Send Retry-After on 429 (--no-retry-after to omit it)' })
      .option('allow-duplicates', { type: 'boolean', default: false, describe: "Turn on the location's Allow Duplicate Contact setting" })
      .option('unique-identifiers', { type: 'string', default: 'email,phone', describe: 'Duplicate-matching fields in priority order' })
      .example('$0 emulator', 'Listen on 127.0.0.1:4010 with the demo location and token')
      .example('$0 emulator --port 0 --rate-max 0 --daily-limit 0', 'Any free port, rate limits off')
      .example('$0 emulator --company hoopAgencyCompany001 --locations 3 --token-ttl-s 60', 'An agency with 3 locations for OAuth: tokens live 60 s')
      .example('$0 emulator --seed export.csv --seed-fields fields.json', 'A rehearsal copy of a location exported with --fields-out')
      .example('$0 emulator --fail-rate 0.01 --drop-rate 0.01 --ambiguous-rate 0.01 --fault-seed 7', 'A rehearsal with faults'),
  async handler(args) {
    check(args);
    const { startEmulator } = await import('../../emulator/index.js');
    const emu = await startEmulator({
      port: args.port,
      host: args.host,
      locationId: args.location,
      token: args.token,
      companyId: args.company,
      locations: args.locations,
      tokenTtlS: args['token-ttl-s'],
      oauth: {
        clientId: args['oauth-client-id'],
        clientSecret: clientSecret(args),
        refreshGraceSeconds: args['refresh-grace-s'],
        ...(args['oauth-user-type'] !== undefined && { userType: args['oauth-user-type'] as 'Company' | 'Location' }),
      },
      seed: args.seed,
      seedFields: args['seed-fields'],
      adminToken: adminToken(args),
      data: args.data,
      country: args.country,
      timezone: args.timezone,
      allowDuplicates: args['allow-duplicates'],
      uniqueIdentifiers: args['unique-identifiers'].split(',').map((s) => s.trim()) as Array<'email' | 'phone'>,
      searchLagMs: args['search-lag-ms'],
      rateLimit: { max: args['rate-max'], intervalMs: args['rate-interval-ms'], dailyLimit: args['daily-limit'], retryAfter: args['retry-after'] },
      faults: {
        latencyMs: args['latency-ms'],
        latencyJitterMs: args['latency-jitter-ms'],
        failRate: args['fail-rate'],
        dropRate: args['drop-rate'],
        ambiguousRate: args['ambiguous-rate'],
        rateLimitRate: args['rate-limit-rate'],
        spikeRate: args['spike-rate'],
        spikeMs: args['spike-ms'],
        seed: args['fault-seed'],
      },
    });
    // Handlers go in before the first line: a script may signal as soon as it reads it.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        process.stderr.write(`emulator: ${signal} received, stopping\n`);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        emu.close().then(resolve, resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    // The first line is what scripts parse; it stays as it was before OAuth. Then the further locations and the OAuth app.
    process.stdout.write(`HoopAI emulator listening on ${emu.url} location=${emu.locationId} token=${emu.token}\n`);
    const more = emu.locations.slice(1).map((l) => `location=${l.locationId} token=${l.token}\n`);
    process.stdout.write(`${more.join('')}oauth client_id=${emu.oauth.clientId} client_secret=${emu.oauth.clientSecret}\n`);
    await stopped;
    return 0;
  },
};
