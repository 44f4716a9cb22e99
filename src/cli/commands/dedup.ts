import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadPipeline, parsePipeline, type DedupPipeline, type PipelineOverrides } from '../../config/index.js';
import { UsageError, type ExitCode } from '../../core/errors.js';
import type { ApplySummary } from '../../dedup/apply-run.js';
import type { ClusterSelection } from '../../dedup/decisions.js';
import type { MergePlan } from '../../dedup/merge-plan.js';
import type { UndoSummary } from '../../dedup/undo-run.js';
import type { CommandDef } from '../command.js';
import { askLine, isYes, needsConfirmation } from '../confirm.js';
import { connect, loggerFor, withConnectionOptions, type ConnectionArgs } from '../connection-options.js';
import { onInterrupt } from '../interrupt.js';
import { count } from '../../core/plural.js';
import { hoopEtl } from '../invocation.js';
import { progressReporter } from '../progress.js';
import { shellWord } from '../resume-command.js';

export interface DedupArgs extends Omit<ConnectionArgs, 'location'> {
  location?: string;
  plan?: string;
  report?: string;
  pipeline?: string;
  threshold?: number;
  survivor?: string;
  apply?: string;
  delete?: boolean;
  skip?: string;
  decisions?: string;
  yes?: boolean;
  resume?: string;
  undo?: string;
  'report-dir'?: string;
  concurrency: number;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** The dedup job the flags and the optional pipeline file describe together; flags win. */
export async function dedupPipeline(args: DedupArgs, env: NodeJS.ProcessEnv): Promise<DedupPipeline> {
  const locations = args.location === undefined ? undefined : String(args.location).split(',').map((l) => l.trim()).filter(Boolean);
  const overrides: PipelineOverrides = {
    job: 'dedup',
    ...(locations && locations.length > 1 ? { locations } : { location: locations?.[0] }),
    reportDir: args['report-dir'],
    ...((args.threshold !== undefined || args.survivor !== undefined) && { dedup: { threshold: args.threshold, survivor: args.survivor } }),
  };
  const p = args.pipeline ? await loadPipeline(args.pipeline, env, { overrides }) : parsePipeline('', 'command line', env, { overrides, baseDir: process.cwd() });
  if (p.job !== 'dedup') throw new UsageError(`${args.pipeline} is a ${p.job} pipeline, not a dedup job`, '--pipeline');
  return p;
}

/**
 * `command` starts the printed hints (`npx hoop-etl`, or with the environment
 * a demo's emulator needs); null prints none, for a caller whose location is
 * gone when the hint would be typed.
 */
export function printPlanSummary(plan: MergePlan, planFile: string, report: string | undefined, say: (line: string) => void, command: string | null = hoopEtl()): void {
  const s = plan.summary;
  const review = s.reviewClusters ?? 0;
  say(
    `Read ${count(s.contacts, 'contact')} of ${plan.location}: ${count(s.clusters, 'duplicate cluster')} (${s.exactClusters} by exact email or phone, ${s.fuzzyClusters} fuzzy${review ? `, ${review} for a person to review` : ''}), ${count(s.contactsInClusters, 'contact')} in them.`,
  );
  const inReview = s.contactsInReview ?? 0;
  say(
    `Applying the plan keeps ${count(s.clusters - review, 'survivor')} and removes ${count(s.contactsToRemove, 'contact')}${inReview ? ` (${inReview} more if the review clusters are approved)` : ''}${s.largestCluster ? `; the largest cluster has ${count(s.largestCluster, 'contact')}` : ''}. Nothing was changed.`,
  );
  if (review) say(`${review === 1 ? 'A review cluster is' : `The ${review} review clusters are`} merged only when approved on the review page${report ? '' : ' (write it with --report)'}.`);
  const fallback = plan.matching.estimation?.fallback;
  if (fallback) say(`Match weights: ${fallback}; the documented defaults were used (matching.estimation in the plan says which).`);
  say(`Plan: ${planFile}${report ? `; review: ${report}` : ''}`);
  if (s.clusters && command !== null) say(`Apply it with: ${command} dedup --apply ${shellWord(planFile)}${report ? ` (or, after saving your decisions on the review page: --apply ${planFile} --decisions decisions.json)` : ''}`);
}

/** The question before an apply that deletes contacts. */
export function deletePrompt(toDelete: number, location: string, clusters: number): string {
  const contacts = toDelete === 1 ? '1 contact will be' : `${toDelete} contacts will be`;
  return `${contacts} deleted from location ${location} (${clusters} ${clusters === 1 ? 'cluster' : 'clusters'} merged; undo with --undo <run-id> after the run). Type yes to continue: `;
}

/** The contacts an apply of `selection` deletes: every loser of every cluster it carries out (none with --no-delete). */
export function contactsToDelete(selection: Pick<ClusterSelection, 'apply'>, deleteLosers: boolean): number {
  return deleteLosers ? selection.apply.reduce((n, c) => n + c.losers.length, 0) : 0;
}

/** `planFile`: the plan applied, for the command that approves the clusters left for review; `command` as for printPlanSummary. */
export function printApplySummary(s: ApplySummary, say: (line: string) => void, planFile?: string, command: string | null = hoopEtl()): void {
  say(
    `Applied ${count(s.clusters, 'cluster')}: ${s.merged} merged, ${s.stale} skipped as changed since the plan, ${s.failed} failed; ${count(s.losersDeleted, 'contact')} deleted, ${s.losersTagged} tagged as duplicates, ${count(s.notesMoved, 'note')} and ${count(s.tasksMoved, 'task')} moved.`,
  );
  const left = s.leftOut ?? { skipped: [], rejected: [], awaitingReview: [] };
  const list = (ids: readonly string[]): string => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, ...` : ids.join(', '));
  if (left.rejected.length) say(`Left out as rejected by the reviewer: ${left.rejected.length} (${list(left.rejected)}).`);
  if (left.skipped.length) say(`Left out by --skip: ${left.skipped.length} (${list(left.skipped)}).`);
  if (left.awaitingReview.length) {
    const n = left.awaitingReview.length;
    say(
      `${n} ${n === 1 ? 'cluster was' : 'clusters were'} left for review, not merged (${list(left.awaitingReview)}): a person must approve ${n === 1 ? 'it' : 'them'} on the plan's review page (--report), click Save decisions, then run ${command ?? hoopEtl()} dedup --apply ${planFile === undefined ? '<plan.json>' : shellWord(planFile)} --decisions decisions.json (clusters already merged are left as they are).`,
    );
  }
  for (const o of s.outcomes) if (o.status !== 'merged' || o.message) say(`  ${o.cluster} (survivor ${o.survivor}): ${o.status}${o.message ? `: ${o.message}` : ''}`);
  say(`${count(s.requests, 'request')} (${count(s.retries, 'retry', 'retries')}, ${s.rateLimited} answered 429) in ${(s.elapsedMs / 1000).toFixed(1)} s.`);
  say(`Report: ${s.runDir} (succeeded.csv, failed.csv, summary.json); run id ${s.runId}.${command === null ? '' : ` Undo with: ${command} dedup --undo ${s.runId}`}`);
}

