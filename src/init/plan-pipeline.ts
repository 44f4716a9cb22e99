import type { CountryCode } from 'libphonenumber-js';
import type { CustomFieldDataType, StandardField } from '../config/pipeline-types.js';
import { assignHeaders, isStandardField, type HeaderField, type HeaderLanguage, type HeaderMatch } from '../transforms/header-names.js';
import { KIND_SHARE, languageCountry, sniffColumn, type ColumnSniff, type ValueKind } from './sniff-values.js';
import { slugOf } from '../platform/field-key.js';

/**
 * A file's header and sample rows -> the pipeline `init` proposes, as data:
 * which column fills which field, with which transform, and why; the custom
 * fields for the rest; the columns left out and what to do with them. Pure:
 * pipeline-yaml.ts writes it out, the command does the reading and writing.
 */

/** A value read from one column, and how. */
export interface ColumnRead {
  readonly column: string;
  readonly transforms: ReadonlyArray<'trim' | 'upper' | 'email' | 'e164' | 'date'>;
  readonly defaultCountry?: string;
  readonly countryColumn?: string;
  readonly dateFormat?: string;
  /** The comment written above it. */
  readonly why: string;
}

export interface PlannedField extends ColumnRead {
  readonly field: StandardField;
}

export interface PlannedCustomField extends ColumnRead {
  /** `contact.<key>`. */
  readonly key: string;
  readonly dataType: CustomFieldDataType;
}

export interface LeftOut {
  readonly column: string;
  readonly why: string;
  /** What the user could do instead, as a commented-out setting or advice. */
  readonly suggestion: string;
}

export interface PipelinePlan {
  readonly source: {
    /** Relative to the pipeline file, `/` separated. */
    readonly file: string;
    readonly encoding: string;
    readonly encodingWhy: string;
    readonly delimiter: string;
    readonly delimiterWhy: string;
  };
  readonly language: HeaderLanguage | undefined;
  readonly sampled: number;
  readonly mapping: readonly PlannedField[];
  readonly customFields: readonly PlannedCustomField[];
  readonly tags?: { readonly columns: ReadonlyArray<{ readonly column: string; readonly why: string }>; readonly split: string };
  readonly notes: ReadonlyArray<{ readonly column: string; readonly why: string }>;
  readonly followers?: { readonly column: string; readonly why: string };
  readonly business?: { readonly column: string; readonly why: string };
  readonly leftOut: readonly LeftOut[];
  /** In-file dedup keys: email only when people in the sample share a phone (a family's landline, a switchboard). */
  readonly dedupKeys: ReadonlyArray<'email' | 'phone'>;
  readonly dedupWhy: string;
}

export interface PlanInput {
  readonly headers: readonly string[];
  /** The sample: rows by header, in file order. */
  readonly rows: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly source: PipelinePlan['source'];
}

const WHAT: Readonly<Record<ValueKind, string>> = {
  empty: 'blank',
  email: 'emails',
  phone: 'phone numbers',
  date: 'dates',
  boolean: 'yes/no values',
  number: 'numbers',
  money: 'amounts',
  identifier: 'ids',
  list: 'lists',
  country: 'countries',
  url: 'web addresses',
  text: 'text',
  largeText: 'text',
};

const DATA_TYPE: Readonly<Record<ValueKind, CustomFieldDataType>> = {
  empty: 'TEXT',
  email: 'TEXT',
  phone: 'PHONE',
  date: 'DATE',
  // Kept as written (Yes, No): an option field needs its options defined first.
  boolean: 'TEXT',
  number: 'NUMERICAL',
  money: 'MONETORY',
  identifier: 'TEXT',
  list: 'MULTIPLE_OPTIONS',
  country: 'TEXT',
  url: 'TEXT',
  text: 'TEXT',
  largeText: 'LARGE_TEXT',
};

const q = (s: string): string => `"${s.replace(/[\r\n]+/g, ' ')}"`;

function headerWhy(m: HeaderMatch): string {
  return `header ${q(m.header)} (${m.origin === 'hoop-etl' ? "hoop-etl's export" : m.origin === 'HighLevel' ? "HighLevel's export" : m.origin})`;
}

/** `38 of 40 sample values are phone numbers`, with the blanks when there are any. */
function contentWhy(s: ColumnSniff, kind: ValueKind = s.kind): string {
  const matching = kind === s.kind ? s.matching : 0;
  const blanks = s.sampled - s.filled;
  const of = `${matching} of ${s.filled} sample values ${matching === 1 ? 'is' : 'are'} ${WHAT[kind]}`;
  return blanks > 0 ? `${of} (blank in ${blanks} of ${s.sampled} rows)` : of;
}

