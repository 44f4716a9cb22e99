import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { envFor, runCli, type CliRun } from './cli.js';
import { admin, call } from './http.js';

/**
 * The shipped samples as a new user meets them: `samples/hubspot-contacts.csv`
 * and `samples/salesforce-contacts.csv` imported into one location through
 * their pipelines, then a duplicate plan over it. Who is who comes from
 * `test/fixtures/dedup/samples-people.csv` (source, record id, person): one
 * person per row, the same person where the samples hold one person twice
 * (written out by folding the names, Bob as Robert, then checked by hand:
 * the samples hold no namesakes).
 */

const ROOT = process.cwd();
export const SAMPLE_PIPELINES = [
  { source: 'hubspot', pipeline: join(ROOT, 'pipelines/hubspot-migration.yaml'), recordKey: 'contact.hubspot_record_id' },
  { source: 'salesforce', pipeline: join(ROOT, 'pipelines/salesforce-migration.yaml'), recordKey: 'contact.salesforce_id' },
] as const;

/** `${source}:${recordId}` -> person. */
export function samplePeople(): Map<string, string> {
  const rows = parse(readFileSync(join(ROOT, 'test/fixtures/dedup/samples-people.csv')), { columns: true }) as Array<{ source: string; recordId: string; person: string }>;
  return new Map(rows.map((r) => [`${r.source}:${r.recordId}`, r.person]));
}

/** `Hubspot Record Id` for `contact.hubspot_record_id`: the name a user would give the field. */
function nameOfKey(key: string): string {
  return key
    .replace(/^contact\./, '')
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * Creates the custom fields the sample pipelines name (Settings > Custom
 * Fields, as their headers ask), then imports both samples with the built
 * CLI. Returns each import's run and the id of each record-id field.
 */
export async function importSamples(emu: RunningEmulator, reportDir: string): Promise<{ runs: CliRun[]; recordFields: Map<string, string> }> {
  const fields = new Map<string, { name: string; fieldKey?: string }>();
  for (const { pipeline } of SAMPLE_PIPELINES) {
    const doc = parseYaml(readFileSync(pipeline, 'utf8')) as { customFields?: Array<{ key?: string; name?: string }> };
    for (const cf of doc.customFields ?? []) {
      if (cf.key) fields.set(cf.key, { name: nameOfKey(cf.key), fieldKey: cf.key });
      else if (cf.name) fields.set(cf.name, { name: cf.name });
    }
  }
  const created = await admin<{ customFields: Array<{ id: string; fieldKey: string }> }>(emu, 'POST', `/locations/${emu.locationId}/custom-fields`, {
    customFields: [...fields.values()].map((f, i) => ({ ...f, dataType: 'TEXT', position: i + 1 })),
  });
  const idOfKey = new Map(created.customFields.map((f) => [f.fieldKey, f.id]));
  const runs: CliRun[] = [];
  const recordFields = new Map<string, string>();
  for (const { source, pipeline, recordKey } of SAMPLE_PIPELINES) {
    recordFields.set(source, idOfKey.get(recordKey) as string);
    runs.push(await runCli(['run', pipeline, '--location', emu.locationId, '--report-dir', reportDir], envFor(emu)));
  }
  return { runs, recordFields };
}

interface PlanMember {
  readonly id: string;
  readonly customFields?: ReadonlyArray<{ id: string; value: unknown }>;
}

/** The person of each member of a plan cluster, by its record-id field; `?` when it has none. */
export function peopleOf(members: readonly PlanMember[], recordFields: ReadonlyMap<string, string>, people: ReadonlyMap<string, string>): string[] {
  return members.map((m) => {
    for (const [source, fieldId] of recordFields) {
      const value = m.customFields?.find((cf) => cf.id === fieldId)?.value;
      if (value !== undefined && value !== null && value !== '') return people.get(`${source}:${String(value)}`) ?? '?';
    }
    return '?';
  });
}

/**
 * Two people of the samples typed in again by hand after the import, as
 * happens: a typo in a surname with the office street abbreviated, and a
 * personal mailbox. Each carries the record id of the person it repeats.
 * Their coworkers (Liam O'Brien, Chloé Bernard) sit beside them.
 */
export const TYPED_AGAIN = [
  { firstName: 'Grace', lastName: "O'Neil", phone: '+12125550143', address1: '1 Liberty Plz', city: 'New York', postalCode: '10006', record: ['hubspot', '51234567808'] },
  { firstName: 'Sophie', lastName: 'Martin', email: 'sophie.martin@gmail.com', phone: '+33142685302', address1: '8 Bd Haussmann', city: 'Paris', record: ['salesforce', '0035g00000KXa1XAAT'] },
] as const;

export interface SamplesPlan {
  readonly runs: readonly CliRun[];
  readonly plan: CliRun;
  readonly clusters: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly people: readonly string[] }>;
}

/**
 * The whole procedure on an emulator that allows duplicates: import both
 * samples, type two people in again, plan with the built CLI into `dir`,
 * and name the person of every cluster member.
 */
export async function planOverSamples(emu: RunningEmulator, dir: string): Promise<SamplesPlan> {
  const { runs, recordFields } = await importSamples(emu, join(dir, 'runs'));
  for (const { record, ...fields } of TYPED_AGAIN) {
    const created = await call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, ...fields, customFields: [{ id: recordFields.get(record[0]), value: record[1] }] } });
    if (created.status !== 201) throw new Error(`typing ${fields.firstName} ${fields.lastName} in again: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const planFile = join(dir, 'plan.json');
  const plan = await runCli(['dedup', '--location', emu.locationId, '--plan', planFile], envFor(emu));
  if (plan.status !== 0) return { runs, plan, clusters: [] };
  const read = JSON.parse(readFileSync(planFile, 'utf8')) as { clusters: Array<{ id: string; kind: string; contacts: PlanMember[] }> };
  const people = samplePeople();
  return { runs, plan, clusters: read.clusters.map((c) => ({ id: c.id, kind: c.kind, people: peopleOf(c.contacts, recordFields, people) })) };
}
