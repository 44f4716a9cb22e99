import { normaliseTags } from '../transforms/text.js';

/**
 * Which contact of a duplicate cluster survives, and what it holds after the
 * merge. Pure: the apply step turns the result into an update of the
 * survivor (`changes`), a tag delta (`tagsToAdd`, never the overwriting
 * `tags` field) and the losers' deletion.
 *
 * Survivor rules:
 *   - `oldest`: earliest `dateAdded` (the record other systems have linked to longest);
 *   - `newest`: latest `dateAdded`;
 *   - `mostComplete`: most non-blank fields and custom fields;
 *   - `mostRecentActivity`: latest `lastActivity`, else `dateUpdated`, else `dateAdded`.
 * Ties go to the earlier `dateAdded`, then the smaller id, so the choice never
 * depends on the order the contacts were read in. A missing date ranks last.
 *
 * Field rules, for each field (and each custom field):
 *   - `keepSurvivor`: the survivor's value, even blank;
 *   - `fillBlanks`: the survivor's value, or when blank the first non-blank
 *     value among the others, in the survivor rule's order;
 *   - `mostRecent`: the non-blank value of the most recently updated contact
 *     (`dateUpdated`, else `dateAdded`; the survivor wins ties).
 * The address (`address1`, `city`, `state`, `postalCode`, `country`) moves as
 * one: it is taken whole from one contact, so a street is never paired with
 * another contact's city. Tags are always the union.
 */

export type SurvivorRule = 'oldest' | 'newest' | 'mostComplete' | 'mostRecentActivity';
export type FieldRule = 'keepSurvivor' | 'fillBlanks' | 'mostRecent';

export const SURVIVOR_RULES: readonly SurvivorRule[] = ['oldest', 'newest', 'mostComplete', 'mostRecentActivity'];
export const FIELD_RULES: readonly FieldRule[] = ['keepSurvivor', 'fillBlanks', 'mostRecent'];

/** The standard contact fields merged, in the order they are reported. */
export const MERGE_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'website',
  'timezone',
  'dateOfBirth',
  'source',
  'assignedTo',
] as const;

const ADDRESS_FIELDS: readonly string[] = ['address1', 'city', 'state', 'postalCode', 'country'];

/** A contact as the API returns it (GET /contacts/:id); fields not named here are read by name. */
export interface SurvivorContact {
  readonly id: string;
  readonly dateAdded?: string | null;
  readonly dateUpdated?: string | null;
  readonly lastActivity?: string | null;
  readonly tags?: readonly string[] | null;
  readonly customFields?: ReadonlyArray<{ readonly id: string; readonly value: unknown }> | null;
  readonly [field: string]: unknown;
}

export interface MergeOptions {
  /** @default 'oldest' */
  survivor?: SurvivorRule;
  /** The rule of every field without its own in `fieldRules`. @default 'fillBlanks' */
  fieldRule?: FieldRule;
  /**
   * Rules per field: a standard field by name (`email`), a custom field as
   * `customFields.<id>`, the address as `address` (or any of its fields).
   */
  fieldRules?: Readonly<Record<string, FieldRule>>;
}

export interface MergedValue {
  readonly value: unknown;
  /** Id of the contact the value came from. */
  readonly from: string;
}

export interface FieldChange {
  /** A standard field name, or `customFields.<id>`. */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly from: string;
}

export interface ClusterMerge {
  readonly survivorId: string;
  /** Every other contact of the cluster, in input order. */
  readonly losers: readonly string[];
  /** Each standard field's merged value and where it came from; blank fields are left out. */
  readonly fields: Readonly<Record<string, MergedValue>>;
  /** Each custom field's merged value, by custom field id; blank ones left out. */
  readonly customFields: Readonly<Record<string, MergedValue>>;
  /** What differs from the survivor as it is now: the update to send. */
  readonly changes: readonly FieldChange[];
  /** The union of every member's tags, normalised as the platform stores them, in order of first appearance (survivor first). */
  readonly tags: readonly string[];
  /** The tags the survivor lacks: the delta to add. */
  readonly tagsToAdd: readonly string[];
}

/** Blank: undefined, null, a string of whitespace, an empty array. */
export function isBlank(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

function time(value: unknown): number {
  if (typeof value !== 'string' || value === '') return Number.NaN;
  return Date.parse(value);
}

function completeness(c: SurvivorContact): number {
  let n = 0;
  for (const f of MERGE_FIELDS) if (!isBlank(c[f])) n++;
  for (const cf of c.customFields ?? []) if (!isBlank(cf.value)) n++;
  return n;
}

/** Higher is better; NaN (no date) ranks last. */
function rankKey(c: SurvivorContact, rule: SurvivorRule): number {
  switch (rule) {
    case 'oldest':
      return -time(c.dateAdded);
    case 'newest':
      return time(c.dateAdded);
    case 'mostComplete':
      return completeness(c);
    case 'mostRecentActivity': {
      const t = time(c.lastActivity);
      if (!Number.isNaN(t)) return t;
      const u = time(c.dateUpdated);
      return Number.isNaN(u) ? time(c.dateAdded) : u;
    }
    default:
      throw new TypeError(`Expected \`survivor\` to be one of ${SURVIVOR_RULES.map((r) => `\`${r}\``).join(', ')}, got \`${String(rule)}\` (${typeof rule})`);
  }
}