export function printUndoSummary(s: UndoSummary, say: (line: string) => void): void {
  say(`Undid run ${s.runId}: ${count(s.restored, "cluster")} restored, ${s.untouched} had nothing to undo, ${s.failed} failed.`);
  for (const r of s.recreated) {
    say(`  ${r.oldId} recreated as ${r.newId}${r.dropped?.length ? ` without its ${r.dropped.join(' and ')} (the survivor holds the same; the location does not allow duplicates)` : ''}`);
  }
  for (const o of s.outcomes) if (o.status === 'failed') say(`  ${o.cluster} (survivor ${o.survivor}): ${o.code}: ${o.message}`);
  for (const o of s.outcomes) {
    if (o.keptEdits?.length) say(`  ${o.cluster} (survivor ${o.survivor}): ${o.keptEdits.join(', ')} changed since the apply, left as ${o.keptEdits.length > 1 ? 'they are' : 'it is'}`);
  }
  say(`Report: ${s.runDir}/undo-summary.json, undo-recreated.csv`);
}

function modeOf(args: DedupArgs): 'plan' | 'apply' | 'resume' | 'undo' {
  const given = (['apply', 'resume', 'undo'] as const).filter((k) => args[k] !== undefined);
  if (given.length > 1) throw new UsageError(`give one of --apply, --resume and --undo, not ${given.map((g) => `--${g}`).join(' and ')}`, `--${given[1]}`);
  if (given.length === 1) {
    if (args.plan !== undefined) throw new UsageError(`--plan writes a plan; it does not go with --${given[0]}`, '--plan');
    if (args.report !== undefined) throw new UsageError(`--report goes with --plan`, '--report');
    for (const flag of ['skip', 'decisions', 'yes'] as const) {
      if (args[flag] !== undefined && given[0] !== 'apply') throw new UsageError(`--${flag} goes with --apply`, `--${flag}`);
    }
    return given[0]!;
  }
  for (const flag of ['skip', 'decisions', 'yes'] as const) if (args[flag] !== undefined) throw new UsageError(`--${flag} goes with --apply`, `--${flag}`);
  return 'plan';
}

