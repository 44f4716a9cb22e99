import type { ImportPipeline, Mapping } from '../config/index.js';
import { headerLanguage, isStandardField, recogniseHeader, type HeaderLanguage } from '../transforms/header-names.js';
import { slugOf } from '../platform/field-key.js';

/**
 * Which columns of the CSV an import reads, and for each one it does not, the
 * pipeline line that would import it. Pure: the header, the pipeline and the
 * mapping in use (the file's, or the one built from the header) in, a list out.
 * A run prints the list before its first write and keeps it in summary.json,
 * so that no column is dropped in silence.
 */

export interface UnusedColumn {
  readonly column: string;
  /** The pipeline section the line goes under (`mapping`, `customFields`, `tags`, `notes`, ...; `ignoreColumns` for bookkeeping columns such as ids). */
  readonly section: 'mapping' | 'customFields' | 'tags' | 'notes' | 'followers' | 'business' | 'ignoreColumns';
  /** The line to add under it, as YAML. */
  readonly line: string;
}

/** Every column a setting reads: the pipeline's column references, the mapping in use (with its country columns), and columns matched to custom fields by header. */
export function columnsRead(pipeline: ImportPipeline, mapping: Mapping, byHeader: Iterable<string> = []): Set<string> {
  const used = new Set<string>(pipeline.columnRefs.map((r) => r.column));
  for (const m of Object.values(mapping)) {
    if (!m) continue;
    if (m.from.kind === 'column') used.add(m.from.column);
    if (m.from.kind === 'columns') for (const c of m.from.columns) used.add(c);
    for (const t of m.transforms) if (t.name === 'e164' && t.countryColumn) used.add(t.countryColumn);
  }
  for (const c of byHeader) used.add(c);
  return used;
}

/** The header's columns no setting reads and `ignoreColumns` does not list, in header order, each with the line that would import it. */
export function findUnusedColumns(headers: readonly string[], used: ReadonlySet<string>, pipeline: ImportPipeline, mapping: Mapping): UnusedColumn[] {
  const ignored = new Set(pipeline.ignoreColumns);
  const taken = new Set<string>(Object.keys(mapping));
  const language = headerLanguage(headers);
  const out: UnusedColumn[] = [];
  for (const column of headers) {
    if (used.has(column) || ignored.has(column) || column.trim() === '') continue;
    const s = suggestLine(column, taken, language);
    if (s.section === 'mapping') taken.add(s.field);
    out.push({ column, section: s.section, line: s.line });
  }
  return out;
}

/** A YAML scalar: bare when it reads back as the same string, else double-quoted. */
export function yamlScalar(text: string): string {
  const plain = /^[A-Za-z0-9_][A-Za-z0-9 _./()-]*$/.test(text) && !/\s$/.test(text) && !/^(true|false|yes|no|null|on|off|~|[-+]?\d[\d._]*)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}


function suggestLine(column: string, taken: ReadonlySet<string>, language: HeaderLanguage | undefined): { section: UnusedColumn['section']; line: string; field: string } {
  const v = yamlScalar(column);
  const field = recogniseHeader(column, language)?.field;
  if (field === 'tags') return { section: 'tags', line: `columns: [${v}]`, field: '' };
  if (field === 'notes') return { section: 'notes', line: `- { column: ${v} }`, field: '' };
  if (field === 'followers') return { section: 'followers', line: `column: ${v}`, field: '' };
  if (field === 'businessId') return { section: 'business', line: `column: ${v}`, field: '' };
  // The platform's or the source CRM's bookkeeping (ids, dates added): nothing to import, so the line that says so.
  if (field === 'system') return { section: 'ignoreColumns', line: `[${v}]`, field: '' };
  if (field && isStandardField(field) && !taken.has(field)) return { section: 'mapping', line: `${field}: ${v}`, field };
  return { section: 'customFields', line: `- { key: contact.${slugOf(column)}, column: ${v} }`, field: '' };
}

/** The list as a user reads it, one column a line, before the run writes anything. */
export function describeUnusedColumns(unused: readonly UnusedColumn[], csvName: string, strict: boolean, withoutPipeline = false): string {
  const width = Math.min(30, Math.max(...unused.map((u) => u.column.length)));
  const n = unused.length === 1 ? '1 column' : `${unused.length} columns`;
  const head = strict
    ? `${n} of ${csvName} would not be imported (no setting reads ${unused.length === 1 ? 'it' : 'them'}) and strictColumns is on; map ${unused.length === 1 ? 'it' : 'each'} with the line shown, or list ${unused.length === 1 ? 'it' : 'them'} under ignoreColumns:`
    : `${n} of ${csvName} will not be imported (no setting reads ${unused.length === 1 ? 'it' : 'them'}); to import one, add the line shown to the pipeline; to silence this, list it under ignoreColumns:`;
  const lines = unused.map((u) => `  ${u.column.padEnd(width)}  under ${`${u.section}:`.padEnd(14)} ${u.line}`);
  // Without a pipeline there is no file to add a line to: init writes one with these lines in it.
  const init = withoutPipeline ? [`(no pipeline: hoop-etl init ${csvName} --out pipeline.yaml writes one, then import with --pipeline pipeline.yaml)`] : [];
  return [head, ...lines, ...init].join('\n');
}
