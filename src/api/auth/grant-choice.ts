import { UsageError } from '../../core/errors.js';
import type { GrantRecord, TokenRecord } from './token-store.js';

/**
 * Which stored grant acts on a location (pure, for a unit table): the
 * location's own Location grant, else a Company grant that gets location
 * tokens for it. A Location grant acts on its own location only, and says so.
 */

export type GrantChoice = { kind: 'location-grant'; key: string; grant: GrantRecord } | { kind: 'company-grant'; key: string; grant: GrantRecord };

export function grantsIn(records: ReadonlyArray<[string, TokenRecord]>, clientId: string | undefined): Array<[string, GrantRecord]> {
  return records.filter((e): e is [string, GrantRecord] => e[1].kind === 'grant' && (clientId === undefined || e[1].clientId === clientId));
}

/** undefined when the store holds no grant at all (the caller then names every way to give a token). */
export function chooseGrant(records: ReadonlyArray<[string, TokenRecord]>, locationId: string, clientId: string | undefined, storeName: string): GrantChoice | undefined {
  const grants = grantsIn(records, clientId);
  if (grants.length === 0) return undefined;
  const own = grants.filter(([, g]) => g.userType === 'Location' && g.locationId === locationId);
  if (own.length > 0) return { kind: 'location-grant', key: own[0]![0], grant: own[0]![1] };
  const companies = grants.filter(([, g]) => g.userType === 'Company' && g.companyId);
  if (companies.length === 1) return { kind: 'company-grant', key: companies[0]![0], grant: companies[0]![1] };
  if (companies.length > 1) {
    // Prefer the company whose approved locations name this one.
    const approving = companies.filter(([, g]) => g.approvedLocations?.includes(locationId));
    if (approving.length === 1) return { kind: 'company-grant', key: approving[0]![0], grant: approving[0]![1] };
    const ids = companies.map(([, g]) => `${g.companyId} (client ${g.clientId})`).join(', ');
    throw new UsageError(`The token store ${storeName} holds grants of several companies (${ids}): set HOOPAI_CLIENT_ID to choose the app, or hoop-etl auth logout the ones not wanted`, '--auth-store');
  }
  const others = grants.map(([, g]) => g.locationId).join(', ');
  throw new UsageError(
    `The stored OAuth grant is a Location grant for ${others}: it acts on its own location only, not on ${locationId}. Sign in for ${locationId} too, or sign in as the agency (hoop-etl auth login --user-type Company) to reach several locations`,
    '--location',
  );
}

/** The Company grant `--location all` lists the locations of; a Location grant's own location otherwise. */
export function grantForAll(records: ReadonlyArray<[string, TokenRecord]>, clientId: string | undefined, storeName: string): GrantChoice | undefined {
  const grants = grantsIn(records, clientId);
  const companies = grants.filter(([, g]) => g.userType === 'Company' && g.companyId);
  if (companies.length === 1) return { kind: 'company-grant', key: companies[0]![0], grant: companies[0]![1] };
  if (companies.length > 1) throw new UsageError(`--location all: the token store ${storeName} holds grants of several companies; set HOOPAI_CLIENT_ID to choose the app, or hoop-etl auth logout the ones not wanted`, '--location');
  if (grants.length === 1) return { kind: 'location-grant', key: grants[0]![0], grant: grants[0]![1] };
  if (grants.length > 1) throw new UsageError(`--location all needs an agency sign-in (hoop-etl auth login --user-type Company); the store ${storeName} holds Location grants only (${grants.map(([, g]) => g.locationId).join(', ')}): list them with --location A,B`, '--location');
  return undefined;
}
