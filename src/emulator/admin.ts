import { ApiError, contactNotFound } from './api-error.js';
import { applyContactInput } from './contact-rules.js';
import { toAppointmentJson, toContactJson, toNoteJson, toTaskJson } from './contact-json.js';
import { FaultSpecError, type FaultConfig, type PlannedFault } from './faults.js';
import { FIREBASE_ID, newId, newObjectId } from './ids.js';
import { authorize, installedLocationIds, revokeAccessToken } from './oauth.js';
import type { RateLimitConfig } from './rate-limiter.js';
import { defineCustomField, toCustomFieldJson } from './routes/custom-fields.js';
import type { EmulatorState } from './state.js';
import type { LocationState } from './store.js';
import { ALL_SCOPES, type ContactRecord, type LocationSettings, type Scope, type UniqueIdentifier } from './types.js';

/**
 * The emulator's own routes under `/__emulator`, which the real API does not
 * have: reset, seed, inspect, configure. No token and no rate limit; they are
 * for tests and rehearsals on loopback.
 */

export const ADMIN_PREFIX = '/__emulator';

interface AdminResult {
  status: number;
  body: unknown;
}

type Json = Record<string, unknown>;

const okJson = (body: unknown, status = 200): AdminResult => ({ status, body });
const bad = (message: string): AdminResult => ({ status: 400, body: { statusCode: 400, message, error: 'Bad Request' } });

function location(state: EmulatorState, id: string): LocationState {
  const loc = state.store.location(id);
  if (!loc) throw new ApiError(404, `Unknown location ${id}`);
  return loc;
}

function parseIdentifiers(v: unknown): UniqueIdentifier[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => x === 'email' || x === 'phone') || new Set(v).size !== v.length) {
    throw new ApiError(400, "contactUniqueIdentifiers must be a non-empty list of 'email' and 'phone'");
  }
  return v as UniqueIdentifier[];
}

function locationSettings(state: EmulatorState, body: Json, base?: LocationSettings): LocationSettings {
  const id = (body.id as string | undefined) ?? base?.id ?? newId();
  if (!FIREBASE_ID.test(id)) throw new ApiError(400, 'location id must be 20 characters [A-Za-z0-9]');
  return {
    id,
    name: (body.name as string | undefined) ?? base?.name ?? `Location ${id}`,
    country: ((body.country as string | undefined) ?? base?.country ?? state.tenant.country).toUpperCase(),
    timezone: (body.timezone as string | undefined) ?? base?.timezone ?? state.tenant.timezone,
    allowDuplicateContact: (body.allowDuplicateContact as boolean | undefined) ?? base?.allowDuplicateContact ?? false,
    contactUniqueIdentifiers: parseIdentifiers(body.contactUniqueIdentifiers) ?? base?.contactUniqueIdentifiers ?? ['email', 'phone'],
  };
}

const DATE_KEYS = ['dateAdded', 'dateUpdated', 'lastActivity'] as const;
const EXTRA_KEYS = ['id', ...DATE_KEYS, 'followers', 'businessId', 'type', 'additionalEmails', 'additionalPhones', 'notes', 'tasks'];

function toMs(v: unknown, what: string): number {
  const t = typeof v === 'number' ? v : Date.parse(String(v));
  if (!Number.isFinite(t)) throw new ApiError(400, `${what} must be an ISO date or epoch milliseconds`);
  return t;
}

/**
 * Seeds contacts as they would exist after past activity: ids and dates may be
 * given, and the duplicate rules are not applied, so that a location can be
 * made to hold duplicates on purpose.
 */
