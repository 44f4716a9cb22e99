import type { ImportPipeline, Mapping } from '../config/index.js';
import type { SourceRow } from '../core/row.js';
import { unescapeFormula } from '../core/csv-cells.js';
import { matchKeys } from '../dedup/match-keys.js';
import { refusalWith } from '../api/write-check.js';
import { contactFieldProblems } from '../platform/contact-write.js';
import { operationOf } from './cluster-decision.js';
import { mapRow, type MapContext } from '../transforms/map-row.js';

/**
 * One source row as the import's first pass needs it: mapped, checked that
 * the write mode can find it, its match keys, and the text it is spilled as
 * for the second pass. Pure, so it runs the same in the import's thread or
 * in the mapping worker.
 */

/** `head`: the first two parts of the row's spill entry (keys and mapped row), to which {@link spillEntry} adds the cells. */
export type ImportRowResult =
  | { readonly ok: true; readonly keys: readonly string[]; readonly head: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface ImportRowContext {
  readonly pipeline: ImportPipeline;
  readonly mapping: Mapping;
  readonly map: MapContext;
  /** The file is a hoop-etl export: cells it escaped against spreadsheet formulas (`'+1415…`) are read unescaped. */
  readonly unescapeFormulas?: boolean;
  /** The location's country, for phones without `+` (the platform's rule). @default 'US' */
  readonly country?: string;
}

export function prepareImportRow(row: SourceRow, ctx: ImportRowContext): ImportRowResult {
  const { pipeline } = ctx;
  const source = ctx.unescapeFormulas ? { ...row, values: Object.fromEntries(Object.entries(row.values).map(([k, v]) => [k, unescapeFormula(v)])) } : row;
  const mapped = mapRow(source, pipeline, ctx.mapping, ctx.map);
  if (!mapped.ok) {
    const p = mapped.problem;
    return { ok: false, code: p.code, message: p.column ? `${p.message} (column '${p.column}')` : p.message };
  }
  // The platform's rules on the row's email, phone and date of birth (refused here, with its message, at no request);
  // the phone goes on in the form the platform stores, so that matching and unchanged rows see what it would.
  const checked = contactFieldProblems(mapped.contact.fields, ctx.country, { phoneInE164: ctx.mapping.phone?.transforms.some((t) => t.name === 'e164') ?? false });
  if (checked.problems.length) {
    const refusal = refusalWith(operationOf(pipeline.mode), checked.problems);
    return { ok: false, code: refusal.code, message: refusal.message };
  }
  const contact = checked.phone !== undefined ? { ...mapped.contact, fields: { ...mapped.contact.fields, phone: checked.phone } } : mapped.contact;
  const f = contact.fields;
  if (pipeline.mode !== 'create' && !f.email && !f.phone) {
    return { ok: false, code: 'NO_EMAIL_OR_PHONE', message: `${pipeline.mode} needs an email or a phone to find the contact` };
  }
  const keys = pipeline.dedup.inFile
    ? matchKeys({ email: pipeline.dedup.keys.includes('email') ? (f.email as string | undefined) : undefined, phone: pipeline.dedup.keys.includes('phone') ? (f.phone as string | undefined) : undefined })
    : [];
  return { ok: true, keys, head: `${JSON.stringify(keys)}\t${JSON.stringify(contact)}` };
}

/**
 * A spilled row: its match keys, the mapped row and its original cells, as
 * JSON separated by tabs (JSON escapes every tab inside). The cells are
 * added by the thread that read them, which has them at hand: the mapping
 * worker is the busier of the two.
 */
export function spillEntry(head: string, raw: Readonly<Record<string, string>>): string {
  return `${head}\t${JSON.stringify(raw)}`;
}

/** One part of a spilled row: 0 the keys, 1 the mapped row, 2 the original cells (each JSON). */
export function spillPart(entry: string, part: 0 | 1 | 2): string {
  const a = entry.indexOf('\t');
  const b = entry.indexOf('\t', a + 1);
  return part === 0 ? entry.slice(0, a) : part === 1 ? entry.slice(a + 1, b) : entry.slice(b + 1);
}
