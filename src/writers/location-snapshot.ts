import type { ContactsApi } from '../api/endpoints.js';
import type { SearchHit } from '../api/types.js';

/**
 * What the location holds before an import writes: every contact, read
 * through the search API at 500 per request (cheap), indexed by email and
 * phone. It finds what the platform would resolve silently (a row whose email
 * names contact A and whose phone names contact B; a row matching contacts
 * that are already duplicates of each other) and lets the writer skip rows
 * that would change nothing.
 */

export interface SnapshotContact {
  readonly id: string;
  readonly email?: string;
  readonly phone?: string;
  /** Standard fields as the writer names them (address1, not the search hit's address). */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly customFields: ReadonlyMap<string, unknown>;
}

function toSnapshot(hit: SearchHit): SnapshotContact {
  const h = hit as Record<string, unknown>;
  const fields: Record<string, unknown> = {
    firstName: h.firstNameRaw ?? h.firstName,
    lastName: h.lastNameRaw ?? h.lastName,
    email: h.email,
    phone: h.phone,
    companyName: h.companyName,
    address1: h.address ?? h.address1,
    city: h.city,
    state: h.state,
    postalCode: h.postalCode,
    country: h.country,
    website: h.website,
    timezone: h.timezone,
    source: h.source,
    dateOfBirth: h.dateOfBirth,
    assignedTo: h.assignedTo,
    dnd: h.dnd,
  };
  return {
    id: hit.id,
    email: typeof h.email === 'string' ? h.email.toLowerCase() : undefined,
    phone: typeof h.phone === 'string' ? h.phone : undefined,
    fields,
    tags: (hit.tags ?? []).map((t) => t.toLowerCase()),
    customFields: new Map((hit.customFields ?? []).map((c) => [c.id, c.value])),
  };
}

export class LocationSnapshot {
  readonly byEmail = new Map<string, SnapshotContact[]>();
  readonly byPhone = new Map<string, SnapshotContact[]>();
  size = 0;
  requests = 0;

  add(c: SnapshotContact): void {
    this.size++;
    if (c.email) (this.byEmail.get(c.email) ?? this.byEmail.set(c.email, []).get(c.email)!).push(c);
    if (c.phone) (this.byPhone.get(c.phone) ?? this.byPhone.set(c.phone, []).get(c.phone)!).push(c);
  }

  /** Pages through the whole location with the searchAfter cursor (never page numbers: they stop at 10,000). */
  static async load(api: ContactsApi): Promise<LocationSnapshot> {
    const snap = new LocationSnapshot();
    let searchAfter: unknown[] | undefined;
    for (;;) {
      const page = await api.searchContacts({ pageLimit: 500, ...(searchAfter ? { searchAfter } : {}) });
      snap.requests++;
      for (const hit of page.contacts) snap.add(toSnapshot(hit));
      if (page.contacts.length < 500) break;
      searchAfter = page.contacts[page.contacts.length - 1]!.searchAfter;
    }
    return snap;
  }

  /** The contacts an email and a phone name in the location. */
  match(email: string | undefined, phone: string | undefined): { byEmail: readonly SnapshotContact[]; byPhone: readonly SnapshotContact[] } {
    return {
      byEmail: (email && this.byEmail.get(email.toLowerCase())) || [],
      byPhone: (phone && this.byPhone.get(phone)) || [],
    };
  }
}

export type Verdict =
  | { kind: 'create' }
  | { kind: 'update'; contact: SnapshotContact }
  | { kind: 'collision'; code: 'COLLISION' | 'AMBIGUOUS_MATCH'; message: string; contact: SnapshotContact };

/** What writing a contact with this email and phone would do, in the platform's priority order (email first by default). */
export function judge(snapshot: LocationSnapshot, email: string | undefined, phone: string | undefined): Verdict {
  const { byEmail, byPhone } = snapshot.match(email, phone);
  const first = byEmail[0] ?? byPhone[0];
  if (!first) return { kind: 'create' };
  if (byEmail.length > 1 || byPhone.length > 1) {
    const ids = [...new Set([...byEmail, ...byPhone].map((c) => c.id))];
    return { kind: 'collision', code: 'AMBIGUOUS_MATCH', message: `matches ${ids.length} contacts that are already duplicates of each other (${ids.join(', ')})`, contact: first };
  }
  if (byEmail[0] && byPhone[0] && byEmail[0].id !== byPhone[0].id) {
    return {
      kind: 'collision',
      code: 'COLLISION',
      message: `the email belongs to contact ${byEmail[0].id} and the phone to contact ${byPhone[0].id}; the platform would update the first and silently drop the phone`,
      contact: byEmail[0],
    };
  }
  return { kind: 'update', contact: first };
}

function same(a: unknown, b: unknown, field: string): boolean {
  if (a === undefined || a === null || a === '') return b === undefined || b === null || b === '';
  if (field === 'email') return String(a).toLowerCase() === String(b ?? '').toLowerCase();
  if (field === 'dateOfBirth') return typeof b === 'string' && b.slice(0, 10) === String(a).slice(0, 10);
  return a === b;
}

/** True when writing `write` and `tags` to `contact` would change nothing. */
export function wouldChangeNothing(contact: SnapshotContact, write: Readonly<Record<string, unknown>>, customFields: ReadonlyArray<{ id?: string; field_value?: unknown }>, tags: readonly string[]): boolean {
  for (const [k, v] of Object.entries(write)) {
    if (k === 'customFields') continue;
    if (!same(v, contact.fields[k], k)) return false;
  }
  for (const cf of customFields) {
    const have = cf.id ? contact.customFields.get(cf.id) : undefined;
    if (JSON.stringify(have) !== JSON.stringify(cf.field_value)) return false;
  }
  const have = new Set(contact.tags);
  return tags.every((t) => have.has(t));
}
