import type { CustomFieldDefinition } from '../api/types.js';
import { quote } from '../config/config-path.js';
import type { CustomFieldDataType, CustomFieldMapping, ImportPipeline } from '../config/index.js';
import { platformKeyOf } from '../platform/field-key.js';

/**
 * The pipeline's `customFields` against the location's definitions: which
 * resolve, and which are missing, each missing one with the name, key and data
 * type it would be created with. Pure; the values that decide a type come in
 * as samples (`sampleColumns`), the definitions from the API.
 */

export interface FieldToCreate {
  /** `customFields[2]`. */
  readonly path: string;
  /** Line of the entry in the pipeline file, when known. */
  readonly line?: number;
  /** The key the pipeline names (`contact.hubspot_record_id`); absent for an entry by name. */
  readonly key?: string;
  /** The name sent to the platform, which makes the key from it. */
  readonly name: string;
  readonly dataType: CustomFieldDataType;
  /** Why that type: the entry's `dataType`, its transform, the column's values, or none of them (TEXT). */
  readonly typeFrom: 'pipeline' | 'transform' | 'values' | 'default';
  /** Where the values come from, as the user wrote it (`column 'Record ID'`). */
  readonly source: string;
  /** Why it cannot be created, when it cannot. */
  readonly problem?: string;
}

export interface CustomFieldPlan {
  /** Index in `pipeline.customFields` -> its definition. */
  readonly resolved: ReadonlyMap<number, CustomFieldDefinition>;
  /** Index -> the field to create, for entries the location lacks. */
  readonly missing: ReadonlyMap<number, FieldToCreate>;
}

export function resolveCustomField(target: CustomFieldMapping['target'], defs: Iterable<CustomFieldDefinition>): CustomFieldDefinition | undefined {
  for (const d of defs) {
    if ('key' in target && (d.fieldKey === target.key || d.fieldKey === `contact.${target.key}`)) return d;
    if ('name' in target && d.name.toLowerCase() === target.name.toLowerCase()) return d;
  }
  return undefined;
}

/** The columns whose values decide the type of a missing field (entries with no declared type and no typing transform). */
export function columnsToSample(customFields: readonly CustomFieldMapping[]): string[] {
  const out = new Set<string>();
  for (const cf of customFields) {
    if (cf.declaredType || typeOfTransforms(cf)) continue;
    if (cf.from.kind === 'column') out.add(cf.from.column);
    if (cf.from.kind === 'columns') for (const c of cf.from.columns) out.add(c);
  }
  return [...out];
}

export function planCustomFields(pipeline: ImportPipeline, defs: Iterable<CustomFieldDefinition>, samples: ReadonlyMap<string, readonly string[]> = new Map()): CustomFieldPlan {
  const all = [...defs];
  const resolved = new Map<number, CustomFieldDefinition>();
  const missing = new Map<number, FieldToCreate>();
  pipeline.customFields.forEach((cf, i) => {
    const def = resolveCustomField(cf.target, all);
    if (def) {
      resolved.set(i, def);
      return;
    }
    const path = `customFields[${i}]`;
    const line = pipeline.columnRefs.find((r) => r.path.startsWith(`${path}.`) || r.path === path)?.at?.line;
    const { dataType, typeFrom } = typeOf(cf, samples);
    const source = sourceOf(cf);
    if ('name' in cf.target) {
      missing.set(i, { path, ...(line !== undefined && { line }), name: cf.target.name, dataType, typeFrom, source });
      return;
    }
    const key = cf.target.key.includes('.') ? cf.target.key : `contact.${cf.target.key}`;
    const [model, bare = ''] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
    const column = cf.from.kind === 'column' ? cf.from.column : undefined;
    // The platform takes no key: it makes one from the name. A name whose key is the wanted one: the column's own, else the key spelled out.
    const name = column !== undefined && platformKeyOf(column) === bare ? column : bare.charAt(0).toUpperCase() + bare.slice(1).replace(/_/g, ' ');
    let problem: string | undefined;
    if (model !== 'contact') problem = `only contact fields can be created (the key starts with ${quote(`${model}.`)})`;
    else if (!/^[a-z0-9]+(_[a-z0-9]+)*$/.test(bare)) problem = `the platform makes a key from the field's name (lower-case letters, digits and _), so it cannot make ${quote(key)}; create the field by hand and give its key`;
    missing.set(i, { path, ...(line !== undefined && { line }), key, name, dataType, typeFrom, source, ...(problem && { problem }) });
  });
  return { resolved, missing };
}

