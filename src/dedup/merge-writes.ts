import type { ContactWrite, CustomFieldInput } from '../api/types.js';
import { STANDARD_FIELDS } from '../config/pipeline-types.js';
import type { FieldChange, SurvivorContact } from './survivor.js';
import { isBlank } from './survivor.js';

/**
 * The request bodies a merge and its undo send, worked out from the plan.
 * Pure: no requests here.
 */

/** The platform refuses a PUT that gives a contact another contact's email or phone (400 "does not allow duplicated contacts"). */
const UNIQUE_FIELDS = ['email', 'phone'] as const;

const digits = (v: unknown): string => String(v ?? '').replace(/\D/g, '');

function sameIdentifier(field: string, a: unknown, b: unknown): boolean {
  if (isBlank(a) || isBlank(b)) return false;
  if (field === 'email') return String(a).trim().toLowerCase() === String(b).trim().toLowerCase();
  // Phones come back from GET in E.164; comparing the digits also catches a number stored without its +.
  const da = digits(a);
  const db = digits(b);
  return da === db || (da.length >= 10 && db.length >= 10 && (da.endsWith(db) || db.endsWith(da)));
}

/** A field's value on a contact as GET returns it; `customFields.<id>` reads that custom field. */
export function fieldValue(contact: SurvivorContact, field: string): unknown {
  if (field.startsWith('customFields.')) {
    const id = field.slice('customFields.'.length);
    return contact.customFields?.find((cf) => cf.id === id)?.value;
  }
  return contact[field];
}

