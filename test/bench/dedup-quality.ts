/**
 * Dedup matching quality on labelled data: pairwise precision, recall and F1
 * of `findDuplicates` on the FEBRL sets in ../shared/data/dedup (see its
 * README), CRM fields only (first and last name, street address, city, state,
 * postal code, date of birth; no email or phone in these files, and not the
 * social security number, which a CRM does not hold).
 *
 * Run: node --import tsx test/bench/dedup-quality.ts [--data DIR] [--threshold P]
 *
 * The threshold is the library's default (0.9 match probability), fixed
 * before any result on these labels was seen; `--threshold` exists to show
 * the curve, not to pick a value. A predicted pair is every pair of contacts
 * in one cluster; a true pair the matcher never compared counts as missed.
 * Also printed: how many true pairs blocking compared at all (the recall
 * ceiling) and the time taken. Goal: F1 at least 0.95 on each set. Exits 0
 * whatever the figures; 1 when it cannot run.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { candidatePairs } from '../../src/dedup/blocking.js';
import { findDuplicates } from '../../src/dedup/find-duplicates.js';
import { prepareContact, type MatchContact } from '../../src/dedup/prepare-contact.js';
import { recordFigure } from './report.js';

const GOAL_F1 = 0.95;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = resolve(arg('data') ?? join(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/dedup'));
const threshold = arg('threshold') === undefined ? undefined : Number(arg('threshold'));

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

const pairKey = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);

function evaluate(name: string): void {
  const dir = join(dataDir, name);
  const rows = readCsv(join(dir, 'contacts.csv'));
  const contacts: MatchContact[] = rows.map((r) => ({
    id: r.contactId as string,
    firstName: r.firstName,
    lastName: r.lastName,
    email: r.email,
    phone: r.phone,
    address1: r.address1,
    city: r.city,
    state: r.state,
    postalCode: r.postalCode,
    dateOfBirth: r.dateOfBirth,
  }));

  const started = performance.now();
  const result = findDuplicates(contacts, threshold === undefined ? {} : { threshold });
  const ms = performance.now() - started;

  // The labels are read only now, after the matcher has run.
  const truth = new Set(readCsv(join(dir, 'true_pairs.csv')).map((r) => pairKey(r.contactId_a as string, r.contactId_b as string)));
  const predicted = new Set<string>();
  for (const c of result.clusters) {
    for (let i = 0; i < c.ids.length; i++) for (let j = i + 1; j < c.ids.length; j++) predicted.add(pairKey(c.ids[i] as string, c.ids[j] as string));
  }
  let tp = 0;
  for (const p of predicted) if (truth.has(p)) tp++;
  const precision = predicted.size === 0 ? 1 : tp / predicted.size;
  const recall = truth.size === 0 ? 1 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);

  const prepared = contacts.map((c) => prepareContact(c));
  const cands = candidatePairs(prepared);
  let compared = 0;
  for (let k = 0; k < cands.count; k++) {
    if (truth.has(pairKey(prepared[cands.left[k] as number]!.id, prepared[cands.right[k] as number]!.id))) compared++;
  }

  const f = (x: number): string => x.toFixed(4);
  console.log(
    `${name}: contacts=${contacts.length} true_pairs=${truth.size} predicted_pairs=${predicted.size} ` +
      `precision=${f(precision)} recall=${f(recall)} F1=${f(f1)} | blocking compared ${compared}/${truth.size} true pairs ` +
      `(${cands.count} pairs compared of ${(contacts.length * (contacts.length - 1)) / 2}) | ${ms.toFixed(0)} ms, EM iterations ${result.model.emIterations}, ` +
      `estimated match share among compared ${f(result.model.matchShare)}`,
  );
  recordFigure({
    bench: 'dedup-quality',
    figure: `f1-${name}`,
    label: `pairwise F1 on ${name} (${contacts.length} contacts, ${truth.size} true pairs), threshold ${threshold ?? 'default 0.9'}`,
    value: f1,
    unit: '',
    goal: GOAL_F1,
    comparator: '>=',
    baseline: { what: 'recall ceiling of blocking (true pairs compared at all)', value: truth.size === 0 ? 1 : compared / truth.size, unit: '' },
    note: `precision ${f(precision)}, recall ${f(recall)}`,
    digits: 3,
  });
}

try {
  const sets = ['febrl-1', 'febrl-2'].filter((s) => existsSync(join(dataDir, s, 'contacts.csv')));
  if (sets.length === 0) throw new Error(`No data sets under ${dataDir}`);
  console.log(`dedup quality: threshold ${threshold ?? '0.9 (default)'}, CRM fields only`);
  for (const s of sets) evaluate(s);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