export function seedContacts(state: EmulatorState, loc: LocationState, inputs: readonly Json[]): string[] {
  const now = state.store.now();
  const ids: string[] = [];
  inputs.forEach((raw, i) => {
    const input: Json = {};
    for (const [k, v] of Object.entries(raw)) if (!EXTRA_KEYS.includes(k)) input[k] = v;
    let rec: ContactRecord;
    try {
      rec = applyContactInput(undefined, input, loc, now);
    } catch (e) {
      if (e instanceof ApiError) throw new ApiError(400, `contacts[${i}]: ${[e.messages].flat().join('; ')}`);
      throw e;
    }
    const extra: Partial<Record<keyof ContactRecord, unknown>> = {};
    if (raw.id !== undefined) {
      if (typeof raw.id !== 'string' || !FIREBASE_ID.test(raw.id)) throw new ApiError(400, `contacts[${i}].id must be 20 characters [A-Za-z0-9]`);
      extra.id = raw.id;
    }
    for (const k of DATE_KEYS) if (raw[k] !== undefined) extra[k] = toMs(raw[k], `contacts[${i}].${k}`);
    if (raw.dateAdded !== undefined && raw.dateUpdated === undefined) extra.dateUpdated = extra.dateAdded;
    if (Array.isArray(raw.followers)) extra.followers = raw.followers;
    if (typeof raw.businessId === 'string') extra.businessId = raw.businessId;
    if (typeof raw.type === 'string') extra.type = raw.type;
    const record = { ...rec, ...extra } as ContactRecord;
    state.store.putContact(record);
    for (const n of (raw.notes as Json[] | undefined) ?? []) {
      state.store.putNote(loc.settings.id, {
        id: newId(),
        contactId: record.id,
        body: String(n.body ?? ''),
        dateAdded: n.dateAdded !== undefined ? toMs(n.dateAdded, 'note dateAdded') : now,
        ...(typeof n.title === 'string' ? { title: n.title } : {}),
        ...(typeof n.userId === 'string' ? { userId: n.userId } : {}),
      });
    }
    for (const t of (raw.tasks as Json[] | undefined) ?? []) {
      state.store.putTask(loc.settings.id, {
        id: newId(),
        contactId: record.id,
        title: String(t.title ?? ''),
        dueDate: new Date(toMs(t.dueDate ?? now, 'task dueDate')).toISOString(),
        completed: t.completed === true,
        dateAdded: now,
        ...(typeof t.body === 'string' ? { body: t.body } : {}),
      });
    }
    ids.push(record.id);
  });
  return ids;
}

/** A contact with everything attached, for assertions. */
export function inspectContact(loc: LocationState, c: ContactRecord): Json {
  return {
    ...toContactJson(c),
    activeWorkflows: [...c.activeWorkflows],
    campaigns: [...c.campaigns],
    notes: [...(loc.notes.get(c.id)?.values() ?? [])].map(toNoteJson),
    tasks: [...(loc.tasks.get(c.id)?.values() ?? [])].map(toTaskJson),
    appointments: (loc.appointments.get(c.id) ?? []).map(toAppointmentJson),
  };
}

function configJson(state: EmulatorState): Json {
  return {
    rateLimit: state.limiter.config,
    faults: state.faults.config,
    searchLagMs: state.store.searchLagMs,
    searchHitOmit: state.store.searchHitOmit,
    pendingFaults: state.faults.pending(),
  };
}

function applyConfig(state: EmulatorState, body: Json): void {
  if (body.rateLimit !== undefined) {
    const r = body.rateLimit as Partial<RateLimitConfig>;
    for (const k of ['max', 'intervalMs', 'dailyLimit'] as const) {
      if (r[k] !== undefined && (!Number.isInteger(r[k]) || (r[k] as number) < 0)) throw new ApiError(400, `rateLimit.${k} must be an integer >= 0`);
    }
    state.limiter.config = { ...state.limiter.config, ...r };
  }
  if (body.faults !== undefined) {
    const f = body.faults as Partial<FaultConfig>;
    for (const [k, v] of Object.entries(f)) {
      if (typeof v !== 'number' || v < 0 || (k.endsWith('Rate') && v > 1)) throw new ApiError(400, `faults.${k} must be a number${k.endsWith('Rate') ? ' between 0 and 1' : ' >= 0'}`);
    }
    state.faults.configure(f);
  }
  if (body.searchLagMs !== undefined) {
    if (typeof body.searchLagMs !== 'number' || body.searchLagMs < 0) throw new ApiError(400, 'searchLagMs must be a number >= 0');
    state.store.searchLagMs = body.searchLagMs;
  }
  if (body.searchHitOmit !== undefined) {
    const omit = body.searchHitOmit;
    if (!Array.isArray(omit) || omit.some((k) => typeof k !== 'string' || k === '' || k === 'id' || k === 'searchAfter')) {
      throw new ApiError(400, 'searchHitOmit must be a list of hit keys (not id or searchAfter)');
    }
    state.store.searchHitOmit = [...(omit as string[])];
  }
}

