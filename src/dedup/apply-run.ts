import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContactsApi } from '../api/endpoints.js';
import { whenToContinue } from '../api/errors.js';
import type { Contact, ContactWrite, Note, Task } from '../api/types.js';
import { ConfigError, EXIT, HoopError, RunStoppedError, type ExitCode } from '../core/errors.js';
import { newRunId } from '../core/run-id.js';
import { csvLine, writeFileAtomic } from '../exporter/output.js';
import { RunJournal } from '../writers/run-journal.js';
import { checkDecisions, selectClusters, type ClusterSelection, type DedupDecisions } from './decisions.js';
import { checkPlan, type MergePlan, type PlanCluster } from './merge-plan.js';
import { businessToSet, dndToCarry, duplicateOfTag, followersToAdd, mergeWrite, splitSurvivorUpdate } from './merge-writes.js';
import { forEachLimited } from './plan-run.js';
import type { SurvivorContact } from './survivor.js';
import { whyStale } from './why-stale.js';

/**
 * `hoop-etl dedup --apply`: carries out a merge plan, cluster by cluster.
 *
 * For each cluster: read every member again and skip the cluster when one
 * changed since the plan (`dateUpdated`) or is gone; journal the members'
 * before-images with their notes and tasks; update the survivor (an email or
 * phone still held by a loser waits: the platform would refuse it as a
 * duplicate); add the tag delta; recreate the losers' notes and tasks on the
 * survivor; carry followers and business; delete the losers (or tag them
 * `duplicate-of-<survivorId>`); then write the email or phone that waited.
 *
 * Every step is journaled before and after it happens
 * (`<report-dir>/<run-id>/journal.sqlite`, a copy of the plan beside it), so
 * `--resume <run-id>` continues after a crash: a step done is not repeated,
 * a note or task left in doubt is looked up on the survivor before it is
 * written again. The same journal is what `--undo` reverses.
 */

export interface ApplyOptions {
  readonly api: ContactsApi;
  /** The plan file; ignored on resume (the run folder holds its copy). */
  readonly planFile?: string;
  readonly reportDir: string;
  readonly resume?: string;
  /** false: tag losers `duplicate-of-<survivorId>` instead of deleting them. @default true */
  readonly deleteLosers?: boolean;
  /** Ids of plan clusters (`c2`) a reviewer left out; they are not applied. */
  readonly skip?: readonly string[];
  /**
   * A reviewer's decisions (the review page's saved file), checked against
   * the plan: a rejected cluster is not applied, a review cluster only when
   * approved. Without them, review clusters are left for a person.
   */
  readonly decisions?: DedupDecisions;
  /** Clusters merged at once (the rate governor paces the requests). @default 4 */
  readonly concurrency?: number;
  readonly now?: () => number;
  readonly onProgress?: (done: number, total: number, detail: { runId: string; failed: number }) => void;
  /** Aborted by Ctrl-C or a stop signal: clusters begun finish, no new one starts, the run stops resumable. */
  readonly signal?: AbortSignal;
}

export type ClusterStatus = 'merged' | 'stale' | 'failed' | 'pending';

export interface ClusterOutcome {
  readonly cluster: string;
  readonly survivor: string;
  readonly losers: readonly string[];
  readonly status: ClusterStatus;
  readonly code?: string;
  readonly message?: string;
  /** Email or phone of a loser kept with --no-delete: it cannot move to the survivor while the loser holds it. */
  readonly notWritten?: readonly string[];
  readonly notesMoved?: number;
  readonly tasksMoved?: number;
  readonly losersDeleted?: number;
  readonly losersTagged?: number;
}

export interface ApplySummary {
  readonly runId: string;
  readonly runDir: string;
  readonly location: string;
  readonly clusters: number;
  readonly merged: number;
  readonly stale: number;
  readonly failed: number;
  readonly losersDeleted: number;
  readonly losersTagged: number;
  readonly notesMoved: number;
  readonly tasksMoved: number;
  readonly requests: number;
  readonly retries: number;
  readonly rateLimited: number;
  readonly elapsedMs: number;
  readonly outcomes: readonly ClusterOutcome[];
  /** Clusters of the plan this run left out, by why (empty on resume: the run folder's plan holds only what was applied). */
  readonly leftOut: LeftOut;
  readonly exitCode: ExitCode;
}

