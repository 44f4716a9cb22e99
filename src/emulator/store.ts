import type {
  AppointmentRecord,
  CodeGrant,
  ContactRecord,
  CustomFieldDefinition,
  LocationSettings,
  NoteRecord,
  RefreshGrant,
  TaskRecord,
  TokenRecord,
} from './types.js';
import type { Persistence } from './persistence.js';

/**
 * The emulator's state: locations, tokens, contacts and what hangs off them,
 * with the indexes the duplicate rules need. It knows nothing of HTTP.
 * Every mutation goes through one method here so that indexes, the lagged
 * search view and persistence can never disagree.
 */

export interface SearchView {
  readonly version: number;
  readonly contacts: ReadonlyMap<string, ContactRecord>;
}

interface PendingIndexWrite {
  at: number;
  id: string;
  record: ContactRecord | null;
}

export class LocationState {
  settings: LocationSettings;
  readonly contacts = new Map<string, ContactRecord>();
  readonly deletedContacts = new Set<string>();
  readonly byEmail = new Map<string, Set<string>>();
  readonly byPhone = new Map<string, Set<string>>();
  readonly notes = new Map<string, Map<string, NoteRecord>>();
  readonly tasks = new Map<string, Map<string, TaskRecord>>();
  readonly appointments = new Map<string, AppointmentRecord[]>();
  readonly customFields = new Map<string, CustomFieldDefinition>();
  readonly businesses = new Map<string, string>();
  /** Bumped on every contact change; the search engine caches by it. */
  version = 0;

  /** The search index: the live map when there is no lag, else a copy fed by `pending`. */
  private index: Map<string, ContactRecord>;
  private laggedSerial = 0;
  private readonly pending: PendingIndexWrite[] = [];
  private pendingHead = 0;

  constructor(settings: LocationSettings) {
    this.settings = settings;
    this.index = this.contacts;
  }

  recordIndexWrite(at: number, id: string, record: ContactRecord | null, lagMs: number): void {
    if (lagMs <= 0) {
      if (this.index !== this.contacts) this.syncIndex();
      return;
    }
    this.ensureLaggedIndex();
    this.pending.push({ at, id, record });
  }

  private syncIndex(): void {
    this.index = this.contacts;
    this.pending.length = 0;
    this.pendingHead = 0;
  }

  /** Called before a contact changes, so a lagged index never copies the new state. */
  beforeContactWrite(lagMs: number): void {
    if (lagMs > 0) this.ensureLaggedIndex();
  }

  private ensureLaggedIndex(): void {
    if (this.index !== this.contacts) return;
    this.index = new Map(this.contacts);
    this.laggedSerial++;
  }

  /** What `/contacts/search` sees at `now`: only writes at least `lagMs` old. */
  searchView(now: number, lagMs: number): SearchView {
    if (lagMs <= 0) {
      if (this.index !== this.contacts) this.syncIndex();
      return { version: this.version, contacts: this.contacts };
    }
    this.ensureLaggedIndex();
    while (this.pendingHead < this.pending.length && this.pending[this.pendingHead]!.at <= now - lagMs) {
      const w = this.pending[this.pendingHead++]!;
      if (w.record) this.index.set(w.id, w.record);
      else this.index.delete(w.id);
      this.laggedSerial++;
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    // Negative versions never collide with the live ones a search cache may also hold.
    return { version: -this.laggedSerial, contacts: this.index };
  }

  /** First (oldest) contact holding this email, other than `except`. */
  findByEmail(emailLower: string, except?: string): string | undefined {
    return first(this.byEmail.get(emailLower), except);
  }

  findByPhone(phone: string, except?: string): string | undefined {
    return first(this.byPhone.get(phone), except);
  }
}

function first(ids: Set<string> | undefined, except?: string): string | undefined {
  if (!ids) return undefined;
  for (const id of ids) if (id !== except) return id;
  return undefined;
}

function addToIndex(map: Map<string, Set<string>>, key: string | undefined, id: string): void {
  if (!key) return;
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(id);
}

function removeFromIndex(map: Map<string, Set<string>>, key: string | undefined, id: string): void {
  if (!key) return;
  const s = map.get(key);
  if (!s) return;
  s.delete(id);
  if (s.size === 0) map.delete(key);
}

export interface StoreOptions {
  /** Milliseconds; clock for dates. @default Date.now */
  now?: () => number;
  /** Search-index lag in ms. @default 0 */
  searchLagMs?: number;
  /** Keys left out of every search hit (e.g. `dndSettings`, as GH#43 saw the platform do). @default [] */
  searchHitOmit?: readonly string[];
  persistence?: Persistence;
}

export class EmulatorStore {
  readonly locations = new Map<string, LocationState>();
  readonly tokens = new Map<string, TokenRecord>();
  /** OAuth authorization codes and refresh tokens, by their value. */
  readonly codes = new Map<string, CodeGrant>();
  readonly refreshGrants = new Map<string, RefreshGrant>();
  readonly now: () => number;
  searchLagMs: number;
  searchHitOmit: readonly string[];
  private persistence: Persistence | undefined;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.searchLagMs = options.searchLagMs ?? 0;
    this.searchHitOmit = options.searchHitOmit ?? [];
    this.persistence = options.persistence;
  }

