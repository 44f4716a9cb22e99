/**
 * Search hits -> CSV columns: standard fields flattened (tags joined,
 * `dndSettings` one column per channel), custom fields under readable headers
 * (display name, or `name (key)` where two share a name), a stable order, and
 * the pipeline's selection and renaming. Pure: the custom-field definitions
 * come in as an argument.
 */
import type { CustomFieldDefinition } from '../api/types.js';
import { suggestClosest } from '../config/did-you-mean.js';
import type { ExportColumn, ExportExtra } from '../config/pipeline-types.js';
import { ConfigError } from '../core/errors.js';

export type Hit = Readonly<Record<string, unknown>>;

/** What a row is built from: the hit and, when asked for, its extras. */
export interface RowSource {
  readonly hit: Hit;
  readonly locationId: string;
  readonly extras?: Readonly<Partial<Record<ExportExtra, string>>>;
}

export interface Column {
  readonly header: string;
  /** The name it is selected by (`email`, `dndSettings.SMS.status`, `customFields.<fieldKey>`). */
  readonly field: string;
  readonly read: (row: RowSource) => string;
}

/** Joins list values in a cell; the importer's tag split (`,`) reads them back. */
export const LIST_SEPARATOR = ', ';

/** One cell's text: strings as they are, lists joined, objects as JSON, nothing as empty. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : cellText(v))).join(LIST_SEPARATOR);
  return JSON.stringify(value);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const field = (name: string, read: (h: Hit) => unknown): Column => ({ header: name, field: name, read: (r) => cellText(read(r.hit)) });
const same = (name: string): Column => field(name, (h) => h[name]);

/** Channels of `dndSettings` in the spec (RCS, observed but undocumented, can be selected by name). */
export const DND_EXPORT_CHANNELS = ['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB'] as const;


const dndColumn = (channel: string): Column =>
  field(`dndSettings.${channel}.status`, (h) => {
    const settings = h.dndSettings as Record<string, { status?: unknown } | undefined> | undefined;
    return settings?.[channel]?.status;
  });

/**
 * Standard columns in the default order, named like the fields an import
 * writes (`address1`, not the search hit's `address`), so that an export can
 * be imported again as it is. Search hits carry the names as typed in
 * `firstNameRaw` where the platform has it, else the lower-case copy.
 */
export const STANDARD_COLUMNS: readonly Column[] = [
  same('id'),
  field('firstName', (h) => str(h.firstNameRaw) ?? str(h.firstName) ?? h.firstNameLowerCase),
  field('lastName', (h) => str(h.lastNameRaw) ?? str(h.lastName) ?? h.lastNameLowerCase),
  same('email'),
  same('phone'),
  same('companyName'),
  field('address1', (h) => h.address ?? h.address1),
  same('city'),
  same('state'),
  same('postalCode'),
  same('country'),
  same('website'),
  same('timezone'),
  same('source'),
  same('type'),
  same('dateOfBirth'),
  same('assignedTo'),
  // Sorted, so that a contact whose tags did not change gives the same cell every night.
  field('tags', (h) => (Array.isArray(h.tags) ? [...(h.tags as string[])].sort() : h.tags)),
  same('dnd'),
  ...DND_EXPORT_CHANNELS.map(dndColumn),
  same('followers'),
  same('businessId'),
  same('additionalEmails'),
  same('additionalPhones'),
  same('dateAdded'),
  same('dateUpdated'),
  same('lastActivity'),
];

/**
 * Whether a CSV's headers are those of a hoop-etl export: `id`, `dateAdded`
 * and a `dndSettings.<channel>.status` column. Such a file is read back
 * completely (the emulator's seed, an import without a mapping): standard
 * columns by their exact names, the others as custom fields, cells unescaped.
 */
export function isExportHeaders(headers: readonly string[]): boolean {
  return headers.includes('id') && headers.includes('dateAdded') && headers.some((h) => /^dndSettings\.[A-Za-z]+\.status$/.test(h));
}

/** Columns that exist only when asked for. */
const OPTIONAL_COLUMNS: readonly Column[] = [
  { header: 'locationId', field: 'locationId', read: (r) => r.locationId },
  dndColumn('RCS'),
  same('businessName'),
  same('contactName'),
  same('validEmail'),
  same('phoneLabel'),
];

const extraColumn = (extra: ExportExtra): Column => ({ header: extra, field: extra, read: (r) => r.extras?.[extra] ?? '' });

