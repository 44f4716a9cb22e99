import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { unescapeFormula } from '../core/csv-cells.js';
import { ConfigError } from '../core/errors.js';
import { DND_EXPORT_CHANNELS, isExportHeaders, LIST_SEPARATOR, STANDARD_COLUMNS } from '../exporter/columns.js';
import { DATA_TYPES } from './routes/custom-fields.js';
import type { CustomFieldDataType } from './types.js';
import { platformKeyOf } from '../platform/field-key.js';

/**
 * Reads a `--seed` file into contacts and the custom fields they need:
 *
 * - a CSV written by `hoop-etl export` (standard columns under the export's
 *   names, tags, `dndSettings.<channel>.status`, `locationId`, and custom
 *   fields under their display name or `Name (key)`);
 * - JSON Lines (`.jsonl`, `.ndjson`): one contact object a line, shaped like a
 *   write body or a search hit, `customFields` as `[{key|id, value}]` or `{key: value}`;
 * - the older seed CSV: any headers naming contact fields, matched loosely
 *   (`First Name`, `first_name`, `firstName`).
 *
 * Custom fields take their data type from `--seed-fields` (the definitions
 * `hoop-etl export --fields-out` writes) or, without it, from their values.
 * Values are typed here, so a bad one is refused naming file, line and column.
 */

export interface SeedField {
  name: string;
  /** Without the `contact.` prefix. */
  key: string;
  dataType: CustomFieldDataType;
  position: number;
  picklistOptions: string[];
  /** Kept from `--seed-fields`, so that ids in a JSON Lines file still resolve. */
  id?: string;
  placeholder?: string;
  /** The location it came from (`--seed-fields`); absent: every seeded location. */
  locationId?: string;
}

export interface SeedRow {
  /** Physical line of the record in the file (1-based). */
  line: number;
  /** From a `locationId` column or key; absent: the emulator's default location. */
  locationId?: string;
  /** A contact as `seedContacts` takes it, custom fields as `[{key, value}]`. */
  contact: Record<string, unknown>;
}

export interface SeedData {
  fields: SeedField[];
  rows: SeedRow[];
  /** Columns of the file that were recognised and deliberately not loaded (derived or extras). */
  skipped: string[];
}

/** Loose names of the older seed CSV, and of any CSV whose headers name contact fields. */
const LOOSE_FIELDS: Record<string, string> = {
  id: 'id',
  contactid: 'id',
  firstname: 'firstName',
  lastname: 'lastName',
  name: 'name',
  fullname: 'name',
  email: 'email',
  phone: 'phone',
  companyname: 'companyName',
  company: 'companyName',
  address1: 'address1',
  address: 'address1',
  city: 'city',
  state: 'state',
  postalcode: 'postalCode',
  zip: 'postalCode',
  country: 'country',
  website: 'website',
  timezone: 'timezone',
  source: 'source',
  gender: 'gender',
  type: 'type',
  tags: 'tags',
  dnd: 'dnd',
  dateofbirth: 'dateOfBirth',
  dateadded: 'dateAdded',
  dateupdated: 'dateUpdated',
  lastactivity: 'lastActivity',
  assignedto: 'assignedTo',
  followers: 'followers',
  businessid: 'businessId',
  additionalemails: 'additionalEmails',
  additionalphones: 'additionalPhones',
  locationid: 'locationId',
};

/** Export columns derived from others or from extras: known, not loaded. */
const DERIVED = new Set(['businessName', 'contactName', 'validEmail', 'phoneLabel', 'notes', 'tasks']);
const EXPORT_HEADERS = new Set([...STANDARD_COLUMNS.map((c) => c.header), 'locationId', 'gender']);
const LIST_FIELDS = new Set(['tags', 'followers', 'additionalEmails', 'additionalPhones']);
const DND_HEADER = /^dndSettings\.([A-Za-z]+)\.status$/;
const DND_STATUSES = new Set(['active', 'inactive', 'permanent']);

const slug = platformKeyOf;
const stripModel = (key: string): string => key.replace(/^contact\./, '');

function fail(file: string, where: string, message: string): never {
  throw new ConfigError(`${message} (${file}${where})`);
}