/** The cluster best first by the rule: the survivor, then the order blanks are filled from. */
export function rankContacts<C extends SurvivorContact>(contacts: readonly C[], rule: SurvivorRule): C[] {
  const keyed = contacts.map((c) => ({ c, key: rankKey(c, rule), added: time(c.dateAdded) }));
  const better = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : b - a);
  keyed.sort((x, y) => better(x.key, y.key) || better(-x.added, -y.added) || (x.c.id < y.c.id ? -1 : x.c.id > y.c.id ? 1 : 0));
  return keyed.map((k) => k.c);
}

export function chooseSurvivor<C extends SurvivorContact>(contacts: readonly C[], rule: SurvivorRule = 'oldest'): C {
  if (contacts.length === 0) throw new TypeError('Expected `contacts` to be a non-empty array, got an empty one');
  return rankContacts(contacts, rule)[0] as C;
}

/** The survivor, the merged values and the tag delta of one cluster. */
export function planClusterMerge(contacts: readonly SurvivorContact[], options: MergeOptions = {}): ClusterMerge {
  if (contacts.length === 0) throw new TypeError('Expected `contacts` to be a non-empty array, got an empty one');
  const rule = options.survivor ?? 'oldest';
  const defaultRule = options.fieldRule ?? 'fillBlanks';
  for (const [name, r] of [['fieldRule', defaultRule], ...Object.entries(options.fieldRules ?? {}).map(([f, r]) => [`fieldRules.${f}`, r])] as const) {
    if (!FIELD_RULES.includes(r as FieldRule)) {
      throw new TypeError(`Expected \`${name}\` to be one of ${FIELD_RULES.map((x) => `\`${x}\``).join(', ')}, got \`${String(r)}\` (${typeof r})`);
    }
  }
  const ranked = rankContacts(contacts, rule);
  const survivor = ranked[0] as SurvivorContact;
  // Latest update first; the sort is stable, so ties keep the survivor rule's order (the survivor first).
  const byRecency = [...ranked].sort((a, b) => {
    const ta = updatedAt(a);
    const tb = updatedAt(b);
    if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) ? (Number.isNaN(tb) ? 0 : 1) : -1;
    return tb - ta;
  });
  const ruleOf = (field: string): FieldRule => options.fieldRules?.[field] ?? defaultRule;
  const addressRule = options.fieldRules?.address ?? ADDRESS_FIELDS.map((f) => options.fieldRules?.[f]).find(Boolean) ?? defaultRule;

  // Picks the contact a field (or the address as a whole) comes from.
  const pick = (fieldRule: FieldRule, has: (c: SurvivorContact) => boolean): SurvivorContact | undefined => {
    switch (fieldRule) {
      case 'keepSurvivor':
        return survivor;
      case 'fillBlanks':
        return ranked.find(has);
      case 'mostRecent':
        return byRecency.find(has);
    }
  };

  const fields: Record<string, MergedValue> = {};
  const changes: FieldChange[] = [];
  const addressSource = pick(addressRule, (c) => ADDRESS_FIELDS.some((f) => !isBlank(c[f])));
  for (const field of MERGE_FIELDS) {
    const source = ADDRESS_FIELDS.includes(field) ? addressSource : pick(ruleOf(field), (c) => !isBlank(c[field]));
    if (!source) continue;
    const value = source[field];
    if (!isBlank(value)) fields[field] = { value, from: source.id };
    // A blank merged value changes nothing: the survivor's field is blank already or was kept as it is.
    if (!isBlank(value) && !sameValue(value, survivor[field])) changes.push({ field, before: survivor[field] ?? null, after: value, from: source.id });
  }

  const customFields: Record<string, MergedValue> = {};
  const customIds: string[] = [];
  for (const c of ranked) for (const cf of c.customFields ?? []) if (!customIds.includes(cf.id)) customIds.push(cf.id);
  const customValue = (c: SurvivorContact, id: string): unknown => c.customFields?.find((cf) => cf.id === id)?.value;
  for (const id of customIds) {
    const source = pick(options.fieldRules?.[`customFields.${id}`] ?? defaultRule, (c) => !isBlank(customValue(c, id)));
    if (!source) continue;
    const value = customValue(source, id);
    if (isBlank(value)) continue;
    customFields[id] = { value, from: source.id };
    if (!sameValue(value, customValue(survivor, id))) {
      changes.push({ field: `customFields.${id}`, before: customValue(survivor, id) ?? null, after: value, from: source.id });
    }
  }

  const tags = normaliseTags([survivor, ...contacts.filter((c) => c !== survivor)].flatMap((c) => c.tags ?? []));
  const own = new Set(normaliseTags(survivor.tags ?? []));
  return {
    survivorId: survivor.id,
    losers: contacts.filter((c) => c !== survivor).map((c) => c.id),
    fields,
    customFields,
    changes,
    tags,
    tagsToAdd: tags.filter((t) => !own.has(t)),
  };
}

function updatedAt(c: SurvivorContact): number {
  const u = time(c.dateUpdated);
  return Number.isNaN(u) ? time(c.dateAdded) : u;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
