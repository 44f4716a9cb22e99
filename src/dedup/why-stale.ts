import { normaliseTags } from '../transforms/text.js';
import { sameFieldValue } from './merge-writes.js';
import { MERGE_FIELDS, type SurvivorContact } from './survivor.js';

/**
 * Whether a cluster member, read again by id when the plan is applied, is
 * still the contact the plan was made from. Pure.
 *
 * The plan's before-images come from search hits, so two things can make
 * one untrustworthy: the contact changed since (its `dateUpdated` moved, or
 * the search index had not caught up with a write yet), or the hit showed
 * it otherwise than GET does (a field left out of hits, a name only in
 * lower case) although nothing changed. Either way the plan's survivor,
 * merged values and changes were worked out from something else than the
 * contact now holds, so the cluster must not be merged by it. Everything the
 * plan's merge reads is compared: the merged fields, custom fields, tags and
 * the dates the survivor and field rules rank by. What the apply takes from
 * its own read (`dndSettings`, followers, business, notes, tasks) is not.
 *
 * Dates are compared as instants, so a hit that writes one another way
 * (without milliseconds, a date of birth without its midnight) still agrees.
 * The platform's docs say hits carry the names only in lower case: a name
 * the plan does not write may read as its lower-case copy in the plan. A
 * name it writes may not: the plan would write (and an undo restore) the
 * lower-case copy instead of the name as typed.
 */

const DATE_FIELDS: ReadonlySet<string> = new Set(['dateOfBirth', 'dateAdded', 'lastActivity']);
const NAME_FIELDS: ReadonlySet<string> = new Set(['firstName', 'lastName']);

/** Why `current` is not the contact `planned` showed; undefined when it is. `written`: the fields the plan's update of the cluster sets. */
export function whyStale(planned: SurvivorContact, current: SurvivorContact, written: ReadonlySet<string> = new Set()): string | undefined {
  if (!sameInstant(planned.dateUpdated, current.dateUpdated)) {
    return `contact ${planned.id} changed since the plan (dateUpdated ${planned.dateUpdated ?? 'none'} -> ${current.dateUpdated ?? 'none'})`;
  }
  const differs = differingField(planned, current, written);
  if (!differs) return undefined;
  return `contact ${planned.id} reads otherwise than the search showed it when planning (${differs.field}: ${show(differs.planned)} in the plan, ${show(differs.current)} now)`;
}

/** The first field the plan's merge reads on which the two disagree. */
export function differingField(planned: SurvivorContact, current: SurvivorContact, written: ReadonlySet<string> = new Set()): { field: string; planned: unknown; current: unknown } | undefined {
  for (const field of [...MERGE_FIELDS, 'dateAdded', 'lastActivity']) {
    const a = planned[field];
    const b = current[field];
    if (NAME_FIELDS.has(field) && !written.has(field) && typeof a === 'string' && typeof b === 'string' && a === b.toLowerCase()) continue;
    if (DATE_FIELDS.has(field) ? !sameInstant(a, b) : !sameFieldValue(field, a, b)) return { field, planned: a, current: b };
  }
  const custom = (c: SurvivorContact): Map<string, unknown> => new Map((c.customFields ?? []).map((cf) => [cf.id, cf.value]));
  const pc = custom(planned);
  const cc = custom(current);
  for (const id of [...new Set([...pc.keys(), ...cc.keys()])].sort()) {
    const field = `customFields.${id}`;
    if (!sameFieldValue(field, pc.get(id), cc.get(id))) return { field, planned: pc.get(id), current: cc.get(id) };
  }
  const tags = (c: SurvivorContact): string[] => normaliseTags(c.tags ?? []).sort();
  if (tags(planned).join('\n') !== tags(current).join('\n')) return { field: 'tags', planned: planned.tags ?? [], current: current.tags ?? [] };
  return undefined;
}

/** Blank on both sides, the same instant, or (when either does not parse as a date) the same text. */
export function sameInstant(a: unknown, b: unknown): boolean {
  const blank = (v: unknown): boolean => v === undefined || v === null || v === '';
  if (blank(a) || blank(b)) return blank(a) && blank(b);
  const ta = typeof a === 'string' ? Date.parse(a) : Number.NaN;
  const tb = typeof b === 'string' ? Date.parse(b) : Number.NaN;
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a === b;
  return ta === tb;
}

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return 'blank';
  return JSON.stringify(v);
}