/** `--seed-fields`: `{customFields: [...]}` as the Locations API answers, or a bare list. */
export async function readSeedFields(file: string): Promise<SeedField[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read seed fields file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (${file})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`Seed fields file is not valid JSON: ${(e as Error).message} (${file})`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { customFields?: unknown } | null)?.customFields;
  if (!Array.isArray(list)) fail(file, '', 'Seed fields file must hold {"customFields": [...]} or a list of custom field definitions');
  const out: SeedField[] = [];
  list.forEach((raw: unknown, i) => {
    const at = ` customFields[${i}]`;
    const d = raw as Record<string, unknown> | null;
    if (!d || typeof d !== 'object') fail(file, at, 'A custom field definition must be an object');
    if (d.model !== undefined && d.model !== 'contact') return;
    if (typeof d.name !== 'string' || !d.name.trim()) fail(file, at, 'A custom field definition needs a name');
    if (typeof d.dataType !== 'string' || !DATA_TYPES.includes(d.dataType as CustomFieldDataType)) {
      fail(file, at, `Custom field '${d.name}' has an unknown dataType '${String(d.dataType)}' (known: ${DATA_TYPES.join(', ')})`);
    }
    out.push({
      name: d.name.trim(),
      key: typeof d.fieldKey === 'string' && d.fieldKey ? stripModel(d.fieldKey) : slug(d.name),
      dataType: d.dataType as CustomFieldDataType,
      position: typeof d.position === 'number' ? d.position : i,
      picklistOptions: Array.isArray(d.picklistOptions) ? d.picklistOptions.map(String) : [],
      ...(typeof d.id === 'string' && { id: d.id }),
      ...(typeof d.placeholder === 'string' && d.placeholder && { placeholder: d.placeholder }),
      ...(typeof d.locationId === 'string' && { locationId: d.locationId }),
    });
  });
  return out;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const PHONE = /^\+\d{7,15}$/;

/** The data type a column of text cells reads as; exported numbers are canonical, so only those count as numbers. */
export function inferDataType(values: readonly string[]): CustomFieldDataType {
  if (values.length === 0) return 'TEXT';
  if (values.every((v) => NUMBER.test(v))) return 'NUMERICAL';
  if (values.every((v) => DATE.test(v) && !Number.isNaN(Date.parse(v)))) return 'DATE';
  if (values.every((v) => PHONE.test(v))) return 'PHONE';
  if (values.some((v) => v.includes('\n'))) return 'LARGE_TEXT';
  return 'TEXT';
}

