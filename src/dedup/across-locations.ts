import { findDuplicates, type DuplicatePair, type FindDuplicatesOptions } from './find-duplicates.js';
import type { MatchContact } from './prepare-contact.js';

/**
 * People present in more than one location: an agency's view across its
 * sub-accounts. Report only: contacts of different locations are never
 * merged (each location is its own account), so this returns no plan.
 *
 * All locations' contacts are matched as one set (one model, so a weight
 * means the same everywhere); a cluster is reported when its contacts belong
 * to two or more locations. Duplicates within one location that join such a
 * cluster are listed with it.
 */

export interface LocationContacts {
  readonly locationId: string;
  readonly contacts: readonly MatchContact[];
}

export interface LocatedContact {
  readonly locationId: string;
  readonly contactId: string;
}

export interface CrossLocationPerson {
  /** In input order (locations as given, contacts as given within each). */
  readonly contacts: readonly LocatedContact[];
  readonly locationIds: readonly string[];
  /** The links, with `a` and `b` as indexes into `contacts`. */
  readonly pairs: ReadonlyArray<Omit<DuplicatePair, 'a' | 'b'> & { readonly a: number; readonly b: number }>;
}

export function findAcrossLocations(locations: readonly LocationContacts[], options: FindDuplicatesOptions = {}): CrossLocationPerson[] {
  const located: LocatedContact[] = [];
  const all: MatchContact[] = [];
  for (const { locationId, contacts } of locations) {
    for (const c of contacts) {
      // Ids are unique per location only: match on the position instead.
      all.push({ ...c, id: String(located.length) });
      located.push({ locationId, contactId: c.id });
    }
  }
  const out: CrossLocationPerson[] = [];
  for (const cluster of findDuplicates(all, options).clusters) {
    const indexes = cluster.ids.map(Number);
    const locationIds = [...new Set(indexes.map((i) => (located[i] as LocatedContact).locationId))];
    if (locationIds.length < 2) continue;
    const place = new Map(indexes.map((i, k) => [String(i), k]));
    out.push({
      contacts: indexes.map((i) => located[i] as LocatedContact),
      locationIds,
      pairs: cluster.pairs.map((p) => ({ ...p, a: place.get(p.a) as number, b: place.get(p.b) as number })),
    });
  }
  return out;
}
