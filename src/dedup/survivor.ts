import { normaliseTags } from '../transforms/text.js';
import { chooseValue, FIELD_RULES, groupKey, swappedNameMembers, type FieldRule, type Member } from './field-choice.js';
import { jaroWinkler } from './similarity.js';
import { valueKey, type LocationEvidence } from './location-evidence.js';

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
 * Field rules, for each field (and each custom field), in `field-choice.ts`:
 * `best` (the default: the best-supported value, with evidence from the
 * whole location), `keepSurvivor`, `fillBlanks`, `mostRecent`, `mostCommon`,
 * `longest`, `valid`. Only values change: the survivor keeps its id.
 * The address (`address1`, `city`, `state`, `postalCode`, `country`) is one
 * address: under `keepSurvivor`, `fillBlanks` and `mostRecent` it is taken
 * whole from one contact; under the other rules the best-supported member's
 * address is the anchor, and each of its fields is chosen among the members
 * at that same address only (a typo in a city is mended, a street is never
 * paired with the city of an address the person left). Tags are always the
 * union.
 */

export type SurvivorRule = 'oldest' | 'newest' | 'mostComplete' | 'mostRecentActivity';
export { FIELD_RULES, type FieldRule };

export const SURVIVOR_RULES: readonly SurvivorRule[] = ['oldest', 'newest', 'mostComplete', 'mostRecentActivity'];

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
/** The reasons of `best` that rest on evidence (a typo found), not on order. */
const DECISIVE = /mostCommon|common in location|more complete|words are common|reads like|valid|swapped/;

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
  /** The rule of every field without its own in `fieldRules`. @default 'best' */
  fieldRule?: FieldRule;
  /** What the whole location holds, for `best`: a common value beats a rare near-variant of it. */
  evidence?: LocationEvidence;
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
  /** Why this value (`mostCommon 4/5`, `valid date`, `common in location (12 other contacts)`, `survivor`, ...). */
  readonly why?: string;
}