/** A JSON value's data type, for JSON Lines fields without a definition. */
function inferJsonType(values: readonly unknown[]): CustomFieldDataType {
  if (values.length && values.every((v) => typeof v === 'number')) return 'NUMERICAL';
  if (values.length && values.every((v) => Array.isArray(v))) return 'MULTIPLE_OPTIONS';
  if (values.length && values.every((v) => v !== null && typeof v === 'object')) return 'TEXTBOX_LIST';
  return inferDataType(values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
}

/** One cell (or JSON value) as the platform stores it for the type; undefined for empty. */
function typedValue(field: SeedField, value: unknown, where: () => string, file: string): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  const bad = (what: string): never => fail(file, where(), `${field.dataType} custom field '${field.name}' expects ${what}, got ${JSON.stringify(value)}`);
  switch (field.dataType) {
    case 'NUMERICAL':
    case 'MONETORY': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.replace(/,/g, '')) : NaN;
      return Number.isFinite(n) ? n : bad('a number');
    }
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS':
      if (Array.isArray(value)) return value.map(String);
      if (typeof value === 'string') return value.split(LIST_SEPARATOR.trim()).map((s) => s.trim()).filter(Boolean);
      return bad('a list of options');
    case 'DATE': {
      const s = typeof value === 'number' ? new Date(value).toISOString() : String(value);
      return Number.isNaN(Date.parse(s)) ? bad('a date') : s;
    }
    case 'TEXTBOX_LIST':
    case 'FILE_UPLOAD':
      if (typeof value === 'string' && /^[[{]/.test(value.trim())) {
        try {
          return JSON.parse(value);
        } catch {
          return value;
        }
      }
      return value;
    default:
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (e) {
    throw new ConfigError(`Cannot read seed file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (${file})`);
  }
}

export async function readSeedFile(file: string, declared: readonly SeedField[] = []): Promise<SeedData> {
  const text = await readText(file);
  return /\.(jsonl|ndjson)$/i.test(file) ? readJsonLines(file, text, declared) : readCsv(file, text, declared);
}

type CsvColumn =
  | { kind: 'standard'; field: string }
  | { kind: 'dnd'; channel: string }
  | { kind: 'custom'; field: SeedField }
  | { kind: 'skip' };

/** The declared field a header names: its name, or `name (key)`. */
function declaredFor(header: string, declared: readonly SeedField[]): SeedField | undefined {
  return declared.find((d) => d.name === header) ?? declared.find((d) => `${d.name} (${d.key})` === header || `${d.name} (${d.id})` === header);
}

/**
 * `Name (key)` as the export writes it when a name clashes (two fields of one
 * name, or a name a standard column has); else the header is the name, so a
 * field called `Size (cm)` keeps its name.
 */
function nameAndKey(header: string, headers: readonly string[]): { name: string; key: string } {
  const m = /^(.+) \(([A-Za-z0-9_.]+)\)$/.exec(header);
  if (m) {
    const [, name, rawKey] = m as unknown as [string, string, string];
    const key = stripModel(rawKey);
    const s = slug(name);
    const lower = name.toLowerCase();
    const sameName = headers.filter((h) => h !== header && (h.toLowerCase() === lower || /^(.+) \([^()]+\)$/.exec(h)?.[1]?.toLowerCase() === lower)).length;
    const standard = [...EXPORT_HEADERS].some((h) => h.toLowerCase() === lower);
    if (key === s || new RegExp(`^${s}_\\d+$`).test(key) || sameName > 0 || standard) return { name, key };
  }
  return { name: header, key: slug(header) };
}

function readCsv(file: string, text: string, declared: readonly SeedField[]): SeedData {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { relax_column_count: false, skip_empty_lines: true, info: true }) as unknown as typeof rows;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new ConfigError(`Seed file is not valid CSV: ${err.message} (${file}${err.lines ? ` line ${err.lines}` : ''})`);
  }
  const [head, ...data] = rows;
  if (!head) return { fields: [], rows: [], skipped: [] };
  const headers = head.record.map((h) => h.trim());
  // Our own export: exact names, and every other column is a custom field (a custom field
  // called "First Name" is not firstName there).
  const ours = isExportHeaders(headers);
  const seen = new Set<string>();
  const dupe = headers.find((h) => (seen.has(h) ? true : (seen.add(h), false)));
  if (dupe) fail(file, ' line 1', `Seed file has the column '${dupe}' twice`);
  const skipped: string[] = [];
  const fields: SeedField[] = [];
  const columns: CsvColumn[] = headers.map((h, i): CsvColumn => {
    const dnd = DND_HEADER.exec(h);
    if (dnd) {
      if (![...DND_EXPORT_CHANNELS, 'RCS'].includes(dnd[1] as never)) fail(file, ` line 1 column ${i + 1}`, `Unknown DND channel '${dnd[1]}' in column '${h}' (known: ${DND_EXPORT_CHANNELS.join(', ')})`);
      return { kind: 'dnd', channel: dnd[1]! };
    }
    if (EXPORT_HEADERS.has(h)) return { kind: 'standard', field: h };
    if (ours && DERIVED.has(h)) {
      skipped.push(h);
      return { kind: 'skip' };
    }
    const d = declaredFor(h, declared);
    if (d) {
      fields.push(d);
      return { kind: 'custom', field: d };
    }
    if (!ours) {
      const loose = LOOSE_FIELDS[h.toLowerCase().replace(/[^a-z0-9]/g, '')];
      if (loose) return { kind: 'standard', field: loose };
    }
    if (h === '') fail(file, ` line 1 column ${i + 1}`, 'Seed file has a column without a header');
    const { name, key } = nameAndKey(h, headers);
    const field: SeedField = { name, key, dataType: 'TEXT', position: i, picklistOptions: [] };
    const values = data.map((r) => unescapeFormula(r.record[i]!.trim())).filter((v) => v !== '');
    field.dataType = inferDataType(values);
    fields.push(field);
    return { kind: 'custom', field };
  });
  // Declared fields no column names still exist on the real location: define them too.
  for (const d of declared) if (!fields.includes(d)) fields.push(d);

  const out: SeedRow[] = data.map(({ record, info }) => {
    const contact: Record<string, unknown> = {};
    const custom: Array<{ key: string; value: unknown }> = [];
    const dndSettings: Record<string, { status: string }> = {};
    let locationId: string | undefined;
    record.forEach((cell, i) => {
      const col = columns[i]!;
      const v = unescapeFormula(cell.trim());
      if (v === '' || col.kind === 'skip') return;
      const where = (): string => ` line ${info.lines} column ${i + 1} '${headers[i]}'`;
      if (col.kind === 'dnd') {
        if (!DND_STATUSES.has(v)) fail(file, where(), `DND status must be active, inactive or permanent, got '${v}'`);
        dndSettings[col.channel] = { status: v };
      } else if (col.kind === 'custom') {
        custom.push({ key: col.field.key, value: typedValue(col.field, v, where, file) });
      } else if (col.field === 'locationId') {
        if (!/^[A-Za-z0-9]{20}$/.test(v)) fail(file, where(), `locationId must be 20 characters [A-Za-z0-9], got '${v}'`);
        locationId = v;
      } else if (col.field === 'dnd') {
        if (!/^(true|false)$/i.test(v)) fail(file, where(), `dnd must be true or false, got '${v}'`);
        contact.dnd = v.toLowerCase() === 'true';
      } else if (LIST_FIELDS.has(col.field)) {
        contact[col.field] = v.split(col.field === 'tags' ? /[,;]/ : ',').map((t) => t.trim()).filter(Boolean);
      } else {
        contact[col.field] = v;
      }
    });
    if (Object.keys(dndSettings).length) contact.dndSettings = dndSettings;
    if (custom.length) contact.customFields = custom;
    return { line: info.lines, ...(locationId && { locationId }), contact };
  });
  return { fields, rows: out, skipped };
}

