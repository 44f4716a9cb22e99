#!/usr/bin/env node
/**
 * `npm run test:chaos`: the whole chaos suite. 20 kill points per job and a
 * 50,000-row soak, with a seed of its own each run unless one is given:
 *   npm run test:chaos                 a new seed, printed first
 *   npm run test:chaos -- --seed 42    replays seed 42
 * CHAOS_POINTS and CHAOS_SOAK_ROWS in the environment override the sizes.
 * `npm test` runs the same files with a fixed seed, 2 points and a small soak.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const args = process.argv.slice(2);
const at = args.indexOf('--seed');
let seed = process.env.CHAOS_SEED;
if (at >= 0) {
  seed = args[at + 1];
  args.splice(at, 2);
}
if (seed === undefined || seed === '') seed = String(randomInt(1, 2 ** 31 - 1));
if (!/^\d+$/.test(seed)) {
  console.error(`test:chaos: --seed takes a whole number, got '${seed}'`);
  process.exit(2);
}
const env = {
  ...process.env,
  CHAOS_SEED: seed,
  CHAOS_POINTS: process.env.CHAOS_POINTS || '20',
  CHAOS_SOAK_ROWS: process.env.CHAOS_SOAK_ROWS || '50000',
};
console.log(`chaos: seed ${env.CHAOS_SEED}, ${env.CHAOS_POINTS} kill points per job, soak of ${env.CHAOS_SOAK_ROWS} rows (replay with: npm run test:chaos -- --seed ${env.CHAOS_SEED})`);
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/chaos', ...args], { stdio: 'inherit', env });
console.log(`chaos: seed ${env.CHAOS_SEED} ${r.status === 0 ? 'passed' : 'FAILED'}`);
process.exit(r.status ?? 1);
