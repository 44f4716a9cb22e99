import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/emulator/api-error.js';
import { zonedTimeToEpoch } from '../../../src/emulator/search-dates.js';
import { isoDate } from '../../../src/emulator/search-hit.js';
import {
  parseSearchBody,
  runSearch,
  searchAfterOf,
  SearchEngine,
  SearchInputError,
  toSearchHit,
  type SearchContext,
  type SearchIndexSnapshot,
  type SearchQuery,
} from '../../../src/emulator/search.js';
import type { ContactRecord, CustomFieldDataType, CustomFieldDefinition } from '../../../src/emulator/types.js';

const LOC = 'loc00000000000000001';

type ContactInput = Partial<Omit<ContactRecord, 'id'>> & { id: string };

/** A ContactRecord with empty defaults; only `id` is required. */
function contact(input: ContactInput): ContactRecord {
  return {
    locationId: LOC,
    dnd: false,
    tags: [],
    customFields: [],
    dateAdded: Date.UTC(2026, 0, 1),
    dateUpdated: Date.UTC(2026, 0, 1),
    type: 'lead',
    followers: [],
    additionalEmails: [],
    additionalPhones: [],
    createdBy: { source: 'INTEGRATION', channel: 'API', sourceId: 'test', timestamp: '2026-01-01T00:00:00.000Z' },
    activeWorkflows: [],
    campaigns: [],
    ...input,
  };
}

function customField(id: string, dataType: CustomFieldDataType, model: 'contact' | 'opportunity' = 'contact'): CustomFieldDefinition {
  return { id, locationId: LOC, name: id, fieldKey: `${model}.${id}`, dataType, position: 0, picklistOptions: [], model };
}

const CUSTOM_FIELDS = new Map(
  [
    customField('cfText', 'TEXT'),
    customField('cfRadio', 'RADIO'),
    customField('cfPhone', 'PHONE'),
    customField('cfCheck', 'CHECKBOX'),
    customField('cfMulti', 'MULTIPLE_OPTIONS'),
    customField('cfNum', 'NUMERICAL'),
    customField('cfMoney', 'MONETORY'),
    customField('cfDate', 'DATE'),
    customField('cfList', 'TEXTBOX_LIST'),
    customField('cfFile', 'FILE_UPLOAD'),
    customField('cfOpp', 'TEXT', 'opportunity'),
  ].map((d) => [d.id, d]),
);

function context(timezone = 'America/New_York', businessNames: ReadonlyMap<string, string> = new Map([['b1', 'Acme Holdings']])): SearchContext {
  return { customFields: CUSTOM_FIELDS, businessNames, timezone };
}

const NY = context();

const ms = (iso: string): number => Date.parse(iso);

/** Seven contacts, dateAdded ascending in id order, around New York day boundaries. */
const PEOPLE: readonly ContactRecord[] = [
  contact({
    id: 'm01',
    firstName: 'Ann',
    lastName: 'Lee',
    email: 'Ann.Lee@Example.com',
    phone: '+14155552671',
    companyName: 'Acme Inc',
    businessId: 'b1',
    address1: '1 Main St',
    city: 'Boston',
    state: 'MA',
    country: 'US',
    postalCode: '02108',
    website: 'acme.test',
    timezone: 'America/New_York',
    source: 'Web Form',
    tags: ['vip', 'newsletter'],
    dndSettings: { Email: { status: 'active' }, SMS: { status: 'permanent', message: 'STOP' } },
    followers: ['u1', 'u2'],
    assignedTo: 'u1',
    activeWorkflows: ['w1'],
    dateOfBirth: '1990-09-25T00:00:00.000Z',
    lastActivity: ms('2026-02-02T10:00:00.000Z'),
    additionalEmails: ['ann@home.test'],
    additionalPhones: ['+14155550199'],
    customFields: [
      { id: 'cfText', value: 'Gold Member' },
      { id: 'cfRadio', value: 'Option A' },
      { id: 'cfPhone', value: '+1 (415) 555-0100' },
      { id: 'cfCheck', value: ['Yes'] },
      { id: 'cfMulti', value: ['Red', 'Blue'] },
      { id: 'cfNum', value: 10 },
      { id: 'cfMoney', value: 100.5 },
      { id: 'cfDate', value: '2026-03-15' },
      { id: 'cfList', value: { opt1: 'Alpha', opt2: 'Beta' } },
    ],
    dateAdded: ms('2026-01-01T04:59:59.999Z'),
    dateUpdated: ms('2026-03-01T00:00:00.000Z'),
  }),
  contact({
    id: 'm02',
    firstName: 'Bob',
    lastName: 'Stone',
    email: 'BOB@EXAMPLE.COM',
    phone: '+442071838750',
    companyName: 'Stone Ltd',
    city: 'London',
    country: 'GB',
    postalCode: 'SW1A 1AA',
    source: 'import',
    type: 'customer',
    tags: ['customer'],
    dnd: true,
    dndSettings: { Email: { status: 'inactive' } },
    followers: ['u2'],
    assignedTo: 'u2',
    dateOfBirth: '1985-01-31T00:00:00.000Z',
    customFields: [
      { id: 'cfText', value: 'silver' },
      { id: 'cfCheck', value: ['No'] },
      { id: 'cfMulti', value: ['green'] },
      { id: 'cfNum', value: '25' },
      { id: 'cfMoney', value: 99 },
      { id: 'cfDate', value: Date.UTC(2026, 2, 16) },
      { id: 'cfList', value: { opt1: 'alphabet' } },
    ],
    dateAdded: ms('2026-01-01T05:00:00.000Z'),
  }),
  contact({
    id: 'm03',
    firstName: 'carla',
    email: 'not-an-email',
    city: 'boston',
    source: 'Web',
    tags: ['vip-gold'],
    customFields: [
      { id: 'cfText', value: '' },
      { id: 'cfNum', value: 7.5 },
      { id: 'cfDate', value: '2026-03-17T00:00:00.000Z' },
    ],
    dateAdded: ms('2026-01-31T12:00:00.000Z'),
  }),
  contact({
    id: 'm04',
    lastName: 'Diaz',
    phone: '+14155550000',
    state: 'NY',
    address1: '22 Main Street',
    dateAdded: ms('2026-02-01T04:59:59.999Z'),
  }),
  contact({ id: 'm05', dateAdded: ms('2026-02-01T05:00:00.000Z') }),
  contact({
    id: 'm06',
    firstName: 'Dana',
    lastName: 'Lee',
    email: 'dana@example.org',
    companyName: 'Acme Inc',
    businessId: 'b-unknown',
    source: 'web form',
    tags: ['newsletter'],
    dateAdded: ms('2026-07-01T03:59:59.999Z'),
  }),
  contact({ id: 'm07', firstName: 'Eve', dateAdded: ms('2026-07-01T04:00:00.000Z') }),
];

const ALL = PEOPLE.map((c) => c.id);
const except = (...ids: string[]): string[] => ALL.filter((id) => !ids.includes(id));

function snapshot(contacts: readonly ContactRecord[], version = 1): SearchIndexSnapshot {
  return { version, contacts: new Map(contacts.map((c) => [c.id, c])) };
}

const PEOPLE_INDEX = snapshot(PEOPLE);

function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { locationId: LOC, pageLimit: 500, ...extra };
}

/** Ids of every match, in result order. */
function search(extra: Record<string, unknown>, ctx: SearchContext = NY, index: SearchIndexSnapshot = PEOPLE_INDEX): string[] {
  const query = parseSearchBody(body(extra), ctx);
  return runSearch(index, query, ctx).contacts.map((c) => c.id);
}

const where = (field: string, operator: string, value?: unknown): Record<string, unknown> =>
  value === undefined ? { field, operator } : { field, operator, value };
const only = (field: string, operator: string, value?: unknown): Record<string, unknown> => ({
  filters: [where(field, operator, value)],
});
const group = (g: 'AND' | 'OR', ...filters: unknown[]): Record<string, unknown> => ({ group: g, filters });

function thrown(fn: () => unknown): SearchInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SearchInputError) return e;
    throw e;
  }
  throw new Error('expected a SearchInputError');
}

