import type { Server } from 'node:http';
import { ConfigError, UsageError } from '../core/errors.js';
import { adminTokenRequired } from './admin-auth.js';
import { ApiError } from './api-error.js';
import { seedContacts } from './admin.js';
import type { FaultConfig } from './faults.js';
import { oauthConfig, type OAuthOptions } from './oauth.js';
import { openSqlitePersistence, type Persistence } from './persistence.js';
import type { RateLimitConfig } from './rate-limiter.js';
import { defineCustomField } from './routes/custom-fields.js';
import { readSeedFields, readSeedFile, type SeedData, type SeedField } from './seed-file.js';
import { closeServer, createEmulatorServer, listen } from './server.js';
import { DEMO_LOCATION_ID, DEMO_TOKEN, EmulatorState } from './state.js';
import { EmulatorStore, type LocationState } from './store.js';
import type { UniqueIdentifier } from './types.js';

export { DEMO_LOCATION_ID, DEMO_TOKEN, EmulatorState } from './state.js';
export { CLIENT_SECRET_ENV, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_COMPANY_ID, type OAuthOptions } from './oauth.js';
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
  /** The company (agency) that holds the locations, for OAuth Company tokens. @default DEMO_COMPANY_ID */
  companyId?: string;
  /**
   * The company's locations: a count (the first location included; the
   * further ones get ids `hoopDemoLocation0002`...), or their ids (the first
   * is the default location unless `locationId` is given). Each further
   * location gets a static token `<token>-<n>`. @default 1
   */
  locations?: number | readonly string[];
  /** The OAuth app the emulator knows: its client credentials and the OAuth choices. */
  oauth?: OAuthOptions;
  /** Access-token lifetime in seconds, echoed in `expires_in`. @default 86399 */
  tokenTtlS?: number;
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
  /**
   * Contacts loaded at start: an export CSV of hoop-etl (custom-field columns
   * and a `locationId` column included), JSON Lines (`.jsonl`, `.ndjson`), or
   * the older seed CSV. Rows without a location go to the default location.
   */
  seed?: string;
  /** Custom field definitions (`hoop-etl export --fields-out`) giving the seeded fields their types. */
  seedFields?: string;
  /**
   * Bearer token the `/__emulator/*` routes then require. Without it they are
   * open, which is allowed on a loopback host only: on any other host the
   * emulator refuses to start.
   */
  adminToken?: string;
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
  companyId: string;
  /** Every location of the company with its static token, the default one first. */
  locations: Array<{ locationId: string; token: string }>;
  /** The OAuth app's credentials (`appId` is the part of `clientId` before the `-`). */
  oauth: { clientId: string; clientSecret: string; appId: string };
  state: EmulatorState;
  store: EmulatorStore;
  server: Server;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (adminTokenRequired(host, options.adminToken) === 'refuse') {
    throw new UsageError(
      `The emulator's admin routes (/__emulator/*) reset, read and mint tokens: on ${host}, which is not loopback, they need an admin token. Give --admin-token or set HOOPAI_EMULATOR_ADMIN_TOKEN, or listen on 127.0.0.1`,
      '--host',
    );
  }
  const firstLocation = options.locationId ?? (Array.isArray(options.locations) ? options.locations[0] : undefined) ?? DEMO_LOCATION_ID;
  const baseToken = options.token ?? DEMO_TOKEN;
  const extraLocations = furtherLocations(firstLocation, options.locations).map((locationId, i) => ({ locationId, token: `${baseToken}-${i + 2}` }));
  if (options.tokenTtlS !== undefined && (!Number.isInteger(options.tokenTtlS) || options.tokenTtlS < 1)) {
    throw new UsageError(`Expected tokenTtlS to be an integer >= 1, got ${String(options.tokenTtlS)}`, '--token-ttl-s');
  }
  // Read before anything is opened or bound: a bad seed file stops the start with nothing changed.
  const declared = options.seedFields ? await readSeedFields(options.seedFields) : [];
  const seedData = options.seed ? await readSeedFile(options.seed, declared) : undefined;
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
      locationId: firstLocation,
      token: baseToken,
      country: (options.country ?? 'US').toUpperCase(),
      timezone: options.timezone ?? 'America/New_York',
      allowDuplicateContact: options.allowDuplicates ?? false,
      contactUniqueIdentifiers: options.uniqueIdentifiers ?? ['email', 'phone'],
      extraLocations,
    },
    oauth: oauthConfig({ companyId: options.companyId, tokenTtlS: options.tokenTtlS, oauth: options.oauth }),
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    onRequest: options.onRequest,
  });
  state.ensureDefaultTenant();
  if (options.seed && seedData) {
    const held = [...store.locations.values()].reduce((n, l) => n + l.contacts.size, 0);
    if (held > 0) {
      // A --data file that already holds contacts was seeded before: seeding again would double them.
      state.log(`emulator: --seed ${options.seed} skipped, --data already holds ${held} contacts`);
    } else {
      // One transaction: a seed refused half-way leaves no contacts in --data (a restart would skip the seed).
      const seed = options.seed;
      try {
        if (persistence) persistence.transaction(() => loadSeed(state, seed, seedData));
        else loadSeed(state, seed, seedData);
      } catch (e) {
        persistence?.close();
        throw e;
      }
    }
  }
  const server = createEmulatorServer(state, { adminToken: options.adminToken });
  let url: string;
  try {
    url = await listen(server, options.port ?? 0, host);
  } catch (e) {
    persistence?.close();
    throw e;
  }
  return {
    url,
    locationId: state.tenant.locationId,
    token: state.tenant.token,
    companyId: state.oauth.companyId,
    locations: [{ locationId: state.tenant.locationId, token: state.tenant.token }, ...extraLocations],
    oauth: { clientId: state.oauth.clientId, clientSecret: state.oauth.clientSecret, appId: state.oauth.appId },
    state,
    store,
    server,
    async close() {
      await closeServer(server);
      persistence?.close();
    },
  };
}

