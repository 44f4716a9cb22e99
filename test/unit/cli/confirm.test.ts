import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contactsToDelete, deletePrompt, printApplySummary } from '../../../src/cli/commands/dedup.js';
import { askLine, isYes, needsConfirmation } from '../../../src/cli/confirm.js';
import type { ApplySummary } from '../../../src/dedup/apply-run.js';
import type { PlanCluster } from '../../../src/dedup/merge-plan.js';

/** The question before an apply deletes contacts, and the apply printout of what was left out. The real terminal is in test/e2e/dedup-review.test.ts. */

describe('needsConfirmation', () => {
  it.each([
    // toDelete, --yes, stdin TTY, stdout TTY, ask
    [5, false, true, true, true],
    [5, true, true, true, false],
    [5, false, false, true, false],
    [5, false, true, false, false],
    [5, false, false, false, false],
    [0, false, true, true, false],
  ])('%i to delete, --yes %s, stdin TTY %s, stdout TTY %s: ask %s', (toDelete, yes, stdinIsTTY, stdoutIsTTY, ask) => {
    expect(needsConfirmation({ toDelete, yes, stdinIsTTY, stdoutIsTTY })).toBe(ask);
  });
});

describe('isYes', () => {
  it.each([
    ['yes', true],
    ['  yes \r', true],
    ['YES', true],
    ['y', false],
    ['', false],
    ['yes please', false],
    ['no', false],
    [undefined, false],
  ])('%j: %s', (answer, yes) => {
    expect(isYes(answer)).toBe(yes);
  });
});

describe('askLine', () => {
  it('asks on the output and resolves with the line typed', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const answer = askLine('Type yes to continue: ', input, output);
    input.write('yes\n');
    expect(await answer).toBe('yes');
    expect(shown).toContain('Type yes to continue: ');
  });

  it('resolves undefined at the end of input (Ctrl-D): no answer is no yes', async () => {
    const input = new PassThrough();
    const answer = askLine('Type yes to continue: ', input, new PassThrough());
    input.end();
    expect(await answer).toBeUndefined();
  });
});

describe('deletePrompt and contactsToDelete', () => {
  const cluster = (losers: string[]): PlanCluster => ({ losers }) as unknown as PlanCluster;

  it('says how many contacts, where, how many clusters and how to undo', () => {
    expect(deletePrompt(5, 'loc1', 3)).toBe('5 contacts will be deleted from location loc1 (3 clusters merged; undo with --undo <run-id> after the run). Type yes to continue: ');
    expect(deletePrompt(1, 'loc1', 1)).toBe('1 contact will be deleted from location loc1 (1 cluster merged; undo with --undo <run-id> after the run). Type yes to continue: ');
  });

  it.each([
    ['every loser of every applied cluster', [['a'], ['b', 'c']], true, 3],
    ['none with --no-delete', [['a'], ['b', 'c']], false, 0],
    ['none when nothing is applied', [], true, 0],
  ] as const)('%s', (_name, losers, deleteLosers, n) => {
    expect(contactsToDelete({ apply: losers.map((l) => cluster([...l])) }, deleteLosers)).toBe(n);
  });
});

describe('printApplySummary: the clusters left out', () => {
  const summary = (leftOut: ApplySummary['leftOut']): ApplySummary => ({
    runId: 'RUN',
    runDir: 'runs/RUN',
    location: 'loc1',
    clusters: 2,
    merged: 2,
    stale: 0,
    failed: 0,
    losersDeleted: 2,
    losersTagged: 0,
    notesMoved: 0,
    tasksMoved: 0,
    requests: 10,
    retries: 0,
    rateLimited: 0,
    elapsedMs: 1000,
    outcomes: [],
    leftOut,
    exitCode: 0,
  });
  const lines = (s: ApplySummary, planFile?: string): string[] => {
    const out: string[] = [];
    printApplySummary(s, (l) => out.push(l), planFile, 'npx hoop-etl');
    return out;
  };

  it('says how many review clusters wait and how to approve them', () => {
    const out = lines(summary({ skipped: ['c7'], rejected: ['c2'], awaitingReview: ['c1', 'c4'] }), 'my plan.json');
    expect(out).toContain('Left out as rejected by the reviewer: 1 (c2).');
    expect(out).toContain('Left out by --skip: 1 (c7).');
    expect(out).toContain(
      "2 clusters were left for review, not merged (c1, c4): a person must approve them on the plan's review page (--report), click Save decisions, then run npx hoop-etl dedup --apply 'my plan.json' --decisions decisions.json (clusters already merged are left as they are).",
    );
  });

  it('says nothing of left-out clusters when there are none', () => {
    const out = lines(summary({ skipped: [], rejected: [], awaitingReview: [] }), 'plan.json');
    expect(out.some((l) => l.includes('Left out') || l.includes('left for review'))).toBe(false);
  });
});