describe('parseSearchBody: body validation', () => {
  it.each<[string, unknown, 400 | 422, string | string[]]>([
    ['an empty body', {}, 422, ['locationId should not be empty', 'pageLimit should not be empty']],
    ['no body at all', undefined, 422, ['locationId should not be empty', 'pageLimit should not be empty']],
    ['an array body', [], 422, ['request body must be a JSON object']],
    ['an empty locationId', { locationId: '', pageLimit: 10 }, 422, ['locationId should not be empty']],
    ['a numeric locationId', { locationId: 5, pageLimit: 10 }, 422, ['locationId must be a string']],
    ['no pageLimit', { locationId: LOC }, 422, ['pageLimit should not be empty']],
    ['pageLimit 501', body({ pageLimit: 501 }), 422, ['pageLimit must not be greater than 500']],
    ['pageLimit 0', body({ pageLimit: 0 }), 422, ['pageLimit must not be less than 1']],
    ['a fractional pageLimit', body({ pageLimit: 1.5 }), 422, ['pageLimit must be an integer number']],
    ['a string pageLimit', body({ pageLimit: '20' }), 422, ['pageLimit must be an integer number']],
    ['an unknown property', body({ limit: 10 }), 422, ['property limit should not exist']],
    [
      'unknown properties with other errors',
      { locationId: LOC, pageLimit: 900, startAfterId: 'x', skip: 1 },
      422,
      ['property startAfterId should not exist', 'property skip should not exist', 'pageLimit must not be greater than 500'],
    ],
    ['page 0', body({ page: 0 }), 422, ['page must not be less than 1']],
    ['a string page', body({ page: '2' }), 422, ['page must be an integer number']],
    [
      'page past the 10,000 cap',
      body({ page: 21 }),
      422,
      [
        'page * pageLimit must not be greater than 10000: paging with page reaches only the first 10,000 contacts; use searchAfter to go further',
      ],
    ],
    [
      'page 101 of 100',
      body({ page: 101, pageLimit: 100 }),
      422,
      [
        'page * pageLimit must not be greater than 10000: paging with page reaches only the first 10,000 contacts; use searchAfter to go further',
      ],
    ],
    [
      'page together with searchAfter',
      body({ page: 1, searchAfter: [1, 'm01'] }),
      422,
      ['page and searchAfter cannot be used together: send searchAfter without page'],
    ],
    ['a non-array searchAfter', body({ searchAfter: 'abc' }), 422, ['searchAfter must be an array']],
    [
      'a cursor of the wrong length',
      body({ searchAfter: [1] }),
      422,
      ['searchAfter must be the searchAfter of a hit returned with the same sort: [dateAdded, id]'],
    ],
    [
      'an empty cursor',
      body({ searchAfter: [] }),
      422,
      ['searchAfter must be the searchAfter of a hit returned with the same sort: [dateAdded, id]'],
    ],
    [
      'a cursor with a string date',
      body({ searchAfter: ['2026-01-01', 'm01'] }),
      422,
      ['searchAfter must be the searchAfter of a hit returned with the same sort: [dateAdded, id]'],
    ],
    [
      'a cursor from another sort',
      body({ sort: [{ field: 'email', direction: 'asc' }, { field: 'dnd', direction: 'desc' }], searchAfter: [123, 'm01'] }),
      422,
      ['searchAfter must be the searchAfter of a hit returned with the same sort: [email, dnd, id]'],
    ],
    ['a 76-character query', body({ query: 'x'.repeat(76) }), 422, ['query must be shorter than or equal to 75 characters']],
    ['a numeric query', body({ query: 5 }), 422, ['query must be a string']],
    ['filters as an object', body({ filters: {} }), 422, ['filters must be an array']],
    ['sort as an object', body({ sort: { field: 'email' } }), 422, ['sort must be an array']],
    [
      'three sort keys',
      body({
        sort: [
          { field: 'email', direction: 'asc' },
          { field: 'dnd', direction: 'asc' },
          { field: 'source', direction: 'asc' },
        ],
      }),
      422,
      ['sort must contain no more than 2 elements'],
    ],
    ['an unknown sort field', body({ sort: [{ field: 'contact_name', direction: 'asc' }] }), 400, 'Invalid sort field contact_name'],
    ['sort by id', body({ sort: [{ field: 'id', direction: 'asc' }] }), 400, 'Invalid sort field id'],
    [
      'an upper-case direction',
      body({ sort: [{ field: 'email', direction: 'ASC' }] }),
      422,
      ['sort.0.direction must be one of the following values: asc, desc'],
    ],
    [
      'a missing direction',
      body({ sort: [{ field: 'email' }] }),
      422,
      ['sort.0.direction must be one of the following values: asc, desc'],
    ],
    [
      'an unknown sort property',
      body({ sort: [{ field: 'email', direction: 'asc', missing: '_first' }] }),
      422,
      ['property sort.0.missing should not exist'],
    ],
  ])('refuses %s', (_name, raw, status, messages) => {
    const err = thrown(() => parseSearchBody(raw, NY));
    expect(err.status).toBe(status);
    expect(err.messages).toEqual(messages);
  });

  it.each<[string, Record<string, unknown>]>([
    ['page 20 of 500 (exactly 10,000)', body({ page: 20 })],
    ['page 100 of 100', body({ page: 100, pageLimit: 100 })],
    ['a 75-character query', body({ query: 'x'.repeat(75) })],
    ['null optional properties', body({ page: null, searchAfter: null, filters: null, sort: null, query: null })],
    ['pageLimit 1 and 500', body({ pageLimit: 1 })],
    ['an empty sort', body({ sort: [] })],
  ])('accepts %s', (_name, raw) => {
    expect(() => parseSearchBody(raw, NY)).not.toThrow();
  });

  it('is an ApiError whose body is the platform error shape', () => {
    const bad = thrown(() => parseSearchBody(body(only('contact_name', 'eq', 'x')), NY));
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad.toBody('t-1')).toEqual({ statusCode: 400, message: 'Invalid field contact_name', error: 'Bad Request', traceId: 't-1' });
    const unprocessable = thrown(() => parseSearchBody({}, NY));
    expect(unprocessable.toBody('t-2')).toEqual({
      statusCode: 422,
      message: ['locationId should not be empty', 'pageLimit should not be empty'],
      error: 'Unprocessable Entity',
      traceId: 't-2',
    });
  });

  it('normalises the query and exposes the effective sort', () => {
    const q = parseSearchBody(body({ query: '  Ann LEE ' }), NY);
    expect(q.query).toBe('ann lee');
    expect(q.sort).toEqual([{ field: 'dateAdded', direction: 'asc' }]);
    expect(q.page).toBeUndefined();
    expect(q.searchAfter).toBeUndefined();
  });
});

