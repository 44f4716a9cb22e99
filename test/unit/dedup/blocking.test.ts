import { describe, expect, it } from 'vitest';
import { BLOCKING_KEYS, candidatePairs } from '../../../src/dedup/blocking.js';
import { prepareContact, type MatchContact } from '../../../src/dedup/prepare-contact.js';

const prepare = (contacts: Array<Omit<MatchContact, 'id'>>) => contacts.map((c, i) => prepareContact({ id: `c${i}`, ...c }));

function pairs(contacts: ReturnType<typeof prepare>, options: Parameters<typeof candidatePairs>[1] = {}): string[] {
  const c = candidatePairs(contacts, options);
  return Array.from({ length: c.count }, (_, k) => `${c.left[k]}-${c.right[k]}`).sort();
}

describe('BLOCKING_KEYS', () => {
  it.each<[keyof typeof BLOCKING_KEYS, Omit<MatchContact, 'id'>, string]>([
    ['names', { firstName: 'Bob', lastName: 'Smith' }, 'R163S530'],
    ['names', { firstName: 'Smith', lastName: 'Robert' }, 'R163S530'],
    ['names', { lastName: 'Smith' }, ''],
    ['lastNamePostalCode', { lastName: 'Smith', postalCode: '4102' }, 'S530|4102'],
    ['firstNameDateOfBirth', { firstName: 'Bill', dateOfBirth: '1987-02-05' }, 'W450|19870205'],
    ['dateOfBirthPostalCode', { dateOfBirth: '1987-02-05', postalCode: '' }, ''],
    ['addressStreet', { address1: '12 Main St' }, '12|main'],
    ['addressPostalCode', { address1: '12 Main St', postalCode: '02134' }, '12|02134'],
    ['emailLocal', { email: 'Ada@Example.com' }, 'ada'],
    ['phoneTail', { phone: '+14155550101' }, '5550101'],
  ])('%s of %j is %j', (key, contact, value) => {
    expect(BLOCKING_KEYS[key](prepareContact({ id: 'x', ...contact }))).toBe(value);
  });
});

describe('candidatePairs', () => {
  const contacts = prepare([
    { firstName: 'Robert', lastName: 'Smith', postalCode: '4102' },
    { firstName: 'Bob', lastName: 'Smith', postalCode: '4102', email: 'bob@x.com' },
    { firstName: 'Ada', lastName: 'Lovelace', email: 'bob@y.org' },
    { firstName: 'Grace', lastName: 'Hopper' },
  ]);

  it('pairs contacts that share any key, each pair once, lower index first', () => {
    // 0-1 share names and lastNamePostalCode (one pair, not two); 1-2 share the mailbox `bob`.
    expect(pairs(contacts, { keys: ['names', 'lastNamePostalCode', 'emailLocal'] })).toEqual(['0-1', '1-2']);
  });

  it('uses only the keys asked for', () => {
    expect(pairs(contacts, { keys: ['emailLocal'] })).toEqual(['1-2']);
    expect(pairs(contacts, { keys: [] })).toEqual([]);
  });

  it('compares the sorted names within a window', () => {
    // Sorted by last, then first name: Hopper (3), Lovelace (2), Smith Bob (1), Smith Robert (0); window 2 pairs neighbours only.
    expect(pairs(contacts, { keys: ['sortedNames'], sortedNamesWindow: 2 })).toEqual(['0-1', '1-2', '2-3']);
  });

  it('compares an oversized block within a sliding window instead of all against all', () => {
    const many = prepare(Array.from({ length: 50 }, (_, i) => ({ firstName: `N${String.fromCharCode(97 + (i % 26))}${i}`, lastName: 'Smith', postalCode: '4102' })));
    const all = candidatePairs(many, { keys: ['lastNamePostalCode'] });
    expect(all.count).toBe((50 * 49) / 2);
    expect(all.oversizedBlocks).toBe(0);
    const capped = candidatePairs(many, { keys: ['lastNamePostalCode'], maxBlockSize: 10, window: 4 });
    expect(capped.oversizedBlocks).toBe(1);
    // Chunks of 4 every 2: every contact meets its neighbours in name order, about 2.5 pairs per contact.
    expect(capped.count).toBeLessThan(150);
    expect(capped.count).toBeGreaterThanOrEqual(49);
  });

  it('rejects bad options', () => {
    expect(() => candidatePairs(contacts, { maxBlockSize: 1 })).toThrow('Expected `maxBlockSize` to be an integer >= 2, got `1` (number)');
    expect(() => candidatePairs(contacts, { window: 1.5 })).toThrow('Expected `window` to be an integer >= 2, got `1.5` (number)');
    // @ts-expect-error an unknown key
    expect(() => candidatePairs(contacts, { keys: ['shoeSize'] })).toThrow(/Expected a blocking key .* got `shoeSize`/);
  });
});