export type LeftOut = Pick<ClusterSelection, 'skipped' | 'rejected' | 'awaitingReview'>;

/** A run that stopped before the end; says how to continue. */
export class DedupStoppedError extends RunStoppedError {
  constructor(runId: string, cause: Error) {
    super('DEDUP_STOPPED', runId, `Dedup apply stopped: ${cause.message}. Nothing is lost: continue with dedup --resume ${runId}${whenToContinue(cause)}`, 'resume-only', cause);
  }
}

/** API errors that end the run (it can be resumed), not just one cluster. */
export const RUN_LEVEL = new Set(['UNAUTHORIZED', 'FORBIDDEN_LOCATION', 'MISSING_SCOPE', 'DAILY_BUDGET_EXHAUSTED', 'UNAVAILABLE', 'RATE_LIMITED']);

/** What the journal keeps of a cluster before anything in it is written. */
export interface ClusterSnapshot {
  readonly stale: boolean;
  readonly reason?: string;
  readonly members?: readonly SurvivorContact[];
  readonly notes?: Readonly<Record<string, readonly Note[]>>;
  readonly tasks?: Readonly<Record<string, readonly Task[]>>;
}

export const PLAN_COPY = 'plan.json';
/** The reviewer's decisions the run followed, beside the plan copy. */
export const DECISIONS_COPY = 'decisions.json';
/** The journal's record that an undo of the run began: such a run is never resumed. */
export const RUN_UNIT = 'run';
export const UNDO_STEP = 'undo';
export const JOURNAL_FILE = 'journal.sqlite';
export const APPLY_MODE = { delete: 'dedup-apply', keep: 'dedup-apply-no-delete' } as const;

const codeOf = (e: unknown): string | undefined => (e instanceof HoopError ? e.code : undefined);
const sameText = (a: string | undefined, b: string | undefined): boolean => (a ?? '') === (b ?? '');

export function readPlanFile(path: string): MergePlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read the plan ${path}: ${(e as Error).message}`, '--apply');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path} is not JSON: ${(e as Error).message}`, '--apply');
  }
  try {
    return checkPlan(value);
  } catch (e) {
    throw new ConfigError(`${path} is ${(e as Error).message}`, '--apply');
  }
}

/**
 * The journal of an earlier apply run, checked: it exists with its plan copy,
 * it is a dedup apply, and it acted on `locationId`. `flag` names the option
 * in errors; `acted` says what the run did to the location ("applied a plan of").
 */
export function openAppliedRun(reportDir: string, runId: string, locationId: string, flag: string, acted: string): { journal: RunJournal; meta: ReturnType<RunJournal['meta']> } {
  const runDir = join(reportDir, runId);
  if (!existsSync(join(runDir, JOURNAL_FILE)) || !existsSync(join(runDir, PLAN_COPY))) {
    throw new ConfigError(`No dedup run ${runId} in ${reportDir} (looked for ${join(runDir, JOURNAL_FILE)})`, flag);
  }
  const journal = RunJournal.open(join(runDir, JOURNAL_FILE));
  const meta = journal.meta();
  if (meta.mode !== APPLY_MODE.delete && meta.mode !== APPLY_MODE.keep) {
    journal.close();
    throw new ConfigError(`Run ${runId} is not a dedup apply (it is ${meta.mode ?? 'unknown'})`, flag);
  }
  if (meta.locationId !== locationId) {
    journal.close();
    throw new ConfigError(`Run ${runId} ${acted} location ${meta.locationId}, not ${locationId}`, '--location');
  }
  return { journal, meta };
}

/**
 * Opens (or reopens, on resume) the run folder: journal, plan copy, meta.
 * A new run keeps, as its plan copy, only the clusters it carries out
 * (`selectClusters`: not skipped, not rejected, review clusters only when
 * approved), so resume and undo never touch the others.
 */
