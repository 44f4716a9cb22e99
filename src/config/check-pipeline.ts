import {
  DND_CHANNELS,
  DND_FILTER_FIELD,
  DND_OPS,
  MAX_FILTER_VALUE_LENGTH,
  OPPORTUNITY_FIELDS,
  OPPORTUNITY_OPS,
  STANDARD_FILTER_FIELDS,
} from '../api/search-grammar.js';
import { phoneLibrary } from '../core/phone-library.js';
import { describeValue, formatPath, isWithin, quote, type PathSegment, type SettingPath } from './config-path.js';
import { suggestClosest } from './did-you-mean.js';
import { isRelativeDate } from './relative-date.js';
import type { RawProblem } from './schema-errors.js';

/**
 * The rules a JSON Schema cannot say clearly: exactly one source per field,
 * transforms with the options they need, settings that belong to another
 * job. Runs on data that passed the schema, skipping any part that did not.
 */

type Obj = Record<string, unknown>;

const IMPORT_ONLY = [
  'source',
  'mode',
  'mapping',
  'customFields',
  'customFieldsByHeader',
  'createMissingFields',
  'strictColumns',
  'ignoreColumns',
  'tags',
  'notes',
  'tasks',
  'followers',
  'workflow',
  'campaign',
  'business',
  'blanks',
  'collisions',
  'maxErrors',
] as const;

const SOURCES = ['column', 'columns', 'value'] as const;
const DATE_TOKEN = /YYYY|YY|MM|M|DD|D|HH|mm|ss|[-/._ :T]/g;
const OFFSET = /^\+(\d+)d$/;

/** `reported`: problems found so far; the parts they are in are not checked again. */
export function checkPipeline(data: unknown, reported: readonly RawProblem[]): RawProblem[] {
  const problems: RawProblem[] = [];
  const add: Add = (path, message, at = 'value') => {
    problems.push({ path, message: `${formatPath(path)}: ${message}`, at });
  };
  add.missing = (path) => {
    problems.push({ path, message: `Missing required setting '${formatPath(path)}'`, at: 'parent' });
  };
  /** True where nothing is reported yet, so that each mistake is reported once. */
  const clean = (path: SettingPath): boolean => !reported.some((p) => isWithin(p.path, path));
  if (!isObj(data)) return problems;
  const job = data.job;

  checkJobSettings(data, job, problems);
  // Sections of another job are reported as such above, and not checked further.
  if (job === 'import') checkImportSections(data, add, clean);
  if (job === 'export') checkExportSections(data, add, clean);
  if (job === 'dedup') checkLocationOrLocations(data, add);
  return problems;
}

function checkImportSections(data: Obj, add: Add, clean: (path: SettingPath) => boolean): void {
  if (isObj(data.mapping)) {
    for (const [field, spec] of Object.entries(data.mapping)) {
      if (isObj(spec) && clean(['mapping', field])) checkFieldSpec(spec, ['mapping', field], field, add);
    }
    const mode = typeof data.mode === 'string' ? data.mode : 'upsert';
    const mapped = clean(['mapping']) && clean(['mode']);
    if (mapped && (mode === 'upsert' || mode === 'update') && !('email' in data.mapping) && !('phone' in data.mapping)) {
      add(['mapping'], `${mode === 'upsert' ? 'an upsert' : 'an update'} finds contacts by email or phone; map at least one of them`, 'key');
    }
  }

  if (Array.isArray(data.customFields)) {
    const seen = new Map<string, number>();
    data.customFields.forEach((item, i) => {
      const path = ['customFields', i];
      if (!isObj(item) || !clean(path)) return;
      const hasKey = item.key !== undefined;
      const hasName = item.name !== undefined;
      if (!hasKey && !hasName) add(path, 'give key or name (which custom field to fill)');
      else if (hasKey && hasName) add(path, 'give key or name, not both');
      else {
        const by = hasKey ? 'key' : 'name';
        const ref = String(item[by]);
        const id = `${by}:${by === 'name' ? ref.toLowerCase() : ref.replace(/^contact\./, '')}`;
        const first = seen.get(id);
        if (first !== undefined) add([...path, by], `${quote(ref)} is already filled by customFields[${first}]`);
        else seen.set(id, i);
      }
      checkFieldSpec(item, path, undefined, add);
    });
  }

  if (isObj(data.tags) && clean(['tags'])) {
    const t = data.tags;
    if (t.column !== undefined && t.columns !== undefined) add(['tags'], 'give column or columns, not both');
    else if (t.column === undefined && t.columns === undefined && t.add === undefined) add(['tags'], 'give column, columns or add');
  }

  if (Array.isArray(data.notes)) {
    data.notes.forEach((note, i) => {
      const path = ['notes', i];
      if (!isObj(note) || !clean(path)) return;
      checkOneSource(note, path, ['column', 'columns'], add);
      for (const key of ['title', 'template']) checkTemplate(note[key], [...path, key], add);
    });
  }

  if (Array.isArray(data.tasks)) {
    data.tasks.forEach((task, i) => {
      const path = ['tasks', i];
      if (!isObj(task) || !clean(path)) return;
      for (const key of ['title', 'body']) checkTemplate(task[key], [...path, key], add);
      const due = task.dueDate;
      const duePath = [...path, 'dueDate'];
      if (typeof due === 'string') checkDueValue(due, duePath, add);
      else if (isObj(due)) {
        if (checkOneSource(due, duePath, ['column', 'value'], add) && typeof due.value === 'string') {
          checkDueValue(due.value, [...duePath, 'value'], add);
          if (due.dateFormat !== undefined) add([...duePath, 'dateFormat'], 'only used with column');
        }
        if (typeof due.dateFormat === 'string') checkDateFormat(due.dateFormat, [...duePath, 'dateFormat'], add);
      }
    });
  }

}

