import { randomBytes } from 'node:crypto';

/** A run's id: its start in UTC to the second, then 6 random hex digits (`20261127T101500-ab12cd`); sorts by time. */
export function newRunId(now: number): string {
  return `${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}
