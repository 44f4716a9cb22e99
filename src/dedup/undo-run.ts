import { join } from 'node:path';
import type { ContactsApi } from '../api/endpoints.js';
import { DuplicateContactError } from '../api/errors.js';
import { EXIT, HoopError, RunStoppedError, type ExitCode } from '../core/errors.js';
import { csvLine, writeFileAtomic } from '../exporter/output.js';
import { RunJournal } from '../writers/run-journal.js';
import { openAppliedRun, ownKey, PLAN_COPY, readPlanFile, removeTagsChecked, RUN_LEVEL, RUN_UNIT, UNDO_STEP, type ClusterSnapshot } from './apply-run.js';
import type { PlanCluster } from './merge-plan.js';
import { duplicateOfTag, editedSinceMerge, recreateWrite, restoreDnd, restoreWrite, splitSurvivorUpdate, type DndCarry } from './merge-writes.js';
import { forEachLimited } from './plan-run.js';
import type { FieldChange, SurvivorContact } from './survivor.js';

/**
 * `hoop-etl dedup --undo <run-id>`: reverses what an apply's journal says it
 * did, cluster by cluster. The survivor gets its fields back (before the
 * losers return, so their email or phone is free again), loses the tags,
 * notes, tasks and followers the merge gave it, and its business; each
 * deleted loser is created again from its before-image with its fields,
 * custom fields, tags, notes, tasks, followers and business (the platform
 * gives it a new id, reported); a loser kept with `--no-delete` loses its
 * `duplicate-of-` tag. Journaled in the same run's journal (`undo:` steps),
 * so an interrupted undo continues where it stopped when run again.
 */

export interface UndoOptions {
  readonly api: ContactsApi;
  readonly reportDir: string;
  readonly runId: string;
  /** @default 4 */
  readonly concurrency?: number;
  readonly now?: () => number;
  /** Aborted by Ctrl-C or a stop signal: clusters begun finish, no new one starts. */
  readonly signal?: AbortSignal;
}

export interface Recreated {
  readonly cluster: string;
  readonly oldId: string;
  readonly newId: string;
  /** Email or phone left off: the location refuses a second contact with the survivor's (its "Allow Duplicate Contact" is off). */
  readonly dropped?: readonly string[];
}

export interface UndoClusterOutcome {
  readonly cluster: string;
  readonly survivor: string;
  readonly status: 'restored' | 'untouched' | 'failed';
  readonly code?: string;
  readonly message?: string;
  readonly recreated?: readonly Recreated[];
  /** Merged fields edited on the survivor after the apply: left as they are. */
  readonly keptEdits?: readonly string[];
}

export interface UndoSummary {
  readonly runId: string;
  readonly runDir: string;
  readonly clusters: number;
  readonly restored: number;
  readonly untouched: number;
  readonly failed: number;
  readonly recreated: readonly Recreated[];
  readonly outcomes: readonly UndoClusterOutcome[];
  readonly requests: number;
  readonly elapsedMs: number;
  readonly exitCode: ExitCode;
}

export class UndoStoppedError extends RunStoppedError {
  constructor(runId: string, cause: Error) {
    super('UNDO_STOPPED', runId, `Dedup undo stopped: ${cause.message}. Nothing is lost: run the same dedup --undo ${runId} again to continue`, 'again', cause);
  }
}

const codeOf = (e: unknown): string | undefined => (e instanceof HoopError ? e.code : undefined);
const isNotFound = (e: unknown): boolean => codeOf(e) === 'NOT_FOUND';

async function once<T>(journal: RunJournal, unit: string, step: string, fn: (resumed: boolean) => Promise<T>): Promise<T> {
  const seen = journal.step<T>(unit, step);
  if (seen?.state === 'done') return seen.result as T;
  journal.begin(unit, step);
  const result = await fn(seen?.state === 'begun');
  journal.finish(unit, step, result === undefined ? null : result);
  return result;
}