function dateWhy(s: ColumnSniff, language: HeaderLanguage | undefined): string {
  const d = s.date!;
  switch (d.order) {
    case 'year-first':
      return 'year first';
    case 'month-names':
      return 'with month names';
    default: {
      const order = d.order === 'day-first' ? 'day first' : 'month first';
      if (d.decidedBy === 'values') {
        const other = d.otherOrder ? `; ${d.otherOrder} written the other way round` : '';
        return `${order} (values with a day over 12 say so${other})`;
      }
      if (d.decidedBy === 'language') return `${order}: no value tells day from month, and ${language} files write them so; check`;
      return `${order}: no value tells day from month; check`;
    }
  }
}

function phoneWhy(s: ColumnSniff, countryColumn: string | undefined, defaultCountry: string): string {
  const p = s.phone!;
  const parts = [`${p.international} with +`, `${p.national} without`];
  const read = countryColumn ? `read in each row's country (${q(countryColumn)}), else ${defaultCountry}` : `read as ${defaultCountry}`;
  return `${parts.join(', ')}${p.national > 0 ? `, ${read}` : ''}`;
}

/** `contact.<slug>`: the header lower-cased, accents dropped, other characters `_`, as the platform makes keys from names. */
export function customFieldKey(header: string, taken: Set<string>): string {
  const slug = slugOf(header);
  let key = `contact.${slug}`;
  for (let i = 2; taken.has(key); i++) key = `contact.${slug}_${i}`;
  taken.add(key);
  return key;
}

const LEFT_OUT_SYSTEM: Readonly<Record<string, string>> = {
  'hoop-etl': "kept by the platform (the id, dates, type, DND per channel, additional emails and phones): the import does not write it",
  HighLevel: 'set by the platform: a location gives its contacts their own id and dates',
  Salesforce: 'an id of another Salesforce record: nothing in the location refers to it',
  Zoho: 'a Zoho user name: nothing in the location refers to it',
};

