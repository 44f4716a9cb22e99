import type { ContactsApi } from '../api/endpoints.js';
import type { CustomFieldDefinition } from '../api/types.js';
import type { CustomFieldMapping, ImportPipeline, Mapping } from '../config/index.js';
import { ConfigError } from '../core/errors.js';
import type { ReadCsvOptions } from '../sources/read-csv-rows.js';
import { fieldOfHeader } from '../transforms/custom-field-value.js';
import { headerLanguage, recogniseHeader } from '../transforms/header-names.js';
import { columnsToSample, describeFieldToCreate, planCustomFields, type FieldToCreate } from './custom-field-plan.js';
import { sampleColumns } from './sample-columns.js';

/**
 * The custom fields an import fills, settled before anything is written:
 * every `customFields` entry resolved against the location's definitions (all
 * the missing ones reported at once, or planned for creation with
 * createMissingFields), and with `customFieldsByHeader` the columns headed
 * like one of the location's fields (with createMissingFields, every other
 * column the header table does not know becomes a field to create, named by
 * its header).
 */

/** What the mapped rows carry for a field that does not exist yet (a dry run sends nothing, so no id is needed). */
export const TO_BE_CREATED = 'to-be-created';

export interface ImportFields {
  /** The entries with the data type their values are converted to. */
  readonly customFields: CustomFieldMapping[];
  /** `cf:key:<key>` / `cf:name:<name>` (the mapped row's names) -> field id; TO_BE_CREATED until created. */
  readonly ids: Map<string, string>;
  /** Fields the location lacks, to create before the first write. */
  readonly toCreate: FieldToCreate[];
  /** The mapped-row name of each field to create, in `toCreate` order. */
  readonly toCreateNames: string[];
  /** Columns filled through customFieldsByHeader (with createMissingFields, also those whose field is to be created). */
  readonly byHeader: string[];
}

const nameOf = (cf: CustomFieldMapping): string => ('key' in cf.target ? `cf:key:${cf.target.key}` : `cf:name:${cf.target.name}`);

export async function settleImportFields(
  pipeline: ImportPipeline,
  api: ContactsApi,
  headers: readonly string[],
  mapping: Mapping,
  readOpts: ReadCsvOptions,
): Promise<ImportFields> {
  const needDefs = pipeline.customFields.length > 0 || pipeline.customFieldsByHeader;
  const defs = needDefs ? await api.customFieldMap() : new Map<string, CustomFieldDefinition>();
  let plan = planCustomFields(pipeline, defs.values());
  if (plan.missing.size > 0) {
    // Types of the fields to create come from the values, where neither the pipeline nor a transform gives one.
    const wanted = columnsToSample([...plan.missing.keys()].map((i) => pipeline.customFields[i]!));
    if (wanted.length > 0) plan = planCustomFields(pipeline, defs.values(), await sampleColumns(pipeline.source.file, readOpts, wanted));
  }
  const missing = [...plan.missing.values()];
  const impossible = missing.filter((f) => f.problem);
  if (missing.length > 0 && (!pipeline.createMissingFields || impossible.length > 0)) {
    const list = pipeline.createMissingFields ? impossible : missing;
    const known = [...defs.values()].map((d) => d.fieldKey);
    const knownText = known.length === 0 ? 'none' : known.length > 20 ? `${known.slice(0, 20).join(', ')} and ${known.length - 20} more` : known.join(', ');
    const how = pipeline.createMissingFields
      ? 'Create these by hand (README: "Custom fields")'
      : 'Create them with --create-missing-fields (or createMissingFields: true in the pipeline), or by hand (README: "Custom fields")';
    const n = list.length === 1 ? '1 custom field' : `${list.length} custom fields`;
    throw new ConfigError(
      `Location ${api.locationId} lacks ${n} the pipeline fills (known: ${knownText}); nothing was written. ${how}:\n${list.map((f) => `  ${describeFieldToCreate(f)}`).join('\n')}\n`,
      list[0]!.path,
    );
  }

  const ids = new Map<string, string>();
  const customFields: CustomFieldMapping[] = [];
  const toCreate: FieldToCreate[] = [];
  const toCreateNames: string[] = [];
  pipeline.customFields.forEach((cf, i) => {
    const def = plan.resolved.get(i);
    const create = plan.missing.get(i);
    const name = nameOf(cf);
    if (def) {
      ids.set(name, def.id);
      customFields.push({ ...cf, dataType: def.dataType });
    } else if (create) {
      ids.set(name, TO_BE_CREATED);
      toCreate.push(create);
      toCreateNames.push(name);
      customFields.push({ ...cf, dataType: create.dataType });
    }
  });

  const byHeader: string[] = [];
  if (pipeline.customFieldsByHeader) {
    // Columns no other setting reads, headed like one of the location's custom fields (as an export heads them).
    const used = new Set([
      ...pipeline.columnRefs.map((r) => r.column),
      ...Object.values(mapping).flatMap((m) => (m.from.kind === 'column' ? [m.from.column] : m.from.kind === 'columns' ? m.from.columns : [])),
    ]);
    const filled = new Set(ids.values());
    for (const h of headers) {
      const def = used.has(h) ? undefined : fieldOfHeader(h, defs.values());
      if (!def || filled.has(def.id)) continue;
      filled.add(def.id);
      ids.set(`cf:key:${def.fieldKey}`, def.id);
      byHeader.push(h);
      customFields.push({ target: { key: def.fieldKey }, from: { kind: 'column', column: h }, transforms: [{ name: 'trim' }], dataType: def.dataType });
    }
    if (pipeline.createMissingFields) {
      // The rest, unless the header table knows them as contact fields or bookkeeping: custom fields the target lacks (a round trip into a new location).
      const ignored = new Set(pipeline.ignoreColumns);
      const language = headerLanguage(headers);
      const left = headers.filter((h) => h.trim() !== '' && !used.has(h) && !ignored.has(h) && !byHeader.includes(h) && !recogniseHeader(h, language));
      const entries = left.map((h): CustomFieldMapping => {
        // `Name (key)`, as an export heads a field whose name is shared: the key it names.
        const qualified = /^(.*\S)\s+\(([a-z0-9_]+)\)$/.exec(h);
        return { target: qualified ? { key: `contact.${qualified[2]}` } : { name: h.trim() }, from: { kind: 'column', column: h }, transforms: [{ name: 'trim' }] };
      });
      if (entries.length > 0) {
        const samples = await sampleColumns(pipeline.source.file, readOpts, left);
        const plan = planCustomFields({ ...pipeline, customFields: entries, columnRefs: [] }, defs.values(), samples);
        entries.forEach((cf, i) => {
          const f = plan.missing.get(i);
          if (!f || f.problem) return;
          const name = nameOf(cf);
          if (ids.has(name)) return;
          ids.set(name, TO_BE_CREATED);
          toCreate.push({ ...f, path: 'customFieldsByHeader' });
          toCreateNames.push(name);
          byHeader.push(left[i]!);
          customFields.push({ ...cf, dataType: f.dataType });
        });
      }
    }
  }
  return { customFields, ids, toCreate, toCreateNames, byHeader };
}
