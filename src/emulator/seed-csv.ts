import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

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

export class SeedFileError extends Error {
  readonly code = 'SEED_FILE';
}

export async function readSeedCsv(file: string): Promise<Array<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SeedFileError(`Cannot read seed file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (${file})`);
  }
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (e) {
    const err = e as Error & { lines?: number; column?: number };
    throw new SeedFileError(`Seed file is not valid CSV: ${err.message} (${file}${err.lines ? ` line ${err.lines}` : ''})`);
  }
  const [header, ...data] = rows;
  if (!header) return [];
  const fields = header.map((h) => HEADER_FIELDS[h.toLowerCase().replace(/[^a-z0-9]/g, '')]);
  return data.map((row) => {
    const rec: Record<string, unknown> = {};
    row.forEach((cell, i) => {
      const f = fields[i];
      const v = cell.trim();
      if (!f || v === '') return;
      rec[f] = f === 'tags' ? v.split(/[,;]/).map((t) => t.trim()).filter(Boolean) : v;
    });
    return rec;
  });
}