  /** Replays persisted rows; called once before the server listens. */
  loadFrom(persistence: Persistence): void {
    const saved = this.persistence;
    this.persistence = undefined;
    persistence.load({
      location: (l) => this.putLocation(l),
      token: (t) => this.putToken(t),
      code: (c) => this.putCode(c),
      refreshGrant: (g) => this.putRefreshGrant(g),
      customField: (f) => this.putCustomField(f),
      business: (locationId, id, name) => this.putBusiness(locationId, id, name),
      contact: (c) => this.putContact(c),
      deletedContact: (locationId, id) => this.location(locationId)?.deletedContacts.add(id),
      note: (locationId, n) => this.putNote(locationId, n),
      task: (locationId, t) => this.putTask(locationId, t),
      appointment: (a) => this.putAppointment(a),
    });
    this.persistence = saved ?? persistence;
  }

  reset(): void {
    this.locations.clear();
    this.tokens.clear();
    this.codes.clear();
    this.refreshGrants.clear();
    this.persistence?.clear();
  }

  location(id: string): LocationState | undefined {
    return this.locations.get(id);
  }

  putLocation(settings: LocationSettings): LocationState {
    let loc = this.locations.get(settings.id);
    if (loc) loc.settings = settings;
    else this.locations.set(settings.id, (loc = new LocationState(settings)));
    this.persistence?.saveLocation(settings);
    return loc;
  }

  putToken(token: TokenRecord): void {
    this.tokens.set(token.token, token);
    this.persistence?.saveToken(token);
  }

  putCode(code: CodeGrant): void {
    this.codes.set(code.code, code);
    this.persistence?.saveCode(code);
  }

  putRefreshGrant(grant: RefreshGrant): void {
    this.refreshGrants.set(grant.refreshToken, grant);
    this.persistence?.saveRefreshGrant(grant);
  }

  putCustomField(def: CustomFieldDefinition): void {
    this.mustLocation(def.locationId).customFields.set(def.id, def);
    this.persistence?.saveCustomField(def);
  }

  deleteCustomField(locationId: string, id: string): void {
    this.mustLocation(locationId).customFields.delete(id);
    this.persistence?.deleteCustomField(locationId, id);
  }

  putBusiness(locationId: string, id: string, name: string): void {
    this.mustLocation(locationId).businesses.set(id, name);
    this.persistence?.saveBusiness(locationId, id, name);
  }

  /** Inserts or replaces a contact, keeping the email/phone indexes and the search view in step. */
  putContact(record: ContactRecord): void {
    const loc = this.mustLocation(record.locationId);
    loc.beforeContactWrite(this.searchLagMs);
    const before = loc.contacts.get(record.id);
    if (before) {
      removeFromIndex(loc.byEmail, before.email?.toLowerCase(), before.id);
      removeFromIndex(loc.byPhone, before.phone, before.id);
    }
    loc.contacts.set(record.id, record);
    addToIndex(loc.byEmail, record.email?.toLowerCase(), record.id);
    addToIndex(loc.byPhone, record.phone, record.id);
    loc.version++;
    loc.recordIndexWrite(this.now(), record.id, record, this.searchLagMs);
    this.persistence?.saveContact(record);
  }

  deleteContact(locationId: string, id: string): void {
    const loc = this.mustLocation(locationId);
    const before = loc.contacts.get(id);
    if (!before) return;
    loc.beforeContactWrite(this.searchLagMs);
    removeFromIndex(loc.byEmail, before.email?.toLowerCase(), id);
    removeFromIndex(loc.byPhone, before.phone, id);
    loc.contacts.delete(id);
    loc.deletedContacts.add(id);
    loc.notes.delete(id);
    loc.tasks.delete(id);
    loc.appointments.delete(id);
    loc.version++;
    loc.recordIndexWrite(this.now(), id, null, this.searchLagMs);
    this.persistence?.deleteContact(locationId, id);
  }

  putNote(locationId: string, note: NoteRecord): void {
    const loc = this.mustLocation(locationId);
    let m = loc.notes.get(note.contactId);
    if (!m) loc.notes.set(note.contactId, (m = new Map()));
    m.set(note.id, note);
    this.persistence?.saveNote(locationId, note);
  }

  deleteNote(locationId: string, contactId: string, id: string): void {
    this.mustLocation(locationId).notes.get(contactId)?.delete(id);
    this.persistence?.deleteNote(id);
  }

  putTask(locationId: string, task: TaskRecord): void {
    const loc = this.mustLocation(locationId);
    let m = loc.tasks.get(task.contactId);
    if (!m) loc.tasks.set(task.contactId, (m = new Map()));
    m.set(task.id, task);
    this.persistence?.saveTask(locationId, task);
  }

  deleteTask(locationId: string, contactId: string, id: string): void {
    this.mustLocation(locationId).tasks.get(contactId)?.delete(id);
    this.persistence?.deleteTask(id);
  }

  putAppointment(a: AppointmentRecord): void {
    const loc = this.mustLocation(a.locationId);
    const list = loc.appointments.get(a.contactId) ?? [];
    loc.appointments.set(a.contactId, [...list.filter((x) => x.id !== a.id), a]);
    this.persistence?.saveAppointment(a);
  }

  private mustLocation(id: string): LocationState {
    const loc = this.locations.get(id);
    if (!loc) throw new Error(`Unknown location ${id}`);
    return loc;
  }
}
