import type { ContactsApi } from '../api/endpoints.js';
import { searchPages } from '../exporter/pager.js';
import { fillerLists, type FillerField } from './filler.js';
import { findDuplicates } from './find-duplicates.js';
import { buildMergePlan, matchContactOfHit, type MergePlan, type PlanSettings } from './merge-plan.js';
import type { MatchContact } from './prepare-contact.js';
import type { SurvivorContact } from './survivor.js';

/**
 * `hoop-etl dedup --plan`: reads the whole location through the search pager
 * (500 a page), finds the clusters, reads each member again by id (the
 * authoritative shape: custom fields, followers, business, `dateUpdated`)
 * and plans each cluster's merge. Writes nothing to the platform.
 */

export interface FillerSettings {
  readonly replace?: Partial<Record<FillerField, readonly string[]>>;
  readonly extend?: Partial<Record<FillerField, readonly string[]>>;
}

export interface PlanDedupOptions {
  readonly api: ContactsApi;
  readonly settings: PlanSettings;
  readonly fillers?: FillerSettings;
  /** Requests for cluster members in flight at once (the rate governor paces them). @default 8 */
  readonly concurrency?: number;
  readonly now?: () => Date;
  readonly onProgress?: (done: number, total?: number) => void;
  readonly say?: (line: string) => void;
}

export async function planDedup(options: PlanDedupOptions): Promise<MergePlan> {
  const { api, settings } = options;
  const say = options.say ?? (() => undefined);
  const scanned: MatchContact[] = [];
  for await (const page of searchPages(api, { pageLimit: 500, sort: [{ field: 'dateAdded', direction: 'asc' }] })) {
    for (const hit of page.contacts) scanned.push(matchContactOfHit(hit));
    options.onProgress?.(scanned.length, page.total);
  }
  say(`Read ${scanned.length} contacts of ${api.locationId}.`);
  const found = findDuplicates(scanned, {
    threshold: settings.threshold,
    emailProviderRules: settings.emailProviderRules,
    ...(options.fillers && (options.fillers.replace || options.fillers.extend) ? { fillers: fillerLists(options.fillers) } : {}),
  });

  const ids = found.clusters.flatMap((c) => c.ids);
  const contacts = new Map<string, SurvivorContact>();
  await forEachLimited(ids, options.concurrency ?? 8, async (id) => {
    try {
      const { contact } = await api.getContact(id);
      contacts.set(id, contact as SurvivorContact);
    } catch (e) {
      // Deleted since the scan: it simply drops out of its cluster.
      if ((e as { code?: string }).code !== 'NOT_FOUND') throw e;
    }
  });
  return buildMergePlan({ location: api.locationId, createdAt: (options.now?.() ?? new Date()).toISOString(), settings, clusters: found.clusters, stats: found.stats, contacts });
}

/** Runs `work` on every item, at most `limit` at once; the first failure rejects once the running ones settle. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
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
}
