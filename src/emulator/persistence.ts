import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
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

/**
 * Write-through persistence of the emulator's state in one SQLite file
 * (`--data <file>`). The in-memory store stays the source of reads; SQLite only
 * makes each write durable and replays them at start. Why SQLite: one file,
 * transactional, crash-safe with WAL, and fast enough that a write costs tens of
 * microseconds (docs/decisions/0003-emulator-persistence.md).
 */

export interface LoadHandlers {
  location(l: LocationSettings): void;
  token(t: TokenRecord): void;
  code(c: CodeGrant): void;
  refreshGrant(g: RefreshGrant): void;
  customField(f: CustomFieldDefinition): void;
  business(locationId: string, id: string, name: string): void;
  contact(c: ContactRecord): void;
  deletedContact(locationId: string, id: string): void;
  note(locationId: string, n: NoteRecord): void;
  task(locationId: string, t: TaskRecord): void;
  appointment(a: AppointmentRecord): void;
}

export interface Persistence {
  load(handlers: LoadHandlers): void;
  clear(): void;
  saveLocation(l: LocationSettings): void;
  saveToken(t: TokenRecord): void;
  saveCode(c: CodeGrant): void;
  saveRefreshGrant(g: RefreshGrant): void;
  saveCustomField(f: CustomFieldDefinition): void;
  deleteCustomField(locationId: string, id: string): void;
  saveBusiness(locationId: string, id: string, name: string): void;
  saveContact(c: ContactRecord): void;
  deleteContact(locationId: string, id: string): void;
  saveNote(locationId: string, n: NoteRecord): void;
  deleteNote(id: string): void;
  saveTask(locationId: string, t: TaskRecord): void;
  deleteTask(id: string): void;
  saveAppointment(a: AppointmentRecord): void;
  /** Runs `fn` in one transaction: all of its writes, or none if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

type Kind = 'location' | 'token' | 'code' | 'refreshGrant' | 'customField' | 'business' | 'contact' | 'deletedContact' | 'note' | 'task' | 'appointment';

/** Load order matters: locations before what lives in them, contacts before their notes. */
const LOAD_ORDER: readonly Kind[] = ['location', 'token', 'code', 'refreshGrant', 'customField', 'business', 'contact', 'deletedContact', 'note', 'task', 'appointment'];

/**
 * The file holds personal data: owner-only, whatever the umask. SQLite gives its
 * -wal and -shm files the main file's mode, so the main file is made 0600 before
 * SQLite opens it; files left by an earlier run are put right too.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export function openSqlitePersistence(file: string): Persistence {
  ownerOnly(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  ownerOnly(file);
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  )`);
  let seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM records').get() as { s: number }).s;
  const upsert = db.prepare(
    `INSERT INTO records (kind, id, location_id, seq, json) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json, location_id = excluded.location_id`,
  );
  const remove = db.prepare('DELETE FROM records WHERE kind = ? AND id = ?');
  const removeChildren = db.prepare(`DELETE FROM records WHERE kind IN ('note','task','appointment') AND json ->> '$.contactId' = ?`);
  const save = (kind: Kind, id: string, locationId: string, value: unknown): void => {
    upsert.run(kind, id, locationId, ++seq, JSON.stringify(value));
  };
  const deleteContactTx = db.transaction((locationId: string, id: string) => {
    remove.run('contact', id);
    removeChildren.run(id);
    save('deletedContact', id, locationId, { id });
  });

  return {
    load(h) {
      const rows = db.prepare('SELECT location_id AS locationId, json FROM records WHERE kind = ? ORDER BY seq');
      for (const kind of LOAD_ORDER) {
        for (const row of rows.iterate(kind) as Iterable<{ locationId: string; json: string }>) {
          const v = JSON.parse(row.json) as Record<string, unknown>;
          switch (kind) {
            case 'location': h.location(v as unknown as LocationSettings); break;
            case 'token': h.token(v as unknown as TokenRecord); break;
            case 'code': h.code(v as unknown as CodeGrant); break;
            case 'refreshGrant': h.refreshGrant(v as unknown as RefreshGrant); break;
            case 'customField': h.customField(v as unknown as CustomFieldDefinition); break;
            case 'business': h.business(row.locationId, v.id as string, v.name as string); break;
            case 'contact': h.contact(v as unknown as ContactRecord); break;
            case 'deletedContact': h.deletedContact(row.locationId, v.id as string); break;
            case 'note': h.note(row.locationId, v as unknown as NoteRecord); break;
            case 'task': h.task(row.locationId, v as unknown as TaskRecord); break;
            case 'appointment': h.appointment(v as unknown as AppointmentRecord); break;
          }
        }
      }
    },
    clear() {
      db.exec('DELETE FROM records');
    },
    saveLocation: (l) => save('location', l.id, l.id, l),
    saveToken: (t) => save('token', t.token, t.locationId, t),
    saveCode: (c) => save('code', c.code, c.locationId ?? c.companyId, c),
    saveRefreshGrant: (g) => save('refreshGrant', g.refreshToken, g.locationId ?? g.companyId, g),
    saveCustomField: (f) => save('customField', f.id, f.locationId, f),
    deleteCustomField: (_l, id) => void remove.run('customField', id),
    saveBusiness: (l, id, name) => save('business', id, l, { id, name }),
    saveContact: (c) => save('contact', c.id, c.locationId, c),
    deleteContact: (l, id) => deleteContactTx(l, id),
    saveNote: (l, n) => save('note', n.id, l, n),
    deleteNote: (id) => void remove.run('note', id),
    saveTask: (l, t) => save('task', t.id, l, t),
    deleteTask: (id) => void remove.run('task', id),
    saveAppointment: (a) => save('appointment', a.id, a.locationId, a),
    transaction: (fn) => db.transaction(fn)(),
    // Everything into the main file before closing, so a stopped emulator leaves one file (no -wal holding the data).
    close: () => {
      if (!db.open) return;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