export interface FieldChange {
  /** A standard field name, or `customFields.<id>`. */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly from: string;
  readonly why?: string;
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
  const defaultRule = options.fieldRule ?? 'best';
  for (const [name, r] of [['fieldRule', defaultRule], ...Object.entries(options.fieldRules ?? {}).map(([f, r]) => [`fieldRules.${f}`, r])] as const) {
    if (!FIELD_RULES.includes(r as FieldRule)) {
      throw new TypeError(`Expected \`${name}\` to be one of ${FIELD_RULES.map((x) => `\`${x}\``).join(', ')}, got \`${String(r)}\` (${typeof r})`);
    }
  }
  const evidence = options.evidence;
  const ranked = rankContacts(contacts, rule);
  const survivor = ranked[0] as SurvivorContact;
  const ruleOf = (field: string): FieldRule => options.fieldRules?.[field] ?? defaultRule;
  const addressRule = options.fieldRules?.address ?? ADDRESS_FIELDS.map((f) => options.fieldRules?.[f]).find(Boolean) ?? defaultRule;
  const swapped = swappedNameMembers(ranked, evidence);
  const reliability = new Map<string, number>();
  const membersOf = (list: readonly SurvivorContact[], value: (c: SurvivorContact) => unknown, names = false): Member[] =>
    list.map((c) => ({ id: c.id, value: value(c), updated: updatedAt(c), reliability: reliability.get(c.id) ?? 0, ...(names && swapped.has(c.id) && { swapped: true }) }));
  const choose = (field: string, fieldRule: FieldRule, list: readonly SurvivorContact[], value: (c: SurvivorContact) => unknown) =>
    chooseValue(field, membersOf(list, value, field === 'firstName' || field === 'lastName'), fieldRule, evidence);
  const atAddress = sameAddressMembers(ranked);
  // Under `best`, a first pass over the fields finds which records carry typos where the evidence decides; their
  // values then lose the ties it cannot decide (a house number against another).
  if (defaultRule === 'best' || Object.values(options.fieldRules ?? {}).includes('best')) {
    const tally: Array<[string, FieldRule, readonly SurvivorContact[], (c: SurvivorContact) => unknown]> = [
      ...MERGE_FIELDS.filter((f) => !ADDRESS_FIELDS.includes(f)).map((f) => [f, ruleOf(f), ranked, (c: SurvivorContact) => c[f]] as [string, FieldRule, readonly SurvivorContact[], (c: SurvivorContact) => unknown]),
      ...ADDRESS_FIELDS.map((f) => [f, addressRule, atAddress, (c: SurvivorContact) => c[f]] as [string, FieldRule, readonly SurvivorContact[], (c: SurvivorContact) => unknown]),
    ];
    const score = new Map<string, number>();
    for (const [field, fieldRule, list, value] of tally) {
      if (fieldRule !== 'best') continue;
      const c = choose(field, fieldRule, list, value);
      if (!DECISIVE.test(c.why)) continue;
      for (const m of list) {
        const v = value(m);
        if (isBlank(v)) continue;
        score.set(m.id, (score.get(m.id) ?? 0) + (groupKey(field, v) === groupKey(field, c.value) ? 1 : -1));
      }
    }
    for (const [id, n] of score) reliability.set(id, n);
  }

  const fields: Record<string, MergedValue> = {};
  const changes: FieldChange[] = [];
  const record = (field: string, value: unknown, from: string | undefined, why: string, before: unknown): void => {
    if (from === undefined || isBlank(value)) return;
    fields[field] = { value, from, why };
    // A blank merged value changes nothing: the survivor's field is blank already or was kept as it is.
    if (!sameValue(value, before)) changes.push({ field, before: before ?? null, after: value, from, why });
  };

  // The address: one member's whole (the rules that pick a member), or chosen field by field among the members at the best-supported address.
  const addressChoice = new Map<string, { value: unknown; from?: string; why: string }>();
  if (addressRule === 'keepSurvivor' || addressRule === 'fillBlanks' || addressRule === 'mostRecent') {
    const hasAddress = (c: SurvivorContact): boolean => ADDRESS_FIELDS.some((f) => !isBlank(c[f]));
    const anchor = addressRule === 'keepSurvivor' ? survivor : addressRule === 'fillBlanks' ? ranked.find(hasAddress) : latestContact(ranked.filter(hasAddress));
    if (anchor) {
      const why = anchor === survivor ? (addressRule === 'keepSurvivor' ? 'keepSurvivor' : 'survivor') : `${addressRule}, the address as one`;
      for (const f of ADDRESS_FIELDS) addressChoice.set(f, { value: anchor[f], from: anchor.id, why });
    }
  } else {
    for (const f of ADDRESS_FIELDS) addressChoice.set(f, choose(f, addressRule, atAddress, (m) => m[f]));
  }
  for (const field of MERGE_FIELDS) {
    const c = ADDRESS_FIELDS.includes(field) ? addressChoice.get(field) : choose(field, ruleOf(field), ranked, (m) => m[field]);
    if (c) record(field, c.value, c.from, c.why, survivor[field]);
  }

  const customFields: Record<string, MergedValue> = {};
  const customIds: string[] = [];
  for (const c of ranked) for (const cf of c.customFields ?? []) if (!customIds.includes(cf.id)) customIds.push(cf.id);
  const customValue = (c: SurvivorContact, id: string): unknown => c.customFields?.find((cf) => cf.id === id)?.value;
  for (const id of customIds) {
    const c = choose(`customFields.${id}`, options.fieldRules?.[`customFields.${id}`] ?? defaultRule, ranked, (m) => customValue(m, id));
    if (c.from === undefined || isBlank(c.value)) continue;
    customFields[id] = { value: c.value, from: c.from, why: c.why };
    if (!sameValue(c.value, customValue(survivor, id))) {
      changes.push({ field: `customFields.${id}`, before: customValue(survivor, id) ?? null, after: c.value, from: c.from, why: c.why });
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

function latestContact(list: readonly SurvivorContact[]): SurvivorContact | undefined {
  let latest: SurvivorContact | undefined;
  for (const c of list) {
    const t = updatedAt(c);
    if (!latest || (!Number.isNaN(t) && (Number.isNaN(updatedAt(latest)) || t > updatedAt(latest)))) latest = c;
  }
  return latest;
}

/**
 * The members at the cluster's best-supported address: the anchor is the
 * member whose address fields most members share (then the survivor rule's
 * order); with it, every member whose city reads as the anchor's (a typo
 * of it) or is blank, and whose street, postal code or city, present on both,
 * agrees. A member in another city, or with nothing to compare, stays out.
 */
function sameAddressMembers(ranked: readonly SurvivorContact[]): SurvivorContact[] {
  const withAddress = ranked.filter((c) => ADDRESS_FIELDS.some((f) => !isBlank(c[f])));
  if (withAddress.length <= 1) return withAddress.length ? withAddress : [...ranked];
  const support = (c: SurvivorContact): number =>
    ADDRESS_FIELDS.reduce((sum, f) => (isBlank(c[f]) ? sum : sum + withAddress.filter((o) => !isBlank(o[f]) && groupKey(f, o[f]) === groupKey(f, c[f])).length), 0);
  let anchor = withAddress[0] as SurvivorContact;
  let best = support(anchor);
  for (const c of withAddress.slice(1)) {
    const s = support(c);
    if (s > best) {
      anchor = c;
      best = s;
    }
  }
  const near = (a: unknown, b: unknown, min: number): boolean => {
    const ka = valueKey(a).replace(/ /g, '');
    const kb = valueKey(b).replace(/ /g, '');
    return ka === '' || kb === '' || ka === kb || jaroWinkler(ka, kb) >= min;
  };
  const both = (c: SurvivorContact, f: string): boolean => !isBlank(c[f]) && !isBlank(anchor[f]);
  return withAddress.filter((c) => {
    if (c === anchor) return true;
    // Another city is another address, whatever else agrees; otherwise one field present on both sides must agree.
    if (both(c, 'city') && !near(c.city, anchor.city, 0.8)) return false;
    return (both(c, 'address1') && near(c.address1, anchor.address1, 0.85)) || (both(c, 'postalCode') && near(c.postalCode, anchor.postalCode, 0.8)) || both(c, 'city');
  });
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
