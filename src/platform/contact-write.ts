import { loadSpec } from './openapi/spec.js';
import { isValidEmail, normaliseDateOfBirth, normalisePhone } from './normalise.js';

/**
 * What the platform accepts in a contact write, in one place: the emulator
 * applies these rules to the bodies it receives, and the client checks its
 * bodies with them before sending, so that a row the platform would refuse
 * fails locally, with the platform's own message, and spends no request.
 *
 * Two layers, in the order the platform applies them: the request schema of
 * the vendored OpenAPI (compiled with ajv, patched where the platform differs
 * from it; see openapi/spec.ts), then the semantic rules the schema does not
 * say (an email that is an email, a phone that parses, a real date of birth,
 * custom-field values of their field's type). Pure.
 */

/** The parts of a custom-field definition the rules read. */
export interface FieldTypeDefinition {
  readonly id: string;
  readonly fieldKey: string;
  readonly dataType: string;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const good = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (message: string): Checked<never> => ({ ok: false, message });

export const MSG_EMAIL = 'email must be an email';
export const MSG_PHONE = 'phone must be a valid phone number';
export const MSG_DATE_OF_BIRTH =
  'dateOfBirth must be a date in one of the formats YYYY-MM-DD, MM/DD/YYYY, YYYY/MM/DD, MM-DD-YYYY, YYYY.MM.DD, MM.DD.YYYY, YYYY_MM_DD, MM_DD_YYYY';
export const MSG_REQUIRE_IDENTITY = 'Contacts without email, phone, firstName and lastName are not allowed.';

/** A value that clears the field: null, or text of spaces only. */
export function isBlankValue(v: unknown): boolean {
  return v === null || (typeof v === 'string' && v.trim() === '');
}

/** A non-blank email as stored (trimmed), or the platform's message. */
export function emailValue(v: unknown): Checked<string> {
  const email = String(v).trim();
  return isValidEmail(email) ? good(email) : bad(MSG_EMAIL);
}

/** A non-blank phone in E.164, parsed with the location's country when it has no `+`, or the platform's message. */
export function phoneValue(v: unknown, country: string): Checked<string> {
  const phone = normalisePhone(String(v), country);
  return phone ? good(phone) : bad(MSG_PHONE);
}

/** A non-blank date of birth as stored (midnight UTC), or the platform's message. */
export function dateOfBirthValue(v: unknown): Checked<string> {
  const dob = typeof v === 'string' ? normaliseDateOfBirth(v) : undefined;
  return dob ? good(dob) : bad(MSG_DATE_OF_BIRTH);
}

/** The definition a write's custom-field item names, by `id` or by `key` (with or without `contact.`). */
export function resolveCustomField<D extends FieldTypeDefinition>(item: Readonly<Record<string, unknown>>, defs: ReadonlyMap<string, D>): D | undefined {
  if (typeof item.id === 'string' && item.id) return defs.get(item.id);
  if (typeof item.key === 'string' && item.key) {
    const key = item.key.startsWith('contact.') ? item.key : `contact.${item.key}`;
    for (const d of defs.values()) if (d.fieldKey === key) return d;
  }
  return undefined;
}

/** The message for an item that names no custom field of the location. */
export function unknownCustomField(item: Readonly<Record<string, unknown>>, at: string): string {
  return `${at} refers to an unknown custom field (${String(item.id ?? item.key)})`;
}

/** The value of a custom-field item, under any of the names the platform takes. */
export function customItemValue(item: Readonly<Record<string, unknown>>): unknown {
  return 'field_value' in item ? item.field_value : 'fieldValue' in item ? item.fieldValue : item.value;
}

/** True when the item's value clears the field (nothing, blank text, an empty list). */
export function clearsCustomField(value: unknown): boolean {
  return value === undefined || isBlankValue(value) || (Array.isArray(value) && value.length === 0);
}

/** A custom field's value as its type stores it, or the platform's message (`at` names the item, e.g. `customFields.0`). */
export function customFieldValueFor(def: FieldTypeDefinition, value: unknown, at: string): Checked<unknown> {
  switch (def.dataType) {
    case 'NUMERICAL':
    case 'MONETORY': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? good(n) : bad(`${at} must be a number for ${def.dataType} field ${def.fieldKey}`);
    }
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS': {
      const arr = Array.isArray(value) ? (value as unknown[]) : typeof value === 'string' ? value.split(',') : undefined;
      if (!arr || !arr.every((x) => typeof x === 'string')) return bad(`${at} must be an array of strings for ${def.dataType} field ${def.fieldKey}`);
      return good((arr as string[]).map((x) => x.trim()).filter(Boolean));
    }
    case 'FILE_UPLOAD':
    case 'TEXTBOX_LIST':
      return typeof value !== 'object' && typeof value !== 'string' ? bad(`${at} must be an object for ${def.dataType} field ${def.fieldKey}`) : good(value);
    case 'DATE': {
      const s = typeof value === 'number' ? new Date(value).toISOString() : String(value);
      return Number.isNaN(Date.parse(s)) ? bad(`${at} must be a date for DATE field ${def.fieldKey}`) : good(s);
    }
    default:
      return typeof value === 'object' ? bad(`${at} must be a string for ${def.dataType} field ${def.fieldKey}`) : good(String(value));
  }
}

