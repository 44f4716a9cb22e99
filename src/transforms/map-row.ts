import type { CellSource, ImportPipeline, Mapping, StandardField, TransformStep } from '../config/index.js';
import type { RowProblem, SourceRow } from '../core/row.js';
import { customFieldValue } from './custom-field-value.js';
import { toApiDate, parseDateParts } from './date.js';
import { normaliseEmail } from './email.js';
import { assignHeaders, isStandardField } from './header-names.js';
import { toE164 } from './phone.js';
import { inColumn } from './result.js';
import { changeCase, normaliseTags, splitTags, trimText } from './text.js';

/**
 * One source row through the pipeline's mapping: standard fields, custom
 * fields, tags, notes, tasks, followers and business, each cell transformed.
 * Pure: the same row and pipeline always give the same result.
 */

/** A task as it will be written. */
export interface MappedTask {
  readonly title: string;
  readonly body?: string;
  /** ISO date-time. */
  readonly dueDate: string;
}

export interface MappedNote {
  readonly title?: string;
  readonly body: string;
}

/** Flat fields: standard ones by name, custom ones as `cf:key:<key>` or `cf:name:<name>`, plus `followers` and `business`. */
export type MappedFields = Record<string, string | boolean | readonly string[] | null>;

export interface MappedContact {
  readonly record: number;
  readonly line: number;
  readonly fields: MappedFields;
  readonly tags: readonly string[];
  /** JSON of MappedNote, so that merging compares whole notes. */
  readonly notes: readonly string[];
  readonly tasks: readonly MappedTask[];
}

export type MapResult = { ok: true; contact: MappedContact } | { ok: false; problem: RowProblem };

export interface MapContext {
  /** When the run started (ms): tasks due "+7d" count from here. */
  runStartedAt: number;
}

function isBlank(v: string | undefined): boolean {
  return v === undefined || v.trim() === '';
}

function read<V>(src: CellSource<V>, values: Readonly<Record<string, string>>): V | string | undefined {
  switch (src.kind) {
    case 'column':
      return values[src.column];
    case 'columns': {
      const parts = src.columns.map((c) => values[c]?.trim() ?? '').filter(Boolean);
      return parts.length ? parts.join(src.join) : '';
    }
    case 'value':
      return src.value;
  }
}

function columnOf<V>(src: CellSource<V>): string | undefined {
  return src.kind === 'column' ? src.column : src.kind === 'columns' ? src.columns.join('+') : undefined;
}

class RowFailure extends Error {
  constructor(readonly problem: RowProblem) {
    super(problem.message);
  }
}

function applyTransforms(raw: string, steps: readonly TransformStep[], values: Readonly<Record<string, string>>, column: string | undefined): string {
  let v = raw;
  for (const step of steps) {
    switch (step.name) {
      case 'trim':
        v = trimText(v);
        break;
      case 'lower':
      case 'upper':
      case 'title':
        v = changeCase(v, step.name);
        break;
      case 'email': {
        const r = normaliseEmail(v);
        if (!r.ok) throw new RowFailure(column ? inColumn(r.problem, column) : r.problem);
        v = r.value;
        break;
      }
      case 'e164': {
        const country = step.countryColumn ? values[step.countryColumn] : undefined;
        const r = toE164(v, { defaultCountry: step.defaultCountry ?? 'US', country: isBlank(country) ? undefined : country });
        if (!r.ok) throw new RowFailure(column ? inColumn(r.problem, column) : r.problem);
        v = r.value;
        break;
      }
      case 'date': {
        const r = toApiDate(v, step.format);
        if (!r.ok) throw new RowFailure(column ? inColumn(r.problem, column) : r.problem);
        v = r.value;
        break;
      }
    }
  }
  return v;
}

const TRUE_CELLS = new Set(['true', 'yes', 'y', '1']);
const FALSE_CELLS = new Set(['false', 'no', 'n', '0']);

/** A yes/no cell (`true` and `false` as the export writes them, yes/no, 1/0, any case) as the boolean the platform takes. */
function booleanCell(text: string, column: string | undefined): boolean {
  const t = text.trim().toLowerCase();
  if (TRUE_CELLS.has(t)) return true;
  if (FALSE_CELLS.has(t)) return false;
  const problem = { code: 'INVALID_BOOLEAN', message: 'the field takes true or false (also yes/no, 1/0)' };
  throw new RowFailure(column ? inColumn(problem, column) : problem);
}

/**
 * Without a `mapping`, headers that name a standard field (the recognition
 * table of header-names.ts: any case, spacing or punctuation, CRM exports and
 * seven languages) map to it: emails validated, phones to E.164 (US for
 * numbers without `+`), dates of birth read, the rest trimmed. `init` writes
 * the same assignment into a pipeline.
 */