export async function openApplyRun(options: Pick<ApplyOptions, 'planFile' | 'reportDir' | 'resume' | 'deleteLosers' | 'skip' | 'decisions' | 'now'> & { locationId: string }): Promise<{
  runId: string;
  runDir: string;
  journal: RunJournal;
  plan: MergePlan;
  deleteLosers: boolean;
  leftOut: LeftOut;
}> {
  const started = (options.now ?? Date.now)();
  const runId = options.resume ?? newRunId(started);
  const runDir = join(options.reportDir, runId);
  if (options.resume) {
    const { journal, meta } = openAppliedRun(options.reportDir, runId, options.locationId, '--resume', 'applied a plan of');
    if (journal.step(RUN_UNIT, UNDO_STEP)) {
      journal.close();
      throw new ConfigError(`Run ${runId} has been undone; plan again and apply the new plan instead of resuming it`, '--resume');
    }
    const leftOut: LeftOut = { skipped: [], rejected: [], awaitingReview: [] };
    return { runId, runDir, journal, plan: readPlanFile(join(runDir, PLAN_COPY)), deleteLosers: meta.mode === APPLY_MODE.delete, leftOut };
  }
  if (!options.planFile) throw new ConfigError('Name the plan to apply', '--apply');
  const read = readPlanFile(options.planFile);
  if (read.location !== options.locationId) {
    throw new ConfigError(`The plan is for location ${read.location}, not ${options.locationId}`, '--location');
  }
  if (options.decisions) {
    try {
      checkDecisions(options.decisions, read);
    } catch (e) {
      throw new ConfigError((e as Error).message, '--decisions');
    }
  }
  const { apply, ...leftOut } = selectClusters(read, { decisions: options.decisions, skip: options.skip });
  const whole = apply.length === read.clusters.length;
  const plan: MergePlan = whole ? read : { ...read, clusters: apply };
  const text = whole ? readFileSync(options.planFile, 'utf8') : `${JSON.stringify(plan, null, 2)}\n`;
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(runDir, PLAN_COPY), text);
  if (options.decisions) await writeFileAtomic(join(runDir, DECISIONS_COPY), `${JSON.stringify(options.decisions, null, 2)}\n`);
  const journal = RunJournal.open(join(runDir, JOURNAL_FILE));
  const deleteLosers = options.deleteLosers ?? true;
  journal.setMeta({
    runId,
    file: options.planFile,
    locationId: plan.location,
    mode: deleteLosers ? APPLY_MODE.delete : APPLY_MODE.keep,
    configHash: createHash('sha256').update(text).digest('hex'),
    startedAt: new Date(started).toISOString(),
  });
  return { runId, runDir, journal, plan, deleteLosers, leftOut };
}

export async function runApply(options: ApplyOptions): Promise<ApplySummary> {
  const { api } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const { runId, runDir, journal, plan, deleteLosers, leftOut } = await openApplyRun({ ...options, locationId: api.locationId });
  const outcomes = new Map<string, ClusterOutcome>();
  let stop: Error | undefined;
  let done = 0;
  let failed = 0;
  try {
    await forEachLimited(plan.clusters, options.concurrency ?? 4, async (cluster) => {
      try {
        outcomes.set(cluster.id, await applyCluster(api, journal, cluster, deleteLosers));
      } catch (e) {
        const code = codeOf(e);
        if (code === undefined || RUN_LEVEL.has(code)) throw e;
        outcomes.set(cluster.id, { cluster: cluster.id, survivor: cluster.survivor, losers: cluster.losers, status: 'failed', code, message: (e as Error).message });
        failed++;
      }
      options.onProgress?.(++done, plan.clusters.length, { runId, failed });
    }, options.signal);
  } catch (e) {
    stop = e as Error;
  }
  journal.close();

  const list = plan.clusters.map(
    (c) => outcomes.get(c.id) ?? { cluster: c.id, survivor: c.survivor, losers: c.losers, status: 'pending' as const, message: stop ? 'not reached: the run stopped' : undefined },
  );
  const n = (s: ClusterStatus): number => list.filter((o) => o.status === s).length;
  const sum = (k: 'losersDeleted' | 'losersTagged' | 'notesMoved' | 'tasksMoved'): number => list.reduce((t, o) => t + (o[k] ?? 0), 0);
  const counts = { losersDeleted: sum('losersDeleted'), losersTagged: sum('losersTagged'), notesMoved: sum('notesMoved'), tasksMoved: sum('tasksMoved') };
  const stats = api.client.stats;
  const summary: ApplySummary = {
    runId,
    runDir,
    location: plan.location,
    clusters: plan.clusters.length,
    merged: n('merged'),
    stale: n('stale'),
    failed: n('failed'),
    ...counts,
    requests: stats.requests,
    retries: stats.retries,
    rateLimited: stats.rateLimited,
    elapsedMs: now() - started,
    outcomes: list,
    leftOut,
    exitCode: n('merged') === list.length && list.every((o) => !o.notWritten?.length) ? EXIT.ok : EXIT.rowsFailed,
  };
  await writeApplyReports(runDir, summary, stop);
  if (stop) throw new DedupStoppedError(runId, stop);
  return summary;
}

