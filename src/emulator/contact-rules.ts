import { ApiError } from './api-error.js';
import { newId } from './ids.js';
import {
  fullName,
  isValidEmail,
  normaliseDateOfBirth,
  normalisePhone,
  normaliseTags,
  splitName,
} from './normalise.js';
import type { LocationState } from './store.js';
import type { ContactRecord, CustomFieldDefinition, CustomFieldValue, DndSettings } from './types.js';

/**
 * How a contact write body becomes a stored record: normalisation, custom-field
 * resolution and the duplicate rules. Bodies arrive here already checked
 * against the spec's schema, so only the platform's semantic rules remain.
 */

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

function blank(v: unknown): boolean {
  return v === null || (typeof v === 'string' && v.trim() === '');
}

/** Resolves `{id|key, field_value|fieldValue|value}` to a definition, or a 422 message. */
export function resolveCustomField(
  item: Record<string, unknown>,
  defs: ReadonlyMap<string, CustomFieldDefinition>,
): CustomFieldDefinition | undefined {
  if (typeof item.id === 'string' && item.id) return defs.get(item.id);
  if (typeof item.key === 'string' && item.key) {
    const key = item.key.startsWith('contact.') ? item.key : `contact.${item.key}`;
    for (const d of defs.values()) if (d.fieldKey === key) return d;
  }
  return undefined;
}

function coerceCustomValue(def: CustomFieldDefinition, value: unknown, at: string): unknown {
  switch (def.dataType) {
    case 'NUMERICAL':
    case 'MONETORY': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw new ApiError(422, [`${at} must be a number for ${def.dataType} field ${def.fieldKey}`]);
      return n;
    }
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS': {
      const arr = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
      if (!arr || !arr.every((x) => typeof x === 'string')) throw new ApiError(422, [`${at} must be an array of strings for ${def.dataType} field ${def.fieldKey}`]);
      return arr.map((x: string) => x.trim()).filter(Boolean);
    }
    case 'FILE_UPLOAD':
    case 'TEXTBOX_LIST':
      if (typeof value !== 'object' && typeof value !== 'string') throw new ApiError(422, [`${at} must be an object for ${def.dataType} field ${def.fieldKey}`]);
      return value;
    case 'DATE': {
      const s = typeof value === 'number' ? new Date(value).toISOString() : String(value);
      const t = Date.parse(s);
      if (Number.isNaN(t)) throw new ApiError(422, [`${at} must be a date for DATE field ${def.fieldKey}`]);
      return s;
    }
    default:
      if (typeof value === 'object') throw new ApiError(422, [`${at} must be a string for ${def.dataType} field ${def.fieldKey}`]);
      return String(value);
  }
}

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
    if (!def) throw new ApiError(422, [`${at} refers to an unknown custom field (${String(item.id ?? item.key)})`]);
    const value = 'field_value' in item ? item.field_value : 'fieldValue' in item ? item.fieldValue : item.value;
    if (value === undefined || blank(value) || (Array.isArray(value) && value.length === 0)) byId.delete(def.id);
    else byId.set(def.id, coerceCustomValue(def, value, at));
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
      const email = String(input.email).trim();
      if (!isValidEmail(email)) errors.push('email must be an email');
      else rec.email = email;
    }
  }
  if ('phone' in input) {
    if (blank(input.phone)) delete rec.phone;
    else {
      const phone = normalisePhone(String(input.phone), loc.settings.country);
      if (!phone) errors.push('phone must be a valid phone number');
      else rec.phone = phone;
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
      const dob = typeof v === 'string' ? normaliseDateOfBirth(v) : undefined;
      if (!dob) errors.push('dateOfBirth must be a date in one of the formats YYYY-MM-DD, MM/DD/YYYY, YYYY/MM/DD, MM-DD-YYYY, YYYY.MM.DD, MM.DD.YYYY, YYYY_MM_DD, MM_DD_YYYY');
      else rec.dateOfBirth = dob;
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