describe('parseSearchBody: filter validation', () => {
  const OPS = 'eq, not_eq, contains, not_contains, exists, not_exists, range, nested';
  it.each<[string, unknown[], 400 | 422, string | string[]]>([
    ['an unknown field', [where('contact_name', 'eq', 'x')], 400, 'Invalid field contact_name'],
    ['firstName (not lower-cased)', [where('firstName', 'eq', 'x')], 400, 'Invalid field firstName'],
    ['emailLowerCase', [where('emailLowerCase', 'eq', 'x')], 400, 'Invalid field emailLowerCase'],
    ['lastActivity (not in the table)', [where('lastActivity', 'exists')], 400, 'Invalid field lastActivity'],
    ['a prototype key', [where('constructor', 'exists')], 400, 'Invalid field constructor'],
    ['an unknown custom field id', [where('customFields.nope', 'eq', 'x')], 400, 'Invalid field customFields.nope'],
    ['a custom field by key', [where('customFields.contact.cfText', 'eq', 'x')], 400, 'Invalid field customFields.contact.cfText'],
    ['an opportunity custom field', [where('customFields.cfOpp', 'eq', 'x')], 400, 'Invalid field customFields.cfOpp'],
    ['an option of a TEXT field', [where('customFields.cfText.opt1', 'eq', 'x')], 400, 'Invalid field customFields.cfText.opt1'],
    ['a TEXTBOX_LIST field without option', [where('customFields.cfList', 'eq', 'x')], 400, 'Invalid field customFields.cfList'],
    ['an unknown dnd channel', [where('dndSettings.Fax.status', 'eq', 'active')], 400, 'Invalid field dndSettings.Fax.status'],
    [
      'an unknown opportunity sub-field',
      [{ field: 'opportunities', operator: 'nested', filters: [where('monetaryValue', 'eq', '5')] }],
      400,
      'Invalid field opportunities.monetaryValue',
    ],
    [
      'email contains',
      [where('email', 'contains', 'example')],
      422,
      ['filters.0.operator contains is not supported for field email (supported: eq, not_eq, exists, not_exists)'],
    ],
    [
      'website contains',
      [where('website', 'not_contains', 'x')],
      422,
      ['filters.0.operator not_contains is not supported for field website (supported: eq, not_eq, exists, not_exists)'],
    ],
    [
      'dateAdded eq',
      [where('dateAdded', 'eq', '2026-01-01')],
      422,
      ['filters.0.operator eq is not supported for field dateAdded (supported: range, exists, not_exists)'],
    ],
    ['id exists', [where('id', 'exists')], 422, ['filters.0.operator exists is not supported for field id (supported: eq, not_eq)']],
    [
      'range on a text field',
      [where('city', 'range', { gte: 'a' })],
      422,
      ['filters.0.operator range is not supported for field city (supported: eq, not_eq, contains, not_contains, exists, not_exists)'],
    ],
    [
      'dndSettings status exists',
      [where('dndSettings.Email.status', 'not_exists')],
      422,
      ['filters.0.operator not_exists is not supported for field dndSettings.Email.status (supported: eq, not_eq)'],
    ],
    [
      'contains on a CHECKBOX field',
      [where('customFields.cfCheck', 'contains', 'y')],
      422,
      ['filters.0.operator contains is not supported for field customFields.cfCheck (supported: eq, not_eq, exists, not_exists)'],
    ],
    [
      'eq on a DATE field',
      [where('customFields.cfDate', 'eq', '2026-01-01')],
      422,
      ['filters.0.operator eq is not supported for field customFields.cfDate (supported: range, exists, not_exists)'],
    ],
    [
      'any operator on a FILE_UPLOAD field',
      [where('customFields.cfFile', 'exists')],
      422,
      ['filters.0.operator exists is not supported for field customFields.cfFile (supported: none)'],
    ],
    ['an unknown operator', [where('city', 'like', 'x')], 422, [`filters.0.operator must be one of the following values: ${OPS}`]],
    ['no operator', [{ field: 'city', value: 'x' }], 422, [`filters.0.operator must be one of the following values: ${OPS}`]],
    ['no field', [{ operator: 'eq', value: 'x' }], 422, ['filters.0.field must be a non-empty string']],
    ['a filter that is not an object', ['city'], 422, ['filters.0 must be an object']],
    ['an unknown filter property', [{ ...where('city', 'eq', 'x'), foo: 1 }], 422, ['property filters.0.foo should not exist']],
    [
      'a 76-character value',
      [where('city', 'eq', 'x'.repeat(76))],
      422,
      ['filters.0.value must be shorter than or equal to 75 characters'],
    ],
    ['an object as eq value', [where('city', 'eq', { a: 1 })], 422, ['filters.0.value must be a string']],
    ['eq without a value', [where('city', 'eq')], 422, ['filters.0.value should not be empty']],
    ['contains with an empty value', [where('city', 'contains', '')], 422, ['filters.0.value should not be empty']],
    ['exists with a value', [where('city', 'exists', 'x')], 422, ['filters.0.value must be omitted for operator exists']],
    ['a non-boolean dnd value', [where('dnd', 'eq', 'yes')], 422, ['filters.0.value must be a boolean value']],
    ['a non-numeric NUMERICAL eq', [where('customFields.cfNum', 'eq', 'ten')], 422, ['filters.0.value must be a number']],
    [
      'a range with no bounds',
      [where('dateAdded', 'range', {})],
      422,
      ['filters.0.value must be an object with at least one of gt, gte, lt, lte'],
    ],
    [
      'a range that is a string',
      [where('dateAdded', 'range', '2026-01-01')],
      422,
      ['filters.0.value must be an object with at least one of gt, gte, lt, lte'],
    ],
    [
      'a {low, high} range',
      [where('dateAdded', 'range', { low: 1, high: 2 })],
      422,
      ['property filters.0.value.low should not exist'],
    ],
    [
      'an unparsable date',
      [where('dateAdded', 'range', { gte: 'yesterday' })],
      422,
      ['filters.0.value.gte must be an ISO 8601 date or epoch milliseconds'],
    ],
    [
      'an impossible date',
      [where('dateUpdated', 'range', { lt: '2026-02-30' })],
      422,
      ['filters.0.value.lt must be an ISO 8601 date or epoch milliseconds'],
    ],
    [
      'a US-style date',
      [where('dateOfBirth', 'range', { lte: '01/31/1990' })],
      422,
      ['filters.0.value.lte must be an ISO 8601 date or epoch milliseconds'],
    ],
    [
      'a boolean date bound',
      [where('customFields.cfDate', 'range', { gt: true })],
      422,
      ['filters.0.value.gt must be an ISO 8601 date or epoch milliseconds'],
    ],
    ['a non-numeric number bound', [where('customFields.cfMoney', 'range', { gt: 'abc' })], 422, ['filters.0.value.gt must be a number']],
    ['an empty group', [group('AND'), { group: 'XOR', filters: [where('city', 'exists')] }], 422, ['filters.0.filters should not be empty']],
    ['an XOR group', [{ group: 'XOR', filters: [where('city', 'exists')] }], 422, ['filters.0.group must be one of the following values: AND, OR']],
    ['a group without filters', [{ group: 'OR' }], 422, ['filters.0.filters must be an array']],
    ['an unknown group property', [{ group: 'OR', filters: [where('city', 'exists')], not: true }], 422, ['property filters.0.not should not exist']],
    [
      'an error three levels down',
      [where('city', 'exists'), group('OR', where('dnd', 'eq', true), group('AND', where('tags', 'eq', 'x'.repeat(80))))],
      422,
      ['filters.1.filters.1.filters.0.value must be shorter than or equal to 75 characters'],
    ],
    [
      'an unknown field inside a group',
      [group('AND', group('OR', where('contact_name', 'eq', 'x')))],
      400,
      'Invalid field contact_name',
    ],
    [
      'opportunities with eq',
      [where('opportunities', 'eq', 'x')],
      422,
      ['filters.0.operator eq is not supported for field opportunities (supported: nested)'],
    ],
    ['nested on another field', [where('tags', 'nested')], 422, ['filters.0.operator nested is not supported for field tags (supported: eq, not_eq, contains, not_contains, exists, not_exists)']],
    [
      'an opportunity filter without sub-filters',
      [{ field: 'opportunities', operator: 'nested', filters: [] }],
      422,
      ['filters.0.filters should not be empty'],
    ],
    [
      'contains on an opportunity sub-field',
      [{ field: 'opportunities', operator: 'nested', filters: [where('status', 'contains', 'op')] }],
      422,
      ['filters.0.filters.0.operator contains is not supported for field opportunities.status (supported: eq, not_eq, exists, not_exists)'],
    ],
    [
      'a value on the nested filter itself',
      [{ field: 'opportunities', operator: 'nested', value: 'x', filters: [where('status', 'exists')] }],
      422,
      ['property filters.0.value should not exist'],
    ],
  ])('refuses %s', (_name, filters, status, messages) => {
    const err = thrown(() => parseSearchBody(body({ filters }), NY));
    expect(err.status).toBe(status);
    expect(err.messages).toEqual(messages);
  });

  it('refuses groups nested deeper than 50 levels and accepts 50', () => {
    const nest = (levels: number): unknown => {
      let f: unknown = where('city', 'exists');
      for (let i = 0; i < levels; i++) f = group(i % 2 ? 'AND' : 'OR', f);
      return f;
    };
    expect(() => parseSearchBody(body({ filters: [nest(49)] }), NY)).not.toThrow();
    const err = thrown(() => parseSearchBody(body({ filters: [nest(50)] }), NY));
    expect(err.status).toBe(422);
    expect(err.messages).toEqual([`filters${'.0.filters'.repeat(49)}.0 nests filter groups deeper than 50 levels`]);
  });

  /** BEHAVIOUR.md §2 "Supported filter fields → operators", plus the unofficial ones. */
  const TABLE: Record<string, string> = {
    id: 'E',
    address: 'ECX',
    assignedTo: 'EX',
    businessName: 'ECX',
    city: 'ECX',
    country: 'EX',
    companyName: 'ECX',
    dateAdded: 'RX',
    dateUpdated: 'RX',
    dnd: 'EX',
    email: 'EX',
    followers: 'EX',
    validEmail: 'EX',
    lastAppointment: 'RX',
    firstNameLowerCase: 'ECX',
    lastNameLowerCase: 'ECX',
    isValidWhatsapp: 'EX',
    lastEmailClickedDate: 'RX',
    lastEmailOpenedDate: 'RX',
    phone: 'ECX',
    postalCode: 'ECX',
    source: 'ECX',
    state: 'ECX',
    tags: 'ECX',
    timezone: 'EX',
    type: 'EX',
    website: 'EX',
    activeWorkflows: 'EX',
    finishedWorkflows: 'EX',
    contactName: 'EX',
    dateOfBirth: 'RX',
    'dndSettings.Call.status': 'E',
    'dndSettings.Email.status': 'E',
    'dndSettings.SMS.status': 'E',
    'dndSettings.WhatsApp.status': 'E',
    'dndSettings.GMB.status': 'E',
    'dndSettings.FB.status': 'E',
    'customFields.cfText': 'ECX',
    'customFields.cfRadio': 'ECX',
    'customFields.cfPhone': 'ECX',
    'customFields.cfCheck': 'EX',
    'customFields.cfMulti': 'EX',
    'customFields.cfNum': 'RXE',
    'customFields.cfMoney': 'RXE',
    'customFields.cfDate': 'RX',
    'customFields.cfList.opt1': 'ECX',
    'customFields.cfFile': '',
  };
  const OPERATOR_GROUPS: [string, string, (field: string) => unknown][] = [
    ['E', 'eq', (f) => (['dnd', 'validEmail', 'isValidWhatsapp'].includes(f) ? true : f.includes('cfNum') || f.includes('cfMoney') ? 1 : 'x')],
    ['E', 'not_eq', (f) => (['dnd', 'validEmail', 'isValidWhatsapp'].includes(f) ? false : f.includes('cfNum') || f.includes('cfMoney') ? 1 : 'x')],
    ['C', 'contains', () => 'x'],
    ['C', 'not_contains', () => 'x'],
    ['X', 'exists', () => undefined],
    ['X', 'not_exists', () => undefined],
    ['R', 'range', (f) => (f.includes('cfNum') || f.includes('cfMoney') ? { gte: 1 } : { gte: '2026-01-01' })],
  ];
  const CASES = Object.entries(TABLE).flatMap(([field, letters]) =>
    OPERATOR_GROUPS.map(([letter, op, value]) => [field, op, letters.includes(letter), value(field)] as const),
  );

  it.each(CASES)('%s %s: allowed=%s', (field, op, allowed, value) => {
    const run = (): SearchQuery => parseSearchBody(body(only(field, op, value)), NY);
    if (allowed) {
      expect(() => run()).not.toThrow();
    } else {
      const err = thrown(run);
      expect(err.status).toBe(422);
      expect(String(err.messages)).toContain(`operator ${op} is not supported for field ${field}`);
    }
  });
});