/** Whether two values of a field are the same for a person: emails without case, phones by digits, blanks alike, the rest as written. */
export function sameFieldValue(field: string, a: unknown, b: unknown): boolean {
  if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
  if ((UNIQUE_FIELDS as readonly string[]).includes(field)) return sameIdentifier(field, a, b);
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The merged fields someone changed on the survivor after the apply: the
 * survivor's value now is no longer what the merge wrote. An undo leaves
 * those as they are, so it takes back the merge and not a later edit.
 */
export function editedSinceMerge(changes: readonly FieldChange[], current: SurvivorContact): string[] {
  return changes.filter((c) => !sameFieldValue(c.field, fieldValue(current, c.field), c.after)).map((c) => c.field);
}

/** Fields the update body (UpdateContactDto) lacks: only an upsert (matched by email or phone) writes them. */
export const UPSERT_ONLY_FIELDS: readonly string[] = ['companyName', 'gender'];

export interface SurvivorUpdate {
  /** Sent before the losers go. */
  readonly now: readonly FieldChange[];
  /**
   * Email or phone taken from a loser that still holds it: sent after the
   * loser is deleted, or the platform refuses the update as a duplicate.
   */
  readonly deferred: readonly FieldChange[];
  /** Written last, by an upsert keyed on the survivor's own email or phone once no loser shares it. */
  readonly viaUpsert: readonly FieldChange[];
}

export function splitSurvivorUpdate(changes: readonly FieldChange[], losers: readonly SurvivorContact[]): SurvivorUpdate {
  const now: FieldChange[] = [];
  const deferred: FieldChange[] = [];
  const viaUpsert: FieldChange[] = [];
  for (const change of changes) {
    const unique = (UNIQUE_FIELDS as readonly string[]).includes(change.field);
    if (UPSERT_ONLY_FIELDS.includes(change.field)) viaUpsert.push(change);
    else if (unique && losers.some((l) => sameIdentifier(change.field, l[change.field], change.after))) deferred.push(change);
    else now.push(change);
  }
  return { now, deferred, viaUpsert };
}

const CUSTOM = 'customFields.';
/** Fields the spec types as plain strings, not nullable: cleared with ''. */
const NOT_NULLABLE: readonly string[] = ['postalCode', 'country', 'gender'];

/** A PUT body that sets each field to `value(change)`; a blank value clears the field. */
function writeOf(changes: readonly FieldChange[], value: (c: FieldChange) => unknown): ContactWrite {
  const body: Record<string, unknown> = {};
  const custom: CustomFieldInput[] = [];
  for (const c of changes) {
    const v = value(c);
    if (c.field.startsWith(CUSTOM)) custom.push({ id: c.field.slice(CUSTOM.length), field_value: isBlank(v) ? '' : v });
    else body[c.field] = isBlank(v) ? (NOT_NULLABLE.includes(c.field) ? '' : null) : v;
  }
  if (custom.length) body.customFields = custom;
  return body as ContactWrite;
}

/** The survivor's update: each field to its merged value. */
export function mergeWrite(changes: readonly FieldChange[]): ContactWrite {
  return writeOf(changes, (c) => c.after);
}

/** Undo of `mergeWrite`: each field back to what the survivor held (blank ones cleared). */
export function restoreWrite(changes: readonly FieldChange[]): ContactWrite {
  return writeOf(changes, (c) => c.before);
}

/** Fields of a contact a create can set again (the read-only ones, such as dates and ids, cannot be): the standard write fields but `name`, which a create derives from first and last name. */
const RECREATE_FIELDS = STANDARD_FIELDS.filter((f) => f !== 'name');

/**
 * The create body that brings a deleted contact back from its before-image:
 * its fields, custom fields and tags (on a create, `tags` is the initial
 * list, not an overwrite). The platform gives it a new id.
 */
export function recreateWrite(before: SurvivorContact): ContactWrite {
  const body: Record<string, unknown> = {};
  for (const f of RECREATE_FIELDS) {
    const v = before[f];
    if (f === 'dnd' ? typeof v === 'boolean' : !isBlank(v)) body[f] = v;
  }
  if (before.dndSettings && typeof before.dndSettings === 'object' && Object.keys(before.dndSettings).length) body.dndSettings = before.dndSettings;
  if (before.tags?.length) body.tags = [...before.tags];
  const custom = (before.customFields ?? []).filter((cf) => !isBlank(cf.value)).map((cf) => ({ id: cf.id, field_value: cf.value }));
  if (custom.length) body.customFields = custom;
  return body as ContactWrite;
}

/** Followers of the losers that the survivor lacks, in order of first appearance. */
export function followersToAdd(survivor: SurvivorContact, losers: readonly SurvivorContact[]): string[] {
  const own = new Set(list(survivor.followers));
  const out: string[] = [];
  for (const l of losers) for (const f of list(l.followers)) if (!own.has(f) && !out.includes(f)) out.push(f);
  return out;
}

/** The business the survivor takes: its own, else the first loser's (in the plan's order). */
export function businessToSet(survivor: SurvivorContact, losers: readonly SurvivorContact[]): string | undefined {
  if (!isBlank(survivor.businessId)) return undefined;
  const from = losers.find((l) => typeof l.businessId === 'string' && !isBlank(l.businessId));
  return from?.businessId as string | undefined;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

/** The tag `--no-delete` puts on a loser instead of deleting it. */
export function duplicateOfTag(survivorId: string): string {
  return `duplicate-of-${survivorId}`.toLowerCase();
}

type DndSetting = { status?: string; message?: string; code?: string };
const BLOCKING: readonly string[] = ['active', 'permanent'];
const blocks = (s: DndSetting | undefined): boolean => BLOCKING.includes(String(s?.status));

export interface DndCarry {
  readonly dnd?: true;
  readonly dndSettings?: Readonly<Record<string, DndSetting>>;
}

/**
 * A "do not disturb" any member holds carries over to the survivor: a person
 * who opted out through one record must not be messaged again because another
 * record survived. Channel by channel, `permanent` before `active`.
 */
export function dndToCarry(survivor: SurvivorContact, losers: readonly SurvivorContact[]): DndCarry | undefined {
  const own = (survivor.dndSettings ?? {}) as Record<string, DndSetting>;
  const settings: Record<string, DndSetting> = {};
  for (const l of losers) {
    for (const [channel, setting] of Object.entries((l.dndSettings ?? {}) as Record<string, DndSetting>)) {
      if (!blocks(setting) || blocks(own[channel])) continue;
      if (!settings[channel] || (setting.status === 'permanent' && settings[channel].status !== 'permanent')) settings[channel] = { ...setting };
    }
  }
  const dnd = survivor.dnd !== true && losers.some((l) => l.dnd === true);
  if (!dnd && Object.keys(settings).length === 0) return undefined;
  return { ...(dnd && { dnd: true as const }), ...(Object.keys(settings).length && { dndSettings: settings }) };
}

/** Undo of `dndToCarry`: the survivor's own `dnd` and, for each channel carried, its own setting (or inactive). */
export function restoreDnd(survivor: SurvivorContact, carried: DndCarry): ContactWrite {
  const own = (survivor.dndSettings ?? {}) as Record<string, DndSetting>;
  const body: Record<string, unknown> = {};
  if (carried.dnd) body.dnd = survivor.dnd === true;
  if (carried.dndSettings) {
    body.dndSettings = Object.fromEntries(Object.keys(carried.dndSettings).map((channel) => [channel, own[channel] ? { ...own[channel] } : { status: 'inactive' }]));
  }
  return body as ContactWrite;
}
