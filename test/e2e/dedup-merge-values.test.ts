import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';
import { admin, call } from '../helpers/http.js';

/**
 * The merged record carries the best-supported value, end to end: a person
 * entered three times, the oldest record with first and last names swapped
 * and a typo in the city, in a location where the city is common. The plan
 * (built CLI, real emulator over HTTP) says which value each field takes and
 * why; the apply writes them to the oldest record, which keeps its id.
 */

const { emulator, freshDir } = e2eHarness('dedup-merge-values');
const id = (s: string): string => s.padEnd(20, '0');
const OLDEST = id('ameliaOldest');

describe('a merge that keeps the best value', () => {
  it('mends the survivor from the others and the location, keeps its id, and the location holds the mended record', async () => {
    const emu = await emulator();
    const neighbours = Array.from({ length: 10 }, (_, i) => ({
      firstName: ['Liam', 'Noah', 'Ava', 'Mia', 'Leo', 'Ivy', 'Zoe', 'Max', 'Eva', 'Ian'][i],
      lastName: ['Byrne', 'Kelly', 'Walsh', 'Doyle', 'Quinn', 'Nolan', 'Burke', 'Hayes', 'Moore', 'Boyle'][i],
      email: `n${i}@mail.example`,
      city: 'Belfast',
      dateAdded: '2019-01-01T00:00:00.000Z',
    }));
    await admin(emu, 'POST', `/locations/${emu.locationId}/contacts`, {
      contacts: [
        ...neighbours,
        { id: OLDEST, firstName: 'Watson', lastName: 'Amelia', email: 'amelia.watson@mail.example', city: 'Baltasf', address1: '4 Castle Street', dateOfBirth: '1990-04-12', dateAdded: '2020-01-01T00:00:00.000Z' },
        { firstName: 'Amelia', lastName: 'Watson', email: 'AMELIA.WATSON@mail.example', phone: '+442890123456', city: 'Belfast', address1: '4 Castle Street', dateOfBirth: '1990-04-12', dateAdded: '2021-01-01T00:00:00.000Z' },
        { firstName: 'Amelia', lastName: 'Watson', phone: '+442890123456', city: 'Belfast', address1: '4 Castle St', dateOfBirth: '1990-04-12', dateAdded: '2022-01-01T00:00:00.000Z' },
      ],
    });
    const dir = freshDir('merge');
    const env = envFor(emu);
    const planFile = join(dir, 'plan.json');
    const planned = await runCli(['dedup', '--location', emu.locationId, '--plan', planFile], env);
    expect(planned.status, planned.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(plan.settings.fieldRule).toBe('best');
    expect(plan.clusters).toHaveLength(1);
    const cluster = plan.clusters[0];
    expect(cluster.survivor).toBe(OLDEST);
    expect(cluster.merged.fields.firstName).toMatchObject({ value: 'Amelia', why: expect.stringContaining('swapped names ignored') });
    expect(cluster.merged.fields.lastName).toMatchObject({ value: 'Watson' });
    expect(cluster.merged.fields.city).toMatchObject({ value: 'Belfast', why: 'mostCommon 2/2' });
    expect(cluster.merged.fields.address1).toMatchObject({ value: '4 Castle Street' });
    expect(cluster.changes.map((c: { field: string; after: unknown }) => [c.field, c.after])).toEqual([
      ['firstName', 'Amelia'],
      ['lastName', 'Watson'],
      ['phone', '+442890123456'],
      ['city', 'Belfast'],
    ]);

    const applied = await runCli(['dedup', '--apply', planFile, '--report-dir', join(dir, 'runs'), '--yes'], env);
    expect(applied.status, applied.stderr).toBe(0);
    const { body } = await call(emu, 'GET', `/contacts/${OLDEST}`);
    expect(body.contact).toMatchObject({ id: OLDEST, firstName: 'Amelia', lastName: 'Watson', city: 'Belfast', phone: '+442890123456', address1: '4 Castle Street' });
    const all = await admin<{ contacts: Array<{ lastName?: string }> }>(emu, 'GET', `/locations/${emu.locationId}/contacts`);
    expect(all.contacts.filter((c) => c.lastName === 'Watson' || c.lastName === 'Amelia')).toHaveLength(1);
  }, 90_000);
});