function parse(raw: Buffer): Json {
  if (raw.length === 0) return {};
  const v: unknown = JSON.parse(raw.toString('utf8'));
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'body must be a JSON object');
  return v as Json;
}

export async function handleAdmin(state: EmulatorState, method: string, url: { pathname: string }, raw: Buffer): Promise<AdminResult> {
  const parts = url.pathname.slice(ADMIN_PREFIX.length).split('/').filter(Boolean);
  let body: Json;
  try {
    body = parse(raw);
  } catch (e) {
    return bad(e instanceof ApiError ? e.message : `invalid JSON: ${(e as Error).message}`);
  }
  const route = `${method} /${parts.map((p, i) => (i === 1 && parts[0] === 'locations' ? ':id' : i === 3 && parts[2] === 'contacts' ? ':contactId' : p)).join('/')}`;
  try {
    if (parts[0] === 'oauth') return oauthAdmin(state, method, parts.slice(1), body);
    switch (route) {
      case 'GET /health':
        return okJson({ ok: true });
      case 'POST /reset':
        state.reset();
        if (Object.keys(body).length) applyConfig(state, body);
        return okJson({ ok: true, locationId: state.tenant.locationId });
      case 'GET /stats':
        return okJson(state.stats.toJSON());
      case 'POST /stats/reset':
        state.stats.reset();
        state.limiter.clearPeaks();
        return okJson({ ok: true });
      case 'GET /config':
        return okJson(configJson(state));
      case 'PATCH /config':
        applyConfig(state, body);
        return okJson(configJson(state));
      case 'POST /faults':
        state.faults.schedule((body.faults as PlannedFault[] | undefined) ?? []);
        return okJson({ pending: state.faults.pending() });
      case 'DELETE /faults':
        state.faults.clear();
        return okJson({ pending: 0 });
      case 'POST /daily-reset':
        state.limiter.resetDay(state.store.now());
        return okJson({ ok: true });
      case 'GET /locations':
        return okJson({ locations: [...state.store.locations.values()].map((l) => ({ ...l.settings, contacts: l.contacts.size })) });
      case 'POST /locations': {
        const settings = locationSettings(state, body);
        if (state.store.location(settings.id)) throw new ApiError(409, `location ${settings.id} already exists`);
        state.store.putLocation(settings);
        return okJson({ location: settings }, 201);
      }
      case 'GET /locations/:id':
        return okJson({ location: location(state, parts[1]!).settings });
      case 'PATCH /locations/:id': {
        const loc = location(state, parts[1]!);
        const settings = locationSettings(state, { ...body, id: loc.settings.id }, loc.settings);
        state.store.putLocation(settings);
        return okJson({ location: settings });
      }
      case 'POST /tokens': {
        const locationId = body.locationId as string;
        location(state, locationId);
        const scopes = (body.scopes as Scope[] | undefined) ?? [...ALL_SCOPES];
        const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s));
        if (unknown.length) throw new ApiError(400, `unknown scopes: ${unknown.join(', ')} (known: ${ALL_SCOPES.join(', ')})`);
        const token = (body.token as string | undefined) ?? `pit-${newId()}`;
        state.store.putToken({ token, locationId, scopes });
        return okJson({ token, locationId, scopes }, 201);
      }
      case 'POST /locations/:id/custom-fields': {
        const loc = location(state, parts[1]!);
        const list = (body.customFields as Json[] | undefined) ?? [body];
        const out = list.map((f) => {
          const def = defineCustomField({ loc }, f as unknown as Parameters<typeof defineCustomField>[1]);
          state.store.putCustomField(def);
          return toCustomFieldJson(def);
        });
        return okJson({ customFields: out }, 201);
      }
      case 'POST /locations/:id/businesses': {
        const loc = location(state, parts[1]!);
        const id = (body.id as string | undefined) ?? newObjectId();
        state.store.putBusiness(loc.settings.id, id, String(body.name ?? ''));
        return okJson({ business: { id, name: body.name } }, 201);
      }
      case 'POST /locations/:id/appointments': {
        const loc = location(state, parts[1]!);
        const a = body as Json;
        const contactId = a.contactId as string;
        if (!loc.contacts.has(contactId)) throw contactNotFound(contactId);
        const now = new Date(state.store.now()).toISOString().replace('T', ' ').slice(0, 19);
        const rec = {
          id: newId(),
          contactId,
          locationId: loc.settings.id,
          calendarId: (a.calendarId as string | undefined) ?? newId(),
          title: (a.title as string | undefined) ?? 'Appointment',
          status: (a.status as string | undefined) ?? 'booked',
          appointmentStatus: (a.appointmentStatus as string | undefined) ?? 'confirmed',
          startTime: (a.startTime as string | undefined) ?? now,
          endTime: (a.endTime as string | undefined) ?? now,
          dateAdded: now,
          dateUpdated: now,
        };
        state.store.putAppointment(rec);
        return okJson({ appointment: toAppointmentJson(rec) }, 201);
      }
      case 'POST /locations/:id/contacts': {
        const loc = location(state, parts[1]!);
        const list = body.contacts;
        if (!Array.isArray(list)) throw new ApiError(400, 'contacts must be an array');
        return okJson({ ids: seedContacts(state, loc, list as Json[]) }, 201);
      }
      case 'GET /locations/:id/contacts': {
        const loc = location(state, parts[1]!);
        const contacts = [...loc.contacts.values()].map((c) => inspectContact(loc, c));
        return okJson({ total: contacts.length, deleted: [...loc.deletedContacts], contacts });
      }
      case 'GET /locations/:id/contacts/:contactId': {
        const loc = location(state, parts[1]!);
        const c = loc.contacts.get(parts[3]!);
        if (!c) throw new ApiError(404, `Contact not found for id:${parts[3]}`);
        return okJson({ contact: inspectContact(loc, c) });
      }
      default:
        return { status: 404, body: { statusCode: 404, message: `Unknown emulator admin route ${method} ${url.pathname}`, error: 'Not Found' } };
    }
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: e.toBody('admin') };
    if (e instanceof FaultSpecError) return bad(e.message);
    throw e;
  }
}