describe('runSearch: operators on standard fields', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['firstNameLowerCase eq is case-insensitive', only('firstNameLowerCase', 'eq', 'ANN'), ['m01']],
    ['firstNameLowerCase not_eq includes contacts without one', only('firstNameLowerCase', 'not_eq', 'ann'), except('m01')],
    ['firstNameLowerCase contains', only('firstNameLowerCase', 'contains', 'A'), ['m01', 'm03', 'm06']],
    ['firstNameLowerCase not_contains', only('firstNameLowerCase', 'not_contains', 'a'), ['m02', 'm04', 'm05', 'm07']],
    ['firstNameLowerCase exists', only('firstNameLowerCase', 'exists'), ['m01', 'm02', 'm03', 'm06', 'm07']],
    ['firstNameLowerCase not_exists', only('firstNameLowerCase', 'not_exists'), ['m04', 'm05']],
    ['lastNameLowerCase eq', only('lastNameLowerCase', 'eq', 'lee'), ['m01', 'm06']],
    ['contactName eq full name', only('contactName', 'eq', 'Ann Lee'), ['m01']],
    ['contactName eq first name only', only('contactName', 'eq', 'carla'), ['m03']],
    ['contactName eq last name only', only('contactName', 'eq', 'diaz'), ['m04']],
    ['contactName eq is not a substring match', only('contactName', 'eq', 'ann'), []],
    ['contactName exists', only('contactName', 'exists'), except('m05')],
    ['contactName not_exists', only('contactName', 'not_exists'), ['m05']],
    ['address is address1', only('address', 'eq', '1 MAIN ST'), ['m01']],
    ['address contains', only('address', 'contains', 'main'), ['m01', 'm04']],
    ['city eq', only('city', 'eq', 'BOSTON'), ['m01', 'm03']],
    ['city not_eq', only('city', 'not_eq', 'boston'), ['m02', 'm04', 'm05', 'm06', 'm07']],
    ['city contains', only('city', 'contains', 'ondo'), ['m02']],
    ['state eq', only('state', 'eq', 'ny'), ['m04']],
    ['country eq', only('country', 'eq', 'us'), ['m01']],
    ['country not_exists', only('country', 'not_exists'), ['m03', 'm04', 'm05', 'm06', 'm07']],
    ['postalCode contains', only('postalCode', 'contains', '1a'), ['m02']],
    ['postalCode eq with a number value', only('postalCode', 'eq', 2108), []],
    ['postalCode eq', only('postalCode', 'eq', '02108'), ['m01']],
    ['companyName contains', only('companyName', 'contains', 'ACME'), ['m01', 'm06']],
    ['companyName not_contains', only('companyName', 'not_contains', 'acme'), ['m02', 'm03', 'm04', 'm05', 'm07']],
    ['businessName is the business name when known', only('businessName', 'eq', 'acme holdings'), ['m01']],
    ['businessName falls back to companyName', only('businessName', 'eq', 'Acme Inc'), ['m06']],
    ['businessName contains', only('businessName', 'contains', 'stone'), ['m02']],
    ['businessName exists', only('businessName', 'exists'), ['m01', 'm02', 'm06']],
    ['source eq', only('source', 'eq', 'WEB FORM'), ['m01', 'm06']],
    ['source contains', only('source', 'contains', 'web'), ['m01', 'm03', 'm06']],
    ['source not_contains', only('source', 'not_contains', 'web'), ['m02', 'm04', 'm05', 'm07']],
    ['website eq', only('website', 'eq', 'ACME.TEST'), ['m01']],
    ['timezone eq', only('timezone', 'eq', 'america/new_york'), ['m01']],
    ['type eq', only('type', 'eq', 'customer'), ['m02']],
    ['type not_eq', only('type', 'not_eq', 'customer'), except('m02')],
    ['email eq compares lower-cased', only('email', 'eq', 'bob@example.com'), ['m02']],
    ['email eq mixed case', only('email', 'eq', 'ANN.LEE@example.COM'), ['m01']],
    ['email not_eq', only('email', 'not_eq', 'bob@example.com'), except('m02')],
    ['email exists', only('email', 'exists'), ['m01', 'm02', 'm03', 'm06']],
    ['email not_exists', only('email', 'not_exists'), ['m04', 'm05', 'm07']],
    ['validEmail eq true', only('validEmail', 'eq', true), ['m01', 'm02', 'm06']],
    ['validEmail eq false', only('validEmail', 'eq', false), ['m03']],
    ['validEmail not_eq true', only('validEmail', 'not_eq', 'true'), ['m03', 'm04', 'm05', 'm07']],
    ['validEmail exists', only('validEmail', 'exists'), ['m01', 'm02', 'm03', 'm06']],
    ['phone eq E.164', only('phone', 'eq', '+14155552671'), ['m01']],
    ['phone eq without country code finds nothing', only('phone', 'eq', '4155552671'), []],
    ['phone eq formatted finds nothing', only('phone', 'eq', '+1 415-555-2671'), []],
    ['phone contains digits', only('phone', 'contains', '415555'), ['m01', 'm04']],
    ['phone contains formatted digits', only('phone', 'contains', '(415) 555-26'), ['m01']],
    ['phone contains without digits', only('phone', 'contains', 'abc'), []],
    ['phone not_contains', only('phone', 'not_contains', '415'), ['m02', 'm03', 'm05', 'm06', 'm07']],
    ['phone exists', only('phone', 'exists'), ['m01', 'm02', 'm04']],
    ['tags eq is membership', only('tags', 'eq', 'VIP'), ['m01']],
    ['tags eq another tag', only('tags', 'eq', 'vip-gold'), ['m03']],
    ['tags not_eq', only('tags', 'not_eq', 'vip'), except('m01')],
    ['tags contains', only('tags', 'contains', 'vip'), ['m01', 'm03']],
    ['tags not_contains', only('tags', 'not_contains', 'vip'), ['m02', 'm04', 'm05', 'm06', 'm07']],
    ['tags exists', only('tags', 'exists'), ['m01', 'm02', 'm03', 'm06']],
    ['tags not_exists', only('tags', 'not_exists'), ['m04', 'm05', 'm07']],
    ['dnd eq true', only('dnd', 'eq', true), ['m02']],
    ['dnd eq "false"', only('dnd', 'eq', 'false'), except('m02')],
    ['dnd not_eq true', only('dnd', 'not_eq', true), except('m02')],
    ['dnd exists', only('dnd', 'exists'), ALL],
    ['dnd not_exists', only('dnd', 'not_exists'), []],
    ['dndSettings.Email.status eq', only('dndSettings.Email.status', 'eq', 'active'), ['m01']],
    ['dndSettings.Email.status not_eq', only('dndSettings.Email.status', 'not_eq', 'active'), except('m01')],
    ['dndSettings.SMS.status eq', only('dndSettings.SMS.status', 'eq', 'PERMANENT'), ['m01']],
    ['dndSettings on an unused value', only('dndSettings.Call.status', 'eq', 'active'), []],
    ['followers eq', only('followers', 'eq', 'u2'), ['m01', 'm02']],
    ['followers eq compares ids exactly', only('followers', 'eq', 'U2'), []],
    ['followers not_exists', only('followers', 'not_exists'), ['m03', 'm04', 'm05', 'm06', 'm07']],
    ['assignedTo eq', only('assignedTo', 'eq', 'u1'), ['m01']],
    ['assignedTo exists', only('assignedTo', 'exists'), ['m01', 'm02']],
    ['activeWorkflows eq', only('activeWorkflows', 'eq', 'w1'), ['m01']],
    ['finishedWorkflows exists', only('finishedWorkflows', 'exists'), []],
    ['finishedWorkflows not_exists', only('finishedWorkflows', 'not_exists'), ALL],
    ['id eq', only('id', 'eq', 'm03'), ['m03']],
    ['id not_eq', only('id', 'not_eq', 'm03'), except('m03')],
    ['isValidWhatsapp eq', only('isValidWhatsapp', 'eq', true), []],
    ['isValidWhatsapp not_eq', only('isValidWhatsapp', 'not_eq', true), ALL],
    ['lastEmailOpenedDate exists', only('lastEmailOpenedDate', 'exists'), []],
    ['lastEmailClickedDate range', only('lastEmailClickedDate', 'range', { gte: 0 }), []],
    ['lastAppointment not_exists', only('lastAppointment', 'not_exists'), ALL],
    ['dateAdded exists', only('dateAdded', 'exists'), ALL],
    ['dateUpdated not_exists', only('dateUpdated', 'not_exists'), []],
    ['dateUpdated range', only('dateUpdated', 'range', { gt: '2026-02-15' }), ['m01']],
    ['dateOfBirth exists', only('dateOfBirth', 'exists'), ['m01', 'm02']],
    ['dateOfBirth one calendar day in a UTC-5 location', only('dateOfBirth', 'range', { gte: '1990-09-25', lte: '1990-09-25' }), ['m01']],
    ['dateOfBirth lt', only('dateOfBirth', 'range', { lt: '1986-01-01' }), ['m02']],
    ['opportunities eq matches nothing', { filters: [{ field: 'opportunities', operator: 'nested', filters: [where('status', 'eq', 'open')] }] }, []],
    ['opportunities not_exists matches all', { filters: [{ field: 'opportunities', operator: 'nested', filters: [where('pipelineId', 'not_exists')] }] }, ALL],
    [
      'opportunities with two sub-filters',
      { filters: [{ field: 'opportunities', operator: 'nested', filters: [where('pipelineId', 'eq', 'p1'), where('status', 'not_eq', 'won')] }] },
      [],
    ],
    [
      'opportunities negative sub-filters',
      { filters: [{ field: 'opportunities', operator: 'nested', filters: [where('pipelineStageId', 'not_eq', 's1'), where('status', 'not_exists')] }] },
      ALL,
    ],
  ])('%s', (_name, extra, expected) => {
    expect(search(extra)).toEqual(expected);
  });
});