export async function runUndo(options: UndoOptions): Promise<UndoSummary> {
  const { api, runId } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const runDir = join(options.reportDir, runId);
  const { journal } = openAppliedRun(options.reportDir, runId, api.locationId, '--undo', 'changed');
  const plan = readPlanFile(join(runDir, PLAN_COPY));
  if (!journal.step(RUN_UNIT, UNDO_STEP)) journal.finish(RUN_UNIT, UNDO_STEP, { startedAt: new Date(started).toISOString() });
  const outcomes = new Map<string, UndoClusterOutcome>();
  let stop: Error | undefined;
  try {
    await forEachLimited(plan.clusters, options.concurrency ?? 4, async (cluster) => {
      try {
        outcomes.set(cluster.id, await undoCluster(api, journal, cluster));
      } catch (e) {
        const code = codeOf(e);
        if (code === undefined || RUN_LEVEL.has(code)) throw e;
        outcomes.set(cluster.id, { cluster: cluster.id, survivor: cluster.survivor, status: 'failed', code, message: (e as Error).message });
      }
    }, options.signal);
  } catch (e) {
    stop = e as Error;
  }
  journal.close();
  const list = plan.clusters.map((c) => outcomes.get(c.id) ?? { cluster: c.id, survivor: c.survivor, status: 'failed' as const, code: 'NOT_REACHED', message: 'not reached: the undo stopped' });
  const recreated = list.flatMap((o) => o.recreated ?? []);
  const summary: UndoSummary = {
    runId,
    runDir,
    clusters: list.length,
    restored: list.filter((o) => o.status === 'restored').length,
    untouched: list.filter((o) => o.status === 'untouched').length,
    failed: list.filter((o) => o.status === 'failed').length,
    recreated,
    outcomes: list,
    requests: api.client.stats.requests,
    elapsedMs: now() - started,
    exitCode: list.some((o) => o.status === 'failed') ? EXIT.rowsFailed : EXIT.ok,
  };
  await writeFileAtomic(
    join(runDir, 'undo-recreated.csv'),
    [csvLine(['cluster', 'oldId', 'newId', 'notRestored'], false), ...recreated.map((r) => csvLine([r.cluster, r.oldId, r.newId, (r.dropped ?? []).join(' ')], true))].join(''),
  );
  const { outcomes: _o, ...rest } = summary;
  const keptEdits = list.filter((o) => o.keptEdits?.length).map((o) => ({ cluster: o.cluster, survivor: o.survivor, fields: o.keptEdits }));
  await writeFileAtomic(join(runDir, 'undo-summary.json'), `${JSON.stringify({ job: 'dedup-undo', ...rest, keptEdits, stopped: stop?.message }, null, 2)}\n`);
  if (stop) throw new UndoStoppedError(runId, stop);
  return summary;
}

