import { toE164 } from '../transforms/phone.js';
import { trimText } from '../transforms/text.js';

/**
 * The keys two rows are the same person by: `email:<lower-cased address>` and
 * `phone:<E.164>`. Values that stand for "no value" (`test@test.com`,
 * `0000000000`, `n/a`) give no key, or every row carrying them would fold
 * into one contact.
 *
 * Rows normally arrive already normalised (the email and phone transforms ran
 * first); a phone that is not E.164 yet is parsed with `defaultCountry`, and
 * one that cannot be parsed gives no key.
 */

export type MatchKey = `email:${string}` | `phone:${string}`;

/** A string is equal to the value, a RegExp is tested against it (see `MatchKeyOptions.fillers`). */
export type Filler = string | RegExp;

export interface FillerLists {
  readonly email: readonly Filler[];
  readonly phone: readonly Filler[];
}

const NOTHING: readonly Filler[] = ['n/a', 'na', 'none', 'null', 'nil', 'unknown', '-', '--', '.', '?', '0'];

export const DEFAULT_FILLERS: FillerLists = {
  email: [
    ...NOTHING,
    'test@test.com',
    'test@example.com',
    'email@email.com',
    'no@email.com',
    'none@none.com',
    'na@na.com',
    'noreply@noreply.com',
    // noemail@…, no-email@…, nomail@…, no_email@… at any domain
    /^no[-_.]?e?mail@/,
  ],
  phone: [
    ...NOTHING,
    '1234567890',
    '0123456789',
    // The same digit over and over, after an optional country code: 0000000000, +1 555-555-5555, 999-9999.
    /^\d{0,3}?(\d)\1{6,}$/,
  ],
};

export interface MatchKeyOptions {
  /**
   * Values that mean "no value", per kind. Compared with the value trimmed and
   * lower-cased; for phones also with its digits alone (so `000-000-0000`
   * matches `0000000000`). Replaces the default list of that kind.
   * @default DEFAULT_FILLERS
   */
  fillers?: Partial<FillerLists>;
  /** Country for a phone that is not in E.164 yet. @default 'US' */
  defaultCountry?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether the value is one of the fillers (see `MatchKeyOptions.fillers`). */
export function isFiller(value: string, fillers: readonly Filler[], kind: 'email' | 'phone'): boolean {
  const v = trimText(value).toLowerCase();
  const candidates = kind === 'phone' ? [v, v.replace(/\D/g, '')] : [v];
  return fillers.some((f) => candidates.some((c) => (typeof f === 'string' ? c === f : f.test(c))));
}

export function matchKeys(contact: { readonly email?: string | null; readonly phone?: string | null }, options: MatchKeyOptions = {}): MatchKey[] {
  const fillers = { ...DEFAULT_FILLERS, ...options.fillers };
  const keys: MatchKey[] = [];

  const email = contact.email ? trimText(contact.email).toLowerCase() : '';
  if (email.includes('@') && !isFiller(email, fillers.email, 'email')) keys.push(`email:${email}`);

  const phone = contact.phone ? trimText(contact.phone) : '';
  if (phone && !isFiller(phone, fillers.phone, 'phone')) {
    const compact = phone.replace(/[\s().-]/g, '');
    if (E164.test(compact)) keys.push(`phone:${compact}`);
    else {
      const parsed = toE164(phone, { defaultCountry: options.defaultCountry ?? 'US' });
      if (parsed.ok) keys.push(`phone:${parsed.value}`);
    }
  }
  return keys;
}