describe('runSearch: custom fields by type', () => {
  const cf = (id: string, operator: string, value?: unknown): Record<string, unknown> => only(`customFields.${id}`, operator, value);
  it.each<[string, Record<string, unknown>, string[]]>([
    ['TEXT eq', cf('cfText', 'eq', 'gold member'), ['m01']],
    ['TEXT not_eq', cf('cfText', 'not_eq', 'GOLD MEMBER'), except('m01')],
    ['TEXT contains', cf('cfText', 'contains', 'IL'), ['m02']],
    ['TEXT not_contains', cf('cfText', 'not_contains', 'il'), except('m02')],
    ['TEXT exists (an empty value is missing)', cf('cfText', 'exists'), ['m01', 'm02']],
    ['TEXT not_exists', cf('cfText', 'not_exists'), ['m03', 'm04', 'm05', 'm06', 'm07']],
    ['RADIO eq', cf('cfRadio', 'eq', 'option a'), ['m01']],
    ['PHONE eq is exact', cf('cfPhone', 'eq', '+1 (415) 555-0100'), ['m01']],
    ['PHONE eq other format', cf('cfPhone', 'eq', '+14155550100'), []],
    ['PHONE contains digits', cf('cfPhone', 'contains', '4155550100'), ['m01']],
    ['CHECKBOX eq', cf('cfCheck', 'eq', 'yes'), ['m01']],
    ['CHECKBOX not_eq', cf('cfCheck', 'not_eq', 'yes'), except('m01')],
    ['CHECKBOX exists', cf('cfCheck', 'exists'), ['m01', 'm02']],
    ['MULTIPLE_OPTIONS eq = array contains', cf('cfMulti', 'eq', 'blue'), ['m01']],
    ['MULTIPLE_OPTIONS eq other', cf('cfMulti', 'eq', 'Green'), ['m02']],
    ['MULTIPLE_OPTIONS not_eq', cf('cfMulti', 'not_eq', 'red'), except('m01')],
    ['MULTIPLE_OPTIONS not_exists', cf('cfMulti', 'not_exists'), except('m01', 'm02')],
    ['NUMERICAL range gt (numeric string values count)', cf('cfNum', 'range', { gt: 7.5 }), ['m01', 'm02']],
    ['NUMERICAL range gte+lte', cf('cfNum', 'range', { gte: 7.5, lte: '10' }), ['m01', 'm03']],
    ['NUMERICAL range lt', cf('cfNum', 'range', { lt: 10 }), ['m03']],
    ['NUMERICAL eq', cf('cfNum', 'eq', 25), ['m02']],
    ['NUMERICAL eq numeric string', cf('cfNum', 'eq', '10'), ['m01']],
    ['NUMERICAL not_eq', cf('cfNum', 'not_eq', 10), except('m01')],
    ['NUMERICAL exists', cf('cfNum', 'exists'), ['m01', 'm02', 'm03']],
    ['NUMERICAL empty range', cf('cfNum', 'range', { gt: 10, lt: 10 }), []],
    ['MONETORY range lt', cf('cfMoney', 'range', { lt: 100 }), ['m02']],
    ['MONETORY eq', cf('cfMoney', 'eq', 100.5), ['m01']],
    ['DATE range gte (string, number and ISO values)', cf('cfDate', 'range', { gte: '2026-03-16' }), ['m02', 'm03']],
    ['DATE range lte is the whole UTC day', cf('cfDate', 'range', { lte: '2026-03-15' }), ['m01']],
    ['DATE range gt is after the whole day', cf('cfDate', 'range', { gt: '2026-03-15' }), ['m02', 'm03']],
    ['DATE range with epoch ms', cf('cfDate', 'range', { gte: Date.UTC(2026, 2, 16), lt: Date.UTC(2026, 2, 17) }), ['m02']],
    ['DATE exists', cf('cfDate', 'exists'), ['m01', 'm02', 'm03']],
    ['TEXTBOX_LIST option eq', cf('cfList.opt1', 'eq', 'alpha'), ['m01']],
    ['TEXTBOX_LIST option contains', cf('cfList.opt1', 'contains', 'ALPHA'), ['m01', 'm02']],
    ['TEXTBOX_LIST option exists', cf('cfList.opt2', 'exists'), ['m01']],
    ['TEXTBOX_LIST option not_exists', cf('cfList.opt2', 'not_exists'), except('m01')],
    ['TEXTBOX_LIST unknown option', cf('cfList.opt9', 'exists'), []],
  ])('%s', (_name, extra, expected) => {
    expect(search(extra)).toEqual(expected);
  });
});

