import type { ContactsApi } from '../api/endpoints.js';
import { HoopApiError } from '../api/errors.js';
import { searchPages } from '../exporter/pager.js';
import { contactOfHit, matchContactOf } from './contact-of-hit.js';
import { fillerLists, type FillerField } from './filler.js';
import { findDuplicates } from './find-duplicates.js';
import { LocationEvidence } from './location-evidence.js';
import { buildMergePlan, type MergePlan, type PlanSettings } from './merge-plan.js';
import type { MatchContact } from './prepare-contact.js';
import type { SurvivorContact } from './survivor.js';

/**
 * `hoop-etl dedup --plan`: reads the location's custom field names (one GET)
 * and the location itself through the search pager (500 a page), and plans
 * from what the search returned: ceil(N/500) requests and one more, however
 * many contacts are duplicates. Each member's before-image is its search hit
 * in the GET shape (`contactOfHit`); what hits may lack (`dndSettings`,
 * GH#43) and what only GET is sure of, the apply reads again anyway before
 * it merges a cluster. Writes nothing to the platform.
 *
 * The plan depends on the location's content only: contacts are matched in
 * id order whatever order the pages came in, and a contact seen twice (moved
 * by a write during the walk) counts once, as its latest version.
 */

export interface FillerSettings {
  readonly replace?: Partial<Record<FillerField, readonly string[]>>;
  readonly extend?: Partial<Record<FillerField, readonly string[]>>;
}

export interface PlanDedupOptions {
  readonly api: ContactsApi;
  readonly settings: PlanSettings;
  readonly fillers?: FillerSettings;
  readonly now?: () => Date;
  readonly onProgress?: (done: number, total?: number) => void;
  readonly say?: (line: string) => void;
}

export async function planDedup(options: PlanDedupOptions): Promise<MergePlan> {
  const { api } = options;
  const say = options.say ?? (() => undefined);
  const customFieldNames = await customFieldNamesOf(api, say);
  const scan = new ScannedContacts();
  let read = 0;
  for await (const page of searchPages(api, { pageLimit: 500, sort: [{ field: 'dateAdded', direction: 'asc' }] })) {
    for (const hit of page.contacts) scan.add(contactOfHit(hit));
    read += page.contacts.length;
    options.onProgress?.(read, page.total);
  }
  say(`Read ${scan.size} contacts of ${api.locationId}.`);
  return planOfScan(scan, { location: api.locationId, createdAt: (options.now?.() ?? new Date()).toISOString(), settings: options.settings, fillers: options.fillers, customFieldNames });
}

export interface PlanOfContactsInput {
  readonly location: string;
  readonly createdAt: string;
  readonly settings: PlanSettings;
  readonly fillers?: FillerSettings;
  readonly customFieldNames?: ReadonlyMap<string, string>;
}

/** The plan of a location's contacts (GET shape, in any order, an id seen twice counting as its latest version). Pure. */
export function planOfContacts(contacts: Iterable<SurvivorContact>, input: PlanOfContactsInput): MergePlan {
  const scan = new ScannedContacts();
  for (const c of contacts) scan.add(c);
  return planOfScan(scan, input);
}

function planOfScan(scan: ScannedContacts, input: PlanOfContactsInput): MergePlan {
  const { fillers } = input;
  const matchContacts = scan.matchContacts();
  const found = findDuplicates(matchContacts, {
    threshold: input.settings.threshold,
    emailProviderRules: input.settings.emailProviderRules,
    ...(fillers && (fillers.replace || fillers.extend) ? { fillers: fillerLists(fillers) } : {}),
  });
  const contacts = new Map<string, SurvivorContact>();
  for (const cluster of found.clusters) {
    for (const id of cluster.ids) {
      const image = scan.image(id);
      if (image) contacts.set(id, image);
    }
  }
  return buildMergePlan({
    location: input.location,
    createdAt: input.createdAt,
    settings: input.settings,
    clusters: found.clusters,
    stats: found.stats,
    contacts,
    evidence: new LocationEvidence(matchContacts),
    ...(input.customFieldNames && { customFieldNames: input.customFieldNames }),
  });
}

/**
 * The contacts a plan read. Matching needs a few fields of every contact;
 * the whole before-image is needed only for the few in clusters, so each is
 * kept as its JSON text (a fraction of the object's size) and parsed again
 * only for them.
 */
class ScannedContacts {
  private readonly match = new Map<string, MatchContact>();
  private readonly images = new Map<string, { readonly updated: number; readonly json: string }>();

  get size(): number {
    return this.match.size;
  }

  add(contact: SurvivorContact): void {
    const json = JSON.stringify(contact);
    const updated = Date.parse(String(contact.dateUpdated ?? ''));
    const seen = this.images.get(contact.id);
    if (seen && !isLater(updated, json, seen.updated, seen.json)) return;
    this.images.set(contact.id, { updated, json });
    this.match.set(contact.id, matchContactOf(contact));
  }

  /** Every contact's matching fields, in id order. */
  matchContacts(): MatchContact[] {
    return [...this.match.keys()].sort(byCodeUnits).map((id) => this.match.get(id) as MatchContact);
  }

  image(id: string): SurvivorContact | undefined {
    const seen = this.images.get(id);
    return seen ? (JSON.parse(seen.json) as SurvivorContact) : undefined;
  }
}

/** Whether a second read of a contact replaces the first: a later `dateUpdated` wins; equal ones (or none) are decided by the text, so the order of reading never matters. */
function isLater(updated: number, json: string, seenUpdated: number, seenJson: string): boolean {
  const a = Number.isNaN(updated) ? -Infinity : updated;
  const b = Number.isNaN(seenUpdated) ? -Infinity : seenUpdated;
  return a !== b ? a > b : json > seenJson;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Custom field id -> display name; undefined (and a line saying so) when the token may not read the definitions. */
async function customFieldNamesOf(api: ContactsApi, say: (line: string) => void): Promise<Map<string, string> | undefined> {
  try {
    const defs = await api.customFieldMap({ refresh: true });
    return new Map([...defs.values()].map((d) => [d.id, d.name]));
  } catch (e) {
    if (e instanceof HoopApiError && (e.status === 401 || e.status === 403)) {
      say(`Custom fields of ${api.locationId} are shown by id: the token cannot read their definitions (${e.message})`);
      return undefined;
    }
    throw e;
  }
}

/** Runs `work` on every item, at most `limit` at once; the first failure rejects once the running ones settle. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failed && !signal?.aborted && next < items.length) {
      const i = next++;
      try {
        await work(items[i] as T, i);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.error;
  // Aborted (Ctrl-C): the items started have finished; the rest were not begun.
  if (signal?.aborted && next < items.length) throw signal.reason;
}
