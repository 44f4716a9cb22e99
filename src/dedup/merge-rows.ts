import { isBlankValue } from '../transforms/blanks.js';
import { normaliseTags } from '../transforms/text.js';

/**
 * One contact out of a cluster of rows that are the same person.
 *
 * - `first`: every field from the first row (by record number), blanks too.
 * - `last`: every field from the last row, blanks too.
 * - `fillBlanks`: each field from the first row where it is not blank.
 * - Tags: always the union, normalised as the platform stores them, in order
 *   of first appearance.
 * - Notes: all kept, in row order; a note repeated word for word (after
 *   trimming and CRLF -> LF) is kept once, because the same export row twice
 *   would otherwise put the same note on the contact twice. Blank notes are
 *   dropped.
 *
 * The row whose values win carries the contact (`record`): the first row for
 * `first` and `fillBlanks`, the last for `last`. Every other row is reported
 * as merged into it.
 */

export type MergePolicy = 'first' | 'last' | 'fillBlanks';

export const MERGE_POLICIES: readonly MergePolicy[] = ['first', 'last', 'fillBlanks'];

/**
 * A row after mapping and transforms. `fields` is flat (a custom field is its
 * own entry), so each merges on its own.
 */
export interface MappedRow<F extends Record<string, unknown> = Record<string, unknown>> {
  /** The source record number (SourceRow.record). */
  readonly record: number;
  readonly fields: Readonly<F>;
  readonly tags: readonly string[];
  readonly notes: readonly string[];
}

export interface MergedRow<F extends Record<string, unknown> = Record<string, unknown>> extends MappedRow<Partial<F>> {
  /** Records of every row in the cluster, carrier included, in row order. */
  readonly records: readonly number[];
}

export interface MergeResult<F extends Record<string, unknown> = Record<string, unknown>> {
  readonly row: MergedRow<F>;
  /** Each row other than the carrier: "row 7 merged into row 3". */
  readonly merged: ReadonlyArray<{ readonly record: number; readonly mergedInto: number }>;
  /**
   * Fields where rows held different non-blank values: whose value was kept,
   * and whose were dropped. Field names and record numbers only, no values.
   */
  readonly conflicts: ReadonlyArray<{ readonly field: string; readonly keptFrom: number; readonly droppedFrom: readonly number[] }>;
}

export function mergeRows<F extends Record<string, unknown>>(rows: readonly MappedRow<F>[], policy: MergePolicy): MergeResult<F> {
  if (!MERGE_POLICIES.includes(policy)) {
    throw new TypeError(`Expected \`policy\` to be one of ${MERGE_POLICIES.map((p) => `\`${p}\``).join(', ')}, got \`${String(policy)}\` (${typeof policy})`);
  }
  if (rows.length === 0) throw new TypeError('Expected `rows` to be a non-empty array, got an empty one');
  if (rows.length === 1) return mergeOne(rows[0]!);

  const ordered = [...rows].sort((a, b) => a.record - b.record);
  const first = ordered[0] as MappedRow<F>;
  const carrier = policy === 'last' ? (ordered[ordered.length - 1] as MappedRow<F>) : first;

  const fieldNames: string[] = [];
  const seen = new Set<string>();
  for (const r of ordered) {
    for (const k of Object.keys(r.fields)) {
      if (!seen.has(k)) {
        seen.add(k);
        fieldNames.push(k);
      }
    }
  }

  const fields: Record<string, unknown> = {};
  const source = new Map<string, number>();
  if (policy === 'fillBlanks') {
    for (const k of fieldNames) {
      const from = ordered.find((r) => !isBlankValue(r.fields[k])) ?? ordered.find((r) => k in r.fields);
      if (from) {
        fields[k] = from.fields[k];
        source.set(k, from.record);
      }
    }
  } else {
    for (const [k, v] of Object.entries(carrier.fields)) {
      fields[k] = v;
      source.set(k, carrier.record);
    }
  }

  const conflicts: Array<{ field: string; keptFrom: number; droppedFrom: number[] }> = [];
  for (const k of fieldNames) {
    const kept = fields[k];
    const keptFrom = source.get(k);
    const dropped = ordered
      .filter((r) => r.record !== keptFrom && !isBlankValue(r.fields[k]) && (isBlankValue(kept) || !sameValue(r.fields[k], kept)))
      .map((r) => r.record);
    if (dropped.length > 0) conflicts.push({ field: k, keptFrom: keptFrom ?? carrier.record, droppedFrom: dropped });
  }

  const notes = uniqueNotes(ordered);

  return {
    row: {
      record: carrier.record,
      fields: fields as Partial<F>,
      tags: normaliseTags(ordered.flatMap((r) => r.tags)),
      notes,
      records: ordered.map((r) => r.record),
    },
    merged: ordered.filter((r) => r !== carrier).map((r) => ({ record: r.record, mergedInto: carrier.record })),
    conflicts,
  };
}

/**
 * A cluster of one row (most of them): what the general case gives for it,
 * without its sorting and conflict search: every field as it is (each policy
 * keeps the only row's fields, blanks too), no conflict, the row's notes and
 * tags normalised alike.
 */
function mergeOne<F extends Record<string, unknown>>(row: MappedRow<F>): MergeResult<F> {
  return {
    row: { record: row.record, fields: { ...row.fields } as Partial<F>, tags: normaliseTags(row.tags), notes: uniqueNotes([row]), records: [row.record] },
    merged: [],
    conflicts: [],
  };
}

/** Notes of the rows in order, trimmed and CRLF -> LF, blank ones dropped, each once. */
function uniqueNotes(rows: readonly MappedRow[]): string[] {
  const notes: string[] = [];
  const noteSeen = new Set<string>();
  for (const r of rows) {
    for (const n of r.notes) {
      const body = n.replace(/\r\n?/g, '\n').trim();
      if (body && !noteSeen.has(body)) {
        noteSeen.add(body);
        notes.push(body);
      }
    }
  }
  return notes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