describe('runSearch: groups', () => {
  it.each<[string, unknown[], string[]]>([
    ['no filters', [], ALL],
    ['top level is AND', [where('tags', 'exists'), where('city', 'exists')], ['m01', 'm02', 'm03']],
    ['an OR group', [group('OR', where('city', 'eq', 'london'), where('state', 'eq', 'ny'))], ['m02', 'm04']],
    ['an OR group of one', [group('OR', where('dnd', 'eq', true))], ['m02']],
    ['an AND group inside OR', [group('OR', group('AND', where('tags', 'eq', 'vip'), where('city', 'eq', 'boston')), where('id', 'eq', 'm05'))], ['m01', 'm05']],
    [
      'three levels: OR[AND[tags, OR[city, city]], dnd]',
      [
        group(
          'OR',
          group('AND', where('tags', 'eq', 'vip'), group('OR', where('city', 'eq', 'boston'), where('city', 'eq', 'london'))),
          where('dnd', 'eq', true),
        ),
      ],
      ['m01', 'm02'],
    ],
    [
      'three levels under the top-level AND',
      [
        group('OR', where('tags', 'contains', 'vip'), where('tags', 'eq', 'newsletter')),
        group('AND', group('OR', where('firstNameLowerCase', 'eq', 'carla'), where('lastNameLowerCase', 'eq', 'lee')), where('city', 'not_eq', 'boston')),
      ],
      ['m06'],
    ],
    [
      'four levels',
      [
        group(
          'OR',
          group('AND', group('OR', group('AND', where('tags', 'eq', 'vip'), where('dnd', 'eq', false)), where('phone', 'exists')), where('country', 'exists')),
          where('id', 'eq', 'm07'),
        ),
      ],
      ['m01', 'm02', 'm07'],
    ],
    ['an OR that can never match', [group('OR', where('finishedWorkflows', 'exists'), where('isValidWhatsapp', 'eq', true))], []],
    ['an AND with an always-true member', [group('AND', where('dateAdded', 'exists'), where('city', 'eq', 'london'))], ['m02']],
  ])('%s', (_name, filters, expected) => {
    expect(search({ filters })).toEqual(expected);
  });
});

describe('runSearch: query', () => {
  it.each<[string, string, string[]]>([
    ['first name', 'ann', ['m01']],
    ['last name, any case', 'LEE', ['m01', 'm06']],
    ['full name', 'ann lee', ['m01']],
    ['email', 'example.com', ['m01', 'm02']],
    ['company name', 'acme', ['m01', 'm06']],
    ['phone digits', '555-2671', ['m01']],
    ['phone with punctuation', '(415)', ['m01', 'm04']],
    ['digits do not match when mixed with letters', 'ann 415', []],
    ['a blank query', '   ', ALL],
    ['no match', 'zzz', []],
  ])('%s', (_name, query, expected) => {
    expect(search({ query })).toEqual(expected);
  });

  it('combines with filters', () => {
    expect(search({ query: 'lee', filters: [where('tags', 'eq', 'newsletter'), where('email', 'eq', 'dana@example.org')] })).toEqual(['m06']);
  });
});

describe('runSearch: date-only ranges are days in the location timezone', () => {
  const added = (range: Record<string, unknown>): Record<string, unknown> => only('dateAdded', 'range', range);
  it.each<[string, string, Record<string, unknown>, string[]]>([
    ['America/New_York', 'gte a day starts at local midnight', { gte: '2026-01-01' }, except('m01')],
    ['America/New_York', 'lt a day ends before local midnight', { lt: '2026-01-01' }, ['m01']],
    ['America/New_York', 'lte includes the whole local day', { lte: '2026-01-31' }, ['m01', 'm02', 'm03', 'm04']],
    ['America/New_York', 'gt starts after the whole local day', { gt: '2026-01-31' }, ['m05', 'm06', 'm07']],
    ['America/New_York', 'gte+lte one month', { gte: '2026-01-01', lte: '2026-01-31' }, ['m02', 'm03', 'm04']],
    ['America/New_York', 'summer time (UTC-4)', { gte: '2026-07-01' }, ['m07']],
    ['America/New_York', 'lte in summer time', { lte: '2026-06-30' }, except('m07')],
    ['America/New_York', 'a date-time without zone is local', { gte: '2026-01-01T00:00:00' }, except('m01')],
    ['America/New_York', 'a UTC date-time is exact', { gte: '2026-01-01T05:00:00Z' }, except('m01')],
    ['America/New_York', 'a date-time with milliseconds', { gt: '2026-01-01T04:59:59.999Z' }, except('m01')],
    ['America/New_York', 'a date-time with an offset', { gte: '2026-01-01T00:00:00-05:00' }, except('m01')],
    ['America/New_York', 'a UTC midnight', { gte: '2026-01-01T00:00:00.000+00:00' }, ALL],
    ['America/New_York', 'epoch ms gte', { gte: ms('2026-01-01T05:00:00.000Z') }, except('m01')],
    ['America/New_York', 'epoch ms gt', { gt: ms('2026-01-01T05:00:00.000Z') }, except('m01', 'm02')],
    ['America/New_York', 'epoch ms lte', { lte: ms('2026-01-31T12:00:00.000Z') }, ['m01', 'm02', 'm03']],
    ['UTC', 'gte', { gte: '2026-01-01' }, ALL],
    ['UTC', 'lte', { lte: '2026-01-31' }, ['m01', 'm02', 'm03']],
    ['Asia/Kolkata', 'lte (UTC+5:30)', { lte: '2026-01-01' }, ['m01', 'm02']],
    ['Asia/Kolkata', 'gte (UTC+5:30)', { gte: '2026-02-01' }, ['m04', 'm05', 'm06', 'm07']],
    ['Pacific/Auckland', 'gte in summer time (UTC+13)', { gte: '2026-02-01' }, ['m03', 'm04', 'm05', 'm06', 'm07']],
    ['Pacific/Auckland', 'lt in winter time (UTC+12)', { lt: '2026-07-01' }, ['m01', 'm02', 'm03', 'm04', 'm05']],
    ['Not/AZone', 'an unknown zone counts as UTC', { lte: '2026-01-31' }, ['m01', 'm02', 'm03']],
  ])('%s: %s', (tz, _name, range, expected) => {
    expect(search(added(range), context(tz))).toEqual(expected);
  });

  it.each<[string, [number, number, number, number?, number?], string]>([
    ['America/New_York', [2026, 3, 8], '2026-03-08T05:00:00.000Z'],
    ['America/New_York', [2026, 3, 9], '2026-03-09T04:00:00.000Z'],
    ['America/New_York', [2026, 3, 8, 2, 30], '2026-03-08T07:30:00.000Z'],
    ['America/New_York', [2026, 11, 1, 1, 30], '2026-11-01T05:30:00.000Z'],
    ['America/New_York', [2026, 12, 32], '2027-01-01T05:00:00.000Z'],
    ['America/Santiago', [2026, 9, 6], '2026-09-06T04:00:00.000Z'],
    ['Asia/Kolkata', [2026, 1, 1], '2025-12-31T18:30:00.000Z'],
    ['Pacific/Chatham', [2026, 1, 1], '2025-12-31T10:15:00.000Z'],
    ['UTC', [1, 1, 1], '0001-01-01T00:00:00.000Z'],
  ])('zonedTimeToEpoch %s %j', (tz, [y, m, d, h, mi], expected) => {
    expect(new Date(zonedTimeToEpoch(tz, y, m, d, h, mi)).toISOString()).toBe(expected);
  });
});

/** Five contacts whose sort values tie and go missing in every field. */
const SORTABLE: readonly ContactRecord[] = [
  contact({ id: 's1', firstName: 'bob', lastName: 'Young', companyName: 'Zeta', dateAdded: 3, dateUpdated: 30, email: 'b@x.io', source: 'web' }),
  contact({
    id: 's2',
    firstName: 'Amy',
    lastName: 'young',
    businessId: 'b1',
    companyName: 'Zeta',
    dateAdded: 1,
    dateUpdated: 30,
    email: 'A@x.io',
    dnd: true,
    source: 'Import',
  }),
  contact({ id: 's3', lastName: 'Adams', companyName: 'beta', dateAdded: 2, dateUpdated: 10 }),
  contact({ id: 's4', firstName: 'amy', dateAdded: 1, dateUpdated: 20, email: 'c@x.io', dnd: true, source: 'web' }),
  contact({ id: 's5', firstName: 'Carl', lastName: 'Brown', companyName: 'Acme', dateAdded: 3, dateUpdated: 10, email: 'a@x.io', source: 'api' }),
];
const SORT_CTX = context('UTC', new Map([['b1', 'Acme']]));

