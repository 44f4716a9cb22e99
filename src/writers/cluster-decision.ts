import type { ContactsApi } from '../api/endpoints.js';
import type { ValidationError } from '../api/errors.js';
import { writeRefusal, type ContactWriteOperation } from '../api/write-check.js';
import type { CustomFieldDefinition } from '../api/types.js';
import type { WriteMode } from '../config/index.js';
import type { MappedNote, MappedTask } from '../transforms/map-row.js';
import type { LocationSnapshot, Verdict } from './location-snapshot.js';

/**
 * What the import does with one cluster (the rows of one person) before any
 * write, decided the same way in the dry run and in the real run, so that the
 * dry run fails exactly the rows the real run fails: a body the platform
 * would refuse (checked by the platform's own rules, no request), a
 * collision, or nothing to change. Only what the platform alone can answer
 * (a create that finds the contact, an update that finds none) is predicted
 * for the dry run from the snapshot (predictWrite).
 */

export type ClusterDecision =
  | { readonly kind: 'fail'; readonly code: string; readonly message: string }
  | { readonly kind: 'unchanged'; readonly contactId: string }
  | { readonly kind: 'write' };

export function operationOf(mode: WriteMode): ContactWriteOperation {
  return mode === 'create' ? 'create-contact' : mode === 'update' ? 'update-contact' : 'upsert-contact';
}

/** The refusal the platform would answer this cluster's contact write with, checked as the client checks it. */
export function refusalOf(mode: WriteMode, write: Readonly<Record<string, unknown>>, api: ContactsApi, defs: ReadonlyMap<string, CustomFieldDefinition>): ValidationError | undefined {
  const operation = operationOf(mode);
  const body = operation === 'update-contact' ? write : { locationId: api.locationId, ...write };
  // The email, phone and date of birth were checked row by row where the rows were mapped (import-row.ts).
  return writeRefusal(operation, body, { country: api.country, customFields: defs, fieldsChecked: true });
}

export interface DecisionInput {
  readonly refusal: ValidationError | undefined;
  readonly verdict: Verdict;
  readonly collisions: 'fail' | 'write';
  /** The contact fields and tags would change nothing (the verdict is an update). */
  readonly sameFields: boolean;
  /** Nothing but notes and tasks besides the fields (no followers, workflow, campaign, business). */
  readonly onlyNotesAndTasks: boolean;
  /** Notes and tasks the rows add; when every one is already on the contact, nothing changes. */
  readonly notesAndTasksPresent: boolean;
  readonly mode: WriteMode;
}

/** In the order the real run meets them: the body, the collision, then whether anything would change. */
export function decideCluster(d: DecisionInput): ClusterDecision {
  if (d.refusal) return { kind: 'fail', code: d.refusal.code, message: d.refusal.message };
  const v = d.verdict;
  if (v.kind === 'collision' && d.collisions === 'fail') return { kind: 'fail', code: v.code, message: `Not written: ${v.message} (collisions: fail)` };
  if (v.kind === 'update' && d.mode !== 'create' && d.sameFields && d.onlyNotesAndTasks && d.notesAndTasksPresent) return { kind: 'unchanged', contactId: v.contact.id };
  return { kind: 'write' };
}

export type PredictedWrite =
  | { readonly kind: 'fail'; readonly code: string; readonly message: string }
  | { readonly kind: 'created'; readonly contactId?: undefined }
  | { readonly kind: 'updated'; readonly contactId: string };

/**
 * The dry run's answer to what the platform would do with the write: the
 * snapshot tells whether the contact exists, as the duplicate rule would
 * (email first, then phone), in a location that does not allow duplicates.
 */
export function predictWrite(mode: WriteMode, verdict: Verdict, snapshot: LocationSnapshot, email: string | undefined, phone: string | undefined): PredictedWrite {
  if (mode === 'create') {
    if (verdict.kind === 'create') return { kind: 'created' };
    const { byEmail } = snapshot.match(email, phone);
    const field = byEmail.length ? 'email' : 'phone';
    return { kind: 'fail', code: 'DUPLICATE', message: duplicateMessage(verdict.contact.id, field) };
  }
  if (verdict.kind === 'create') return mode === 'update' ? { kind: 'fail', code: 'NOT_FOUND', message: NOT_FOUND_MESSAGE } : { kind: 'created' };
  // An update that gives the contact another contact's phone (or email) is refused by the duplicate rule; an upsert drops it silently.
  if (mode === 'update' && verdict.kind === 'collision' && verdict.code === 'COLLISION') {
    return { kind: 'fail', code: 'DUPLICATE', message: `This location does not allow duplicated contacts: ${verdict.message}` };
  }
  return { kind: 'updated', contactId: verdict.contact.id };
}

export const NOT_FOUND_MESSAGE = 'No contact with this email or phone; update mode does not create one';

export function duplicateMessage(contactId: string, field: string): string {
  return `The location already has this contact (${contactId}, same ${field}); create mode does not update it`;
}

/**
 * Whether the contact already carries every note and task the rows add (an
 * earlier import of the same file): read only when the contact's fields would
 * not change, so that a re-run finds it unchanged. Two reads at most.
 */
export async function notesAndTasksPresent(api: ContactsApi, contactId: string, notes: readonly MappedNote[], tasks: readonly MappedTask[]): Promise<boolean> {
  if (notes.length) {
    const have = (await api.listNotes(contactId)).notes;
    if (!notes.every((n) => have.some((x) => sameNote(x, n)))) return false;
  }
  if (tasks.length) {
    const have = (await api.listTasks(contactId)).tasks;
    if (!tasks.every((t) => have.some((x) => sameTask(x, t)))) return false;
  }
  return true;
}

export function sameNote(x: { body: string; title?: string | null }, n: MappedNote): boolean {
  return x.body === n.body && (x.title ?? '') === (n.title ?? '');
}

export function sameTask(x: { title: string; dueDate: string }, t: MappedTask): boolean {
  return x.title === t.title && Date.parse(x.dueDate) === Date.parse(t.dueDate);
}