/** The ids of the company's locations after the first. */
function furtherLocations(first: string, locations: number | readonly string[] | undefined): string[] {
  if (locations === undefined) return [];
  if (typeof locations === 'number') {
    if (!Number.isInteger(locations) || locations < 1 || locations > 9999) throw new UsageError(`Expected locations to be an integer from 1 to 9999, got ${String(locations)}`, '--locations');
    const out: string[] = [];
    for (let n = 2; out.length < locations - 1; n++) {
      const id = `hoopDemoLocation${String(n).padStart(4, '0')}`;
      if (id !== first) out.push(id);
    }
    return out;
  }
  const bad = locations.find((id) => !/^[A-Za-z0-9]{20}$/.test(id));
  if (bad !== undefined) throw new UsageError(`Expected every location id to be 20 characters [A-Za-z0-9], got '${bad}'`, 'locations');
  return [...new Set(locations)].filter((id) => id !== first);
}

/** The seeded locations: the default one, and each `locationId` of the file. */
function loadSeed(state: EmulatorState, file: string, data: SeedData): void {
  const { store } = state;
  const groups = new Map<string, typeof data.rows>();
  for (const row of data.rows) {
    const id = row.locationId ?? state.tenant.locationId;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(row);
  }
  if (groups.size === 0) groups.set(state.tenant.locationId, []);
  const byLocationColumn = data.rows.some((r) => r.locationId !== undefined);
  for (const [id, rows] of groups) {
    if (!store.location(id)) store.putLocation({ ...state.defaultLocation(), id, name: `Location ${id}` });
    const loc = store.location(id)!;
    // Definitions from --seed-fields name their location; in a file without a locationId column they all belong to the one location seeded.
    const fields = data.fields.filter((f) => !byLocationColumn || f.locationId === undefined || f.locationId === id || !data.fields.some((o) => o.locationId === id));
    defineSeedFields(loc, fields, store);
    for (const row of rows) {
      try {
        seedContacts(state, loc, [row.contact]);
      } catch (e) {
        if (e instanceof ApiError) throw new ConfigError(`Cannot seed contact: ${e.message.replace(/^contacts\[0\]: /, '')} (${file} line ${row.line})`);
        throw e;
      }
    }
  }
  if (data.skipped.length) state.log(`emulator: --seed ${file}: columns not loaded (derived from others or extras): ${data.skipped.join(', ')}`);
}

function defineSeedFields(loc: LocationState, fields: readonly SeedField[], store: EmulatorStore): void {
  const seenKeys = new Set<string>();
  for (const f of fields) {
    const fieldKey = `contact.${f.key}`;
    if (seenKeys.has(fieldKey)) continue;
    seenKeys.add(fieldKey);
    if ([...loc.customFields.values()].some((d) => d.fieldKey === fieldKey)) continue;
    const idFree = f.id !== undefined && /^[A-Za-z0-9]{20}$/.test(f.id) && ![...store.locations.values()].some((l) => l.customFields.has(f.id!));
    const def = defineCustomField(
      { loc },
      {
        name: f.name,
        dataType: f.dataType,
        fieldKey,
        position: f.position,
        picklistOptions: f.picklistOptions,
        ...(f.placeholder && { placeholder: f.placeholder }),
        ...(idFree && { id: f.id }),
      },
    );
    store.putCustomField(def);
  }
}
