import type { EmulatorStore, LocationState } from '../store.js';
import type { ContactRecord, Scope, TokenRecord } from '../types.js';

/** What a route handler gets: the request already authenticated, rate-checked and validated. */
export interface RouteContext {
  readonly store: EmulatorStore;
  readonly loc: LocationState;
  readonly token: TokenRecord;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly now: number;
  /** Set when the path has `{contactId}`: the contact, found in the token's location. */
  readonly contact: ContactRecord | undefined;
}

export interface RouteResult {
  status: number;
  body: Record<string, unknown>;
}

/** Where the location a request acts on is named. */
export type LocationSource = 'body' | 'query' | 'path' | 'token';

export interface RouteDef {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path as the spec writes it, e.g. `/contacts/{contactId}/tags`. */
  readonly path: string;
  readonly operationId: string;
  readonly scope: Scope;
  readonly locationFrom: LocationSource;
  /** Validate the body against the spec's request schema. @default true when the spec defines one */
  readonly handler: (ctx: RouteContext) => RouteResult;
}

export const ok = (body: Record<string, unknown>, status = 200): RouteResult => ({ status, body });
