/**
 * The filterable fields of POST /contacts/search: which operators each accepts
 * (BEHAVIOUR.md §2) and how its value is read from a ContactRecord.
 */
import { storedDateMs as storedDate } from './search-dates.js';
import type { SearchContext } from './search-types.js';
import type { ContactRecord, CustomFieldDataType } from './types.js';

export const OPERATORS = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * How values compare:
 * - `text`: strings, case-insensitive; `keyword`: strings compared exactly (ids);
 * - `phone`: eq is an exact (E.164) match, contains matches digits;
 * - `list` / `keywordList`: arrays of strings; eq = has the value, contains = some element contains it;
 * - `instant`: epoch ms, date-only range values are days in the location's timezone;
 * - `calendarDate`: epoch ms of a date stored at midnight UTC, date-only range values are UTC days;
 * - `number`, `bool`.
 */
export type FieldSpec = {
  readonly ops: readonly Operator[];
  /** The result depends on `SearchContext.businessNames`. */
  readonly usesBusinessNames?: boolean;
} & (
  | { readonly kind: 'text' | 'keyword' | 'phone'; readonly get: (c: ContactRecord, ctx: SearchContext) => string | undefined }
  | { readonly kind: 'list' | 'keywordList'; readonly get: (c: ContactRecord, ctx: SearchContext) => readonly string[] }
  | { readonly kind: 'bool'; readonly get: (c: ContactRecord, ctx: SearchContext) => boolean | undefined }
  | {
      readonly kind: 'instant' | 'calendarDate' | 'number';
      readonly get: (c: ContactRecord, ctx: SearchContext) => number | undefined;
    }
);

const E: readonly Operator[] = ['eq', 'not_eq'];
const EX: readonly Operator[] = ['eq', 'not_eq', 'exists', 'not_exists'];
const ECX: readonly Operator[] = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists'];
const RX: readonly Operator[] = ['range', 'exists', 'not_exists'];
const RXE: readonly Operator[] = ['range', 'exists', 'not_exists', 'eq', 'not_eq'];
const NONE: readonly Operator[] = [];

const EMPTY: readonly string[] = [];
const VALID_EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[A-Za-z]{2,}$/;

/** A non-empty string, else undefined: the search treats '' as missing. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const lowerOrUndefined = (v: string | undefined): string | undefined => (v === undefined ? undefined : v.toLowerCase());

/** `"first last"` lower-cased, as the `contactName` search field and hit key. */
export function contactNameOf(c: ContactRecord): string | undefined {
  const first = c.firstName?.trim();
  const last = c.lastName?.trim();
  const name = first && last ? `${first} ${last}` : first || last;
  return name ? name.toLowerCase() : undefined;
}

/** The business's name when the contact belongs to a known business, else its companyName. */
export function businessNameOf(c: ContactRecord, ctx: SearchContext): string | undefined {
  const fromBusiness = c.businessId === undefined ? undefined : nonEmpty(ctx.businessNames.get(c.businessId));
  return fromBusiness ?? nonEmpty(c.companyName);
}

/** Whether the contact's email looks deliverable; undefined without an email. */
export function validEmailOf(c: ContactRecord): boolean | undefined {
  return c.email ? VALID_EMAIL.test(c.email) : undefined;
}

export const digitsOf = (s: string): string => s.replace(/\D+/g, '');

const text = (ops: readonly Operator[], get: (c: ContactRecord) => unknown): FieldSpec => ({
  ops,
  kind: 'text',
  get: (c) => nonEmpty(get(c)),
});
const noDate = (ops: readonly Operator[]): FieldSpec => ({ ops, kind: 'instant', get: () => undefined });
const noBool = (ops: readonly Operator[]): FieldSpec => ({ ops, kind: 'bool', get: () => undefined });
const noList = (ops: readonly Operator[]): FieldSpec => ({ ops, kind: 'keywordList', get: () => EMPTY });

