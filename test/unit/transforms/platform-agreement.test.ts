import { describe, expect, it } from 'vitest';
// The client side must not import the emulator; its tests may, to pin that both sides agree.
import { isValidEmail, normaliseDateOfBirth, normalisePhone, normaliseTags as platformTags } from '../../../src/platform/normalise.js';
import { toApiDate } from '../../../src/transforms/date.js';
import { normaliseEmail } from '../../../src/transforms/email.js';
import { toE164 } from '../../../src/transforms/phone.js';
import { normaliseTags } from '../../../src/transforms/text.js';

describe('the transforms agree with how the platform normalises', () => {
  it.each([
    ['(415) 555-0101', 'US'],
    ['+44 20 7946 0958', 'US'],
    ['030 1234567', 'DE'],
    ['612 345 678', 'ES'],
    ['07911 123456', 'GB'],
    ['2222222222', 'US'],
    ['12', 'US'],
  ])('phone %j in %s: ours is valid exactly when the platform stores it, and equal', (raw, country) => {
    const ours = toE164(raw, { defaultCountry: country });
    expect(ours.ok ? ours.value : undefined).toBe(normalisePhone(raw, country));
    if (ours.ok) expect(normalisePhone(ours.value, country)).toBe(ours.value);
  });

  it.each([
    'ada@example.com',
    'Ada.Lovelace+crm@Example.CO.uk',
    "o'brien@example.ie",
    'name@@x.com',
    'name@x',
    'a@b.c',
    'josé@example.com',
    'name@x..com',
  ])('email %j: whatever we accept, the platform accepts', (raw) => {
    const ours = normaliseEmail(raw);
    if (ours.ok) expect(isValidEmail(ours.value)).toBe(true);
  });

  it.each(['1990-09-25', '25/04/1990', '04/25/1990', '32874', 'April 25, 1990', '1990-09-25T23:30:00-05:00', '2000-02-29'])(
    'date %j: the platform reads what we send as the same day',
    (raw) => {
      const ours = toApiDate(raw);
      expect(ours.ok).toBe(true);
      if (ours.ok) expect(normaliseDateOfBirth(ours.value)).toBe(`${ours.value}T00:00:00.000Z`);
    },
  );

  it.each([[['VIP', ' vip ', 'Newsletter']], [['', '  ', 'a']], [['Ünïcode Tag', 'ünïcode tag ']], [['\u00A0x\u00A0', 'x']]])('tags %j', (tags) => {
    expect(normaliseTags(tags)).toEqual(platformTags(tags));
  });
});
