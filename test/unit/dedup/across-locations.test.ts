import { describe, expect, it } from 'vitest';
import { findAcrossLocations } from '../../../src/dedup/across-locations.js';

describe('findAcrossLocations', () => {
  const locations = [
    {
      locationId: 'north',
      contacts: [
        { id: 'c1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        { id: 'c2', firstName: 'Grace', lastName: 'Hopper', phone: '+12025550143' },
        { id: 'c3', firstName: 'Alan', lastName: 'Turing', email: 'alan@example.org' },
        { id: 'c4', firstName: 'Alan', lastName: 'Turing', email: 'ALAN@example.org' },
      ],
    },
    {
      locationId: 'south',
      // The same id as in 'north', another person: ids are per location.
      contacts: [
        { id: 'c1', firstName: 'Ada', lastName: 'King', email: 'ada@example.com' },
        { id: 'c9', firstName: 'Edsger', lastName: 'Dijkstra', email: 'ewd@example.nl' },
      ],
    },
  ];

  it('reports people found in two or more locations, not duplicates within one', () => {
    const people = findAcrossLocations(locations);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({
      contacts: [
        { locationId: 'north', contactId: 'c1' },
        { locationId: 'south', contactId: 'c1' },
      ],
      locationIds: ['north', 'south'],
    });
    expect(people[0]!.pairs).toHaveLength(1);
    expect(people[0]!.pairs[0]).toMatchObject({ a: 0, b: 1 });
    expect(people[0]!.pairs[0]!.linkedBy).toContain('email');
  });

  it('gives nothing for one location or none', () => {
    expect(findAcrossLocations([locations[0]!])).toEqual([]);
    expect(findAcrossLocations([])).toEqual([]);
  });
});