describe('runSearch: sort', () => {
  it.each<[string, 'asc' | 'desc', string[], (string | number | null)[]]>([
    ['firstNameLowerCase', 'asc', ['s2', 's4', 's1', 's5', 's3'], ['amy', 's2']],
    ['firstNameLowerCase', 'desc', ['s5', 's1', 's2', 's4', 's3'], ['carl', 's5']],
    ['lastNameLowerCase', 'asc', ['s3', 's5', 's1', 's2', 's4'], ['adams', 's3']],
    ['lastNameLowerCase', 'desc', ['s1', 's2', 's5', 's3', 's4'], ['young', 's1']],
    ['businessName', 'asc', ['s2', 's5', 's3', 's1', 's4'], ['acme', 's2']],
    ['businessName', 'desc', ['s1', 's3', 's2', 's5', 's4'], ['zeta', 's1']],
    ['dateAdded', 'asc', ['s2', 's4', 's3', 's1', 's5'], [1, 's2']],
    ['dateAdded', 'desc', ['s1', 's5', 's3', 's2', 's4'], [3, 's1']],
    ['dateUpdated', 'asc', ['s3', 's5', 's4', 's1', 's2'], [10, 's3']],
    ['dateUpdated', 'desc', ['s1', 's2', 's4', 's3', 's5'], [30, 's1']],
    ['email', 'asc', ['s2', 's5', 's1', 's4', 's3'], ['a@x.io', 's2']],
    ['email', 'desc', ['s4', 's1', 's2', 's5', 's3'], ['c@x.io', 's4']],
    ['dnd', 'asc', ['s1', 's3', 's5', 's2', 's4'], [0, 's1']],
    ['dnd', 'desc', ['s2', 's4', 's1', 's3', 's5'], [1, 's2']],
    ['source', 'asc', ['s5', 's2', 's1', 's4', 's3'], ['api', 's5']],
    ['source', 'desc', ['s1', 's4', 's2', 's5', 's3'], ['web', 's1']],
  ])('%s %s (ties by id asc, missing last)', (field, direction, expected, firstCursor) => {
    const index = snapshot(SORTABLE);
    const sort = [{ field, direction }];
    expect(search({ sort }, SORT_CTX, index)).toEqual(expected);

    const query = parseSearchBody(body({ sort }), SORT_CTX);
    const first = runSearch(index, query, SORT_CTX).contacts[0]!;
    expect(toSearchHit(first, query, SORT_CTX).searchAfter).toEqual(firstCursor);

    // Walking two at a time with the cursor gives the same order.
    const walked: string[] = [];
    let cursor: unknown[] | undefined;
    for (;;) {
      const q = parseSearchBody(body({ sort, pageLimit: 2, ...(cursor ? { searchAfter: cursor } : {}) }), SORT_CTX);
      const page = runSearch(index, q, SORT_CTX).contacts;
      walked.push(...page.map((c) => c.id));
      if (page.length < 2) break;
      cursor = searchAfterOf(page[page.length - 1]!, q);
    }
    expect(walked).toEqual(expected);
  });

  it.each<[string, { field: string; direction: string }[], string[], (string | number | null)[]]>([
    [
      'dnd desc, firstNameLowerCase asc',
      [{ field: 'dnd', direction: 'desc' }, { field: 'firstNameLowerCase', direction: 'asc' }],
      ['s2', 's4', 's1', 's5', 's3'],
      [1, 'amy', 's2'],
    ],
    [
      'dateAdded desc, lastNameLowerCase desc',
      [{ field: 'dateAdded', direction: 'desc' }, { field: 'lastNameLowerCase', direction: 'desc' }],
      ['s1', 's5', 's3', 's2', 's4'],
      [3, 'young', 's1'],
    ],
    [
      'source asc, dateUpdated desc',
      [{ field: 'source', direction: 'asc' }, { field: 'dateUpdated', direction: 'desc' }],
      ['s5', 's2', 's1', 's4', 's3'],
      ['api', 10, 's5'],
    ],
  ])('two keys: %s', (_name, sort, expected, firstCursor) => {
    const index = snapshot(SORTABLE);
    expect(search({ sort }, SORT_CTX, index)).toEqual(expected);
    const query = parseSearchBody(body({ sort }), SORT_CTX);
    expect(searchAfterOf(SORTABLE.find((c) => c.id === expected[0])!, query)).toEqual(firstCursor);
  });
});

describe('runSearch: paging', () => {
  it.each<[string, Record<string, unknown>, string[], number]>([
    ['page 1 by default', { pageLimit: 3 }, ['m01', 'm02', 'm03'], 7],
    ['page 2', { pageLimit: 3, page: 2 }, ['m04', 'm05', 'm06'], 7],
    ['the last, short page', { pageLimit: 3, page: 3 }, ['m07'], 7],
    ['past the end', { pageLimit: 3, page: 4 }, [], 7],
    ['total counts all matches', { pageLimit: 1, filters: [where('email', 'exists')] }, ['m01'], 4],
    ['searchAfter a hit', { pageLimit: 2, searchAfter: [ms('2026-01-31T12:00:00.000Z'), 'm03'] }, ['m04', 'm05'], 7],
    ['searchAfter a contact that no longer exists', { pageLimit: 2, searchAfter: [ms('2026-01-31T12:00:00.000Z'), 'm03x'] }, ['m04', 'm05'], 7],
    ['searchAfter the last hit', { pageLimit: 2, searchAfter: [ms('2026-07-01T04:00:00.000Z'), 'm07'] }, [], 7],
    ['searchAfter before everything', { pageLimit: 2, searchAfter: [0, ''] }, ['m01', 'm02'], 7],
  ])('%s', (_name, extra, expected, total) => {
    const query = parseSearchBody(body(extra), NY);
    const result = runSearch(PEOPLE_INDEX, query, NY);
    expect(result.contacts.map((c) => c.id)).toEqual(expected);
    expect(result.total).toBe(total);
  });
});

/** Ids of 20 [A-Za-z0-9] chars from a seeded generator, so the order is not the insertion order. */
function seededIds(n: number, seed = 42): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const ids = new Set<string>();
  while (ids.size < n) {
    let id = '';
    for (let i = 0; i < 20; i++) id += alphabet[(next() >>> 16) % 62];
    ids.add(id);
  }
  return [...ids];
}

function walk(index: SearchIndexSnapshot | (() => SearchIndexSnapshot), extra: Record<string, unknown>, ctx = NY, onPage?: (page: number) => void): string[] {
  const out: string[] = [];
  let cursor: unknown[] | undefined;
  for (let page = 0; ; page++) {
    const q = parseSearchBody(body({ ...extra, ...(cursor ? { searchAfter: cursor } : {}) }), ctx);
    const snap = typeof index === 'function' ? index() : index;
    const { contacts } = runSearch(snap, q, ctx);
    out.push(...contacts.map((c) => c.id));
    if (contacts.length < q.pageLimit) return out;
    cursor = toSearchHit(contacts[contacts.length - 1]!, q, ctx).searchAfter as unknown[];
    // The cursor survives JSON, as it does over HTTP.
    cursor = JSON.parse(JSON.stringify(cursor)) as unknown[];
    onPage?.(page);
  }
}

describe('searchAfter walk over 12,000 contacts sharing one dateAdded', () => {
  const SAME = ms('2026-01-01T00:00:00.000Z');
  const IDS = seededIds(12_000);
  const NAMES = ['Ann', 'bob', undefined, 'Carl'];
  const CROWD = IDS.map((id, i) => contact({ id, dateAdded: SAME, firstName: NAMES[i % 4], dateUpdated: SAME + (i % 7) }));
  const INDEX = snapshot(CROWD);

  it('returns each contact exactly once, in id order', () => {
    const walked = walk(INDEX, {});
    expect(walked.length).toBe(12_000);
    expect(new Set(walked).size).toBe(12_000);
    expect(walked).toEqual([...IDS].sort());
  });

  it('returns each contact exactly once with a secondary sort', () => {
    const sort = [
      { field: 'firstNameLowerCase', direction: 'desc' },
      { field: 'dateUpdated', direction: 'asc' },
    ];
    const walked = walk(INDEX, { sort });
    expect(walked.length).toBe(12_000);
    expect(new Set(walked).size).toBe(12_000);
    const rank = (name: string | undefined): number => (name === undefined ? 9 : -'abc'.indexOf(name[0]!.toLowerCase()));
    const expected = [...CROWD]
      .sort((a, b) => rank(a.firstName) - rank(b.firstName) || a.dateUpdated - b.dateUpdated || (a.id < b.id ? -1 : 1))
      .map((c) => c.id);
    expect(walked).toEqual(expected);
  });

  it('returns each contact exactly once with a filter and an odd page size', () => {
    const walked = walk(INDEX, { pageLimit: 333, filters: [where('firstNameLowerCase', 'exists')] });
    expect(walked.length).toBe(9_000);
    expect(new Set(walked).size).toBe(9_000);
  });

  it('never repeats or skips a contact that lives through the walk while others come and go', () => {
    const contacts = new Map(CROWD.map((c) => [c.id, c]));
    let version = 1;
    const extra = seededIds(200, 7);
    const removed = new Set<string>();
    const walked = walk(
      () => ({ version, contacts }),
      { pageLimit: 500 },
      NY,
      (page) => {
        // Between pages: add 8 contacts with the same dateAdded, delete 5.
        for (const id of extra.slice(page * 8, page * 8 + 8)) contacts.set(`n${id.slice(1)}`, contact({ id: `n${id.slice(1)}`, dateAdded: SAME }));
        for (const id of IDS.slice(page * 5, page * 5 + 5)) {
          contacts.delete(id);
          removed.add(id);
        }
        version++;
      },
    );
    const survivors = IDS.filter((id) => !removed.has(id));
    const seen = new Map<string, number>();
    for (const id of walked) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(survivors.every((id) => seen.get(id) === 1)).toBe(true);
  });
});

