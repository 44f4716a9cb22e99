import { describe, expect, it } from 'vitest';
import { compareContacts, FIELD_LEVELS, LEVEL_GROUPS, MATCH_FIELDS, outcomeOf, packLevels, SWAPPED_NAMES, unpackLevels, type MatchField } from '../../../src/dedup/compare-fields.js';
import { prepareContact, prepareDate, type MatchContact } from '../../../src/dedup/prepare-contact.js';

function levels(a: Omit<MatchContact, 'id'>, b: Omit<MatchContact, 'id'>): Record<string, string> & { swapped?: true } {
  const p = compareContacts(prepareContact({ id: 'a', ...a }), prepareContact({ id: 'b', ...b }));
  const out: Record<string, string> & { swapped?: true } = {};
  for (const [f, l] of Object.entries(unpackLevels(p))) if (l !== 0) out[f] = FIELD_LEVELS[f as MatchField][l] as string;
  if (p & SWAPPED_NAMES) out.swapped = true;
  return out;
}

describe('compareContacts', () => {
  it.each<[string, Omit<MatchContact, 'id'>, Omit<MatchContact, 'id'>, Record<string, string>]>([
    ['nothing in common is all missing', { firstName: 'Ada' }, { lastName: 'Byron' }, {}],
    ['exact names, any case and accents', { firstName: 'JOSÉ', lastName: "O'Brien" }, { firstName: 'jose', lastName: 'OBrien' }, { firstName: 'exact', lastName: 'exact' }],
    ['nickname', { firstName: 'Bob', lastName: 'Smith' }, { firstName: 'Robert', lastName: 'Smith' }, { firstName: 'nickname', lastName: 'exact' }],
    ['typo and transposition', { firstName: 'Taylah', lastName: 'Webb' }, { firstName: 'Talyah', lastName: 'Wevb' }, { firstName: 'close', lastName: 'close' }],
    ['a couple: masculine and feminine forms of one name differ', { firstName: 'Paul', lastName: 'Smith' }, { firstName: 'Paula', lastName: 'Smith' }, { firstName: 'different', lastName: 'exact' }],
    ['an initial is similar', { firstName: 'R', lastName: 'Smith' }, { firstName: 'Robert', lastName: 'Smith' }, { firstName: 'similar', lastName: 'exact' }],
    ['one surname within a double one', { lastName: 'Garcia Lopez' }, { lastName: 'Garcia' }, { lastName: 'close' }],
    ['different names', { firstName: 'Mikayla', lastName: 'White' }, { firstName: 'Victoria', lastName: 'Brown' }, { firstName: 'different', lastName: 'different' }],
    ['fillers are missing', { firstName: 'n/a', email: 'test@test.com', phone: '0000000000' }, { firstName: 'Ada', email: 'ada@x.com', phone: '+14155550101' }, {}],
    ['email: same mailbox elsewhere is close', { email: 'zx81@gmail.com' }, { email: 'ZX81@yahoo.com' }, { email: 'close' }],
    ['email: one typo is close', { email: 'ada@example.com' }, { email: 'ada@exmaple.com' }, { email: 'close' }],
    [
      'email: two mailboxes, even made of the names, count against one person',
      { firstName: 'Jason', lastName: 'Shimer', email: 'jshimer@yahoo.com' },
      { firstName: 'Paisley', lastName: 'Shimer', email: 'pshimer@yahoo.com' },
      { firstName: 'different', lastName: 'exact', email: 'different' },
    ],
    [
      'email: coworkers at one domain are two mailboxes',
      { firstName: 'Irene', lastName: 'Harris', email: 'irene.harris@moorelogistics.example' },
      { firstName: 'Wendy', lastName: 'Evans', email: 'wendy.evans@moorelogistics.example' },
      { firstName: 'different', lastName: 'different', email: 'different' },
    ],
    ['email: one Gmail mailbox with dots and a +tag', { email: 'ada.lovelace+crm@gmail.com' }, { email: 'adalovelace@googlemail.com' }, { email: 'close' }],
    [
      'email: a name-made mailbox at another domain says what the names say',
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@work.example' },
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@home.example' },
      { firstName: 'exact', lastName: 'exact' },
    ],
    ['phone: formats agree', { phone: '(415) 555-0101' }, { phone: '+1 415 555 0101' }, { phone: 'exact' }],
    ['phone: same last seven digits', { phone: '+14155550101' }, { phone: '+16505550101' }, { phone: 'close' }],
    ['address: abbreviations and spacing', { address1: '12 Main St.' }, { address1: '12 main street' }, { address1: 'exact' }],
    ['address: a typo', { address1: '85 Madigan Street' }, { address1: '85 Madigaqn Street' }, { address1: 'close' }],
    ['address: swapped house-number digits', { address1: '47 Maranoa Street' }, { address1: '74 Maranoaa Street' }, { address1: 'close' }],
    ['address: same street, another number', { address1: '38 Bundeela Street' }, { address1: '10 Bundeela Street' }, { address1: 'sameStreet' }],
    ['address: another street', { address1: '4 Marawa Place' }, { address1: '4 Barnett Close' }, { address1: 'different' }],
    ['city typo without postal code', { city: 'Rowville' }, { city: 'Rowvile' }, { city: 'close' }],
    [
      'city and state given the same postal code',
      { city: 'Boston', state: 'MA', postalCode: '02134' },
      { city: 'Boston', state: 'MA', postalCode: '02134' },
      { city: 'exactSamePostalCode', state: 'exactSamePostalCode', postalCode: 'exact' },
    ],
    ['postal code: one digit', { postalCode: '4024' }, { postalCode: '4020' }, { postalCode: 'close' }],
    ['postal code: ZIP+4 is the ZIP', { postalCode: '02134-1234' }, { postalCode: '02134' }, { postalCode: 'exact' }],
    ['date of birth: formats agree', { dateOfBirth: '1987-02-05' }, { dateOfBirth: '1987-02-05T00:00:00.000Z' }, { dateOfBirth: 'exact' }],
    ['date of birth: day and month swapped', { dateOfBirth: '1987-02-05' }, { dateOfBirth: '1987-05-02' }, { dateOfBirth: 'swappedDayMonth' }],
    ['date of birth: one digit', { dateOfBirth: '1987-02-05' }, { dateOfBirth: '1988-02-05' }, { dateOfBirth: 'close' }],
    ['date of birth: another', { dateOfBirth: '1981-06-28' }, { dateOfBirth: '1930-05-21' }, { dateOfBirth: 'different' }],
  ])('%s', (_, a, b, expected) => {
    expect(levels(a, b)).toEqual(expected);
    // Comparing is symmetric.
    expect(levels(b, a)).toEqual(expected);
  });

  it.each<[string, Omit<MatchContact, 'id'>, Omit<MatchContact, 'id'>, Record<string, unknown>]>([
    ['swapped first and last names', { firstName: 'White', lastName: 'Victoria' }, { firstName: 'Victoria', lastName: 'White' }, { firstName: 'exact', lastName: 'exact', swapped: true }],
    ['a first name typed in the last-name field', { firstName: 'Ada', lastName: 'Lovelace' }, { firstName: 'Lovelace' }, { lastName: 'exact', swapped: true }],
    ['straight names win when as good', { firstName: 'Lee', lastName: 'Lee' }, { firstName: 'Lee', lastName: 'Lee' }, { firstName: 'exact', lastName: 'exact' }],
  ])('%s', (_, a, b, expected) => {
    expect(levels(a, b)).toEqual(expected);
  });
});

