import { describe, expect, it } from 'vitest';
import { changeCase, normaliseTags, splitTags, titleCase, trimText, type TextCase } from '../../../src/transforms/text.js';

describe('trimText', () => {
  it.each([
    ['  Ada  ', 'Ada'],
    ['\tAda\r\n', 'Ada'],
    ['\u00A0Ada\u00A0', 'Ada'],
    ['\uFEFFAda', 'Ada'],
    ['\u200BAda\u200D', 'Ada'],
    ['Ada  Lovelace', 'Ada  Lovelace'],
    ['line one\nline two', 'line one\nline two'],
    // NFD (e + combining acute, as macOS writes it) comes out NFC.
    ['Jose\u0301', 'Jos\u00E9'],
    ['', ''],
  ])('%j -> %j', (raw, expected) => {
    expect(trimText(raw)).toBe(expected);
  });
});

describe('titleCase', () => {
  it.each([
    ['josé MUÑOZ', 'José Muñoz'],
    ['ADA LOVELACE', 'Ada Lovelace'],
    ['ada lovelace', 'Ada Lovelace'],
    ['  ada   lovelace ', 'Ada   Lovelace'],
    ["o'brien", "O'Brien"],
    ["O'BRIEN", "O'Brien"],
    ["o’neill", "O’Neill"],
    ["d'angelo-smith", "D'Angelo-Smith"],
    ["JOHN'S", "John's"],
    ['mary-jane', 'Mary-Jane'],
    ['ZOË SALDAÑA', 'Zoë Saldaña'],
    ['ÅSA ØSTERGÅRD', 'Åsa Østergård'],
    ['łukasz żółć', 'Łukasz Żółć'],
    ['ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ', 'Νίκος Παπαδόπουλος'],
    ['иван петров', 'Иван Петров'],
    ['渡辺 健', '渡辺 健'],
    // Deliberate casing is left as written; no Mc/Mac rule.
    ['McDonald', 'McDonald'],
    ['ronald McDONALD', 'Ronald McDONALD'],
    ['MCDONALD', 'Mcdonald'],
    ['DeShawn LeBlanc', 'DeShawn LeBlanc'],
    ['van der berg', 'Van Der Berg'],
    ['3RD floor', '3rd Floor'],
    ['Jose\u0301 MUN\u0303OZ', 'José Muñoz'],
    ['', ''],
  ])('%j -> %j', (raw, expected) => {
    expect(titleCase(raw)).toBe(expected);
  });
});

describe('changeCase', () => {
  it.each<[string, TextCase, string]>([
    [' Ada.Lovelace ', 'lower', 'ada.lovelace'],
    ['josé muñoz', 'upper', 'JOSÉ MUÑOZ'],
    ['ÉMILE', 'lower', 'émile'],
    ['straße', 'upper', 'STRASSE'],
    ['josé MUÑOZ', 'title', 'José Muñoz'],
  ])('%j %s -> %j', (raw, textCase, expected) => {
    expect(changeCase(raw, textCase)).toBe(expected);
  });

  it('an unknown case is a programming error', () => {
    expect(() => changeCase('x', 'camel' as TextCase)).toThrow('Expected `textCase` to be one of `lower`, `upper`, `title`, got `camel` (string)');
  });
});

describe('splitTags', () => {
  it.each<[string, string | undefined, string[]]>([
    ['VIP, Newsletter', undefined, ['vip', 'newsletter']],
    ['VIP; Newsletter ;vip', ';', ['vip', 'newsletter']],
    [' VIP ,, , vip,VIP ', ',', ['vip']],
    ['', ',', []],
    ['  ', ',', []],
    ['a|b|c', '|', ['a', 'b', 'c']],
    ['Lead Source: Web, Trade Show 2024', ',', ['lead source: web', 'trade show 2024']],
    ['Ünïcode Tag,ÜNÏCODE TAG', ',', ['ünïcode tag']],
    ['one :: two', '::', ['one', 'two']],
    ['a,b', ';', ['a,b']],
  ])('%j split on %j -> %j', (raw, separator, expected) => {
    expect(separator === undefined ? splitTags(raw) : splitTags(raw, separator)).toEqual(expected);
  });

  it('an empty separator is a programming error', () => {
    expect(() => splitTags('a,b', '')).toThrow('Expected `separator` to be a non-empty string, got `` (string)');
  });
});

describe('normaliseTags', () => {
  // The same table as the platform's (test/unit/platform/normalise.test.ts), minus the non-strings.
  it.each([
    [['VIP', ' vip ', 'Newsletter'], ['vip', 'newsletter']],
    [['', '  ', 'a'], ['a']],
    [['Ünïcode Tag'], ['ünïcode tag']],
    [[], []],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseTags(input)).toEqual(expected);
  });
});
