import { describe, expect, it } from 'vitest';
import { e2eHarness } from '../helpers/e2e.js';
import { planOverSamples } from '../helpers/sample-location.js';

/**
 * The shipped samples, tried as a new user would: both CRM exports imported
 * through their pipelines into one location, then `hoop-etl dedup --plan`.
 * The samples hold offices (Harbour Analytics, Ejemplo SL, Lumière SAS, a
 * Japanese company) whose coworkers share an address, a postal code and
 * neighbouring phone numbers: none of them may be clustered with another.
 * The import merges the rows each file holds twice; two people typed in again
 * by hand afterwards must be found (see `planOverSamples`).
 */

const { emulator, freshDir } = e2eHarness('dedup-samples');

describe('a duplicate plan over the shipped samples', () => {
  it('clusters only the same person, and finds the ones typed in again', async () => {
    // A location that allows duplicates: the kind that collects them.
    const emu = await emulator({ allowDuplicates: true });
    const { runs, plan, clusters } = await planOverSamples(emu, freshDir('samples'));
    // Both samples carry rows that fail on purpose (bad email, a day-first date): exit 3, the rest imported.
    for (const r of runs) expect([0, 3], r.stderr).toContain(r.status);
    expect(plan.status, plan.stderr).toBe(0);
    for (const c of clusters) {
      expect(c.people, `${c.id} (${c.kind}) holds ${c.people.join(', ')}`).not.toContain('?');
      expect(new Set(c.people).size, `${c.id} (${c.kind}) holds ${c.people.join(', ')}`).toBe(1);
    }
    // The two typed in again are found, each with the contact the import made of them; their coworkers are not.
    expect(clusters.map((c) => c.people[0]).sort()).toEqual(['grace-oneill', 'sophie-martin']);
    expect(clusters.map((c) => c.people.length)).toEqual([2, 2]);
    expect(clusters.every((c) => c.kind !== 'review')).toBe(true);
  }, 120_000);
});
