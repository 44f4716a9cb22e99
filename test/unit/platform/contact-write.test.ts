import { describe, expect, it } from 'vitest';
import { writeRefusal } from '../../../src/api/write-check.js';
import { contactWriteProblems, customFieldValueFor, type FieldTypeDefinition } from '../../../src/platform/contact-write.js';

/**
 * The one validator of what the platform accepts in a contact write: the
 * request schema of the vendored OpenAPI, then the platform's rules. The
 * emulator applies the same module, so each message here is the one a
 * refused request would carry (test/e2e/import-dry-run.test.ts compares them
 * over HTTP).
 */

const def = (id: string, dataType: string): FieldTypeDefinition => ({ id, fieldKey: `contact.${id}`, dataType });
const FIELDS = new Map(['num', 'money', 'box', 'multi', 'date', 'text', 'list', 'file', 'phone'].map((k) => [k, def(k, { num: 'NUMERICAL', money: 'MONETORY', box: 'CHECKBOX', multi: 'MULTIPLE_OPTIONS', date: 'DATE', text: 'TEXT', list: 'TEXTBOX_LIST', file: 'FILE_UPLOAD', phone: 'PHONE' }[k]!)]));
const LOC = { locationId: 'loc1' };

describe('contactWriteProblems', () => {
  it.each<[string, 'create-contact' | 'update-contact' | 'upsert-contact', Record<string, unknown>, string[]]>([
    ['a plain upsert', 'upsert-contact', { ...LOC, email: 'ada@example.com', phone: '+14155550101', firstName: 'Ada' }, []],
    ['dnd as the text an export writes', 'upsert-contact', { ...LOC, email: 'ada@example.com', dnd: 'true' }, ['dnd must be a boolean']],
    ['dnd as a boolean', 'upsert-contact', { ...LOC, email: 'ada@example.com', dnd: true }, []],
    ['tags as text', 'upsert-contact', { ...LOC, email: 'ada@example.com', tags: 'vip, lead' }, ['tags must be an array']],
    ['an unknown property', 'upsert-contact', { ...LOC, email: 'ada@example.com', favouriteColour: 'red' }, ['property favouriteColour should not exist']],
    ['update takes no locationId', 'update-contact', { ...LOC, firstName: 'Ada' }, ['property locationId should not exist']],
    ['create without locationId', 'create-contact', { email: 'ada@example.com' }, ['locationId should not be empty']],
    ['a bad email', 'upsert-contact', { ...LOC, email: 'ada@example' }, ['email must be an email']],
    ['two dots in an email', 'upsert-contact', { ...LOC, email: 'ada..l@example.com' }, ['email must be an email']],
    ['a bad phone', 'upsert-contact', { ...LOC, email: 'ada@example.com', phone: '12' }, ['phone must be a valid phone number']],
    ['a bad email and phone, both said', 'upsert-contact', { ...LOC, email: 'x@', phone: '12' }, ['email must be an email', 'phone must be a valid phone number']],
    ['a US phone without +', 'upsert-contact', { ...LOC, phone: '(415) 555-0101' }, []],
    ['a blank email clears', 'update-contact', { email: '  ' }, []],
    ['a date of birth in a documented format', 'upsert-contact', { ...LOC, email: 'a@example.com', dateOfBirth: '09/25/1990' }, []],
    ['an ISO date of birth (as exported)', 'upsert-contact', { ...LOC, email: 'a@example.com', dateOfBirth: '1990-09-25T00:00:00.000Z' }, []],
    ['a date of birth that is no date', 'upsert-contact', { ...LOC, email: 'a@example.com', dateOfBirth: '1990-02-30' }, [expect.stringMatching(/^dateOfBirth must be a date in one of the formats/) as unknown as string]],
    ['create with only a name', 'create-contact', { ...LOC, name: 'Ada Lovelace' }, ['Contacts without email, phone, firstName and lastName are not allowed.']],
    ['create with a first name', 'create-contact', { ...LOC, firstName: 'Ada' }, []],
    ['a number field given text', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'num', field_value: 'twelve' }] }, ['customFields.0 must be a number for NUMERICAL field contact.num']],
    ['a number field given a number', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'num', field_value: 12 }] }, []],
    ['a money field given a numeric text', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'money', field_value: '12.5' }] }, []],
    ['a checkbox given a list', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'box', field_value: ['a', 'b'] }] }, []],
    ['a checkbox given numbers', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'multi', field_value: [1, 2] }] }, ['customFields.0 must be an array of strings for MULTIPLE_OPTIONS field contact.multi']],
    ['a date field given no date', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'date', field_value: 'soon' }] }, ['customFields.0 must be a date for DATE field contact.date']],
    ['a text field given an object', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'text', field_value: { a: 1 } }] }, ['customFields.0 must be a string for TEXT field contact.text']],
    ['a list field given a number', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'list', field_value: 3 }] }, ['customFields.0 must be an object for TEXTBOX_LIST field contact.list']],
    ['the first bad custom field only, as the platform', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'text', field_value: 'ok' }, { id: 'num', field_value: 'x' }, { id: 'date', field_value: 'y' }] }, ['customFields.1 must be a number for NUMERICAL field contact.num']],
    ['a blank custom value clears', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'num', field_value: '' }] }, []],
    ['by key, under fieldValue', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ key: 'num', fieldValue: 'x' }] }, ['customFields.0 must be a number for NUMERICAL field contact.num']],
    ['a field the definitions do not know is left to the platform', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'new', field_value: 'x' }] }, []],
    ['an item with neither id nor key', 'upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ field_value: 'x' }] }, ['customFields.0.id should not be empty', 'customFields.0.key should not be empty']],
  ])('%s', (_name, op, body, expected) => {
    expect(contactWriteProblems(op, body, { customFields: FIELDS })).toEqual(expected);
  });

  it("reads a phone without + in the location's country", () => {
    expect(contactWriteProblems('upsert-contact', { ...LOC, phone: '030 1234567' }, { country: 'US' })).toEqual(['phone must be a valid phone number']);
    expect(contactWriteProblems('upsert-contact', { ...LOC, phone: '030 1234567' }, { country: 'DE' })).toEqual([]);
  });

  it('checks custom-field values against the schema only without definitions', () => {
    expect(contactWriteProblems('upsert-contact', { ...LOC, email: 'a@example.com', customFields: [{ id: 'num', field_value: 'x' }] })).toEqual([]);
  });
});