async function writeApplyReports(runDir: string, s: ApplySummary, stop: Error | undefined): Promise<void> {
  const ok = s.outcomes.filter((o) => o.status === 'merged');
  const bad = s.outcomes.filter((o) => o.status !== 'merged');
  await writeFileAtomic(
    join(runDir, 'succeeded.csv'),
    [csvLine(['cluster', 'survivorId', 'losers', 'action', 'notWritten'], false), ...ok.map((o) => csvLine([o.cluster, o.survivor, o.losers.join(' '), 'merged', (o.notWritten ?? []).join(' ')], true))].join(''),
  );
  await writeFileAtomic(
    join(runDir, 'failed.csv'),
    [csvLine(['cluster', 'survivorId', 'losers', 'status', 'errorCode', 'message'], false), ...bad.map((o) => csvLine([o.cluster, o.survivor, o.losers.join(' '), o.status, o.code ?? '', o.message ?? ''], true))].join(''),
  );
  const { outcomes: _o, ...rest } = s;
  await writeFileAtomic(join(runDir, 'summary.json'), `${JSON.stringify({ job: 'dedup-apply', ...rest, stopped: stop?.message }, null, 2)}\n`);
}

/** Runs `fn` once across crashes: a step done returns its journaled result. */
async function once<T>(journal: RunJournal, unit: string, step: string, fn: (resumed: boolean) => Promise<T>): Promise<T> {
  const seen = journal.step<T>(unit, step);
  if (seen?.state === 'done') return seen.result as T;
  journal.begin(unit, step);
  const result = await fn(seen?.state === 'begun');
  journal.finish(unit, step, result === undefined ? null : result);
  return result;
}

function isNotFound(e: unknown): boolean {
  return codeOf(e) === 'NOT_FOUND';
}

/**
 * Reads the members again; stale when one is gone, changed since the plan or
 * reads otherwise than its search hit did (`whyStale`). What the merge takes
 * from the members (their "do not disturb", followers, business, and on undo
 * the losers' whole contact) comes from this read, never from the plan.
 */
async function snapshotCluster(api: ContactsApi, cluster: PlanCluster): Promise<ClusterSnapshot> {
  const members: SurvivorContact[] = [];
  const written = new Set(cluster.changes.map((c) => c.field));
  for (const planned of cluster.contacts) {
    let current: Contact;
    try {
      current = (await api.getContact(planned.id)).contact;
    } catch (e) {
      if (isNotFound(e)) return { stale: true, reason: `contact ${planned.id} no longer exists` };
      throw e;
    }
    const why = whyStale(planned, current as SurvivorContact, written);
    if (why) return { stale: true, reason: why };
    members.push(current as SurvivorContact);
  }
  const notes: Record<string, Note[]> = {};
  const tasks: Record<string, Task[]> = {};
  for (const m of members) {
    notes[m.id] = (await api.listNotes(m.id)).notes;
    tasks[m.id] = (await api.listTasks(m.id)).tasks;
  }
  return { stale: false, members, notes, tasks };
}