/** Where a run's folders are: the flag, else the pipeline's, else the default. */
async function reportDirOf(args: DedupArgs): Promise<string> {
  if (args['report-dir']) return args['report-dir'];
  if (args.pipeline) return (await dedupPipeline(args, process.env)).reportDir;
  return 'hoop-etl-runs';
}

/** Several locations: the people present in more than one, reported and never merged. */
async function executeAcross(pipeline: DedupPipeline, args: Omit<ConnectionArgs, 'location'>, outFile: string, report: string | undefined): Promise<ExitCode> {
  const locations = pipeline.locations!;
  const { HoopClient } = await import('../../api/client.js');
  const { ContactsApi } = await import('../../api/endpoints.js');
  const { resolveBaseUrl } = await import('../../api/credentials.js');
  const { resolveLocationTokens } = await import('./export.js');
  const { reportAcrossLocations, renderAcrossHtml } = await import('../../dedup/across-run.js');
  const { writeFileAtomic } = await import('../../exporter/output.js');
  const logger = loggerFor(args);
  const tokens = await resolveLocationTokens(locations, args, process.env, logger);
  const baseUrl = resolveBaseUrl(args['base-url'], process.env);
  const apis = new Map(locations.map((loc) => [loc, new ContactsApi(new HoopClient({ baseUrl, token: tokens.get(loc)!, locationId: loc, logger }))]));
  const d = pipeline.dedup;
  const found = await reportAcrossLocations({ apis, threshold: d.threshold, emailProviderRules: d.emailProviderRules ?? false, fillers: d.fillers });
  mkdirSync(dirname(resolve(outFile)), { recursive: true, mode: 0o700 });
  await writeFileAtomic(outFile, `${JSON.stringify(found, null, 2)}\n`);
  if (report) {
    mkdirSync(dirname(resolve(report)), { recursive: true, mode: 0o700 });
    await writeFileAtomic(report, renderAcrossHtml(found));
  }
  const read = Object.values(found.contacts).reduce((a, b) => a + b, 0);
  out(`Read ${read} contacts in ${locations.length} locations: ${found.people.length} people are in more than one location. Nothing is merged across locations.`);
  out(`Report: ${outFile}${report ? `; review: ${report}` : ''}`);
  return 0;
}