describe('customFieldValueFor', () => {
  it.each<[string, unknown, unknown]>([
    ['NUMERICAL', '42', 42],
    ['MONETORY', 3.5, 3.5],
    ['CHECKBOX', 'a, b,,c', ['a', 'b', 'c']],
    ['MULTIPLE_OPTIONS', ['x'], ['x']],
    ['DATE', '2026-01-02', '2026-01-02'],
    ['TEXT', 12, '12'],
    ['TEXTBOX_LIST', { a: '1' }, { a: '1' }],
  ])('%s %j is stored as %j', (type, value, stored) => {
    expect(customFieldValueFor(def('f', type), value, 'customFields.0')).toEqual({ ok: true, value: stored });
  });
});

describe('writeRefusal', () => {
  it("is the client's ValidationError with the platform's message, refused before sending", () => {
    const e = writeRefusal('upsert-contact', { ...LOC, email: 'a@example.com', dnd: 'false' }, {});
    expect(e).toMatchObject({ code: 'VALIDATION', local: true, messages: ['dnd must be a boolean'], message: 'POST /contacts/upsert: refused as invalid: dnd must be a boolean' });
    expect(writeRefusal('upsert-contact', { ...LOC, email: 'a@example.com', dnd: false }, {})).toBeUndefined();
  });
});