export function planPipeline(input: PlanInput): PipelinePlan {
  const { headers, rows } = input;
  const assigned = assignHeaders(headers);
  const language = assigned.language;
  const fieldOf = new Map<string, HeaderField>();
  for (const [f, m] of assigned.fields) fieldOf.set(m.header, f);
  // A phone several people share is no one's key: the platform finds contacts by phone, so it would make them one contact.
  const phoneHeader = assigned.fields.get('phone')?.header;
  const emailHeader = assigned.fields.get('email')?.header;
  const sharedPhone = phoneHeader && emailHeader ? sharedValues(rows, phoneHeader, emailHeader) : undefined;
  if (sharedPhone && phoneHeader) {
    fieldOf.delete(phoneHeader);
    const mobile = assigned.fields.get('mobilePhone')?.header;
    if (mobile && !sharedValues(rows, mobile, emailHeader!)) fieldOf.set(mobile, 'phone');
  }

  // The country column first: phones are read in each row's country.
  const countryHeader = assigned.fields.get('country')?.header;
  const countrySniff = countryHeader ? sniffColumn(countryHeader, rows.map((r) => r[countryHeader])) : undefined;
  const countryColumn = countrySniff?.kind === 'country' ? countryHeader : undefined;
  const rowCountries = countryColumn ? rows.map((r) => r[countryColumn]) : undefined;
  const sniffs = new Map<string, ColumnSniff>();
  const expectOf = (h: string): 'email' | 'phone' | 'date' | undefined => {
    const f = fieldOf.get(h);
    return f === 'email' ? 'email' : f === 'phone' || f === 'mobilePhone' ? 'phone' : f === 'dateOfBirth' ? 'date' : undefined;
  };
  for (const h of headers) {
    const expect = expectOf(h);
    sniffs.set(h, h === countryHeader && countrySniff ? countrySniff : sniffColumn(h, rows.map((r) => r[h]), { language, rowCountries, ...(expect && { expect }) }));
  }

  const mapping: PlannedField[] = [];
  const customFields: PlannedCustomField[] = [];
  const tagColumns: Array<{ column: string; why: string }> = [];
  let tagSplit: string | undefined;
  const notes: Array<{ column: string; why: string }> = [];
  let followers: PipelinePlan['followers'];
  let business: PipelinePlan['business'];
  const leftOut: LeftOut[] = [];
  const keys = new Set<string>();
  const fallbackCountry = languageCountry(language) ?? 'US';

  const phoneRead = (s: ColumnSniff): Pick<ColumnRead, 'transforms' | 'defaultCountry' | 'countryColumn'> => ({
    transforms: ['e164'],
    defaultCountry: s.phone?.defaultCountry ?? fallbackCountry,
    ...(countryColumn && { countryColumn }),
  });
  const typedRead = (s: ColumnSniff): Pick<ColumnRead, 'transforms' | 'defaultCountry' | 'countryColumn' | 'dateFormat'> =>
    s.kind === 'email' ? { transforms: ['email'] } : s.kind === 'phone' ? phoneRead(s) : s.kind === 'date' ? { transforms: ['date'], dateFormat: s.date!.format } : { transforms: ['trim'] };
  const kindWhy = (s: ColumnSniff): string =>
    s.kind === 'phone' ? `${contentWhy(s)}: ${phoneWhy(s, countryColumn, s.phone?.defaultCountry ?? fallbackCountry)}` : s.kind === 'date' ? `${contentWhy(s)}, ${dateWhy(s, language)}` : contentWhy(s);

  const addCustom = (column: string, s: ColumnSniff, lead: string): void => {
    const dataType = DATA_TYPE[s.kind];
    const examples = s.kind === 'boolean' ? ` (${s.examples.join(', ')}), kept as written` : s.kind === 'identifier' ? ', kept as text' : '';
    customFields.push({ key: customFieldKey(column, keys), column, dataType, ...typedRead(s), why: `${lead}${kindWhy(s)}${examples}; a new ${dataType} field` });
  };

  // Content decides where the header does not: a column of emails or phones with a header the table lacks.
  const byContent = new Map<string, StandardField>();
  for (const f of ['email', 'phone'] as const) {
    if (assigned.fields.has(f)) continue;
    const h = headers.find((x) => !fieldOf.has(x) && !assigned.matches.has(x) && sniffs.get(x)!.kind === f && !byContent.has(x));
    if (h) byContent.set(h, f);
  }

  for (const h of headers) {
    const s = sniffs.get(h)!;
    const match = assigned.matches.get(h);
    const field = fieldOf.get(h) ?? byContent.get(h);
    const why = match ? `${headerWhy(match)}; ` : 'content: ';

    if (match?.field === 'system') {
      leftOut.push({ column: h, why: LEFT_OUT_SYSTEM[match.origin] ?? 'set by the source CRM', suggestion: 'not imported' });
      continue;
    }
    if (s.kind === 'empty' && s.sampled > 0) {
      leftOut.push({ column: h, why: `blank in all ${s.sampled} sample rows`, suggestion: match && field ? `would fill ${field}` : `a ${customFieldKey(h, new Set(keys))} custom field if later rows fill it` });
      continue;
    }
    if (field === 'dnd') {
      leftOut.push({ column: h, why: `${headerWhy(match!)}; DND is set for every row at once (mapping: dnd: { value: true }), not per row`, suggestion: 'import the contacts that asked for DND with their own pipeline' });
      continue;
    }
    if (field && isStandardField(field)) {
      if ((field === 'email' || field === 'phone' || field === 'dateOfBirth') && s.kind === 'empty') {
        // A file with a header and no rows yet: the field's own transform.
        const read = field === 'email' ? { transforms: ['email'] as const } : field === 'phone' ? phoneRead(s) : { transforms: ['date'] as const, dateFormat: 'auto' };
        mapping.push({ field, column: h, ...read, why: `${why}no rows to look at yet` });
      } else if (field === 'email' || field === 'phone' || field === 'dateOfBirth') {
        const few = s.matching < s.filled * KIND_SHARE;
        const warning = few ? `; only ${s.matching} of ${s.filled} read: the others will fail their rows with the reason, check the column` : '';
        mapping.push({ field, column: h, ...typedRead(s), why: `${why}${kindWhy(s)}${warning}` });
      } else if (field === 'country') {
        const codes = s.kind === 'country' && s.examples.every((v) => /^[A-Za-z]{2}$/.test(v));
        mapping.push({ field, column: h, transforms: [codes ? 'upper' : 'trim'], why: `${why}${contentWhy(s)}${countryColumn === h ? '; also the country of each row\'s phone numbers' : ''}` });
      } else {
        mapping.push({ field, column: h, transforms: ['trim'], why: `${why}${s.kind === 'empty' ? 'no rows to look at yet' : contentWhy(s)}` });
      }
      continue;
    }
    const contentList = s.kind === 'list' && field === undefined && match === undefined && !assigned.fields.has('tags');
    if (match?.field === 'tags' || contentList) {
      const split = s.list?.separator ?? ',';
      if (tagSplit === undefined || tagSplit === split) {
        tagSplit = split;
        tagColumns.push({ column: h, why: `${why}${s.kind === 'list' ? `${contentWhy(s)} split by ${q(split)} (${s.list!.distinct} distinct)` : contentWhy(s)}` });
        continue;
      }
    }
    if (match?.field === 'notes') {
      notes.push({ column: h, why: `${why}${contentWhy(s)}; one note per contact` });
      continue;
    }
    if (field === 'followers') {
      followers = { column: h, why: `${why}user ids of the location` };
      continue;
    }
    if (field === 'businessId') {
      business = { column: h, why: `${why}a business id of the location` };
      continue;
    }
    if (h === phoneHeader && sharedPhone) {
      const mobile = [...fieldOf].find(([, f]) => f === 'phone')?.[0];
      addCustom(h, s, `${headerWhy(match!)}; not the contact's phone: ${sharedPhone.rows} sample rows with different emails share ${sharedPhone.values} of its numbers (a switchboard, a family's landline), and the platform finds contacts by phone, so they would become one contact${mobile ? `; ${q(mobile)} is the phone` : ''}. `);
      continue;
    }
    // What is left: a second phone, a header another column won, or a header the table lacks.
    if (match && field === undefined && match.field !== 'mobilePhone' && match.field !== 'tags') {
      const winner = assigned.fields.get(match.field)?.header;
      leftOut.push({ column: h, why: `${headerWhy(match)}, but ${q(winner ?? '')} fills ${match.field}`, suggestion: `a custom field if you need both` });
      continue;
    }
    addCustom(h, s, match ? `${headerWhy(match)}, a second phone; ` : '');
  }

  const dedup = dedupKeys(rows, mapping);
  return {
    source: input.source,
    ...dedup,
    language,
    sampled: rows.length,
    mapping,
    customFields,
    ...(tagColumns.length > 0 && { tags: { columns: tagColumns, split: tagSplit ?? ',' } }),
    notes,
    ...(followers && { followers }),
    ...(business && { business }),
    leftOut,
  };
}