describe('the result cache', () => {
  it('sees a change once the version moves, even in the same Map', () => {
    const contacts = new Map(PEOPLE.map((c) => [c.id, c]));
    const engine = new SearchEngine();
    const q = parseSearchBody(body(only('tags', 'eq', 'vip')), NY);
    expect(engine.run({ version: 1, contacts }, q, NY).contacts.map((c) => c.id)).toEqual(['m01']);
    contacts.set('m05', contact({ id: 'm05', tags: ['vip'], dateAdded: PEOPLE[4]!.dateAdded }));
    // Same version: the cached result stands (the store must bump the version on change).
    expect(engine.run({ version: 1, contacts }, q, NY).total).toBe(1);
    expect(engine.run({ version: 2, contacts }, q, NY).contacts.map((c) => c.id)).toEqual(['m01', 'm05']);
  });

  it('keys by the filters, not by paging, and shares equivalent filters', () => {
    const engine = new SearchEngine();
    const a = parseSearchBody(body({ ...only('tags', 'eq', 'VIP'), page: 2, pageLimit: 1 }), NY);
    const b = parseSearchBody(body({ ...only('tags', 'eq', 'vip') }), NY);
    expect(a.cacheKey).toBe(b.cacheKey);
    expect(engine.sorted(PEOPLE_INDEX, a, NY)).toBe(engine.sorted(PEOPLE_INDEX, b, NY));
    const c = parseSearchBody(body({ ...only('tags', 'eq', 'vip'), sort: [{ field: 'dateAdded', direction: 'desc' }] }), NY);
    expect(c.cacheKey).not.toBe(a.cacheKey);
  });

  it('follows business names when the query depends on them', () => {
    const engine = new SearchEngine();
    const q = parseSearchBody(body(only('businessName', 'eq', 'new name')), NY);
    expect(q.usesBusinessNames).toBe(true);
    expect(engine.run(PEOPLE_INDEX, q, NY).total).toBe(0);
    const renamed = context('America/New_York', new Map([['b1', 'New Name']]));
    expect(engine.run(PEOPLE_INDEX, q, renamed).contacts.map((c) => c.id)).toEqual(['m01']);
  });

  it('works with the cache turned off', () => {
    const engine = new SearchEngine({ cacheSize: 0 });
    const q = parseSearchBody(body({ pageLimit: 2, page: 2 }), NY);
    expect(engine.run(PEOPLE_INDEX, q, NY).contacts.map((c) => c.id)).toEqual(['m03', 'm04']);
    expect(() => new SearchEngine({ cacheSize: -1 })).toThrow('Expected `cacheSize` to be an integer >= 0, got `-1` (number)');
  });
});

describe('toSearchHit', () => {
  const query = parseSearchBody(body(), NY);

  it('shapes a full contact', () => {
    const hit = toSearchHit(PEOPLE[0]!, query, NY);
    expect(hit).toEqual({
      id: 'm01',
      locationId: LOC,
      contactName: 'ann lee',
      firstNameLowerCase: 'ann',
      lastNameLowerCase: 'lee',
      firstNameRaw: 'Ann',
      lastNameRaw: 'Lee',
      email: 'Ann.Lee@Example.com',
      phone: '+14155552671',
      phoneLabel: null,
      companyName: 'Acme Inc',
      businessName: 'Acme Holdings',
      address: '1 Main St',
      city: 'Boston',
      state: 'MA',
      country: 'US',
      postalCode: '02108',
      website: 'acme.test',
      timezone: 'America/New_York',
      source: 'Web Form',
      type: 'lead',
      dnd: false,
      dndSettings: { Email: { status: 'active' }, SMS: { status: 'permanent', message: 'STOP' } },
      tags: ['vip', 'newsletter'],
      customFields: [
        { id: 'cfText', value: 'Gold Member' },
        { id: 'cfRadio', value: 'Option A' },
        { id: 'cfPhone', value: '+1 (415) 555-0100' },
        { id: 'cfCheck', value: ['Yes'] },
        { id: 'cfMulti', value: ['Red', 'Blue'] },
        { id: 'cfNum', value: 10 },
        { id: 'cfMoney', value: 100.5 },
        { id: 'cfDate', value: '2026-03-15' },
        { id: 'cfList', value: { opt1: 'Alpha', opt2: 'Beta' } },
      ],
      dateOfBirth: '1990-09-25T00:00:00.000Z',
      dateAdded: '2026-01-01T04:59:59.999Z',
      dateUpdated: '2026-03-01T00:00:00.000Z',
      lastActivity: '2026-02-02T10:00:00.000Z',
      assignedTo: 'u1',
      followers: ['u1', 'u2'],
      businessId: 'b1',
      additionalEmails: ['ann@home.test'],
      additionalPhones: ['+14155550199'],
      validEmail: true,
      opportunities: [],
      searchAfter: [ms('2026-01-01T04:59:59.999Z'), 'm01'],
    });
    expect(Object.keys(hit)).toEqual([
      'id', 'locationId', 'contactName', 'firstNameLowerCase', 'lastNameLowerCase', 'firstNameRaw', 'lastNameRaw',
      'email', 'phone', 'phoneLabel', 'companyName', 'businessName', 'address', 'city', 'state', 'country',
      'postalCode', 'website', 'timezone', 'source', 'type', 'dnd', 'dndSettings', 'tags', 'customFields',
      'dateOfBirth', 'dateAdded', 'dateUpdated', 'lastActivity', 'assignedTo', 'followers', 'businessId',
      'additionalEmails', 'additionalPhones', 'validEmail', 'opportunities', 'searchAfter',
    ]);
  });

  it('leaves out what a sparse contact lacks', () => {
    expect(toSearchHit(PEOPLE[4]!, query, NY)).toEqual({
      id: 'm05',
      locationId: LOC,
      phoneLabel: null,
      type: 'lead',
      dnd: false,
      tags: [],
      customFields: [],
      dateAdded: '2026-02-01T05:00:00.000Z',
      dateUpdated: '2026-01-01T00:00:00.000Z',
      lastActivity: null,
      followers: [],
      additionalEmails: [],
      additionalPhones: [],
      opportunities: [],
      searchAfter: [ms('2026-02-01T05:00:00.000Z'), 'm05'],
    });
  });

  it('uses companyName as businessName without a known business, and flags an invalid email', () => {
    const hit = toSearchHit(PEOPLE[5]!, query, NY);
    expect(hit.businessName).toBe('Acme Inc');
    expect(toSearchHit(PEOPLE[2]!, query, NY).validEmail).toBe(false);
  });

  it('does not share arrays with the record', () => {
    const hit = toSearchHit(PEOPLE[0]!, query, NY);
    (hit.tags as string[]).push('mutated');
    expect(PEOPLE[0]!.tags).toEqual(['vip', 'newsletter']);
  });

  it('carries the cursor of the sort in use', () => {
    const bySource = parseSearchBody(body({ sort: [{ field: 'businessName', direction: 'desc' }, { field: 'dnd', direction: 'asc' }] }), NY);
    expect(toSearchHit(PEOPLE[0]!, bySource, NY).searchAfter).toEqual(['acme holdings', 0, 'm01']);
    expect(toSearchHit(PEOPLE[4]!, bySource, NY).searchAfter).toEqual([null, 0, 'm05']);
    expect(searchAfterOf(PEOPLE[0]!, bySource)).toEqual(['acme holdings', 0, 'm01']);
  });
});

describe('isoDate', () => {
  it.each<[number, string]>([
    [0, '1970-01-01T00:00:00.000Z'],
    [951_782_400_000, '2000-02-29T00:00:00.000Z'],
    [ms('2026-01-01T04:59:59.999Z'), '2026-01-01T04:59:59.999Z'],
    [ms('2100-03-01T12:34:56.007Z'), '2100-03-01T12:34:56.007Z'],
    [253_402_300_799_999, '9999-12-31T23:59:59.999Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [1.5, '1970-01-01T00:00:00.001Z'],
  ])('%d -> %s', (value, expected) => {
    expect(isoDate(value)).toBe(expected);
  });

  it('agrees with Date#toISOString from 1970 to 9999', () => {
    const step = 86_400_000 * 7 + 3_600_000 * 5 + 60_000 * 7 + 1_013;
    const mismatches: number[] = [];
    for (let t = 0; t < 253_402_300_799_999; t += step * 13) {
      if (isoDate(t) !== new Date(t).toISOString()) mismatches.push(t);
    }
    expect(mismatches).toEqual([]);
  });
});