/** Fields with no data in this emulator still validate like real ones and then match as missing. */
const STATIC_FIELDS: ReadonlyMap<string, FieldSpec> = new Map<string, FieldSpec>([
  ['id', { ops: E, kind: 'keyword', get: (c) => c.id }],
  ['address', text(ECX, (c) => c.address1)],
  ['assignedTo', { ops: EX, kind: 'keyword', get: (c) => nonEmpty(c.assignedTo) }],
  ['businessName', { ops: ECX, kind: 'text', get: businessNameOf, usesBusinessNames: true }],
  ['city', text(ECX, (c) => c.city)],
  ['country', text(EX, (c) => c.country)],
  ['companyName', text(ECX, (c) => c.companyName)],
  ['dateAdded', { ops: RX, kind: 'instant', get: (c) => c.dateAdded }],
  ['dateUpdated', { ops: RX, kind: 'instant', get: (c) => c.dateUpdated }],
  ['dnd', { ops: EX, kind: 'bool', get: (c) => c.dnd }],
  ['email', text(EX, (c) => c.email)],
  ['followers', { ops: EX, kind: 'keywordList', get: (c) => c.followers }],
  ['validEmail', { ops: EX, kind: 'bool', get: validEmailOf }],
  ['lastAppointment', noDate(RX)],
  ['firstNameLowerCase', text(ECX, (c) => c.firstName)],
  ['lastNameLowerCase', text(ECX, (c) => c.lastName)],
  ['isValidWhatsapp', noBool(EX)],
  ['lastEmailClickedDate', noDate(RX)],
  ['lastEmailOpenedDate', noDate(RX)],
  ['phone', { ops: ECX, kind: 'phone', get: (c) => nonEmpty(c.phone) }],
  ['postalCode', text(ECX, (c) => c.postalCode)],
  ['source', text(ECX, (c) => c.source)],
  ['state', text(ECX, (c) => c.state)],
  ['tags', { ops: ECX, kind: 'list', get: (c) => c.tags }],
  ['timezone', text(EX, (c) => c.timezone)],
  ['type', text(EX, (c) => c.type)],
  ['website', text(EX, (c) => c.website)],
  ['activeWorkflows', { ops: EX, kind: 'keywordList', get: (c) => c.activeWorkflows }],
  ['finishedWorkflows', noList(EX)],
  // Unofficial but reported working (BEHAVIOUR.md §2).
  ['contactName', { ops: EX, kind: 'text', get: contactNameOf }],
  ['dateOfBirth', { ops: RX, kind: 'calendarDate', get: (c) => storedDate(c.dateOfBirth) }],
]);

/** Channels of `dndSettings.<Channel>.status`; RCS is observed on the platform though absent from the spec. */
const DND_CHANNELS = new Set(['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB', 'RCS']);
const DND_FIELD = /^dndSettings\.([A-Za-z]+)\.status$/;

/** Sub-fields of the nested `opportunities` filter, all E X. */
export const OPPORTUNITY_FIELDS: ReadonlySet<string> = new Set(['pipelineId', 'pipelineStageId', 'status']);
export const OPPORTUNITY_OPS: readonly Operator[] = EX;

function customValue(c: ContactRecord, id: string): unknown {
  for (const cf of c.customFields) if (cf.id === id) return cf.value;
  return undefined;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
  return undefined;
}

function textList(v: unknown): readonly string[] {
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      const s = scalarText(x);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  const s = scalarText(v);
  return s === undefined ? EMPTY : [s];
}

function numberValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function customFieldSpec(id: string, dataType: CustomFieldDataType): FieldSpec {
  switch (dataType) {
    case 'TEXT':
    case 'LARGE_TEXT':
    case 'SINGLE_OPTIONS':
    case 'RADIO':
      return { ops: ECX, kind: 'text', get: (c) => scalarText(customValue(c, id)) };
    case 'PHONE':
      return { ops: ECX, kind: 'phone', get: (c) => scalarText(customValue(c, id)) };
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS':
      return { ops: EX, kind: 'list', get: (c) => textList(customValue(c, id)) };
    case 'NUMERICAL':
    case 'MONETORY':
      return { ops: RXE, kind: 'number', get: (c) => numberValue(customValue(c, id)) };
    case 'DATE':
      return { ops: RX, kind: 'calendarDate', get: (c) => storedDate(customValue(c, id)) };
    case 'TEXTBOX_LIST':
    case 'FILE_UPLOAD':
      // A known field that no operator applies to (BEHAVIOUR.md §2 lists none).
      return { ops: NONE, kind: 'text', get: () => undefined };
  }
}

function textboxOptionSpec(id: string, optionId: string): FieldSpec {
  return {
    ops: ECX,
    kind: 'text',
    get: (c) => {
      const v = customValue(c, id);
      return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? scalarText((v as Record<string, unknown>)[optionId])
        : undefined;
    },
  };
}

/** The spec of a filter field name, or undefined when the platform would answer `Invalid field <name>`. */
export function resolveField(name: string, ctx: SearchContext): FieldSpec | undefined {
  const known = STATIC_FIELDS.get(name);
  if (known) return known;
  const dnd = DND_FIELD.exec(name);
  if (dnd) {
    const channel = dnd[1]!;
    if (!DND_CHANNELS.has(channel)) return undefined;
    return {
      ops: E,
      kind: 'text',
      get: (c) => nonEmpty((c.dndSettings as Record<string, { status?: string } | undefined> | undefined)?.[channel]?.status),
    };
  }
  if (name.startsWith('customFields.')) {
    const rest = name.slice('customFields.'.length);
    const dot = rest.indexOf('.');
    const id = dot < 0 ? rest : rest.slice(0, dot);
    const option = dot < 0 ? undefined : rest.slice(dot + 1);
    const def = ctx.customFields.get(id);
    if (!def || def.model !== 'contact') return undefined;
    // TEXTBOX_LIST is filterable only per option: `customFields.<id>.<optionId>`.
    if (option === undefined) return def.dataType === 'TEXTBOX_LIST' ? undefined : customFieldSpec(id, def.dataType);
    return def.dataType === 'TEXTBOX_LIST' && option !== '' ? textboxOptionSpec(id, option) : undefined;
  }
  return undefined;
}