/** Values of `column` that rows with different `emails` share: how many, and in how many rows. */
function sharedValues(rows: PlanInput['rows'], column: string, emails: string): { values: number; rows: number } | undefined {
  const emailsOf = new Map<string, Set<string>>();
  for (const r of rows) {
    const v = (r[column] ?? '').replace(/\D/g, '');
    const e = (r[emails] ?? '').trim().toLowerCase();
    if (v.length < 6 || !e) continue;
    const set = emailsOf.get(v) ?? new Set<string>();
    set.add(e);
    emailsOf.set(v, set);
  }
  const shared = [...emailsOf.values()].filter((set) => set.size > 1);
  return shared.length ? { values: shared.length, rows: shared.reduce((n, set) => n + set.size, 0) } : undefined;
}

/**
 * Rows sharing a phone are one person to the in-file dedup. Where the sample
 * has rows with one phone and different emails (a family's landline, a
 * company's switchboard), those are different people: dedup by email only.
 */
function dedupKeys(rows: PlanInput['rows'], mapping: readonly PlannedField[]): Pick<PipelinePlan, 'dedupKeys' | 'dedupWhy'> {
  const email = mapping.find((m) => m.field === 'email')?.column;
  const phone = mapping.find((m) => m.field === 'phone')?.column;
  if (!email || !phone) {
    const keys: Array<'email' | 'phone'> = email ? ['email'] : phone ? ['phone'] : ['email', 'phone'];
    return { dedupKeys: keys, dedupWhy: `rows sharing ${keys.length === 1 ? `a${keys[0] === 'email' ? 'n' : ''} ${keys[0]}` : 'an email or a phone'} become one contact` };
  }
  const emailsOf = new Map<string, Set<string>>();
  for (const r of rows) {
    const p = (r[phone] ?? '').replace(/\D/g, '');
    const e = (r[email] ?? '').trim().toLowerCase();
    if (p.length < 6 || !e) continue;
    const set = emailsOf.get(p) ?? new Set<string>();
    set.add(e);
    emailsOf.set(p, set);
  }
  const shared = [...emailsOf.values()].filter((s) => s.size > 1);
  if (shared.length === 0) return { dedupKeys: ['email', 'phone'], dedupWhy: 'rows sharing an email or a phone become one contact' };
  const people = shared.reduce((n, s) => n + s.size, 0);
  return {
    dedupKeys: ['email'],
    dedupWhy: `rows sharing an email become one contact; not a phone: ${people} sample rows with different emails share ${shared.length} phone number${shared.length === 1 ? '' : 's'} (a family's landline, a switchboard)`,
  };
}

export type { CountryCode };
