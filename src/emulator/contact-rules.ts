import { ApiError } from './api-error.js';
import { newId } from './ids.js';
import { fullName, normaliseTags, splitName } from '../platform/normalise.js';
import {
  clearsCustomField,
  customFieldValueFor,
  customItemValue,
  dateOfBirthValue,
  emailValue,
  isBlankValue as blank,
  phoneValue,
  resolveCustomField,
  unknownCustomField,
} from '../platform/contact-write.js';
import type { LocationState } from './store.js';
import type { ContactRecord, CustomFieldDefinition, CustomFieldValue, DndSettings } from './types.js';

/**
 * How a contact write body becomes a stored record: normalisation, custom-field
 * resolution and the duplicate rules. Bodies arrive here already checked
 * against the spec's schema; the semantic rules are the platform module's
 * (src/platform/contact-write.ts), the ones the client checks before sending.
 */

export { resolveCustomField };

export type ContactInput = Record<string, unknown>;

const PLAIN_FIELDS = [
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'website',
  'timezone',
  'gender',
  'source',
  'assignedTo',
] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function applyCustomFields(
  current: readonly CustomFieldValue[],
  items: unknown[],
  defs: ReadonlyMap<string, CustomFieldDefinition>,
): CustomFieldValue[] {
  const byId = new Map(current.map((c) => [c.id, c.value]));
  items.forEach((raw, i) => {
    const item = raw as Record<string, unknown>;
    const at = `customFields.${i}`;
    const def = resolveCustomField(item, defs);
    if (!def) throw new ApiError(422, [unknownCustomField(item, at)]);
    const value = customItemValue(item);
    if (clearsCustomField(value)) byId.delete(def.id);
    else {
      const r = customFieldValueFor(def, value, at);
      if (!r.ok) throw new ApiError(422, [r.message]);
      byId.set(def.id, r.value);
    }
  });
  return [...byId].map(([id, value]) => ({ id, value }));
}

/**
 * Builds the record a write produces: `existing` is undefined for a create.
 * `tags`, when present, replace every tag (the platform's overwrite trap).
 * Throws ApiError(422) for values the platform refuses.
 */
export function applyContactInput(
  existing: ContactRecord | undefined,
  input: ContactInput,
  loc: LocationState,
  now: number,
): ContactRecord {
  const rec: Mutable<ContactRecord> = existing
    ? { ...existing }
    : {
        id: newId(),
        locationId: loc.settings.id,
        dnd: false,
        tags: [],
        customFields: [],
        dateAdded: now,
        dateUpdated: now,
        type: 'lead',
        followers: [],
        additionalEmails: [],
        additionalPhones: [],
        createdBy: { source: 'INTEGRATION', channel: 'OAUTH', sourceId: 'hoop-etl-emulator', timestamp: new Date(now).toISOString() },
        activeWorkflows: [],
        campaigns: [],
      };
  const errors: string[] = [];

  if ('name' in input && !('firstName' in input) && !('lastName' in input)) {
    if (blank(input.name)) {
      delete rec.firstName;
      delete rec.lastName;
    } else {
      const parts = splitName(String(input.name));
      rec.firstName = parts.firstName;
      rec.lastName = parts.lastName;
    }
  }
  for (const f of ['firstName', 'lastName'] as const) {
    if (!(f in input)) continue;
    if (blank(input[f])) delete rec[f];
    else rec[f] = String(input[f]).trim();
  }
  if ('email' in input) {
    if (blank(input.email)) delete rec.email;
    else {
      const email = emailValue(input.email);
      if (!email.ok) errors.push(email.message);
      else rec.email = email.value;
    }
  }
  if ('phone' in input) {
    if (blank(input.phone)) delete rec.phone;
    else {
      const phone = phoneValue(input.phone, loc.settings.country);
      if (!phone.ok) errors.push(phone.message);
      else rec.phone = phone.value;
    }
  }
  for (const f of PLAIN_FIELDS) {
    if (!(f in input)) continue;
    if (blank(input[f])) delete rec[f];
    else rec[f] = String(input[f]).trim();
  }
  if ('dateOfBirth' in input) {
    const v = input.dateOfBirth;
    if (blank(v)) delete rec.dateOfBirth;
    else {
      const dob = dateOfBirthValue(v);
      if (!dob.ok) errors.push(dob.message);
      else rec.dateOfBirth = dob.value;
    }
  }
  if ('dnd' in input) rec.dnd = input.dnd === true;
  if ('dndSettings' in input && input.dndSettings) {
    rec.dndSettings = { ...(rec.dndSettings ?? {}), ...(input.dndSettings as DndSettings) };
  }
  if ('inboundDndSettings' in input && input.inboundDndSettings) {
    rec.inboundDndSettings = input.inboundDndSettings as ContactRecord['inboundDndSettings'];
  }
  if ('tags' in input && Array.isArray(input.tags)) rec.tags = normaliseTags(input.tags);
  if (errors.length) throw new ApiError(422, errors);
  if ('customFields' in input && Array.isArray(input.customFields)) {
    rec.customFields = applyCustomFields(rec.customFields, input.customFields, loc.customFields);
  }
  rec.dateUpdated = existing ? Math.max(now, existing.dateUpdated + 1) : now;
  return rec;
}

export function hasIdentity(rec: ContactRecord): boolean {
  return Boolean(rec.email || rec.phone || rec.firstName || rec.lastName);
}

export interface DuplicateMatch {
  contactId: string;
  matchingField: 'email' | 'phone';
}

/**
 * The first other contact that holds one of the location's unique identifiers
 * of `rec`, in the location's priority order.
 */
export function findDuplicate(loc: LocationState, rec: ContactRecord, except?: string): DuplicateMatch | undefined {
  for (const field of loc.settings.contactUniqueIdentifiers) {
    const id =
      field === 'email'
        ? rec.email && loc.findByEmail(rec.email.toLowerCase(), except)
        : rec.phone && loc.findByPhone(rec.phone, except);
    if (id) return { contactId: id, matchingField: field };
  }
  return undefined;
}

export function duplicateError(match: DuplicateMatch): ApiError {
  return new ApiError(400, 'This location does not allow duplicated contacts.', { ...match });
}

export { fullName };
