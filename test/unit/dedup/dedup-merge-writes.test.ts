import { describe, expect, it } from 'vitest';
import { businessToSet, dndToCarry, duplicateOfTag, editedSinceMerge, fieldValue, followersToAdd, mergeWrite, recreateWrite, restoreDnd, restoreWrite, sameFieldValue, splitSurvivorUpdate } from '../../../src/dedup/merge-writes.js';
import type { FieldChange, SurvivorContact } from '../../../src/dedup/survivor.js';

/** The request bodies a merge and its undo send, from the plan's changes and before-images. */

const change = (field: string, before: unknown, after: unknown, from = 'loser1'): FieldChange => ({ field, before, after, from });
const loser = (fields: Record<string, unknown>): SurvivorContact => ({ id: 'loser1', ...fields });

describe('splitSurvivorUpdate', () => {
  it.each([
    ['an email a loser holds waits for its deletion', [change('email', null, 'ada@example.com')], { email: 'ADA@example.com' }, { now: [], deferred: ['email'], viaUpsert: [] }],
    ['a phone a loser holds waits, whatever its format', [change('phone', null, '+14155550101')], { phone: '14155550101' }, { now: [], deferred: ['phone'], viaUpsert: [] }],
    ['an email no loser holds goes at once', [change('email', null, 'new@example.com')], { email: 'old@example.com' }, { now: ['email'], deferred: [], viaUpsert: [] }],
    ['other fields go at once', [change('city', null, 'London'), change('customFields.abc', null, 'blue')], { city: 'London' }, { now: ['city', 'customFields.abc'], deferred: [], viaUpsert: [] }],
    ['the company needs an upsert (the update body has no companyName)', [change('companyName', null, 'Acme')], {}, { now: [], deferred: [], viaUpsert: ['companyName'] }],
  ])('%s', (_name, changes, loserFields, expected) => {
    const split = splitSurvivorUpdate(changes, [loser(loserFields)]);
    expect({ now: split.now.map((c) => c.field), deferred: split.deferred.map((c) => c.field), viaUpsert: split.viaUpsert.map((c) => c.field) }).toEqual(expected);
  });
});

describe('mergeWrite and restoreWrite', () => {
  const changes = [change('city', null, 'London'), change('postalCode', '', 'NW1'), change('email', 'old@example.com', 'new@example.com'), change('customFields.cf1', null, 'blue')];

  it('sets each field to its merged value, custom fields by id', () => {
    expect(mergeWrite(changes)).toEqual({ city: 'London', postalCode: 'NW1', email: 'new@example.com', customFields: [{ id: 'cf1', field_value: 'blue' }] });
  });

  it('puts back what the survivor held; blank fields are cleared (null, or an empty string where the spec allows no null)', () => {
    expect(restoreWrite(changes)).toEqual({ city: null, postalCode: '', email: 'old@example.com', customFields: [{ id: 'cf1', field_value: '' }] });
  });
});

describe('recreateWrite', () => {
  it('keeps what a create can set again: fields, dnd, tags, custom fields; never ids or dates', () => {
    const before: SurvivorContact = {
      id: 'gone00000000000000001',
      locationId: 'loc',
      firstName: 'Ada',
      lastName: '',
      email: 'ada@example.com',
      companyName: 'Engines',
      dnd: false,
      tags: ['vip'],
      customFields: [
        { id: 'cf1', value: 'blue' },
        { id: 'cf2', value: '' },
      ],
      dateAdded: '2020-01-01T00:00:00.000Z',
      dateUpdated: '2020-01-02T00:00:00.000Z',
      followers: ['u1'],
    };
    expect(recreateWrite(before)).toEqual({ firstName: 'Ada', email: 'ada@example.com', companyName: 'Engines', dnd: false, tags: ['vip'], customFields: [{ id: 'cf1', field_value: 'blue' }] });
  });
});

