import { ConfigError } from '../core/errors.js';

/**
 * Picks the field delimiter from the first lines of a decoded file: for each
 * candidate, the header's field count and how many of the following records
 * (quotes respected, so a quoted `;` or line break does not count) have the
 * same count. Pure: the caller decodes the sample.
 */

/** The delimiters detection chooses from, in order of preference on a tie. */
export const DELIMITER_CANDIDATES: readonly string[] = [',', ';', '\t', '|'];

/** Names `source.delimiter` accepts besides the character itself. */
const DELIMITER_NAMES: Readonly<Record<string, string>> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t', pipe: '|' };

export interface DetectDelimiterOptions {
  /** The pipeline's `source.delimiter`: overrides detection when set. */
  delimiter?: string | undefined;
  /**
   * True when the text is the whole file; otherwise its last line may be cut
   * and is not counted.
   * @default false
   */
  complete?: boolean;
  /**
   * Records looked at, the header included.
   * @default 50
   */
  maxRecords?: number;
}

export interface DelimiterChoice {
  readonly delimiter: string;
  /** `default` when no candidate splits the header (a one-column file reads the same with any). */
  readonly source: 'option' | 'detected' | 'default';
}

/**
 * Validates `source.delimiter`: one character other than a quote or a line
 * break, or one of the names comma, semicolon, tab, pipe.
 * @throws ConfigError at `source.delimiter`.
 */
export function resolveDelimiterOption(value: unknown): string {
  if (typeof value === 'string') {
    const named = DELIMITER_NAMES[value.toLowerCase()];
    if (named !== undefined) return named;
    if ([...value].length === 1 && value !== '"' && value !== '\r' && value !== '\n') return value;
  }
  const got = typeof value === 'string' ? `\`${JSON.stringify(value).slice(1, -1)}\`` : `\`${String(value)}\` (${typeof value})`;
  throw new ConfigError(
    `Expected the delimiter to be one character such as \`,\` \`;\` \`|\` or a tab (or one of comma, semicolon, tab, pipe), got ${got}`,
    'source.delimiter',
  );
}

/** Chooses the delimiter for a file from its first lines. */
export function detectDelimiter(text: string, options: DetectDelimiterOptions = {}): DelimiterChoice {
  if (options.delimiter !== undefined) return { delimiter: resolveDelimiterOption(options.delimiter), source: 'option' };
  const maxRecords = options.maxRecords ?? 50;
  let best: { delimiter: string; consistency: number; columns: number } | undefined;
  for (const delimiter of DELIMITER_CANDIDATES) {
    const [columns, ...rows] = countFields(text, delimiter, { maxRecords, complete: options.complete ?? false });
    if (columns === undefined || columns < 2) continue;
    const consistency = rows.length === 0 ? 1 : rows.filter((n) => n === columns).length / rows.length;
    if (!best || consistency > best.consistency || (consistency === best.consistency && columns > best.columns)) {
      best = { delimiter, consistency, columns };
    }
  }
  return best ? { delimiter: best.delimiter, source: 'detected' } : { delimiter: ',', source: 'default' };
}

/**
 * Field count of each record in `text` split on `delimiter`, RFC 4180 quotes
 * respected (a quote opens a field only at its start; `""` inside is a quote).
 * Blank lines are skipped, as the reader skips them. A last record without a
 * line break is counted only when `complete`.
 */
export function countFields(text: string, delimiter: string, options: { maxRecords: number; complete: boolean }): number[] {
  const counts: number[] = [];
  let fields = 1;
  let fieldStart = true;
  let inQuotes = false;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      content = true;
    } else if (c === delimiter) {
      fields++;
      fieldStart = true;
      content = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (content) {
        counts.push(fields);
        if (counts.length >= options.maxRecords) return counts;
      }
      fields = 1;
      fieldStart = true;
      content = false;
    } else {
      fieldStart = false;
      content = true;
    }
  }
  if (content && !inQuotes && options.complete) counts.push(fields);
  return counts;
}
