/**
 * Merged-value accuracy: after a merge one record is left, and it should be
 * the person as they are, not the oldest record's typo. FEBRL-1
 * (../shared/data/dedup/febrl-1) names each person's original record
 * (`originals.csv`); every other record of the person is a corrupted copy of
 * it. Over the clusters the matcher finds that contain an original, this
 * counts the share of fields (first and last name, street address, city,
 * state, postal code, date of birth) whose merged value equals the
 * original's, under the default field rule (`best`, with the location's
 * evidence) and, side by side in the same run, under the old default
 * (`fillBlanks`: the survivor's own values, blanks filled from the others).
 * FEBRL-2 ships no originals, so it is not measured.
 *
 * Run: node --import tsx test/bench/dedup-merge-values.ts [--data DIR]
 * Goal: at least 0.95. Exits 0 whatever the figure; 1 when it cannot run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { FieldRule } from '../../src/dedup/field-choice.js';
import { findDuplicates } from '../../src/dedup/find-duplicates.js';
import { LocationEvidence } from '../../src/dedup/location-evidence.js';
import { planClusterMerge, type SurvivorContact } from '../../src/dedup/survivor.js';
import { recordFigure } from './report.js';

const GOAL = 0.95;
const FIELDS = ['firstName', 'lastName', 'address1', 'city', 'state', 'postalCode', 'dateOfBirth'] as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = resolve(arg('data') ?? join(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/dedup'));
const readCsv = (file: string): Record<string, string>[] => parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Share of (cluster, field) whose merged value equals the original's, under one field rule. */
function accuracy(rule: FieldRule, clusters: ReadonlyArray<{ members: SurvivorContact[]; original: SurvivorContact }>, evidence: LocationEvidence): { share: number; fields: number; perField: Record<string, number> } {
  let right = 0;
  let all = 0;
  const perField: Record<string, number> = {};
  for (const { members, original } of clusters) {
    const merge = planClusterMerge(members, { survivor: 'oldest', fieldRule: rule, evidence });
    for (const f of FIELDS) {
      all++;
      if (text(merge.fields[f]?.value) === text(original[f])) right++;
      else perField[f] = (perField[f] ?? 0) + 1;
    }
  }
  return { share: all === 0 ? 0 : right / all, fields: all, perField };
}

try {
  const dir = join(dataDir, 'febrl-1');
  if (!existsSync(join(dir, 'originals.csv'))) throw new Error(`No ${join(dir, 'originals.csv')}`);
  const rows = readCsv(join(dir, 'contacts.csv'));
  const contacts: SurvivorContact[] = rows.map((r) => ({ ...r, id: r.contactId as string }));
  const found = findDuplicates(contacts.map((c) => ({ ...c })) as never);
  const evidence = new LocationEvidence(contacts);
  // The originals are read only now, after matching.
  const originals = new Set(readCsv(join(dir, 'originals.csv')).map((r) => r.contactId as string));
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const clusters = found.clusters
    .filter((c) => c.review.length === 0)
    .map((c) => ({ members: c.ids.map((id) => byId.get(id) as SurvivorContact), original: byId.get(c.ids.find((id) => originals.has(id)) ?? '') }))
    .filter((c): c is { members: SurvivorContact[]; original: SurvivorContact } => c.original !== undefined);
  const best = accuracy('best', clusters, evidence);
  const old = accuracy('fillBlanks', clusters, evidence);
  const majority = accuracy('mostCommon', clusters, evidence);
  const f = (x: number): string => x.toFixed(4);
  console.log(
    `febrl-1: ${clusters.length} clusters with an original, ${best.fields} fields | best ${f(best.share)} (wrong: ${JSON.stringify(best.perField)}) | ` +
      `mostCommon ${f(majority.share)} | fillBlanks (old default) ${f(old.share)} (wrong: ${JSON.stringify(old.perField)})`,
  );
  recordFigure({
    bench: 'dedup-merge-values',
    figure: 'merged-equals-original-febrl-1',
    label: `share of merged fields equal to the original record's, FEBRL-1 (${clusters.length} clusters with an original, ${FIELDS.length} fields each), default rule best`,
    value: best.share,
    unit: '',
    goal: GOAL,
    comparator: '>=',
    baseline: { what: 'the old default, fillBlanks (survivor oldest), same clusters', value: old.share, unit: '' },
    note: `mostCommon alone ${f(majority.share)}`,
    digits: 3,
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