interface Add {
  (path: SettingPath, message: string, at?: 'key' | 'value'): void;
  missing: (path: SettingPath) => void;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Export and dedup jobs name one location or several. */
function checkLocationOrLocations(data: Obj, add: Add): void {
  if (data.location !== undefined && data.locations !== undefined) add(['locations'], 'give location or locations, not both', 'key');
  else if (data.location === undefined && data.locations === undefined) add.missing(['location']);
}

function checkExportSections(data: Obj, add: Add, clean: (path: SettingPath) => boolean): void {
  checkLocationOrLocations(data, add);
  const e = data.export;
  if (!isObj(e)) return;
  if (e.since !== undefined && e.state !== undefined && clean(['export', 'since'])) {
    add(['export', 'since'], 'give since or state, not both (state keeps its own watermark)', 'key');
  } else if (typeof e.since === 'string' && clean(['export', 'since']) && Number.isNaN(Date.parse(e.since))) {
    add(['export', 'since'], `${quote(e.since)} is not an ISO 8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)`);
  }
  if (typeof e.out === 'string' && e.out === '-' && e.gzip === true && clean(['export', 'gzip'])) {
    // Compressed bytes on a terminal help no one; a pipe can gzip itself.
    add(['export', 'gzip'], 'not with out: - (pipe stdout through gzip instead)');
  }
  if (Array.isArray(e.filter) && clean(['export', 'filter'])) e.filter.forEach((f, i) => checkFilter(f, ['export', 'filter', i], add));
}

function checkJobSettings(data: Obj, job: unknown, problems: RawProblem[]): void {
  if (job !== 'import' && job !== 'export' && job !== 'dedup') return;
  const wrong = (key: string, owner: string): void => {
    problems.push({ path: [key], message: `Setting '${key}' applies to ${owner} only (this is ${job === 'dedup' ? 'a' : 'an'} ${job} job)`, at: 'key' });
  };
  if (job === 'import' && 'locations' in data) wrong('locations', 'export and dedup jobs');
  if (job !== 'import') for (const key of IMPORT_ONLY) if (key in data) wrong(key, 'import jobs');
  if (job !== 'export' && 'export' in data) wrong('export', 'export jobs');
  if (job === 'export' && 'dedup' in data) wrong('dedup', 'import and dedup jobs');
}

/** Exactly one of `keys` is present; says which are missing or clash. */
function checkOneSource(spec: Obj, path: SettingPath, keys: readonly string[], add: Add): boolean {
  const present = keys.filter((k) => spec[k] !== undefined);
  if (present.length === 1) return true;
  const list = keys.length === 2 ? `${keys[0]} or ${keys[1]}` : `${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}`;
  if (present.length === 0) add(path, `give one of ${list}`);
  else add(path, `give only one of ${list} (found ${present.slice(0, -1).join(', ')} and ${present.at(-1)})`);
  return false;
}

/** A mapping entry or a custom field: its source, its transforms and their options. */
function checkFieldSpec(spec: Obj, path: SettingPath, field: string | undefined, add: Add): void {
  const oneSource = checkOneSource(spec, path, SOURCES, add);
  if (spec.join !== undefined && spec.columns === undefined && oneSource) add([...path, 'join'], 'only used with columns');

  if (oneSource && spec.value !== undefined && field !== undefined) {
    if (field === 'dnd' && typeof spec.value !== 'boolean') add([...path, 'value'], `expected true or false, got ${describeValue(spec.value)}`);
    else if (field !== 'dnd' && typeof spec.value !== 'string') {
      add([...path, 'value'], `expected a string, got ${describeValue(spec.value)} (put it in quotes to keep it as written)`);
    }
  }

  const transforms = typeof spec.transform === 'string' ? [spec.transform] : Array.isArray(spec.transform) ? (spec.transform as unknown[]) : [];
  const transformPath = (i: number): SettingPath => (typeof spec.transform === 'string' ? [...path, 'transform'] : [...path, 'transform', i]);
  const e164 = transforms.indexOf('e164');
  const date = transforms.indexOf('date');
  if (e164 >= 0 && spec.defaultCountry === undefined && spec.countryColumn === undefined) {
    add(transformPath(e164), 'e164 needs defaultCountry or countryColumn (e.g. defaultCountry: US)');
  }
  for (const option of ['defaultCountry', 'countryColumn']) {
    if (spec[option] !== undefined && e164 < 0) add([...path, option], 'only used by the e164 transform');
  }
  if (spec.dateFormat !== undefined && date < 0) add([...path, 'dateFormat'], 'only used by the date transform');
  if (typeof spec.defaultCountry === 'string') {
    const code = spec.defaultCountry.toUpperCase();
    if (!phoneLibrary().isSupportedCountry(code)) {
      const hint = code === 'UK' ? " (did you mean 'GB'?)" : '';
      add([...path, 'defaultCountry'], `expected an ISO 3166 country code such as US, got ${quote(spec.defaultCountry)}${hint}`);
    }
  }
  if (typeof spec.dateFormat === 'string') checkDateFormat(spec.dateFormat, [...path, 'dateFormat'], add);
}

function checkDateFormat(format: string, path: SettingPath, add: Add): void {
  if (format === 'auto') return;
  const tokens = format.match(DATE_TOKEN) ?? [];
  const count = (re: RegExp): number => tokens.filter((t) => re.test(t)).length;
  const counts = [count(/^Y+$/), count(/^M+$/), count(/^D+$/), count(/^H+$/), count(/^m+$/), count(/^s+$/)];
  const [years, months, days, hours, minutes, seconds] = counts as [number, number, number, number, number, number];
  if (years !== 1 || months !== 1 || days !== 1) {
    add(path, `${quote(format)} needs a year (YYYY or YY), a month (MM or M) and a day (DD or D), once each`);
  } else if (hours > 1 || minutes > 1 || seconds > 1 || (minutes === 1 && hours === 0) || (seconds === 1 && minutes === 0)) {
    add(path, `${quote(format)} has a time that is not HH, HH:mm or HH:mm:ss`);
  }
}

function checkDueValue(value: string, path: SettingPath, add: Add): void {
  if (OFFSET.test(value)) return;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(' ', 'T');
  const ms = Date.parse(date);
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const real = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(ms) || real.getUTCMonth() !== m - 1 || real.getUTCDate() !== d) add(path, `${quote(value)} is not a valid date`);
}