export interface ColumnPlanInput {
  /** The location's contact custom fields (empty when they cannot be read). */
  readonly definitions: readonly CustomFieldDefinition[];
  /** The pipeline's selection; absent: every standard and custom column. */
  readonly selection?: readonly ExportColumn[];
  readonly extras: readonly ExportExtra[];
  /** Several locations into one file: a `locationId` column first. */
  readonly locationColumn: boolean;
  /** Where the selection was written, for errors. @default 'export.columns' */
  readonly settingPath?: string;
}

const keyOf = (def: CustomFieldDefinition): string => (def.fieldKey ?? '').replace(/^contact\./, '');

/** Custom fields in the order the platform shows them (position, then name), each with a unique readable header. */
export function customColumns(definitions: readonly CustomFieldDefinition[], taken: ReadonlySet<string>): Column[] {
  const defs = [...definitions].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const nameCount = new Map<string, number>();
  for (const d of defs) nameCount.set(d.name.toLowerCase(), (nameCount.get(d.name.toLowerCase()) ?? 0) + 1);
  return defs.map((def) => {
    const clash = (nameCount.get(def.name.toLowerCase()) ?? 0) > 1 || taken.has(def.name.toLowerCase());
    const header = clash ? `${def.name} (${keyOf(def) || def.id})` : def.name;
    const id = def.id;
    return {
      header,
      field: `customFields.${keyOf(def) || id}`,
      read: (r) => {
        const list = r.hit.customFields as ReadonlyArray<{ id?: unknown; value?: unknown }> | undefined;
        if (!list) return '';
        for (const cf of list) if (cf.id === id) return cellText(cf.value);
        return '';
      },
    };
  });
}

/** Every name a selection may use for a column: its field, its header, and for custom fields the id, key and `contact.` key. */
function namesOf(column: Column, def: CustomFieldDefinition | undefined): string[] {
  const names = [column.field, column.header];
  if (def) names.push(def.id, keyOf(def), def.fieldKey ?? '', def.name, `customFields.${def.id}`);
  return names.filter((n) => n !== '');
}

/** The columns of the file, in order; a selection naming an unknown field is a ConfigError naming its setting. */
export function planColumns(input: ColumnPlanInput): Column[] {
  const taken = new Set([...STANDARD_COLUMNS, ...OPTIONAL_COLUMNS].map((c) => c.header.toLowerCase()));
  const defs = [...input.definitions].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const custom = customColumns(defs, taken);
  const extras = input.extras.map(extraColumn);
  const lead = input.locationColumn ? [OPTIONAL_COLUMNS[0]!] : [];
  if (!input.selection) return [...lead, ...STANDARD_COLUMNS, ...custom, ...extras];

  const byName = new Map<string, Column>();
  const add = (c: Column, def?: CustomFieldDefinition): void => {
    for (const n of namesOf(c, def)) if (!byName.has(n)) byName.set(n, c);
  };
  for (const c of [...STANDARD_COLUMNS, ...OPTIONAL_COLUMNS, ...extras]) add(c);
  custom.forEach((c, i) => add(c, defs[i]));
  const lower = new Map<string, Column>();
  for (const [n, c] of byName) if (!lower.has(n.toLowerCase())) lower.set(n.toLowerCase(), c);

  const path = input.settingPath ?? 'export.columns';
  const out: Column[] = [...lead];
  const headers = new Map<string, number>(lead.map((c) => [c.header, -1]));
  input.selection.forEach((sel, i) => {
    const found = byName.get(sel.field) ?? lower.get(sel.field.toLowerCase()) ?? byName.get(sel.field.replace(/^customFields\./, ''));
    if (!found) {
      if (sel.field === 'notes' || sel.field === 'tasks') {
        throw new ConfigError(`the ${sel.field} column needs extras: [${sel.field}] (one request per contact)`, `${path}[${i}].field`);
      }
      const near = suggestClosest(sel.field, byName.keys());
      throw new ConfigError(
        `unknown field '${sel.field}'${near ? ` (did you mean '${near}'?)` : ''}; columns are standard fields (${STANDARD_COLUMNS.map((c) => c.field).join(', ')}), ${OPTIONAL_COLUMNS.map((c) => c.field).join(', ')}, and the location's custom fields by name, key or id`,
        `${path}[${i}].field`,
      );
    }
    const column = sel.header ? { ...found, header: sel.header } : found;
    const earlier = headers.get(column.header);
    if (earlier !== undefined) {
      throw new ConfigError(`the header '${column.header}' is used twice${earlier >= 0 ? ` (also by ${path}[${earlier}])` : ''}; rename one with header:`, `${path}[${i}]`);
    }
    headers.set(column.header, i);
    out.push(column);
  });
  return out;
}


