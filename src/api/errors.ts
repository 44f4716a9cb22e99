import { EXIT, HoopError } from '../core/errors.js';

/**
 * Typed errors of the API client, each with a stable `code`. The request and
 * response hang off them non-enumerably, so that a log line or a JSON dump of
 * an error never carries personal data or a credential.
 */

export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_LOCATION'
  | 'MISSING_SCOPE'
  | 'VALIDATION'
  | 'DUPLICATE'
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'DAILY_BUDGET_EXHAUSTED'
  | 'UNAVAILABLE';

export interface ApiRequestInfo {
  method: string;
  path: string;
  operation: string;
}

export interface ApiResponseInfo {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export class HoopApiError extends HoopError {
  declare readonly code: ApiErrorCode;
  /** HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  declare readonly request: ApiRequestInfo;
  declare readonly response: ApiResponseInfo | undefined;

  constructor(code: ApiErrorCode, message: string, req: ApiRequestInfo, res?: ApiResponseInfo, options?: { cause?: unknown }) {
    super(code, `${req.method} ${req.path}: ${message}`, EXIT.incomplete, options);
    this.status = res?.status;
    Object.defineProperty(this, 'request', { value: req, enumerable: false });
    Object.defineProperty(this, 'response', { value: res, enumerable: false });
  }
}

export class UnauthorizedError extends HoopApiError {
  constructor(message: string, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('UNAUTHORIZED', `unauthorised: ${message} (check the token: HOOPAI_TOKEN, HOOPAI_TOKEN_<location>, --token-file, or the OAuth grant of hoop-etl auth login)`, req, res);
  }
}

/** No access token could be had from the OAuth grant (a refused mint or refresh); run-level like a bad token. */
export class AccessTokenError extends HoopApiError {
  constructor(message: string, req: ApiRequestInfo, options?: { cause?: unknown }) {
    super('UNAUTHORIZED', `no access token: ${message}`, req, undefined, options);
  }
}

export class MissingScopeError extends HoopApiError {
  constructor(message: string, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('MISSING_SCOPE', `the token lacks the scope this call needs: ${message}`, req, res);
  }
}

export class ForbiddenLocationError extends HoopApiError {
  constructor(message: string, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('FORBIDDEN_LOCATION', `${message} (the token belongs to another location)`, req, res);
  }
}

export class ValidationError extends HoopApiError {
  /** The platform's messages, one per problem. */
  readonly messages: string[];

  /** True when the client refused the body itself, before sending it (no request spent). */
  readonly local: boolean;

  /** Without `res`: refused here, by the platform's own rules (src/platform/contact-write.ts), before sending. */
  constructor(messages: string[], req: ApiRequestInfo, res?: ApiResponseInfo) {
    super('VALIDATION', `refused as invalid: ${messages.join('; ')}`, req, res);
    this.messages = messages;
    this.local = res === undefined;
  }
}

export class DuplicateContactError extends HoopApiError {
  readonly contactId: string;
  readonly matchingField: string;

  constructor(contactId: string, matchingField: string, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('DUPLICATE', `duplicate of contact ${contactId} (same ${matchingField})`, req, res);
    this.contactId = contactId;
    this.matchingField = matchingField;
  }
}

export class NotFoundError extends HoopApiError {
  constructor(message: string, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('NOT_FOUND', message, req, res);
  }
}

export class BadRequestError extends HoopApiError {
  constructor(message: string, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('BAD_REQUEST', message, req, res);
  }
}

export class RateLimitedError extends HoopApiError {
  constructor(attempts: number, req: ApiRequestInfo, res: ApiResponseInfo) {
    super('RATE_LIMITED', `still rate limited (429) after ${attempts} attempts`, req, res);
  }
}

export class DailyBudgetExhaustedError extends HoopApiError {
  readonly remaining: number;
  /** When the platform's day resets, when it said so. */
  readonly resetAt: Date | undefined;

  constructor(locationId: string, remaining: number, resetAt: Date | undefined, req: ApiRequestInfo) {
    super(
      'DAILY_BUDGET_EXHAUSTED',
      `daily request budget of location ${locationId} is used up (${remaining} requests left${resetAt ? `; the day resets at ${resetAt.toISOString()}` : ''})`,
      req,
    );
    this.remaining = remaining;
    this.resetAt = resetAt;
  }
}

export class UnavailableError extends HoopApiError {
  readonly attempts: number;

  constructor(attempts: number, why: string, req: ApiRequestInfo, res?: ApiResponseInfo, options?: { cause?: unknown }) {
    super('UNAVAILABLE', `unavailable after ${attempts} attempts: ${why}`, req, res, options);
    this.attempts = attempts;
  }
}

/** The platform's message field: a string, or an array on 422. */
export function platformMessages(body: unknown): string[] {
  const m = (body as { message?: unknown } | null | undefined)?.message;
  if (Array.isArray(m)) return m.map(String);
  if (typeof m === 'string') return [m];
  return [];
}

/** Maps a 4xx answer to its typed error. 429 and 5xx are the retry loop's business. */
export function errorForResponse(req: ApiRequestInfo, res: ApiResponseInfo): HoopApiError {
  const messages = platformMessages(res.body);
  const message = messages.join('; ') || `HTTP ${res.status}`;
  const meta = (res.body as { meta?: { contactId?: unknown; matchingField?: unknown } } | null)?.meta;
  switch (res.status) {
    case 401:
      return /scope/i.test(message) ? new MissingScopeError(message, req, res) : new UnauthorizedError(message, req, res);
    case 403:
      return new ForbiddenLocationError(message, req, res);
    case 422:
      return new ValidationError(messages.length ? messages : [message], req, res);
    case 404:
      return new NotFoundError(message, req, res);
    case 400:
      if (meta && typeof meta.contactId === 'string') return new DuplicateContactError(meta.contactId, String(meta.matchingField ?? ''), req, res);
      if (/not found/i.test(message)) return new NotFoundError(message, req, res);
      return new BadRequestError(message, req, res);
    default:
      return new BadRequestError(message, req, res);
  }
}

/** The words a stopped job adds to its "continue with ..." line: after a daily stop, when to continue. */
export function whenToContinue(cause: Error): string {
  return cause instanceof DailyBudgetExhaustedError ? ' after the reset' : '';
}