describe('packLevels / unpackLevels / outcomeOf', () => {
  it('round-trips every level of every field', () => {
    for (const f of MATCH_FIELDS) {
      FIELD_LEVELS[f].forEach((_, l) => {
        expect(unpackLevels(packLevels({ [f]: l }))[f]).toBe(l);
      });
    }
  });

  it.each<[MatchField, number, string]>([
    ['firstName', 0, 'missing'],
    ['firstName', 1, 'agreed'],
    ['firstName', 2, 'partial'],
    ['firstName', 5, 'disagreed'],
    ['city', 3, 'disagreed'],
    ['city', 4, 'agreed'],
    ['city', 6, 'disagreed'],
    ['state', 2, 'disagreed'],
    ['state', 3, 'agreed'],
  ])('%s level %i is %s', (field, level, outcome) => {
    expect(outcomeOf(field, level)).toBe(outcome);
  });

  it('has every level but missing in exactly one group', () => {
    for (const f of MATCH_FIELDS) {
      expect(LEVEL_GROUPS[f].flat().sort()).toEqual(FIELD_LEVELS[f].map((_, l) => l).slice(1));
    }
  });
});

describe('prepareDate', () => {
  it.each([
    ['1987-02-05', '19870205'],
    ['1987-2-5', '19870205'],
    ['1987/02/05', '19870205'],
    ['1987-02-05T00:00:00.000Z', '19870205'],
    ['2/5/1987', '19870205'],
    ['19870205', '19870205'],
    ['', ''],
  ])('%j -> %j', (raw, out) => {
    expect(prepareDate(raw)).toBe(out);
  });
});

describe('prepareContact', () => {
  it('applies Gmail rules only when asked', () => {
    const c = { id: 'x', email: 'Ada.Lovelace+crm@googlemail.com' };
    expect(prepareContact(c).email).toBe('ada.lovelace+crm@googlemail.com');
    expect(prepareContact(c, { emailProviderRules: true }).email).toBe('adalovelace@gmail.com');
    expect(prepareContact({ id: 'y', email: 'a.b+c@example.com' }, { emailProviderRules: true }).email).toBe('a.b+c@example.com');
  });

  it('parses phones without + with the default country, drops invalid ones', () => {
    expect(prepareContact({ id: 'x', phone: '(415) 555-0101' }).phone).toBe('+14155550101');
    expect(prepareContact({ id: 'x', phone: '020 7946 0018' }, { defaultCountry: 'GB' }).phone).toBe('+442079460018');
    expect(prepareContact({ id: 'x', phone: 'call me' }).phone).toBe('');
  });
});