export function mappingFromHeaders(headers: readonly string[]): Mapping {
  const out: Record<string, unknown> = {};
  for (const [f, m] of assignHeaders(headers).fields) {
    if (!isStandardField(f)) continue;
    const transforms: TransformStep[] =
      f === 'email' ? [{ name: 'email' }] : f === 'phone' ? [{ name: 'e164', defaultCountry: 'US' }] : f === 'dateOfBirth' ? [{ name: 'date', format: 'auto' }] : [{ name: 'trim' }];
    out[f] = { from: { kind: 'column', column: m.header }, transforms };
  }
  return out as Mapping;
}

function template(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, col: string) => (values[col] ?? '').trim());
}

function dueDate(task: ImportPipeline['tasks'][number], values: Readonly<Record<string, string>>, ctx: MapContext): string | undefined {
  const d = task.dueDate;
  if (d.kind === 'offset') return new Date(ctx.runStartedAt + d.days * 86_400_000).toISOString();
  if (d.kind === 'value') return new Date(Date.parse(d.value)).toISOString();
  const cell = values[d.column];
  if (isBlank(cell)) return undefined;
  const r = parseDateParts(cell!, d.format);
  if (!r.ok) throw new RowFailure(inColumn(r.problem, d.column));
  const p = r.value;
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour ?? 9, p.minute ?? 0, p.second ?? 0)).toISOString();
}

export function mapRow(row: SourceRow, pipeline: ImportPipeline, mapping: Mapping, ctx: MapContext): MapResult {
  const values = row.values;
  try {
    const fields: MappedFields = {};
    const blank = (name: string) => {
      if (pipeline.blanks === 'clear') fields[name] = null;
    };
    for (const [name, spec] of Object.entries(mapping) as Array<[StandardField, NonNullable<Mapping[StandardField]>]>) {
      const raw = read(spec.from as CellSource<string | boolean>, values);
      if (typeof raw === 'boolean') {
        fields[name] = raw;
        continue;
      }
      if (isBlank(raw)) {
        blank(name);
        continue;
      }
      const text = applyTransforms(raw!, spec.transforms, values, columnOf(spec.from as CellSource<unknown>));
      fields[name] = name === 'dnd' ? booleanCell(text, columnOf(spec.from as CellSource<unknown>)) : text;
    }
    for (const cf of pipeline.customFields) {
      const name = 'key' in cf.target ? `cf:key:${cf.target.key}` : `cf:name:${cf.target.name}`;
      const raw = read(cf.from, values);
      let value: unknown;
      if (Array.isArray(raw)) value = raw as readonly string[];
      else if (typeof raw === 'number' || typeof raw === 'boolean') value = cf.dataType ? raw : String(raw);
      else if (isBlank(raw as string | undefined)) {
        blank(name);
        continue;
      } else value = applyTransforms(raw as string, cf.transforms, values, columnOf(cf.from as CellSource<unknown>));
      if (cf.dataType) {
        // The type the location gave the field: numbers, option lists.
        const typed = customFieldValue(value, cf.dataType);
        if (!typed.ok) {
          const column = columnOf(cf.from as CellSource<unknown>);
          throw new RowFailure(column ? inColumn(typed.problem, column) : typed.problem);
        }
        value = typed.value;
      }
      fields[name] = value as string;
    }
    const tags = normaliseTags([...pipeline.tags.columns.flatMap((c) => (isBlank(values[c]) ? [] : splitTags(values[c]!, pipeline.tags.split))), ...pipeline.tags.add]);
    const notes: string[] = [];
    for (const n of pipeline.notes) {
      if (n.columns.every((c) => isBlank(values[c]))) continue;
      const body = n.template
        ? template(n.template, values)
        : n.columns.length === 1
          ? values[n.columns[0]!]!
          : n.columns.filter((c) => !isBlank(values[c])).map((c) => `${c}: ${values[c]}`).join('\n');
      if (!body.trim()) continue;
      // One line-ending convention, so that the same note from a CRLF and an LF export merges as one.
      const text = body.replace(/\r\n?/g, '\n').trim();
      notes.push(JSON.stringify(n.title ? { title: template(n.title, values), body: text } : { body: text }));
    }
    const tasks: MappedTask[] = [];
    for (const t of pipeline.tasks) {
      if (t.column && isBlank(values[t.column])) continue;
      const due = dueDate(t, values, ctx);
      if (!due) continue;
      tasks.push({ title: template(t.title, values), ...(t.body ? { body: template(t.body, values) } : {}), dueDate: due });
    }
    if (pipeline.followers) {
      const f = pipeline.followers;
      const ids = f.kind === 'value' ? [...f.userIds] : isBlank(values[f.column]) ? [] : values[f.column]!.split(f.split).map((s) => s.trim()).filter(Boolean);
      if (ids.length) fields.followers = ids;
    }
    if (pipeline.business) {
      const b = pipeline.business;
      const id = b.kind === 'value' ? b.businessId : values[b.column]?.trim();
      if (id) fields.business = id;
    }
    return { ok: true, contact: { record: row.record, line: row.line, fields, tags, notes, tasks } };
  } catch (e) {
    if (e instanceof RowFailure) return { ok: false, problem: e.problem };
    throw e;
  }
}
