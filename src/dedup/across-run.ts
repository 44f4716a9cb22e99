import type { ContactsApi } from '../api/endpoints.js';
import { searchPages } from '../exporter/pager.js';
import { findAcrossLocations, type CrossLocationPerson } from './across-locations.js';
import { fillerLists } from './filler.js';
import { matchContactOfHit } from './merge-plan.js';
import type { FillerSettings } from './plan-run.js';
import type { MatchContact } from './prepare-contact.js';
import { escapeHtml } from './plan-report.js';

/**
 * `hoop-etl dedup --location A,B --plan people.json`: the people present in
 * more than one location, an agency's view across its sub-accounts. A report
 * only: contacts of different locations are never merged, so the file is not
 * a plan and `--apply` refuses it.
 */

export const ACROSS_KIND = 'hoop-etl dedup across locations';

export interface AcrossContact {
  readonly locationId: string;
  readonly contactId: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
}

export interface AcrossReport {
  readonly kind: typeof ACROSS_KIND;
  readonly version: 1;
  readonly createdAt: string;
  readonly threshold: number;
  readonly locations: readonly string[];
  /** Contacts read, per location. */
  readonly contacts: Readonly<Record<string, number>>;
  readonly people: ReadonlyArray<{ readonly locationIds: readonly string[]; readonly contacts: readonly AcrossContact[]; readonly pairs: CrossLocationPerson['pairs'] }>;
}

export interface AcrossOptions {
  readonly apis: ReadonlyMap<string, ContactsApi>;
  readonly threshold: number;
  readonly emailProviderRules: boolean;
  readonly fillers?: FillerSettings;
  readonly now?: () => Date;
}

export async function reportAcrossLocations(options: AcrossOptions): Promise<AcrossReport> {
  const read: Array<{ locationId: string; contacts: MatchContact[] }> = [];
  for (const [locationId, api] of options.apis) {
    const contacts: MatchContact[] = [];
    for await (const page of searchPages(api, { pageLimit: 500, sort: [{ field: 'dateAdded', direction: 'asc' }] })) {
      for (const hit of page.contacts) contacts.push(matchContactOfHit(hit));
    }
    read.push({ locationId, contacts });
  }
  const people = findAcrossLocations(read, {
    threshold: options.threshold,
    emailProviderRules: options.emailProviderRules,
    ...(options.fillers && (options.fillers.replace || options.fillers.extend) ? { fillers: fillerLists(options.fillers) } : {}),
  });
  const byKey = new Map(read.flatMap(({ locationId, contacts }) => contacts.map((c) => [`${locationId}/${c.id}`, c] as const)));
  return {
    kind: ACROSS_KIND,
    version: 1,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    threshold: options.threshold,
    locations: read.map((r) => r.locationId),
    contacts: Object.fromEntries(read.map((r) => [r.locationId, r.contacts.length])),
    people: people.map((p) => ({
      locationIds: p.locationIds,
      contacts: p.contacts.map(({ locationId, contactId }) => {
        const c = byKey.get(`${locationId}/${contactId}`);
        return { locationId, contactId, firstName: c?.firstName ?? null, lastName: c?.lastName ?? null, email: c?.email ?? null, phone: c?.phone ?? null };
      }),
      pairs: p.pairs,
    })),
  };
}

/** The review page of the report: one table per person, self-contained and escaped like the plan's. */
export function renderAcrossHtml(report: AcrossReport): string {
  const people = report.people.map((p, i) => {
    const rows = p.contacts
      .map((c) => `<tr><td>${escapeHtml(c.locationId)}</td><td>${escapeHtml(c.contactId)}</td><td>${escapeHtml([c.firstName, c.lastName].filter(Boolean).join(' '))}</td><td>${escapeHtml(c.email ?? '')}</td><td>${escapeHtml(c.phone ?? '')}</td></tr>`)
      .join('\n');
    const pairs = p.pairs
      .map((pair) => `<li>${pair.a + 1} &harr; ${pair.b + 1}: linked by ${escapeHtml(pair.linkedBy.join(' and '))}, probability ${pair.probability.toFixed(4)}</li>`)
      .join('\n');
    return `<section class="person" id="person-${i + 1}"><h2>Person ${i + 1} &middot; in ${p.locationIds.map(escapeHtml).join(', ')}</h2>
<table><thead><tr><th>location</th><th>contact</th><th>name</th><th>email</th><th>phone</th></tr></thead><tbody>
${rows}
</tbody></table><ul>${pairs}</ul></section>`;
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>hoop-etl: people in several locations</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}</style></head>
<body>
<h1>People in more than one location</h1>
<p id="summary">${report.people.length} people across ${report.locations.map(escapeHtml).join(', ')}. A report only: contacts of different locations are never merged.</p>
${people.join('\n')}
</body></html>
`;
}