describe('followers, business and the duplicate tag', () => {
  it.each([
    [['a'], [['b', 'a'], ['c', 'b']], ['b', 'c']],
    [[], [[], []], []],
    [undefined, [['x']], ['x']],
  ])('survivor %j, losers %j: adds %j', (own, others, expected) => {
    expect(followersToAdd({ id: 's', followers: own }, others.map((f, i) => ({ id: `l${i}`, followers: f })))).toEqual(expected);
  });

  it.each([
    [undefined, [undefined, 'b2'], 'b2'],
    ['b1', ['b2'], undefined],
    ['', ['b2', 'b3'], 'b2'],
    [undefined, [undefined], undefined],
  ])('survivor business %j, losers %j: sets %j', (own, others, expected) => {
    expect(businessToSet({ id: 's', businessId: own }, others.map((b, i) => ({ id: `l${i}`, businessId: b })))).toBe(expected);
  });

  it('names the survivor in the form the platform stores tags (lower case)', () => {
    expect(duplicateOfTag('AbC123')).toBe('duplicate-of-abc123');
  });
});

describe('dndToCarry and restoreDnd', () => {
  const sms = (status: string) => ({ SMS: { status } });
  it.each([
    ['nobody opted out', {}, [{}], undefined],
    ['a loser with dnd on', {}, [{ dnd: true }], { dnd: true }],
    ['the survivor already has dnd on', { dnd: true }, [{ dnd: true }], undefined],
    ['a blocked channel of a loser', {}, [{ dndSettings: sms('active') }], { dndSettings: sms('active') }],
    ['permanent wins over active', {}, [{ dndSettings: sms('active') }, { dndSettings: sms('permanent') }], { dndSettings: sms('permanent') }],
    ['an inactive channel carries nothing', {}, [{ dndSettings: sms('inactive') }], undefined],
    ['the survivor blocks the channel already', { dndSettings: sms('active') }, [{ dndSettings: sms('permanent') }], undefined],
  ])('%s', (_name, own, others, expected) => {
    expect(dndToCarry({ id: 's', ...own }, others.map((o, i) => ({ id: `l${i}`, ...o })))).toEqual(expected);
  });

  it('gives the survivor back its own dnd and channel settings, inactive where it had none', () => {
    expect(restoreDnd({ id: 's', dnd: false, dndSettings: { Email: { status: 'inactive' } } }, { dnd: true, dndSettings: { Email: { status: 'active' }, SMS: { status: 'permanent' } } })).toEqual({
      dnd: false,
      dndSettings: { Email: { status: 'inactive' }, SMS: { status: 'inactive' } },
    });
  });
});

describe('sameFieldValue and editedSinceMerge: what an undo leaves as someone changed it', () => {
  it.each([
    ['email', 'Ada@Example.com', 'ada@example.com ', true],
    ['email', 'ada@example.com', 'ada@other.example', false],
    ['phone', '+14155550101', '4155550101', true],
    ['phone', '+14155550101', '+14155559999', false],
    ['city', ' London', 'London', true],
    ['city', 'London', 'london', false],
    ['city', '', null, true],
    ['city', undefined, 'London', false],
    ['customFields.x', ['a', 'b'], ['a', 'b'], true],
    ['customFields.x', ['a', 'b'], ['b', 'a'], false],
    ['customFields.x', 5, 5, true],
  ] as const)('%s: %j vs %j -> %s', (field, a, b, same) => {
    expect(sameFieldValue(field, a, b)).toBe(same);
  });

  it('names the merged fields whose value on the survivor is no longer what the merge wrote', () => {
    const changes = [
      { field: 'phone', before: null, after: '+14155550101', from: 'B' },
      { field: 'city', before: null, after: 'London', from: 'B' },
      { field: 'customFields.colour', before: null, after: 'blue', from: 'B' },
      { field: 'companyName', before: 'Old', after: 'New', from: 'B' },
    ];
    const current = { id: 'A', phone: '+14155550101', city: 'Paris', customFields: [{ id: 'colour', value: 'blue' }] } as unknown as SurvivorContact;
    // city changed; companyName cleared since: both edits; phone and colour are as merged.
    expect(editedSinceMerge(changes, current)).toEqual(['city', 'companyName']);
    expect(fieldValue(current, 'customFields.colour')).toBe('blue');
    expect(fieldValue(current, 'customFields.size')).toBeUndefined();
  });
});