async function applyCluster(
  api: ContactsApi,
  journal: RunJournal,
  cluster: PlanCluster,
  deleteLosers: boolean,
): Promise<ClusterOutcome> {
  const counts = { losersDeleted: 0, losersTagged: 0, notesMoved: 0, tasksMoved: 0 };
  const unit = cluster.survivor;
  const base = { cluster: cluster.id, survivor: cluster.survivor, losers: cluster.losers };
  const finished = journal.step<ClusterOutcome>(unit, 'cluster');
  if (finished?.state === 'done') return finished.result as ClusterOutcome;

  const snap = await once(journal, unit, 'check', () => snapshotCluster(api, cluster));
  if (snap.stale) return { ...base, status: 'stale', code: 'STALE', message: `skipped: ${snap.reason}` };

  const members = snap.members!;
  const byId = new Map(members.map((m) => [m.id, m]));
  const survivor = byId.get(cluster.survivor)!;
  const losers = cluster.losers.map((id) => byId.get(id)!);
  const split = splitSurvivorUpdate(cluster.changes, losers);

  await once(journal, unit, 'update', async () => {
    if (split.now.length) await api.updateContact(unit, mergeWrite(split.now));
    return split.now.map((c) => c.field);
  });

  await once(journal, unit, 'dnd', async () => {
    const carry = dndToCarry(survivor, losers);
    if (carry) await api.updateContact(unit, carry as ContactWrite);
    return carry ?? null;
  });

  await once(journal, unit, 'tags', async () => {
    if (cluster.tagsToAdd.length) await addTagsChecked(api, [unit], [...cluster.tagsToAdd]);
    return [...cluster.tagsToAdd];
  });

  // Notes and tasks are created on the survivor: a create left in doubt by a crash is looked up there first.
  const ownNotes = new Set((snap.notes?.[unit] ?? []).map((n) => n.id));
  const ownTasks = new Set((snap.tasks?.[unit] ?? []).map((t) => t.id));
  const claimed = (kind: 'note' | 'task'): Set<string> => {
    const out = new Set<string>();
    for (const l of losers) {
      for (const item of (kind === 'note' ? snap.notes : snap.tasks)?.[l.id] ?? []) {
        const s = journal.step<{ id: string }>(unit, `${kind}:${l.id}:${item.id}`);
        if (s?.state === 'done' && s.result) out.add(s.result.id);
      }
    }
    return out;
  };
  for (const l of losers) {
    for (const note of snap.notes?.[l.id] ?? []) {
      await once(journal, unit, `note:${l.id}:${note.id}`, async (resumed) => {
        if (resumed) {
          const taken = claimed('note');
          const found = (await api.listNotes(unit)).notes.find((n) => !ownNotes.has(n.id) && !taken.has(n.id) && n.body === note.body && sameText(n.title, note.title));
          if (found) return { id: found.id };
        }
        const created = await api.createNote(unit, {
          body: note.body,
          ...(note.title ? { title: note.title } : {}),
          ...(note.userId ? { userId: note.userId } : {}),
          ...(note.color ? { color: note.color } : {}),
          ...(note.pinned !== undefined ? { pinned: note.pinned } : {}),
        });
        return { id: created.note.id };
      });
      counts.notesMoved++;
    }
    for (const task of snap.tasks?.[l.id] ?? []) {
      await once(journal, unit, `task:${l.id}:${task.id}`, async (resumed) => {
        if (resumed) {
          const taken = claimed('task');
          const due = Date.parse(task.dueDate);
          const found = (await api.listTasks(unit)).tasks.find(
            (t) => !ownTasks.has(t.id) && !taken.has(t.id) && t.title === task.title && Date.parse(t.dueDate) === due && sameText(t.body, task.body),
          );
          if (found) return { id: found.id };
        }
        const created = await api.createTask(unit, {
          title: task.title,
          dueDate: task.dueDate,
          completed: task.completed === true,
          ...(task.body ? { body: task.body } : {}),
          ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
        });
        return { id: created.task.id };
      });
      counts.tasksMoved++;
    }
  }

  await once(journal, unit, 'followers', async () => {
    const add = followersToAdd(survivor, losers);
    if (add.length) await api.addFollowers(unit, add);
    return add;
  });
  await once(journal, unit, 'business', async () => {
    const businessId = businessToSet(survivor, losers);
    if (businessId) await api.setBusiness([unit], businessId);
    return { businessId: businessId ?? null };
  });

  for (const l of losers) {
    if (deleteLosers) {
      await once(journal, unit, `delete:${l.id}`, async () => {
        try {
          await api.deleteContact(l.id);
        } catch (e) {
          // Deleted by the attempt a crash interrupted.
          if (!isNotFound(e)) throw e;
        }
        return true;
      });
      counts.losersDeleted++;
    } else {
      await once(journal, unit, `mark:${l.id}`, async () => {
        await addTagsChecked(api, [l.id], [duplicateOfTag(unit)]);
        return duplicateOfTag(unit);
      });
      counts.losersTagged++;
    }
  }

  const notWritten: string[] = [];
  let why = '';
  if (split.deferred.length) {
    if (deleteLosers) {
      await once(journal, unit, 'deferred', async () => {
        await api.updateContact(unit, mergeWrite(split.deferred));
        return split.deferred.map((c) => c.field);
      });
    } else {
      notWritten.push(...split.deferred.map((c) => c.field));
      why = 'the kept duplicate still holds the value';
    }
  }
  if (split.viaUpsert.length) {
    const fields = split.viaUpsert.map((c) => c.field);
    if (!deleteLosers) {
      notWritten.push(...fields);
      why ||= 'only an upsert by email or phone writes it, and the kept duplicate shares them';
    } else {
      const written = await once(journal, unit, 'upsert', async () => {
        const key = await ownKey(api, unit);
        if (!key) return false;
        await api.upsertContact({ ...key, ...mergeWrite(split.viaUpsert) });
        return true;
      });
      if (!written) {
        notWritten.push(...fields);
        why ||= 'only an upsert by email or phone writes it, and no lookup by them finds the survivor alone';
      }
    }
  }
  const outcome: ClusterOutcome = {
    ...base,
    status: 'merged',
    ...counts,
    ...(notWritten.length && { notWritten, message: `${notWritten.join(', ')} not written: ${why}` }),
  };
  journal.finish(unit, 'cluster', outcome);
  return outcome;
}