/**
 * The first problem of a write's custom-field items, as the platform reports
 * it (it stops at the first). `unknown: 'skip'` leaves an item naming no field
 * in `defs` to the platform (a field created a moment ago may be missing from
 * definitions read before).
 */
export function customFieldsProblem(items: readonly unknown[], defs: ReadonlyMap<string, FieldTypeDefinition>, unknown: 'refuse' | 'skip' = 'refuse'): string | undefined {
  for (const [i, raw] of items.entries()) {
    const item = raw as Record<string, unknown>;
    const at = `customFields.${i}`;
    const def = resolveCustomField(item, defs);
    if (!def && unknown === 'skip') continue;
    if (!def) return unknownCustomField(item, at);
    const value = customItemValue(item);
    if (clearsCustomField(value)) continue;
    const r = customFieldValueFor(def, value, at);
    if (!r.ok) return r.message;
  }
  return undefined;
}

/** Operations that write a contact's fields, by their operationId in the spec. */
export type ContactWriteOperation = 'create-contact' | 'update-contact' | 'upsert-contact';

export interface WriteCheckContext {
  /** The location's country, for phones without `+`. @default 'US' */
  readonly country?: string;
  /**
   * The location's custom fields by id; without them, custom-field items are
   * checked against the schema only, and an item naming none of them is left
   * to the platform.
   */
  readonly customFields?: ReadonlyMap<string, FieldTypeDefinition>;
  /** The email, phone and date of birth were checked already (contactFieldProblems, e.g. per row where the rows are mapped). */
  readonly fieldsChecked?: boolean;
}

/**
 * The rules on single standard fields (email, phone, date of birth), and the
 * phone in the form the platform stores it. Field by field, so a body made of
 * values that each passed (an in-file merge of rows) passes them too.
 */
export function contactFieldProblems(body: Readonly<Record<string, unknown>>, country = 'US', options: { phoneInE164?: boolean } = {}): { problems: string[]; phone?: string } {
  const problems: string[] = [];
  let phone: string | undefined;
  const present = (field: string) => field in body && !isBlankValue(body[field]);
  if (present('email')) {
    const r = emailValue(body.email);
    if (!r.ok) problems.push(r.message);
  }
  if (present('phone') && !options.phoneInE164) {
    // (A phone the import's e164 transform wrote is what the platform stores: the transform is held to the same library and rule.)
    const r = phoneValue(body.phone, country);
    if (r.ok) phone = r.value;
    else problems.push(r.message);
  }
  if (present('dateOfBirth')) {
    const r = dateOfBirthValue(body.dateOfBirth);
    if (!r.ok) problems.push(r.message);
  }
  return { problems, ...(phone !== undefined && { phone }) };
}

/**
 * Every reason the platform would refuse this body with a 422, in its words;
 * [] when it would take it. The body is the one sent (with `locationId` where
 * the operation takes it).
 */
export function contactWriteProblems(operation: ContactWriteOperation, body: Readonly<Record<string, unknown>>, ctx: WriteCheckContext = {}): string[] {
  const schema = loadSpec().validateRequest(operation, body);
  if (schema.length) return schema;
  if (!ctx.fieldsChecked) {
    const { problems } = contactFieldProblems(body, ctx.country);
    if (problems.length) return problems;
  }
  if (ctx.customFields && Array.isArray(body.customFields)) {
    const problem = customFieldsProblem(body.customFields, ctx.customFields, 'skip');
    if (problem) return [problem];
  }
  if (operation === 'create-contact' && !hasIdentityIn(body)) return [MSG_REQUIRE_IDENTITY];
  return [];
}

/** A create needs a non-blank email, phone, firstName or lastName (`name` alone is refused). */
export function hasIdentityIn(body: Readonly<Record<string, unknown>>): boolean {
  return ['email', 'phone', 'firstName', 'lastName'].some((k) => typeof body[k] === 'string' && (body[k] as string).trim() !== '');
}
