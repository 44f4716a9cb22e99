/**
 * The pipeline's search filters -> the request's. The pipeline check has
 * already held standard fields against the search grammar; here custom
 * fields named by key or display name become `customFields.<id>` (the
 * platform filters by id only), their operators are checked against the
 * field's type, and tag values are lower-cased as the platform stores tags.
 */
import { customFieldOps, type SearchOperator } from '../api/search-grammar.js';
import type { CustomFieldDefinition } from '../api/types.js';
import { suggestClosest } from '../config/did-you-mean.js';
import { resolveRelativeDate } from '../config/relative-date.js';
import type { SearchFilter } from '../config/pipeline-types.js';
import { ConfigError } from '../core/errors.js';

type Filter = SearchFilter;

function findDefinition(ref: string, defs: readonly CustomFieldDefinition[]): CustomFieldDefinition | undefined {
  const bare = ref.replace(/^contact\./, '');
  return (
    defs.find((d) => d.id === ref) ??
    defs.find((d) => d.fieldKey === ref || d.fieldKey === `contact.${bare}`) ??
    defs.find((d) => d.name === ref) ??
    defs.find((d) => d.name.toLowerCase() === ref.toLowerCase())
  );
}

function resolveOne(filter: Filter, path: string, defs: readonly CustomFieldDefinition[]): Filter {
  if ('group' in filter) return { group: filter.group, filters: filter.filters.map((f, i) => resolveOne(f, `${path}.filters[${i}]`, defs)) };
  if (filter.operator === 'nested') return filter;
  if (filter.field === 'tags' && typeof filter.value === 'string') return { ...filter, value: filter.value.toLowerCase() };
  if (!filter.field.startsWith('customFields.')) return filter;

  const rest = filter.field.slice('customFields.'.length);
  let def = findDefinition(rest, defs);
  let option: string | undefined;
  if (!def && rest.includes('.')) {
    // `customFields.<field>.<optionId>` on a TEXTBOX_LIST field.
    const dot = rest.lastIndexOf('.');
    const candidate = findDefinition(rest.slice(0, dot), defs);
    if (candidate?.dataType === 'TEXTBOX_LIST') [def, option] = [candidate, rest.slice(dot + 1)];
  }
  if (!def) {
    const near = suggestClosest(rest, defs.flatMap((d) => [d.name, d.fieldKey.replace(/^contact\./, '')]));
    const known = defs.length ? `the location's custom fields are ${defs.map((d) => `'${d.name}'`).join(', ')}` : 'the location has no contact custom fields';
    throw new ConfigError(`unknown custom field '${rest}'${near ? ` (did you mean '${near}'?)` : ''}; ${known}`, `${path}.field`);
  }
  const ops: readonly SearchOperator[] = def.dataType === 'TEXTBOX_LIST' ? (option !== undefined ? customFieldOps('TEXT') : []) : customFieldOps(def.dataType);
  if (!ops.includes(filter.operator as SearchOperator)) {
    const what = def.dataType === 'TEXTBOX_LIST' && option === undefined ? 'is filtered per option (customFields.<field>.<optionId>)' : `takes ${ops.length ? ops.join(', ') : 'no operator'}`;
    throw new ConfigError(`custom field '${def.name}' (${def.dataType}) ${what}, not ${filter.operator}`, `${path}.operator`);
  }
  return { ...filter, field: `customFields.${def.id}${option !== undefined ? `.${option}` : ''}` };
}

/** Range bounds relative to the run (`startOfMonth`, `now-7d`) as instants. */
function resolveDates(filter: Filter, nowMs: number): Filter {
  if ('group' in filter) return { ...filter, filters: filter.filters.map((f) => resolveDates(f, nowMs)) };
  if (filter.operator !== 'range' || filter.value === null || typeof filter.value !== 'object') return filter;
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter.value as Record<string, unknown>)) value[k] = (typeof v === 'string' && resolveRelativeDate(v, nowMs)) || v;
  return { ...filter, value };
}

/** Filters as the search API takes them; `settingPath` names them in errors (`export.filter`). */
export function resolveFilters(filters: readonly Filter[], defs: readonly CustomFieldDefinition[], nowMs = Date.now(), settingPath = 'export.filter'): Filter[] {
  return filters.map((f, i) => resolveDates(resolveOne(f, `${settingPath}[${i}]`, defs), nowMs));
}

/** Whether any filter names a custom field (then the definitions must be read before the first search). */
export function namesCustomField(filters: readonly Filter[]): boolean {
  return filters.some((f) => ('group' in f ? namesCustomField(f.filters) : f.field.startsWith('customFields.')));
}
