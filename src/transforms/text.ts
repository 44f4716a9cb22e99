import { optionError } from './result.js';

/**
 * Text transforms: trim, case, tags. Pure and total: they never fail a row.
 *
 * Text comes out in Unicode NFC, so a name typed on a Mac (NFD: `e` + U+0301)
 * and the same name typed elsewhere compare equal and store the same.
 */

/** Whitespace as `String.prototype.trim` sees it, plus the zero-width characters spreadsheets leave behind. */
const EDGE_SPACE = /^[\s\u200B-\u200D\u2060]+|[\s\u200B-\u200D\u2060]+$/g;

/** Trims both ends (spaces, tabs, newlines, NBSP, BOM, zero-width) and returns NFC. */
export function trimText(raw: string): string {
  const s = raw.replace(EDGE_SPACE, '');
  // ASCII is already NFC; normalising costs as much as the rest of a cell's mapping.
  return NON_ASCII.test(s) ? s.normalize('NFC') : s;
}

const NON_ASCII = /[^\x00-\x7F]/;

export type TextCase = 'lower' | 'upper' | 'title';

export const TEXT_CASES: readonly TextCase[] = ['lower', 'upper', 'title'];

/** Trims, then applies the case. `lower` and `upper` use Unicode's locale-independent mappings. */
export function changeCase(raw: string, textCase: TextCase): string {
  const s = trimText(raw);
  switch (textCase) {
    case 'lower':
      return s.toLowerCase();
    case 'upper':
      return s.toUpperCase();
    case 'title':
      return titleCase(s);
    default:
      throw optionError('textCase', `one of ${TEXT_CASES.map((c) => `\`${c}\``).join(', ')}`, textCase);
  }
}

// A lower-case letter followed by an upper-case one: someone typed this casing on purpose.
const DELIBERATE_CASE = /\p{Ll}\p{Lu}/u;
// Segments inside a word: `Mary-Jane`, `O'Brien`.
const SEGMENT = /([-‐‑'’])/u;
const LETTER = /^\p{L}/u;

/**
 * Title case for names, kept simple on purpose:
 *
 * - each word (split on whitespace) and each part of a word after a hyphen
 *   starts upper-case, the rest lower-case: `josé MUÑOZ` -> `José Muñoz`,
 *   `mary-jane` -> `Mary-Jane`;
 * - after an apostrophe, only when one letter precedes it (`O'Brien`,
 *   `D'Angelo`), so `JOHN'S` -> `John's`;
 * - a word whose casing is deliberate (a lower-case letter followed by an
 *   upper-case one: `McDonald`, `DeShawn`, `LeBlanc`) is left as written.
 *   No Mc/Mac rule: `MCDONALD` -> `Mcdonald`, because `MACHADO` -> `MacHado`
 *   would be worse. Particles are not special: `van der berg` -> `Van Der Berg`.
 *
 * Whitespace inside the text is kept as it is.
 */
export function titleCase(raw: string): string {
  return trimText(raw)
    .split(/(\s+)/u)
    .map((word) => (word.trim() === '' || DELIBERATE_CASE.test(word) ? word : titleWord(word)))
    .join('');
}

function titleWord(word: string): string {
  const parts = word.toLowerCase().split(SEGMENT);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i % 2 === 1) {
      out += part;
      continue;
    }
    const sep = parts[i - 1];
    const afterApostrophe = sep === "'" || sep === '’';
    // After an apostrophe, only O'Brien-style (one letter before it) starts a new capital.
    const capitalise = i === 0 || !afterApostrophe || [...(parts[i - 2] ?? '')].length === 1;
    out += capitalise ? capitaliseFirst(part) : part;
  }
  return out;
}

function capitaliseFirst(s: string): string {
  const first = s.codePointAt(0);
  if (first === undefined) return s;
  const ch = String.fromCodePoint(first);
  if (!LETTER.test(ch)) return s;
  const upper = ch.toUpperCase();
  // `ß` upper-cases to `SS`; a single capital reads better at the start of a name part.
  return (upper.length > ch.length ? ch : upper) + s.slice(ch.length);
}

/**
 * Tags the way the platform stores them (BEHAVIOUR §4, emulator `normaliseTags`):
 * each trimmed with `String.prototype.trim` and lower-cased, empties dropped,
 * repeats dropped, first appearance kept. No NFC here, on purpose: a tag must
 * compare equal to the one the platform holds, byte for byte.
 */
export function normaliseTags(tags: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    const v = t.trim().toLowerCase();
    if (v) out.add(v);
  }
  return [...out];
}

/**
 * One cell holding several tags (`VIP; Newsletter ;vip`) -> `['vip', 'newsletter']`.
 * @param separator a non-empty string, taken literally. @default ','
 */
export function splitTags(raw: string, separator = ','): string[] {
  if (typeof separator !== 'string' || separator === '') {
    throw optionError('separator', 'a non-empty string', separator);
  }
  return normaliseTags(raw.split(separator));
}
