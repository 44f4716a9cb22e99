import { describe, expect, it } from 'vitest';
import { contactOfHit, matchContactOfHit } from '../../../src/dedup/contact-of-hit.js';
import { differingField } from '../../../src/dedup/why-stale.js';
import { toContactJson } from '../../../src/emulator/contact-json.js';
import { parseSearchBody, toSearchHit, type SearchContext } from '../../../src/emulator/search.js';
import type { ContactRecord } from '../../../src/emulator/types.js';

/** A search hit in the GET contact shape: the plan's before-images come from search alone. */

const HIT_ONLY = {
  contactName: 'ann lee',
  firstNameLowerCase: 'ann',
  lastNameLowerCase: 'lee',
  phoneLabel: null,
  businessName: 'Acme Holdings',
  validEmail: true,
  opportunities: [],
  searchAfter: [1767243599999, 'm01'],
};

describe('contactOfHit', () => {
  it.each([
    [
      'a full hit: the street from `address`, the names as typed from the raw copies, hit-only keys and nulls left out',
      {
        id: 'm01',
        locationId: 'loc1',
        ...HIT_ONLY,
        firstNameRaw: 'Ann',
        lastNameRaw: 'Lee',
        email: 'Ann.Lee@Example.com',
        phone: '+14155552671',
        companyName: 'Acme Inc',
        address: '1 Main St',
        city: 'Boston',
        state: 'MA',
        country: 'US',
        postalCode: '02108',
        dnd: false,
        dndSettings: { SMS: { status: 'permanent', message: 'STOP' } },
        tags: ['vip'],
        customFields: [{ id: 'cf1', value: 'Gold' }],
        dateOfBirth: '1990-09-25T00:00:00.000Z',
        dateAdded: '2026-01-01T04:59:59.999Z',
        dateUpdated: '2026-03-01T00:00:00.000Z',
        lastActivity: null,
        followers: ['u1'],
        businessId: 'b1',
        additionalEmails: [],
      },
      {
        id: 'm01',
        locationId: 'loc1',
        firstName: 'Ann',
        lastName: 'Lee',
        email: 'Ann.Lee@Example.com',
        phone: '+14155552671',
        companyName: 'Acme Inc',
        address1: '1 Main St',
        city: 'Boston',
        state: 'MA',
        country: 'US',
        postalCode: '02108',
        dnd: false,
        dndSettings: { SMS: { status: 'permanent', message: 'STOP' } },
        tags: ['vip'],
        customFields: [{ id: 'cf1', value: 'Gold' }],
        dateOfBirth: '1990-09-25T00:00:00.000Z',
        dateAdded: '2026-01-01T04:59:59.999Z',
        dateUpdated: '2026-03-01T00:00:00.000Z',
        followers: ['u1'],
        businessId: 'b1',
        additionalEmails: [],
      },
    ],
    [
      'names only in lower case (the docs: raw names "not yet available"): the lower-case copies',
      { id: 'x', firstNameLowerCase: 'ann', lastNameLowerCase: 'lee', contactName: 'ann lee' },
      { id: 'x', firstName: 'ann', lastName: 'lee' },
    ],
    [
      'GET field names in a hit win over the hit-only copies',
      { id: 'x', firstName: 'Ann', firstNameRaw: 'ANN', firstNameLowerCase: 'ann', address1: '2 Side Rd', address: '1 Main St' },
      { id: 'x', firstName: 'Ann', address1: '2 Side Rd' },
    ],
    [
      'a blank copy falls through to the next; all blank: no name',
      { id: 'x', firstName: ' ', firstNameRaw: '', firstNameLowerCase: 'ann', lastNameRaw: '', lastNameLowerCase: '  ', address: '' },
      { id: 'x', firstName: 'ann' },
    ],
    [
      'no dndSettings in the hit (GH#43): none invented; dnd kept',
      { id: 'x', dnd: true, email: 'a@b.example' },
      { id: 'x', dnd: true, email: 'a@b.example' },
    ],
    [
      'keys neither GET nor hits are known to have are dropped; a numeric id becomes text',
      { id: 7, someNewKey: 'x', activeWorkflows: ['w1'], email: '' },
      { id: '7', email: '' },
    ],
  ])('%s', (_name, hit, expected) => {
    const got = contactOfHit(hit as Record<string, unknown>);
    expect(got).toEqual(expected);
    // Key for key: nothing left undefined in the plan file.
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
  });

  it('matchContactOfHit reads the same converter: blank fields left out', () => {
    expect(matchContactOfHit({ id: 'x', address: '1 Main St', firstNameRaw: 'Ada', lastNameLowerCase: 'lovelace', email: '', phone: '+14155550100', dateAdded: '2020-01-01T00:00:00.000Z' })).toEqual({
      id: 'x',
      firstName: 'Ada',
      lastName: 'lovelace',
      phone: '+14155550100',
      address1: '1 Main St',
      dateAdded: '2020-01-01T00:00:00.000Z',
    });
  });
});