/**
 * `/__emulator/oauth/...`: the consent step tests drive, the app's settings,
 * per-location install and active flags, and revocation.
 */
function oauthAdmin(state: EmulatorState, method: string, parts: string[], body: Json): AdminResult {
  const route = `${method} /${parts.map((p, i) => (i === 1 && parts[0] === 'locations' ? ':id' : p)).join('/')}`;
  const cfg = state.oauth;
  switch (route) {
    case 'POST /authorize': {
      const grant = authorize(state, body);
      return okJson({ code: grant.code, userType: grant.userType, companyId: grant.companyId, ...(grant.locationId && { locationId: grant.locationId }), scopes: grant.scopes, expiresAt: new Date(grant.expiresAt).toISOString() }, 201);
    }
    case 'GET /': {
      const { clientSecret: _secret, ...shown } = cfg;
      void _secret;
      return okJson({
        ...shown,
        installedLocations: installedLocationIds(state),
        inactiveLocations: [...state.company.inactive],
      });
    }
    case 'PATCH /locations/:id': {
      const id = parts[1]!;
      location(state, id);
      for (const k of ['installed', 'active'] as const) {
        if (body[k] !== undefined && typeof body[k] !== 'boolean') throw new ApiError(400, `${k} must be true or false`);
      }
      if (body.installed === true) state.company.notInstalled.delete(id);
      if (body.installed === false) state.company.notInstalled.add(id);
      if (body.active === true) state.company.inactive.delete(id);
      if (body.active === false) state.company.inactive.add(id);
      return okJson({ locationId: id, installed: !state.company.notInstalled.has(id), active: !state.company.inactive.has(id) });
    }
    case 'POST /revoke': {
      const value = body.token;
      if (typeof value !== 'string' || !value) throw new ApiError(400, 'token must be an access token or a refresh token');
      const now = state.store.now();
      if (revokeAccessToken(state, value, now)) return okJson({ revoked: 'access_token' });
      const grant = state.store.refreshGrants.get(value);
      if (grant && grant.usedAt === undefined) {
        state.store.putRefreshGrant({ ...grant, usedAt: now });
        return okJson({ revoked: 'refresh_token' });
      }
      throw new ApiError(404, 'No live OAuth token with that value');
    }
    default:
      return { status: 404, body: { statusCode: 404, message: `Unknown emulator admin route ${method} /__emulator/oauth/${parts.join('/')}`, error: 'Not Found' } };
  }
}