/** `{{Column}}` placeholders: each closed, none empty. */
function checkTemplate(text: unknown, path: SettingPath, add: Add): void {
  if (typeof text !== 'string') return;
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) return;
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) return add(path, "a '{{' is not closed by '}}'");
    if (rest.slice(open + 2, close).trim() === '') return add(path, "'{{}}' names no column");
    rest = rest.slice(close + 2);
  }
}

function checkFilter(filter: unknown, path: PathSegment[], add: Add, nestedIn?: string): void {
  if (!isObj(filter)) return;
  const isGroup = filter.group !== undefined;
  const isLeaf = filter.field !== undefined || filter.operator !== undefined;
  const missing = (key: string): void => add.missing([...path, key]);
  if (isGroup && isLeaf) return add(path, 'give field and operator, or group and filters, not both');
  if (!isGroup && !isLeaf) return add(path, 'give field and operator, or group and filters');
  if (isGroup) {
    if (filter.value !== undefined) add([...path, 'value'], 'not used by a group');
    if (filter.filters === undefined) missing('filters');
  } else {
    if (filter.field === undefined) missing('field');
    if (filter.operator === undefined) missing('operator');
    const op = filter.operator;
    if ((op === 'exists' || op === 'not_exists') && filter.value !== undefined) add([...path, 'value'], `not used by ${String(op)}`);
    if (op !== 'exists' && op !== 'not_exists' && op !== 'nested' && op !== undefined && filter.value === undefined) missing('value');
    if (op === 'nested' && filter.filters === undefined) missing('filters');
    if (op !== 'nested' && filter.filters !== undefined) add([...path, 'filters'], 'only used by the nested operator and by groups');
    if (op === 'range' && !(isObj(filter.value) && ['gt', 'gte', 'lt', 'lte'].some((k) => k in (filter.value as Obj)))) {
      add([...path, 'value'], 'range needs a section with gt, gte, lt or lte');
    }
  }
  if (isLeaf && typeof filter.field === 'string' && typeof filter.operator === 'string') checkFilterGrammar(filter, path, add, nestedIn);
  if (Array.isArray(filter.filters)) {
    const inner = !isGroup && filter.operator === 'nested' ? String(filter.field) : nestedIn;
    filter.filters.forEach((f, i) => checkFilter(f, [...path, 'filters', i], add, inner));
  }
}

