import { describe, expect, it } from 'vitest';
import { isValidEmail, normaliseDateOfBirth, normalisePhone, normaliseTags, splitName } from '../../../src/platform/normalise.js';

describe('normalisePhone', () => {
  it.each([
    ['+1 888-888-8888', 'US', '+18888888888'],
    ['(212) 555-0199', 'US', '+12125550199'],
    ['212.555.0199', 'US', '+12125550199'],
    ['2125550199', 'US', '+12125550199'],
    ['030 1234567', 'DE', '+49301234567'],
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['612 345 678', 'ES', '+34612345678'],
    ['12', 'US', undefined],
    ['0000000000', 'US', undefined],
    ['4.15555E+09', 'US', undefined],
    ['', 'US', undefined],
    ['call me', 'US', undefined],
  ])('%s in %s -> %s', (raw, country, expected) => {
    expect(normalisePhone(raw, country)).toBe(expected);
  });
});

describe('normaliseTags', () => {
  it.each([
    [['VIP', ' vip ', 'Newsletter'], ['vip', 'newsletter']],
    [['', '  ', 'a'], ['a']],
    [['Ünïcode Tag'], ['ünïcode tag']],
    [[1, null, 'x'], ['x']],
    [[], []],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseTags(input as unknown[])).toEqual(expected);
  });
});

describe('normaliseDateOfBirth', () => {
  it.each([
    ['1990-09-25', '1990-09-25T00:00:00.000Z'],
    ['1990/09/25', '1990-09-25T00:00:00.000Z'],
    ['1990.9.5', '1990-09-05T00:00:00.000Z'],
    ['1990_09_25', '1990-09-25T00:00:00.000Z'],
    ['09/25/1990', '1990-09-25T00:00:00.000Z'],
    ['09-25-1990', '1990-09-25T00:00:00.000Z'],
    ['09.25.1990', '1990-09-25T00:00:00.000Z'],
    ['09_25_1990', '1990-09-25T00:00:00.000Z'],
    ['1990-09-25T00:00:00.000Z', '1990-09-25T00:00:00.000Z'],
    ['25/09/1990', undefined],
    ['1990-02-30', undefined],
    ['1990-09/25', undefined],
    ['yesterday', undefined],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseDateOfBirth(raw)).toBe(expected);
  });
});

describe('isValidEmail', () => {
  it.each([
    ['ada@example.com', true],
    ['Ada.Lovelace+crm@Example.CO.uk', true],
    ['no-at-sign.example.com', false],
    ['a@b', false],
    ['a..b@example.com', false],
    ['a b@example.com', false],
    ['', false],
  ])('%s -> %s', (email, expected) => {
    expect(isValidEmail(email)).toBe(expected);
  });
});

describe('splitName', () => {
  it.each([
    ['Ada Lovelace', { firstName: 'Ada', lastName: 'Lovelace' }],
    ['  Jean  Paul Sartre ', { firstName: 'Jean', lastName: 'Paul Sartre' }],
    ['Cher', { firstName: 'Cher' }],
    ['', {}],
  ])('%s', (name, expected) => {
    expect(splitName(name)).toEqual(expected);
  });
});
