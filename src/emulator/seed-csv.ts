import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ConfigError } from '../core/errors.js';

/**
 * Reads a contacts CSV (an export of hoop-etl, or any CSV whose headers name
 * contact fields) into seed records for `--seed`. Headers are matched loosely:
 * `First Name`, `first_name` and `firstName` all mean firstName.
 */

const HEADER_FIELDS: Record<string, string> = {
  id: 'id',
  contactid: 'id',
  firstname: 'firstName',
  lastname: 'lastName',
  name: 'name',
  fullname: 'name',
  email: 'email',
  phone: 'phone',
  companyname: 'companyName',
  company: 'companyName',
  address1: 'address1',
  address: 'address1',
  city: 'city',
  state: 'state',
  postalcode: 'postalCode',
  zip: 'postalCode',
  country: 'country',
  website: 'website',
  timezone: 'timezone',
  source: 'source',
  gender: 'gender',
  tags: 'tags',
  dateofbirth: 'dateOfBirth',
  dateadded: 'dateAdded',
  dateupdated: 'dateUpdated',
  assignedto: 'assignedTo',
};

export interface SeedRow {
  /** Physical line of the record in the file (1-based). */
  line: number;
  contact: Record<string, unknown>;
}

export async function readSeedCsv(file: string): Promise<SeedRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read seed file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (${file})`);
  }
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false, skip_empty_lines: true, info: true }) as unknown as typeof rows;
  } catch (e) {
    const err = e as Error & { lines?: number; column?: number };
    throw new ConfigError(`Seed file is not valid CSV: ${err.message} (${file}${err.lines ? ` line ${err.lines}` : ''})`);
  }
  const [head, ...data] = rows;
  if (!head) return [];
  const fields = head.record.map((h) => HEADER_FIELDS[h.toLowerCase().replace(/[^a-z0-9]/g, '')]);
  return data.map(({ record, info }) => {
    const rec: Record<string, unknown> = {};
    record.forEach((cell, i) => {
      const f = fields[i];
      const v = cell.trim();
      if (!f || v === '') return;
      rec[f] = f === 'tags' ? v.split(/[,;]/).map((t) => t.trim()).filter(Boolean) : v;
    });
    return { line: info.lines, contact: rec };
  });
}