const STANDARD_FIELD_NAMES = Object.keys(STANDARD_FILTER_FIELDS);
const DND_FIELD_NAMES = DND_CHANNELS.map((c) => `dndSettings.${c}.status`);

/**
 * A leaf against the search API's documented fields and operators. Custom
 * fields (`customFields.<id, key or name>`) are checked by the exporter once
 * it has read the location's definitions.
 */
function checkFilterGrammar(filter: Obj, path: PathSegment[], add: Add, nestedIn: string | undefined): void {
  const field = filter.field as string;
  const op = filter.operator as string;
  const opsText = (ops: readonly string[]): string => ops.join(', ');
  let ops: readonly string[] | undefined;
  if (nestedIn !== undefined) {
    if (!OPPORTUNITY_FIELDS.includes(field)) {
      return add([...path, 'field'], `unknown field ${quote(field)} in an ${nestedIn} filter; allowed: ${OPPORTUNITY_FIELDS.join(', ')}`);
    }
    ops = OPPORTUNITY_OPS;
  } else if (field === 'opportunities') {
    ops = ['nested'];
  } else if (field.startsWith('customFields.')) {
    return checkFilterValue(filter, path, add);
  } else if (DND_FILTER_FIELD.test(field)) {
    if (!DND_FIELD_NAMES.includes(field)) {
      return add([...path, 'field'], `unknown channel in ${quote(field)}; allowed: ${DND_CHANNELS.join(', ')}`);
    }
    ops = DND_OPS;
  } else {
    ops = STANDARD_FILTER_FIELDS[field];
    if (!ops) {
      const near = suggestClosest(field, [...STANDARD_FIELD_NAMES, 'opportunities', ...DND_FIELD_NAMES]);
      const hint = near ? ` (did you mean ${quote(near)}?)` : field === 'firstName' || field === 'lastName' ? ` (the search filters ${field}LowerCase)` : '';
      return add(
        [...path, 'field'],
        `unknown field ${quote(field)}${hint}; the search filters ${STANDARD_FIELD_NAMES.join(', ')}, opportunities, dndSettings.<Channel>.status and customFields.<id, key or name>`,
      );
    }
  }
  if (!ops.includes(op)) {
    return add([...path, 'operator'], `${quote(field)} takes ${opsText(ops)}, not ${op}`);
  }
  checkFilterValue(filter, path, add);
}

function checkFilterValue(filter: Obj, path: PathSegment[], add: Add): void {
  const v = filter.value;
  if (typeof v === 'string' && v.length > MAX_FILTER_VALUE_LENGTH) {
    add([...path, 'value'], `at most ${MAX_FILTER_VALUE_LENGTH} characters (the platform's limit), got ${v.length}`);
  }
  if (filter.operator === 'range' && isObj(v)) {
    for (const [k, bound] of Object.entries(v)) {
      if (!['gt', 'gte', 'lt', 'lte'].includes(k)) add([...path, 'value', k], 'a range takes gt, gte, lt and lte only');
      else if (typeof bound === 'string' ? Number.isNaN(Date.parse(bound)) && Number.isNaN(Number(bound)) && !isRelativeDate(bound) : typeof bound !== 'number') {
        add([...path, 'value', k], `expected a number, an ISO 8601 date such as 2026-11-01, or a date relative to the run (now-7d, startOfMonth), got ${describeValue(bound)}`);
      }
    }
  }
}
