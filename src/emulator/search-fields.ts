/**
 * The filterable fields of POST /contacts/search: which operators each accepts
 * (BEHAVIOUR.md §2) and how its value is read from a ContactRecord.
 */
import {
  customFieldOps,
  DND_CHANNELS as DND_CHANNEL_LIST,
  DND_FILTER_FIELD,
  DND_OPS,
  OPPORTUNITY_FIELDS as OPPORTUNITY_FIELD_LIST,
  OPPORTUNITY_OPS as OPPORTUNITY_FIELD_OPS,
  SEARCH_OPERATORS,
  STANDARD_FILTER_FIELDS as OPS,
  type SearchOperator,
} from '../api/search-grammar.js';
import { storedDateMs as storedDate } from './search-dates.js';
import type { SearchContext } from './search-types.js';
import type { ContactRecord, CustomFieldDataType } from './types.js';

export const OPERATORS = SEARCH_OPERATORS;
export type Operator = SearchOperator;

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

type Reader = Omit<FieldSpec, 'ops'> & { readonly ops?: never };

const text = (get: (c: ContactRecord) => unknown): Reader => ({ kind: 'text', get: (c) => nonEmpty(get(c)) });
const noDate: Reader = { kind: 'instant', get: () => undefined };
const noBool: Reader = { kind: 'bool', get: () => undefined };
const noList: Reader = { kind: 'keywordList', get: () => EMPTY };

/**
 * How each documented filter field reads a contact; its operators come from
 * the shared grammar. Fields with no data in this emulator still validate
 * like real ones and then match as missing.
 */
const READERS: Readonly<Record<string, Reader>> = {
  id: { kind: 'keyword', get: (c) => c.id },
  address: text((c) => c.address1),
  assignedTo: { kind: 'keyword', get: (c) => nonEmpty(c.assignedTo) },
  businessName: { kind: 'text', get: businessNameOf, usesBusinessNames: true },
  city: text((c) => c.city),
  country: text((c) => c.country),
  companyName: text((c) => c.companyName),
  dateAdded: { kind: 'instant', get: (c) => c.dateAdded },
  dateUpdated: { kind: 'instant', get: (c) => c.dateUpdated },
  dnd: { kind: 'bool', get: (c) => c.dnd },
  email: text((c) => c.email),
  followers: { kind: 'keywordList', get: (c) => c.followers },
  validEmail: { kind: 'bool', get: validEmailOf },
  lastAppointment: noDate,
  firstNameLowerCase: text((c) => c.firstName),
  lastNameLowerCase: text((c) => c.lastName),
  isValidWhatsapp: noBool,
  lastEmailClickedDate: noDate,
  lastEmailOpenedDate: noDate,
  phone: { kind: 'phone', get: (c) => nonEmpty(c.phone) },
  postalCode: text((c) => c.postalCode),
  source: text((c) => c.source),
  state: text((c) => c.state),
  tags: { kind: 'list', get: (c) => c.tags },
  timezone: text((c) => c.timezone),
  type: text((c) => c.type),
  website: text((c) => c.website),
  activeWorkflows: { kind: 'keywordList', get: (c) => c.activeWorkflows },
  finishedWorkflows: noList,
  contactName: { kind: 'text', get: contactNameOf },
  dateOfBirth: { kind: 'calendarDate', get: (c) => storedDate(c.dateOfBirth) },
};

const STATIC_FIELDS: ReadonlyMap<string, FieldSpec> = new Map(
  Object.entries(OPS).map(([name, ops]) => {
    const reader = READERS[name];
    if (!reader) throw new Error(`search field ${name} has no reader`);
    return [name, { ...reader, ops } as FieldSpec];
  }),
);

const DND_CHANNELS: ReadonlySet<string> = new Set(DND_CHANNEL_LIST);
const DND_FIELD = DND_FILTER_FIELD;

export const OPPORTUNITY_FIELDS: ReadonlySet<string> = new Set(OPPORTUNITY_FIELD_LIST);
export const OPPORTUNITY_OPS: readonly Operator[] = OPPORTUNITY_FIELD_OPS;

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
  const ops = customFieldOps(dataType);
  switch (dataType) {
    case 'TEXT':
    case 'LARGE_TEXT':
    case 'SINGLE_OPTIONS':
    case 'RADIO':
      return { ops, kind: 'text', get: (c) => scalarText(customValue(c, id)) };
    case 'PHONE':
      return { ops, kind: 'phone', get: (c) => scalarText(customValue(c, id)) };
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS':
      return { ops, kind: 'list', get: (c) => textList(customValue(c, id)) };
    case 'NUMERICAL':
    case 'MONETORY':
      return { ops, kind: 'number', get: (c) => numberValue(customValue(c, id)) };
    case 'DATE':
      return { ops, kind: 'calendarDate', get: (c) => storedDate(customValue(c, id)) };
    case 'TEXTBOX_LIST':
    case 'FILE_UPLOAD':
      // A known field that no operator applies to (BEHAVIOUR.md §2 lists none).
      return { ops, kind: 'text', get: () => undefined };
  }
}

function textboxOptionSpec(id: string, optionId: string): FieldSpec {
  return {
    ops: customFieldOps('TEXT'),
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
      ops: DND_OPS,
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