describe("contactOfHit against the emulator's own shapes", () => {
  const ctx: SearchContext = { customFields: new Map(), businessNames: new Map([['b1', 'Acme Holdings']]), timezone: 'America/New_York' };
  const query = parseSearchBody({ locationId: 'loc1', pageLimit: 10 }, ctx);
  const base: ContactRecord = {
    id: 'm01',
    locationId: 'loc1',
    dnd: false,
    tags: [],
    customFields: [],
    dateAdded: Date.UTC(2026, 0, 1, 4, 59, 59, 999),
    dateUpdated: Date.UTC(2026, 2, 1),
    type: 'lead',
    followers: [],
    additionalEmails: [],
    additionalPhones: [],
    createdBy: { source: 'INTEGRATION', channel: 'oauth', sourceId: 'x', timestamp: '2026-01-01T00:00:00.000Z' },
    activeWorkflows: [],
    campaigns: [],
  };
  // Keys only GET has: derived copies and what the emulator's hits leave out.
  const GET_ONLY = ['name', 'emailLowerCase', 'firstNameLowerCase', 'lastNameLowerCase', 'fullNameLowerCase', 'inboundDndSettings', 'gender', 'attributionSource', 'createdBy'];

  it.each([
    ['a sparse contact', base],
    [
      'a full contact',
      {
        ...base,
        firstName: 'Ann',
        lastName: 'Lee',
        email: 'Ann.Lee@Example.com',
        phone: '+14155552671',
        companyName: 'Acme Inc',
        address1: '1 Main St',
        city: 'Boston',
        state: 'MA',
        postalCode: '02108',
        country: 'US',
        website: 'acme.test',
        timezone: 'America/New_York',
        gender: 'female',
        source: 'Web Form',
        assignedTo: 'u1',
        dnd: true,
        dndSettings: { SMS: { status: 'permanent', message: 'STOP' } },
        inboundDndSettings: { all: { status: 'active' } },
        tags: ['vip', 'newsletter'],
        customFields: [{ id: 'cf1', value: ['Red', 'Blue'] }, { id: 'cf2', value: 10 }],
        dateOfBirth: '1990-09-25T00:00:00.000Z',
        lastActivity: Date.UTC(2026, 1, 2, 10),
        businessId: 'b1',
        followers: ['u1', 'u2'],
        additionalEmails: ['ann@home.test'],
        additionalPhones: ['+14155550199'],
        attributionSource: { url: 'https://acme.test' },
      } satisfies ContactRecord,
    ],
  ])('%s: the hit converted is the GET contact without the keys only GET has', (_name, record) => {
    const get = toContactJson(record);
    const fromHit = contactOfHit(toSearchHit(record, query, ctx));
    expect(fromHit).toEqual(Object.fromEntries(Object.entries(get).filter(([k]) => !GET_ONLY.includes(k))));
    // And the apply's stale check finds nothing to object to.
    expect(differingField(fromHit, get as never)).toBeUndefined();
  });
});