export async function executeDedupPlan(pipeline: DedupPipeline, args: Omit<ConnectionArgs, 'location'>, planFile: string, report: string | undefined): Promise<ExitCode> {
  if (pipeline.locations && pipeline.locations.length > 1) return executeAcross(pipeline, args, planFile, report);
  const { api, logger } = await connect({ ...args, location: pipeline.location });
  const { planDedup } = await import('../../dedup/plan-run.js');
  const { writeFileAtomic } = await import('../../exporter/output.js');
  const progress = progressReporter(process.stderr, { unit: 'contacts read', counters: () => api.client.stats });
  const d = pipeline.dedup;
  const plan = await planDedup({
    api,
    settings: {
      threshold: d.threshold,
      survivor: d.survivor,
      fieldRule: d.fieldRule ?? 'best',
      fieldRules: d.fieldRules ?? {},
      emailProviderRules: d.emailProviderRules ?? false,
    },
    fillers: d.fillers,
    onProgress: progress.update,
    say: (l) => logger.info(l),
  }).finally(progress.done);
  mkdirSync(dirname(resolve(planFile)), { recursive: true, mode: 0o700 });
  await writeFileAtomic(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  if (report) {
    const { renderPlanHtml } = await import('../../dedup/plan-report.js');
    mkdirSync(dirname(resolve(report)), { recursive: true, mode: 0o700 });
    await writeFileAtomic(report, renderPlanHtml(plan, { applyCommand: `${hoopEtl()} dedup --apply ${shellWord(planFile)} --decisions decisions.json` }));
  }
  printPlanSummary(plan, planFile, report, out);
  return 0;
}

/** `hoop-etl run` of a dedup pipeline: a plan and its review page in a new run folder; applying stays a separate, reviewed step. */
export async function executeDedupJob(pipeline: DedupPipeline, args: ConnectionArgs): Promise<ExitCode> {
  const { newRunId } = await import('../../core/run-id.js');
  // The folder is made when the plan is written, so a run stopped by a configuration or connection error leaves none.
  const dir = join(pipeline.reportDir, newRunId(Date.now()));
  const name = pipeline.locations && pipeline.locations.length > 1 ? 'people' : 'plan';
  return executeDedupPlan(pipeline, args, join(dir, `${name}.json`), join(dir, `${name}.html`));
}

export async function executeDedup(args: DedupArgs): Promise<ExitCode> {
  const mode = modeOf(args);
  if (mode === 'plan') {
    if (!args.plan) throw new UsageError('name the plan file to write with --plan (or apply one with --apply, undo a run with --undo)', '--plan');
    const pipeline = await dedupPipeline(args, process.env);
    return executeDedupPlan(pipeline, args, args.plan, args.report);
  }
  const reportDir = await reportDirOf(args);
  const { readPlanFile, runApply } = await import('../../dedup/apply-run.js');
  if (mode === 'apply') {
    const plan = readPlanFile(args.apply!);
    if (args.location && args.location !== plan.location) throw new UsageError(`the plan is for location ${plan.location}, not ${args.location}`, '--location');
    const { readDecisionsFile, selectClusters } = await import('../../dedup/decisions.js');
    const decisions = args.decisions === undefined ? undefined : readDecisionsFile(args.decisions, plan);
    const skip = args.skip === undefined ? undefined : args.skip.split(',').map((c) => c.trim()).filter(Boolean);
    const selection = selectClusters(plan, { decisions, skip });
    const deleteLosers = args.delete ?? (args.pipeline ? (await dedupPipeline(args, process.env)).dedup.deleteLosers : undefined) ?? true;
    const toDelete = contactsToDelete(selection, deleteLosers);
    if (needsConfirmation({ toDelete, yes: args.yes === true, stdinIsTTY: process.stdin.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true })) {
      const answer = await askLine(deletePrompt(toDelete, plan.location, selection.apply.length), process.stdin, process.stdout);
      if (!isYes(answer)) {
        throw new UsageError(`Not applied: the answer was not yes; nothing was changed. To apply without the question, add --yes`, '--yes');
      }
    }
    const { api } = await connect({ ...args, location: plan.location });
    const progress = progressReporter(process.stderr, { unit: 'clusters', counters: () => api.client.stats });
    const interrupt = onInterrupt();
    const summary = await runApply({ api, planFile: args.apply!, reportDir, deleteLosers, skip, decisions, concurrency: args.concurrency, onProgress: progress.update, signal: interrupt.signal }).finally(() => {
      progress.done();
      interrupt.dispose();
    });
    printApplySummary(summary, out, args.apply);
    return summary.exitCode;
  }
  // --resume and --undo name a run: its journal says which location it changed.
  const runId = (mode === 'resume' ? args.resume : args.undo)!;
  const journalFile = join(reportDir, runId, 'journal.sqlite');
  if (!existsSync(journalFile)) throw new UsageError(`no dedup run ${runId} in ${reportDir} (looked for ${journalFile}; pass --report-dir if it is elsewhere)`, `--${mode}`);
  const { RunJournal } = await import('../../writers/run-journal.js');
  const journal = RunJournal.open(journalFile);
  const location = journal.meta().locationId;
  journal.close();
  if (!location) throw new UsageError(`run ${runId} has no location in its journal`, `--${mode}`);
  if (args.location && args.location !== location) throw new UsageError(`run ${runId} changed location ${location}, not ${args.location}`, '--location');
  const { api } = await connect({ ...args, location });
  const interrupt = onInterrupt();
  try {
    if (mode === 'resume') {
      const progress = progressReporter(process.stderr, { unit: 'clusters', counters: () => api.client.stats });
      const summary = await runApply({ api, reportDir, resume: runId, concurrency: args.concurrency, onProgress: progress.update, signal: interrupt.signal }).finally(progress.done);
      printApplySummary(summary, out);
      return summary.exitCode;
    }
    const { runUndo } = await import('../../dedup/undo-run.js');
    const summary = await runUndo({ api, reportDir, runId, concurrency: args.concurrency, signal: interrupt.signal });
    printUndoSummary(summary, out);
    return summary.exitCode;
  } finally {
    interrupt.dispose();
  }
}

export const dedupCommand: CommandDef<DedupArgs> = {
  command: 'dedup',
  describe: 'Find duplicate contacts in a location and plan their merge; apply a reviewed plan; undo an applied run',
  builder: (y: Argv) =>
    withConnectionOptions(
      y
        .option('plan', { type: 'string', describe: 'Scan the location and write the merge plan (JSON) here; changes nothing. With --location A,B: the people present in several locations (a report, never merged)' })
        .option('report', { type: 'string', describe: 'With --plan: also write a review page (one self-contained HTML file)' })
        .option('pipeline', { type: 'string', describe: 'Pipeline file (YAML) of a dedup job: threshold, survivor and field rules, fillers' })
        .option('threshold', { type: 'number', describe: 'Match probability (0 to 1] from which two contacts are duplicates (default 0.9)' })
        .option('survivor', { type: 'string', choices: ['oldest', 'newest', 'mostComplete', 'mostRecentActivity'], describe: 'Which contact of a cluster survives (default oldest)' })
        .option('apply', { type: 'string', describe: 'Carry out this plan: merge each unchanged cluster into its survivor' })
        .option('delete', { type: 'boolean', describe: 'With --apply: delete the merged contacts (default); --no-delete tags them duplicate-of-<survivorId> instead' })
        .option('skip', { type: 'string', describe: 'With --apply: clusters of the plan to leave out, comma-separated (c2,c7), e.g. after review' })
        .option('decisions', { type: 'string', describe: "With --apply: the file the review page's Save decisions button wrote; rejected clusters are left out, review clusters merged only when approved" })
        .option('yes', { type: 'boolean', describe: 'With --apply: do not ask before deleting contacts (the question is only asked on a terminal)' })
        .option('resume', { type: 'string', describe: 'Continue the apply run with this id after a crash or a stop' })
        .option('undo', { type: 'string', describe: 'Reverse the apply run with this id: recreate deleted contacts, restore survivors' })
        .option('report-dir', { type: 'string', describe: 'Folder of the run reports and journals (default hoop-etl-runs)' })
        .option('concurrency', { type: 'number', default: 4, describe: 'Clusters merged at once (the rate governor paces requests)' })
        .example('$0 dedup --location LOC --plan plan.json --report plan.html', 'Find duplicates and write a plan to review')
        .example('$0 dedup --apply plan.json', 'Merge the clusters of a reviewed plan')
        .example('$0 dedup --apply plan.json --decisions decisions.json', 'Merge what the reviewer approved on the review page')
        .example('$0 dedup --location A,B --plan people.json', 'People present in both locations (report only)')
        .example('$0 dedup --apply plan.json --no-delete', 'Merge, but only tag the duplicates')
        .example('$0 dedup --resume 20261128T010203-ab12cd', 'Continue an interrupted apply')
        .example('$0 dedup --undo 20261128T010203-ab12cd', 'Reverse an applied run'),
      false,
    ),
  async handler(args) {
    if (args.threshold !== undefined && !(args.threshold > 0 && args.threshold <= 1)) {
      throw new UsageError(`--threshold must be a number in (0, 1], got ${args.threshold}`, '--threshold');
    }
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new UsageError(`--concurrency must be an integer >= 1, got ${args.concurrency}`, '--concurrency');
    if (args.location !== undefined && /(^|,)\s*all\s*(,|$)/.test(String(args.location))) {
      if (args.plan === undefined) throw new UsageError('--location all goes with --plan (apply, resume and undo act on the one location of their plan or run)', '--location');
      const { expandAllLocations } = await import('./export.js');
      return executeDedup(await expandAllLocations(args, process.env));
    }
    return executeDedup(args);
  },
};
