import { isValidEmail } from '../platform/normalise.js';
import { fail, succeed, type TransformResult } from './result.js';
import { trimText } from './text.js';

/**
 * An email cell, trimmed and lower-cased whole, or `INVALID_EMAIL` with the
 * reason.
 *
 * Decisions:
 * - The whole address is lower-cased, local part included. The platform keeps
 *   `emailLowerCase` and matches on it, so case carries no identity there;
 *   lower-casing once makes in-file dedup, the snapshot comparison and the
 *   stored value agree. Mailboxes that tell `Ada@` from `ada@` exist in the
 *   RFC only.
 * - Nothing is repaired by guessing: `name@@x.com`, `name@x`, `name @x.com`,
 *   `name@x,com`, two addresses in one cell are rejected, not fixed; likely
 *   typos of real domains (`gmial.com`) are valid addresses and pass.
 * - At least as strict as the platform (the emulator's `isValidEmail`, which is
 *   close to class-validator's `IsEmail`), so a row that passes here is not
 *   refused at write time: no non-ASCII (internationalised addresses), no
 *   quoted local parts, no IP-literal domains. Stricter in one way: the
 *   top-level domain must be two or more characters and not all digits.
 */

export type EmailProblemCode = 'BLANK_VALUE' | 'INVALID_EMAIL';

const LOCAL_CHARS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL = /^(?=.*[A-Za-z])[A-Za-z0-9-]{2,63}$/;

function invalid(reason: string): ReturnType<typeof fail> {
  return fail('INVALID_EMAIL', `Email is not valid: ${reason}`);
}

export function normaliseEmail(raw: string): TransformResult<string> {
  const s = trimText(raw);
  if (s === '') return fail('BLANK_VALUE', 'Email is blank');

  const ats = s.split('@').length - 1;
  if (ats > 1 && /[\s,;]/.test(s)) return invalid('the cell holds more than one address (one address per cell)');
  if (/[\s\u200B-\u200D\u2060]/.test(s)) return invalid('it contains a space');
  if (ats === 0) return invalid("it has no '@'");
  if (ats > 1) return invalid("it has more than one '@'");
  if (/[^\x00-\x7F]/.test(s)) return invalid('it contains non-ASCII characters, which the platform does not accept');

  const at = s.indexOf('@');
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local === '') return invalid("it has nothing before the '@'");
  if (domain === '') return invalid("it has nothing after the '@'");
  if (s.length > 254) return invalid('it is longer than 254 characters');
  if (local.length > 64) return invalid("the part before the '@' is longer than 64 characters");
  if (!LOCAL_CHARS.test(local)) return invalid("the part before the '@' has a character that is not allowed");
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return invalid("the part before the '@' starts or ends with a dot, or has two dots in a row");
  }
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) return invalid('the domain has a character that is not allowed');
  if (!domain.includes('.')) return invalid("the domain has no dot (like 'name@example' without '.com')");
  const labels = domain.split('.');
  if (labels.some((l) => l === '')) return invalid('the domain starts or ends with a dot, or has two dots in a row');
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) {
    return invalid('a part of the domain starts or ends with a hyphen, or is longer than 63 characters');
  }
  if (!TOP_LEVEL.test(labels[labels.length - 1] ?? '')) return invalid('the domain does not end in a possible top-level domain');
  // The platform's own check (src/platform/normalise.ts), the one the emulator applies.
  if (!isValidEmail(s)) return invalid('the platform would not accept it');

  return succeed(s.toLowerCase());
}
