import { contactWriteProblems, type ContactWriteOperation, type WriteCheckContext } from '../platform/contact-write.js';
import { ValidationError } from './errors.js';

/**
 * A contact write checked before it is sent, by the rules the platform (and
 * the emulator) apply: the refusal the platform would answer with, as the
 * same ValidationError and message, or undefined when it would take the body.
 */

const REQUEST: Record<ContactWriteOperation, { method: string; path: string }> = {
  'create-contact': { method: 'POST', path: '/contacts/' },
  'update-contact': { method: 'PUT', path: '/contacts/{contactId}' },
  'upsert-contact': { method: 'POST', path: '/contacts/upsert' },
};

/** `body` as sent (with `locationId` for create and upsert); `path` the request's own, when known. */
export function writeRefusal(operation: ContactWriteOperation, body: Readonly<Record<string, unknown>>, ctx: WriteCheckContext, path?: string): ValidationError | undefined {
  const problems = contactWriteProblems(operation, body, ctx);
  if (!problems.length) return undefined;
  const r = REQUEST[operation];
  return new ValidationError(problems, { method: r.method, path: path ?? r.path, operation });
}

/** The refusal with these messages, as `writeRefusal` gives it (for checks made elsewhere, e.g. per row). */
export function refusalWith(operation: ContactWriteOperation, problems: string[]): ValidationError {
  const r = REQUEST[operation];
  return new ValidationError(problems, { method: r.method, path: r.path, operation });
}

export type { ContactWriteOperation };
