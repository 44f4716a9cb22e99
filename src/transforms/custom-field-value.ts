/**
 * A custom field's value as its data type takes it (BEHAVIOUR.md §5): numbers
 * for NUMERICAL and MONETORY, a list for CHECKBOX and MULTIPLE_OPTIONS (a cell
 * such as `golf, chess` or `golf;chess` holds several options), an object for
 * TEXTBOX_LIST and FILE_UPLOAD when the cell is one in JSON (as the export
 * writes it), text as it is.
 * A cell that cannot be the type is an error for its row. Pure.
 */
import { fail, succeed, type TransformResult } from './result.js';

const LIST_SPLIT = /\s*[;,|]\s*/;

export function customFieldValue(value: unknown, dataType: string): TransformResult<unknown> {
  switch (dataType) {
    case 'NUMERICAL':
    case 'MONETORY': {
      if (typeof value === 'number') return succeed(value);
      const text = String(value).trim().replace(/^'(?=[-+])/, '');
      // Thousands separators as exports write them (1,234.50); a currency sign in front.
      const n = Number(text.replace(/^[$€£¥]\s*/, '').replace(/,(?=\d{3}(\D|$))/g, ''));
      if (text !== '' && Number.isFinite(n)) return succeed(n);
      return fail('INVALID_NUMBER', `the custom field takes a number (${dataType})`);
    }
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS': {
      if (Array.isArray(value)) return succeed(value);
      const options = String(value)
        .split(LIST_SPLIT)
        .map((o) => o.trim())
        .filter((o) => o !== '');
      return succeed(options);
    }
    case 'TEXTBOX_LIST':
    case 'FILE_UPLOAD': {
      // An object, as the export writes it (JSON); other text stays text.
      if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return succeed(value);
      try {
        const parsed: unknown = JSON.parse(value);
        return succeed(parsed !== null && typeof parsed === 'object' ? parsed : value);
      } catch {
        return succeed(value);
      }
    }
    default:
      return succeed(value);
  }
}

export interface FieldDefinition {
  readonly id: string;
  readonly name: string;
  readonly fieldKey: string;
}

/**
 * The custom field a CSV header names: its display name (any case), its key
 * (`contact.favourite_colour` or `favourite_colour`), or `Name (key)` as
 * hoop-etl's export heads a field whose name is shared. Undefined when none,
 * or when a display name is shared and the header does not say which.
 */
export function fieldOfHeader<D extends FieldDefinition>(header: string, defs: Iterable<D>): D | undefined {
  const h = header.trim();
  const lower = h.toLowerCase();
  const all = [...defs];
  const bare = (d: D): string => d.fieldKey.replace(/^contact\./, '');
  const byKey = all.find((d) => d.fieldKey === h || bare(d) === h || `customFields.${bare(d)}` === h);
  if (byKey) return byKey;
  const qualified = all.find((d) => `${d.name} (${bare(d)})`.toLowerCase() === lower);
  if (qualified) return qualified;
  const named = all.filter((d) => d.name.toLowerCase() === lower);
  return named.length === 1 ? named[0] : undefined;
}