async function undoCluster(api: ContactsApi, journal: RunJournal, cluster: PlanCluster): Promise<UndoClusterOutcome> {
  const unit = cluster.survivor;
  const base = { cluster: cluster.id, survivor: unit };
  const finished = journal.step<UndoClusterOutcome>(unit, 'undo:cluster');
  if (finished?.state === 'done') return finished.result as UndoClusterOutcome;
  const check = journal.step<ClusterSnapshot>(unit, 'check');
  if (check?.state !== 'done' || !check.result || check.result.stale) return { ...base, status: 'untouched' };
  const snap = check.result;
  const members = snap.members!;
  const byId = new Map(members.map((m) => [m.id, m]));
  const survivor = byId.get(unit)!;
  const losers = cluster.losers.map((id) => byId.get(id)!);
  /** A step that may have happened: done, or begun when a crash came. */
  const touched = (step: string): boolean => journal.step(unit, step) !== undefined;
  const result = <T>(step: string): T | undefined => journal.step<T>(unit, step)?.result;

  const split = splitSurvivorUpdate(cluster.changes, losers);
  const upserted = journal.step(unit, 'upsert') !== undefined && result<boolean>('upsert') !== false ? split.viaUpsert : [];
  const written = [...upserted, ...(touched('update') ? split.now : []), ...(touched('deferred') ? split.deferred : [])];
  // A field someone changed on the survivor since the apply keeps its new value: read once,
  // before anything is restored (journaled, so a resumed undo does not take its own writes for edits).
  const keptEdits = written.length ? await once(journal, unit, 'undo:edited', async () => editedSinceMerge(written, (await api.getContact(unit)).contact as SurvivorContact)) : [];
  const unedited = (list: readonly FieldChange[]) => list.filter((c) => !keptEdits.includes(c.field));
  const viaUpsert = unedited(upserted);
  // First, while the survivor still holds the merged email or phone an upsert is matched on.
  if (viaUpsert.length) {
    await once(journal, unit, 'undo:upsert', async () => {
      const key = await ownKey(api, unit);
      if (!key) throw new HoopError('UNDO_UPSERT', `${viaUpsert.map((c) => c.field).join(', ')} of ${unit} cannot be restored: no email or phone finds it alone`);
      await api.upsertContact({ ...key, ...restoreWrite(viaUpsert) });
      return true;
    });
  }
  const changed = unedited([...(touched('update') ? split.now : []), ...(touched('deferred') ? split.deferred : [])]);
  await once(journal, unit, 'undo:fields', async () => {
    if (changed.length) await api.updateContact(unit, restoreWrite(changed));
    return changed.map((c) => c.field);
  });
  const carried = result<DndCarry | null>('dnd');
  if (carried) {
    await once(journal, unit, 'undo:dnd', async () => {
      await api.updateContact(unit, restoreDnd(survivor, carried));
      return true;
    });
  }
  await once(journal, unit, 'undo:tags', async () => {
    if (touched('tags') && cluster.tagsToAdd.length) await removeTagsChecked(api, [unit], [...cluster.tagsToAdd]);
    return true;
  });
  for (const l of losers) {
    for (const kind of ['note', 'task'] as const) {
      for (const item of (kind === 'note' ? snap.notes : snap.tasks)?.[l.id] ?? []) {
        const made = result<{ id: string }>(`${kind}:${l.id}:${item.id}`);
        if (!made) continue;
        await once(journal, unit, `undo:${kind}:${l.id}:${item.id}`, async () => {
          try {
            if (kind === 'note') await api.deleteNote(unit, made.id);
            else await api.deleteTask(unit, made.id);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          return true;
        });
      }
    }
  }
  const followers = result<string[]>('followers');
  if (followers?.length) {
    await once(journal, unit, 'undo:followers', async () => {
      await api.removeFollowers(unit, followers);
      return true;
    });
  }
  const business = result<{ businessId: string | null }>('business');
  if (business?.businessId) {
    await once(journal, unit, 'undo:business', async () => {
      const own = typeof survivor.businessId === 'string' && survivor.businessId !== '' ? survivor.businessId : null;
      await api.setBusiness([unit], own);
      return true;
    });
  }

  const recreated: Recreated[] = [];
  for (const l of losers) {
    if (touched(`delete:${l.id}`)) {
      const made = await recreateLoser(api, journal, unit, cluster.ids, l, snap);
      if (made) recreated.push({ cluster: cluster.id, oldId: l.id, newId: made.id, ...(made.dropped.length && { dropped: made.dropped }) });
    } else if (touched(`mark:${l.id}`)) {
      await once(journal, unit, `undo:unmark:${l.id}`, async () => {
        await removeTagsChecked(api, [l.id], [duplicateOfTag(unit)]);
        return true;
      });
    }
  }
  const outcome: UndoClusterOutcome = { ...base, status: 'restored', ...(recreated.length && { recreated }), ...(keptEdits.length && { keptEdits }) };
  journal.finish(unit, 'undo:cluster', outcome);
  return outcome;
}

/** Creates a deleted loser again with its notes, tasks, followers and business; undefined when it was never deleted. */
async function recreateLoser(
  api: ContactsApi,
  journal: RunJournal,
  unit: string,
  members: readonly string[],
  loser: SurvivorContact,
  snap: ClusterSnapshot,
): Promise<{ id: string; dropped: string[] } | undefined> {
  // Contacts a lookup or a create must never mistake for the recreated one: the cluster's, and the ones recreated already.
  const exclude = new Set<string>(members);
  for (const m of members) {
    const s = journal.step<{ id: string | null }>(unit, `undo:create:${m}`);
    if (s?.state === 'done' && s.result?.id) exclude.add(s.result.id);
  }
  const made = await once(journal, unit, `undo:create:${loser.id}`, async (resumed): Promise<{ id: string | null; dropped: string[] }> => {
    // A delete in doubt: the loser may still be there.
    try {
      await api.getContact(loser.id);
      return { id: null, dropped: [] };
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const body: Record<string, unknown> = { ...recreateWrite(loser) };
    const dropped: string[] = [];
    if (resumed) {
      const found = await api.findDuplicate({ email: (body.email as string | undefined) ?? undefined, phone: (body.phone as string | undefined) ?? undefined });
      if (found && !exclude.has(found.id) && (found.firstName ?? '') === (loser.firstName ?? '') && (found.lastName ?? '') === (loser.lastName ?? '')) {
        return { id: found.id, dropped };
      }
    }
    let mistaken = 0;
    for (;;) {
      try {
        const { contact } = await api.createContact(body);
        if (exclude.has(contact.id)) {
          // The create's answer was lost and the client's look-up by email or phone found the survivor,
          // which shares them. Where duplicates are refused the create cannot have happened: try again.
          if (++mistaken < 5) continue;
          throw new HoopError('UNDO_AMBIGUOUS', `recreating ${loser.id}: the create's answer was lost ${mistaken} times and the lookup found ${contact.id}, which is not it`);
        }
        return { id: contact.id, dropped };
      } catch (e) {
        // The location refuses a second contact with the survivor's email or phone: the loser comes back without it.
        const field = e instanceof DuplicateContactError ? e.matchingField : undefined;
        if ((field === 'email' || field === 'phone') && body[field] !== undefined) {
          delete body[field];
          dropped.push(field);
          continue;
        }
        throw e;
      }
    }
  });
  const id = made.id;
  if (!id) return undefined;
  const notes = snap.notes?.[loser.id] ?? [];
  const tasks = snap.tasks?.[loser.id] ?? [];
  const claimed = (kind: 'note' | 'task'): Set<string> => {
    const out = new Set<string>();
    for (const item of kind === 'note' ? notes : tasks) {
      const s = journal.step<{ id: string }>(unit, `undo:re${kind}:${loser.id}:${item.id}`);
      if (s?.state === 'done' && s.result) out.add(s.result.id);
    }
    return out;
  };
  for (const note of notes) {
    await once(journal, unit, `undo:renote:${loser.id}:${note.id}`, async (resumed) => {
      if (resumed) {
        const taken = claimed('note');
        const found = (await api.listNotes(id)).notes.find((n) => !taken.has(n.id) && n.body === note.body && (n.title ?? '') === (note.title ?? ''));
        if (found) return { id: found.id };
      }
      const created = await api.createNote(id, { body: note.body, ...(note.title ? { title: note.title } : {}), ...(note.userId ? { userId: note.userId } : {}) });
      return { id: created.note.id };
    });
  }
  for (const task of tasks) {
    await once(journal, unit, `undo:retask:${loser.id}:${task.id}`, async (resumed) => {
      if (resumed) {
        const taken = claimed('task');
        const due = Date.parse(task.dueDate);
        const found = (await api.listTasks(id)).tasks.find((t) => !taken.has(t.id) && t.title === task.title && Date.parse(t.dueDate) === due && (t.body ?? '') === (task.body ?? ''));
        if (found) return { id: found.id };
      }
      const created = await api.createTask(id, {
        title: task.title,
        dueDate: task.dueDate,
        completed: task.completed === true,
        ...(task.body ? { body: task.body } : {}),
        ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
      });
      return { id: created.task.id };
    });
  }
  const followers = Array.isArray(loser.followers) ? (loser.followers as string[]) : [];
  if (followers.length) {
    await once(journal, unit, `undo:refollowers:${loser.id}`, async () => {
      await api.addFollowers(id, followers);
      return true;
    });
  }
  if (typeof loser.businessId === 'string' && loser.businessId !== '') {
    await once(journal, unit, `undo:rebusiness:${loser.id}`, async () => {
      await api.setBusiness([id], loser.businessId as string);
      return true;
    });
  }
  return { id, dropped: made.dropped };
}
