import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/api/errors.js';
import { estimate } from '../../../src/cli/commands/import.js';
import { decideCluster, predictWrite, type DecisionInput } from '../../../src/writers/cluster-decision.js';
import { judge, LocationSnapshot, type SnapshotContact } from '../../../src/writers/location-snapshot.js';

/**
 * What the import does with a cluster before writing, the same in the dry
 * run and the real run, and what the dry run predicts the platform answers.
 */

const contact = (id: string, email?: string, phone?: string): SnapshotContact => ({ id, email, phone, fields: { email, phone }, tags: [], customFields: new Map() });
const snapshot = new LocationSnapshot();
snapshot.add(contact('A', 'ann@example.com'));
snapshot.add(contact('B', undefined, '+14155550101'));

const refusal = new ValidationError(['dnd must be a boolean'], { method: 'POST', path: '/contacts/upsert', operation: 'upsert-contact' });
const base: DecisionInput = {
  refusal: undefined,
  verdict: { kind: 'create' },
  collisions: 'fail',
  sameFields: false,
  onlyNotesAndTasks: true,
  notesAndTasksPresent: true,
  mode: 'upsert',
};
const update = judge(snapshot, 'ann@example.com', undefined);
const collision = judge(snapshot, 'ann@example.com', '+14155550101');

describe('decideCluster', () => {
  it.each<[string, Partial<DecisionInput>, ReturnType<typeof decideCluster>]>([
    ['a body the platform refuses fails first, even on a collision', { refusal, verdict: collision }, { kind: 'fail', code: 'VALIDATION', message: 'POST /contacts/upsert: refused as invalid: dnd must be a boolean' }],
    ['a collision fails with collisions: fail', { verdict: collision }, { kind: 'fail', code: 'COLLISION', message: expect.stringContaining('(collisions: fail)') as unknown as string }],
    ['a collision is written with collisions: write', { verdict: collision, collisions: 'write' }, { kind: 'write' }],
    ['an existing contact with the same fields is unchanged', { verdict: update, sameFields: true }, { kind: 'unchanged', contactId: 'A' }],
    ['... unless a note or task is missing on it', { verdict: update, sameFields: true, notesAndTasksPresent: false }, { kind: 'write' }],
    ['... or followers, a workflow, a campaign or a business come along', { verdict: update, sameFields: true, onlyNotesAndTasks: false }, { kind: 'write' }],
    ['... and never in create mode (the platform answers that one)', { verdict: update, sameFields: true, mode: 'create' }, { kind: 'write' }],
    ['other fields: written', { verdict: update }, { kind: 'write' }],
    ['a new contact: written', {}, { kind: 'write' }],
  ])('%s', (_name, input, expected) => {
    expect(decideCluster({ ...base, ...input })).toEqual(expected);
  });
});

describe('predictWrite', () => {
  it.each<[string, 'upsert' | 'create' | 'update', string | undefined, string | undefined, ReturnType<typeof predictWrite>]>([
    ['upsert, new', 'upsert', 'new@example.com', undefined, { kind: 'created' }],
    ['upsert, existing', 'upsert', 'ann@example.com', undefined, { kind: 'updated', contactId: 'A' }],
    ['upsert, a collision written: the email wins', 'upsert', 'ann@example.com', '+14155550101', { kind: 'updated', contactId: 'A' }],
    ['create, new', 'create', 'new@example.com', undefined, { kind: 'created' }],
    ['create, existing by email', 'create', 'ann@example.com', undefined, { kind: 'fail', code: 'DUPLICATE', message: 'The location already has this contact (A, same email); create mode does not update it' }],
    ['create, existing by phone', 'create', undefined, '+14155550101', { kind: 'fail', code: 'DUPLICATE', message: 'The location already has this contact (B, same phone); create mode does not update it' }],
    ['update, none', 'update', 'new@example.com', undefined, { kind: 'fail', code: 'NOT_FOUND', message: 'No contact with this email or phone; update mode does not create one' }],
    ['update, existing', 'update', undefined, '+14155550101', { kind: 'updated', contactId: 'B' }],
    ["update giving A B's phone", 'update', 'ann@example.com', '+14155550101', { kind: 'fail', code: 'DUPLICATE', message: expect.stringContaining('does not allow duplicated contacts') as unknown as string }],
  ])('%s', (_name, mode, email, phone, expected) => {
    expect(predictWrite(mode, judge(snapshot, email, phone), snapshot, email, phone)).toEqual(expected);
  });
});

describe('the dry run time estimate', () => {
  it.each<[number, { max: number; intervalMs: number } | undefined, string]>([
    [600, { max: 100, intervalMs: 10_000 }, "1.0 min at this location's 100 requests per 10 s"],
    [600, { max: 50, intervalMs: 10_000 }, "2.0 min at this location's 50 requests per 10 s"],
    [600, undefined, "1.0 min at the platform's documented 100 requests per 10 s (the location reported no limit)"],
  ])('%i requests at %j: %s', (requests, limit, text) => {
    expect(estimate(requests, limit)).toBe(text);
  });
});
