import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTemps } from '../../../src/exporter/output.js';

const dir = mkdtempSync(join(tmpdir(), 'hoop-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('removeStaleTemps', () => {
  it('removes the temporary files and range spills of ended runs beside the file, and nothing else', async () => {
    const dead = deadPid();
    const files = [
      `.nightly.csv.gz.${dead}-0a1b2c3d.tmp`, // an ended run's output: removed
      `.nightly.csv.gz.part-${dead}-0a1b2c3d.tmp`, // an ended run's range spill: removed
      `.nightly.csv.gz.${process.pid}-deadbeef.tmp`, // a live run's: kept
      `.nightly.csv.gz.part-${process.pid}-deadbeef.tmp`, // kept
      `.other.csv.${dead}-0a1b2c3d.tmp`, // another file's: kept
      `.nightly.csv.gzX${dead}-0a1b2c3d.tmp`, // not the pattern ('.' is literal): kept
      `nightly.csv.gz`, // the file itself: kept
      `.nightly.csv.gz.${dead}-0a1b2c3.tmp`, // not a temp name of ours: kept
    ];
    for (const f of files) writeFileSync(join(dir, f), 'x');
    const removed = await removeStaleTemps(join(dir, 'nightly.csv.gz'));
    expect(removed.sort()).toEqual([files[0], files[1]].sort());
    expect(readdirSync(dir).sort()).toEqual(files.slice(2).sort());
  });

  it('is a no-op when the folder does not exist', async () => {
    expect(await removeStaleTemps(join(dir, 'missing', 'x.csv'))).toEqual([]);
  });
});