function sourceOf(cf: CustomFieldMapping): string {
  if (cf.from.kind === 'column') return `column ${quote(cf.from.column)}`;
  if (cf.from.kind === 'columns') return `columns ${cf.from.columns.map(quote).join(', ')}`;
  return `value ${JSON.stringify(cf.from.value)}`;
}

function typeOfTransforms(cf: CustomFieldMapping): CustomFieldDataType | undefined {
  if (cf.transforms.some((t) => t.name === 'date')) return 'DATE';
  if (cf.transforms.some((t) => t.name === 'e164')) return 'PHONE';
  return undefined;
}

function typeOf(cf: CustomFieldMapping, samples: ReadonlyMap<string, readonly string[]>): Pick<FieldToCreate, 'dataType' | 'typeFrom'> {
  if (cf.declaredType) return { dataType: cf.declaredType, typeFrom: 'pipeline' };
  const byTransform = typeOfTransforms(cf);
  if (byTransform) return { dataType: byTransform, typeFrom: 'transform' };
  let values: readonly string[] = [];
  if (cf.from.kind === 'value') {
    const v = cf.from.value;
    if (typeof v === 'number') return { dataType: 'NUMERICAL', typeFrom: 'values' };
    if (typeof v === 'boolean' || Array.isArray(v)) return { dataType: 'CHECKBOX', typeFrom: 'values' };
    values = [String(v)];
  } else if (cf.from.kind === 'column') values = samples.get(cf.from.column) ?? [];
  else return { dataType: 'TEXT', typeFrom: 'default' };
  const dataType = inferFieldType(values);
  return values.some((v) => v.trim() !== '') ? { dataType, typeFrom: 'values' } : { dataType, typeFrom: 'default' };
}

const NUMBER = /^[-+]?(0|[1-9]\d*|[1-9]\d{0,2}(,\d{3})+)(\.\d+)?$/;
const MONEY = /^[-+]?[$€£¥]\s?/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const YES_NO = /^(true|false|yes|no)$/i;

/**
 * The data type a column's cells read as, choosing only what comes back as
 * written: numbers without leading zeros (a zip code such as 02139 stays
 * text), a currency sign makes MONETORY, ISO dates only (a day-first and a
 * month-first date look alike; give `transform: date` or `dataType` for those),
 * true/false or yes/no a CHECKBOX, multi-line or long text LARGE_TEXT.
 */
export function inferFieldType(cells: readonly string[]): CustomFieldDataType {
  const values = cells.map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0) return 'TEXT';
  if (values.every((v) => YES_NO.test(v))) return 'CHECKBOX';
  if (values.every((v) => NUMBER.test(v.replace(MONEY, '')))) return values.some((v) => MONEY.test(v)) ? 'MONETORY' : 'NUMERICAL';
  if (values.every((v) => ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)))) return 'DATE';
  if (cells.some((v) => v.includes('\n') || v.length > 255)) return 'LARGE_TEXT';
  return 'TEXT';
}

/** One line per field: what it is, where its values come from, the type it would get. */
export function describeFieldToCreate(f: FieldToCreate, verb = 'would be created'): string {
  const what = f.key !== undefined ? `key ${quote(f.key)}` : `name ${quote(f.name)}`;
  const why = { pipeline: 'its dataType', transform: 'its transform', values: "the column's values", default: 'no values to go by' }[f.typeFrom];
  return `${f.path}${f.line !== undefined ? ` (line ${f.line})` : ''}: ${what} from ${f.source}, ${f.problem ? `cannot be created: ${f.problem}` : `${verb} as ${f.dataType} (${why})${f.key !== undefined ? ` named ${quote(f.name)}` : ''}`}`;
}
