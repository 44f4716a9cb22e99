import type { Server } from 'node:http';
import { ConfigError } from '../core/errors.js';
import { ApiError } from './api-error.js';
import { seedContacts } from './admin.js';
import type { FaultConfig } from './faults.js';
import { openSqlitePersistence, type Persistence } from './persistence.js';
import type { RateLimitConfig } from './rate-limiter.js';
import { readSeedCsv } from './seed-csv.js';
import { closeServer, createEmulatorServer, listen } from './server.js';
import { DEMO_LOCATION_ID, DEMO_TOKEN, EmulatorState } from './state.js';
import { EmulatorStore } from './store.js';
import type { UniqueIdentifier } from './types.js';

export { DEMO_LOCATION_ID, DEMO_TOKEN, EmulatorState } from './state.js';
export { EmulatorStore } from './store.js';
export type { ContactRecord, LocationSettings, TokenRecord } from './types.js';

export interface EmulatorOptions {
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The location created at start, with a token for it. @default DEMO_LOCATION_ID */
  locationId?: string;
  /** @default DEMO_TOKEN */
  token?: string;
  /** Country used to parse phones written without `+`. @default 'US' */
  country?: string;
  /** @default 'America/New_York' */
  timezone?: string;
  /** The default location's "Allow Duplicate Contact" setting. @default false */
  allowDuplicates?: boolean;
  /** @default ['email', 'phone'] */
  uniqueIdentifiers?: UniqueIdentifier[];
  rateLimit?: Partial<RateLimitConfig>;
  faults?: Partial<FaultConfig>;
  /** @default 0 */
  searchLagMs?: number;
  /**
   * Keys left out of every search hit, for a client that must cope with thin
   * hits: `dndSettings` (reported missing from hits, GH#43), `firstNameRaw`
   * and `lastNameRaw` (hits with only the lower-case names). @default []
   */
  searchHitOmit?: string[];
  /** SQLite file that keeps state across restarts; in memory when absent. */
  data?: string;
  /** A contacts CSV loaded into the default location at start. */
  seed?: string;
  /** Clock in epoch ms, for tests. @default Date.now */
  now?: () => number;
  /** Where internal errors are reported. @default stderr */
  log?: (line: string) => void;
  /**
   * Called as each API request is routed, before it is checked or applied, with
   * its operationId and how many API requests came so far (this one included).
   * For chaos tests: a client can be killed at an exact request.
   */
  onRequest?: (operationId: string, count: number) => void;
}

export interface RunningEmulator {
  url: string;
  locationId: string;
  token: string;
  state: EmulatorState;
  store: EmulatorStore;
  server: Server;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  let persistence: Persistence | undefined;
  const store = new EmulatorStore({ now: options.now, searchLagMs: options.searchLagMs ?? 0, searchHitOmit: options.searchHitOmit ?? [] });
  if (options.data) {
    persistence = openSqlitePersistence(options.data);
    store.loadFrom(persistence);
  }
  const state = new EmulatorState({
    store,
    rate: options.rateLimit ?? {},
    faults: options.faults ?? {},
    tenant: {
      locationId: options.locationId ?? DEMO_LOCATION_ID,
      token: options.token ?? DEMO_TOKEN,
      country: (options.country ?? 'US').toUpperCase(),
      timezone: options.timezone ?? 'America/New_York',
      allowDuplicateContact: options.allowDuplicates ?? false,
      contactUniqueIdentifiers: options.uniqueIdentifiers ?? ['email', 'phone'],
    },
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    onRequest: options.onRequest,
  });
  state.ensureDefaultTenant();
  const home = store.location(state.tenant.locationId)!;
  if (options.seed && home.contacts.size > 0) {
    // A --data file that already holds contacts was seeded before: seeding again would double them.
    state.log(`emulator: --seed ${options.seed} skipped, the location already holds ${home.contacts.size} contacts from --data`);
  } else if (options.seed) {
    for (const row of await readSeedCsv(options.seed)) {
      try {
        seedContacts(state, home, [row.contact]);
      } catch (e) {
        if (e instanceof ApiError) throw new ConfigError(`Cannot seed contact: ${e.message.replace(/^contacts\[0\]: /, '')} (${options.seed} line ${row.line})`);
        throw e;
      }
    }
  }
  const server = createEmulatorServer(state);
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    locationId: state.tenant.locationId,
    token: state.tenant.token,
    state,
    store,
    server,
    async close() {
      await closeServer(server);
      persistence?.close();
    },
  };
}