/**
 * The survivor's own email or phone, when the platform's duplicate lookup by
 * it finds the survivor: the key an upsert can safely be matched on (the
 * update body has no `companyName`).
 */
export async function ownKey(api: ContactsApi, contactId: string): Promise<{ email: string } | { phone: string } | undefined> {
  const { contact } = await api.getContact(contactId);
  if (contact.email) {
    const found = await api.getDuplicateContact({ email: contact.email });
    if (found.contact?.id === contactId) return { email: contact.email };
  }
  if (contact.phone) {
    const found = await api.getDuplicateContact({ phone: contact.phone });
    if (found.contact?.id === contactId) return { phone: contact.phone };
  }
  return undefined;
}

/** Adds tags through the bulk endpoint (never the overwriting `tags` field); a per-contact error fails the cluster. */
export async function addTagsChecked(api: ContactsApi, contactIds: string[], tags: string[]): Promise<void> {
  const res = await api.bulkTags('add', contactIds, tags);
  const errors = (res.responses ?? []).filter((r) => r && typeof r === 'object' && r.type === 'error');
  if (errors.length) throw new HoopError('TAGS_FAILED', `adding tags ${tags.join(', ')} failed: ${errors.map((r) => `${r.contactId}: ${r.message}`).join('; ')}`);
}

export async function removeTagsChecked(api: ContactsApi, contactIds: string[], tags: string[]): Promise<void> {
  const res = await api.bulkTags('remove', contactIds, tags);
  const errors = (res.responses ?? []).filter((r) => r && typeof r === 'object' && r.type === 'error');
  if (errors.length) throw new HoopError('TAGS_FAILED', `removing tags ${tags.join(', ')} failed: ${errors.map((r) => `${r.contactId}: ${r.message}`).join('; ')}`);
}