function readJsonLines(file: string, text: string, declared: readonly SeedField[]): SeedData {
  const parsed: Array<{ line: number; obj: Record<string, unknown> }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      fail(file, ` line ${i + 1}`, `Seed line is not valid JSON: ${(e as Error).message}`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) fail(file, ` line ${i + 1}`, 'Each seed line must be one contact object');
    parsed.push({ line: i + 1, obj: v as Record<string, unknown> });
  });

  // Custom values by key first, to infer the types of fields nothing declares.
  const byId = new Map(declared.filter((d) => d.id).map((d) => [d.id!, d]));
  const byKey = new Map(declared.map((d) => [d.key, d]));
  const found = new Map<string, { name: string; values: unknown[] }>();
  const items = parsed.map(({ line, obj }) => {
    const cf = obj.customFields;
    const list: Array<{ key: string; value: unknown; name?: string }> = [];
    if (Array.isArray(cf)) {
      cf.forEach((raw: unknown, j) => {
        const item = (raw ?? {}) as Record<string, unknown>;
        const value = 'field_value' in item ? item.field_value : 'fieldValue' in item ? item.fieldValue : item.value;
        const key = typeof item.key === 'string' && item.key ? stripModel(item.key) : typeof item.fieldKey === 'string' ? stripModel(item.fieldKey) : typeof item.id === 'string' ? byId.get(item.id)?.key : undefined;
        if (!key) fail(file, ` line ${line} customFields[${j}]`, `Custom field ${typeof item.id === 'string' ? `id ${item.id} is not in --seed-fields` : 'needs a key or id'}; give its key, or its definitions with --seed-fields`);
        list.push({ key, value, ...(typeof item.name === 'string' && { name: item.name }) });
      });
    } else if (cf && typeof cf === 'object') {
      for (const [k, value] of Object.entries(cf)) list.push({ key: stripModel(k), value });
    } else if (cf !== undefined) {
      fail(file, ` line ${line} customFields`, 'customFields must be a list of {key, value} or an object of key: value');
    }
    for (const it of list) {
      if (byKey.has(it.key) || it.value === undefined || it.value === null || it.value === '') continue;
      const f = found.get(it.key) ?? { name: it.name ?? it.key, values: [] };
      f.values.push(it.value);
      found.set(it.key, f);
    }
    return list;
  });
  const fields: SeedField[] = [...declared];
  let position = declared.length;
  for (const [key, f] of found) {
    const field: SeedField = { name: f.name, key, dataType: inferJsonType(f.values), position: position++, picklistOptions: [] };
    fields.push(field);
    byKey.set(key, field);
  }

  const rows: SeedRow[] = parsed.map(({ line, obj }, n) => {
    const contact: Record<string, unknown> = { ...obj };
    delete contact.customFields;
    delete contact.locationId;
    if (contact.address1 === undefined && typeof obj.address === 'string') contact.address1 = obj.address;
    if (typeof obj.firstNameRaw === 'string') contact.firstName = obj.firstNameRaw;
    if (typeof obj.lastNameRaw === 'string') contact.lastName = obj.lastNameRaw;
    // A key whose values are all empty has no field to define: its empty values set nothing.
    const custom = items[n]!.flatMap((it) => {
      const field = byKey.get(it.key);
      return field ? [{ key: it.key, value: typedValue(field, it.value, () => ` line ${line} customFields.${it.key}`, file) }] : [];
    });
    if (custom.length) contact.customFields = custom.filter((c) => c.value !== undefined);
    const loc = obj.locationId;
    if (loc !== undefined && (typeof loc !== 'string' || !/^[A-Za-z0-9]{20}$/.test(loc))) fail(file, ` line ${line} locationId`, `locationId must be 20 characters [A-Za-z0-9], got ${JSON.stringify(loc)}`);
    return { line, ...(typeof loc === 'string' && { locationId: loc }), contact };
  });
  return { fields, rows, skipped: [] };
}
