import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { HoopClient } from '../../api/client.js';
import { ContactsApi } from '../../api/endpoints.js';
import { loadPipeline, parsePipeline, PIPELINE_DEFAULTS, type ExportPipeline } from '../../config/index.js';
import { EXIT } from '../../core/errors.js';
import { runExport } from '../../exporter/export-run.js';
import { writeFileAtomic } from '../../exporter/output.js';
import type { CommandDef } from '../command.js';
import { hoopEtl } from '../invocation.js';
import { shellWord } from '../resume-command.js';
import { printApplySummary, printPlanSummary } from './dedup.js';
import { printExportSummary } from './export.js';
import { printSummary } from './import.js';

export interface DemoArgs {
  pipeline: string;
  file?: string;
  'report-dir': string;
  keep: boolean;
}

/** The demo's export: the columns a reader cares about, in one file beside the import report. */
function exportPipeline(locationId: string, out: string, reportDir: string): ExportPipeline {
  const p = parsePipeline('', 'demo', {}, {
    overrides: { job: 'export', location: locationId, reportDir, export: { out, columns: ['firstName', 'lastName', 'email', 'phone', 'companyName', 'tags'] } },
    baseDir: process.cwd(),
  });
  if (p.job !== 'export') throw new Error('the demo export is not an export pipeline');
  return p;
}

const DEMO_PIPELINE = fileURLToPath(new URL('../../../pipelines/demo-migration.yaml', import.meta.url));

/**
 * The demo: an emulator in this process, a location that already has
 * contacts with tags, then the demo migration planned (dry run) and run over
 * HTTP, with its report, a duplicate clean-up (plan and apply), then an export
 * of the location to CSV.
 */
export const demoCommand: CommandDef<DemoArgs> = {
  command: 'demo',
  describe: 'Start the emulator in-process and run the demo against it: plan, import, duplicate clean-up, then export',
  builder: (y: Argv) =>
    y
      .option('pipeline', { type: 'string', default: DEMO_PIPELINE, describe: 'Pipeline file to run' })
      .option('file', { type: 'string', describe: "CSV to import instead of the pipeline's source" })
      .option('report-dir', { type: 'string', default: 'hoop-etl-runs', describe: 'Folder for the run reports' })
      .option('keep', { type: 'boolean', default: false, describe: 'Keep the emulator running afterwards (Ctrl-C to stop)' })
      .example('$0 demo', 'Run the demo migration of samples/demo-contacts.csv'),
  async handler(args) {
    const { startEmulator } = await import('../../emulator/index.js');
    const { runImport } = await import('../../writers/import-run.js');
    const emu = await startEmulator({ port: 0 });
    const out = (s: string) => process.stdout.write(`${s}\n`);
    try {
      out(`HoopAI emulator listening on ${emu.url} location=${emu.locationId} token=${emu.token}`);
      // Contacts the location already has, with tags an import must not wipe.
      await fetch(`${emu.url}/__emulator/locations/${emu.locationId}/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          contacts: [
            { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.example', tags: ['existing-customer'] },
            { firstName: 'Grace', lastName: 'Hopper', phone: '+12125550102', tags: ['conference-2025'] },
          ],
        }),
      });
      out('The location already holds 2 contacts: Ada Lovelace (tag existing-customer) and Grace Hopper (tag conference-2025).');
      const pipeline = await loadPipeline(args.pipeline, process.env, {
        overrides: { location: emu.locationId, reportDir: args['report-dir'], ...(args.file ? { source: { file: args.file } } : {}) },
      });
      if (pipeline.job !== 'import') throw new Error(`${args.pipeline} is not an import pipeline`);
      const api = () => new ContactsApi(new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: emu.locationId }));

      out(`\n1. Plan (dry run) of ${pipeline.source.file}:`);
      printSummary(await runImport({ pipeline, api: api(), reportDir: pipeline.reportDir, dryRun: true }), (l) => out(`   ${l}`));

      out('\n2. Import:');
      const real = await runImport({ pipeline, api: api(), reportDir: pipeline.reportDir });
      printSummary(real, (l) => out(`   ${l}`));

      const check = api();
      const ada = await check.findDuplicate({ email: 'ada@analytical.example' });
      const grace = await check.findDuplicate({ email: 'grace.hopper@navy.example' });
      out('\n3. Tags written as deltas, never replaced:');
      if (ada) out(`   Ada Lovelace: [${ada.tags.join(', ')}], phone ${ada.phone ?? '-'}`);
      if (grace) out(`   Grace Hopper: [${grace.tags.join(', ')}] (matched by phone, email added)`);
      // Duplicates another tool left behind: Alan again under a second email with his phone, and Katherine typed as Kathy.
      out('\n4. Duplicate clean-up: plan, then apply (undo stays possible):');
      await fetch(`${emu.url}/__emulator/locations/${emu.locationId}/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          contacts: [
            { firstName: 'Alan', lastName: 'Turing', email: 'a.turing@old-crm.example', phone: '+14155550103', tags: ['old-crm'] },
            { firstName: 'Kathy', lastName: 'Johnson', email: 'KATHERINE@nasa.example', city: 'Hampton', tags: ['old-crm'] },
          ],
        }),
      });
      out('   Another tool left two duplicates: Alan Turing with a second email (same phone), Kathy Johnson (same email, other case).');
      const { planDedup } = await import('../../dedup/plan-run.js');
      const { runApply } = await import('../../dedup/apply-run.js');
      const { renderPlanHtml } = await import('../../dedup/plan-report.js');
      const plan = await planDedup({
        api: api(),
        settings: { threshold: PIPELINE_DEFAULTS.threshold, survivor: PIPELINE_DEFAULTS.survivor, fieldRule: 'best', fieldRules: {}, emailProviderRules: false },
      });
      const planFile = join(pipeline.reportDir, `demo-dedup-plan-${real.runId}.json`);
      const reviewFile = join(pipeline.reportDir, `demo-dedup-plan-${real.runId}.html`);
      await writeFileAtomic(planFile, `${JSON.stringify(plan, null, 2)}\n`);
      await writeFileAtomic(reviewFile, renderPlanHtml(plan));
      // Hints name commands for this emulator: only while it runs (--keep), with what reaches it.
      const command = args.keep ? `HOOPAI_BASE_URL=${emu.url} HOOPAI_TOKEN=${emu.token} ${hoopEtl()}` : null;
      printPlanSummary(plan, planFile, reviewFile, (l) => out(`   ${l}`), null);
      const applied = await runApply({ api: api(), planFile, reportDir: pipeline.reportDir });
      printApplySummary(applied, (l) => out(`   ${l}`), planFile, command === null ? null : `${command}`);
      if (command === null) out(`   (The demo's emulator stops when the demo ends: run ${hoopEtl()} demo --keep to try the undo against it.)`);

      const exportFile = join(pipeline.reportDir, `demo-export-${real.runId}.csv`);
      out(`\n5. Export of the location (search pages through the searchAfter cursor, atomic file):`);
      const exported = await runExport({
        pipeline: exportPipeline(emu.locationId, exportFile, pipeline.reportDir),
        apiFor: () => api(),
      });
      printExportSummary(exported, (l) => out(`   ${l}`));
      out(`   First lines of ${exportFile}:`);
      const lines = (await readFile(exportFile, 'utf8')).split('\r\n').slice(0, 4);
      for (const l of lines) out(`     ${l.length > 110 ? `${l.slice(0, 107)}...` : l}`);
      if (args.keep) {
        out(`\nEmulator left running at ${emu.url}; press Ctrl-C to stop. In another terminal:`);
        out(`   export HOOPAI_BASE_URL=${emu.url} HOOPAI_TOKEN=${emu.token}`);
        out(`   ${hoopEtl()} export --location ${emu.locationId} --out -`);
        out(`   ${hoopEtl()} dedup --undo ${applied.runId} --report-dir ${shellWord(pipeline.reportDir)}`);
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      }
      return real.exitCode === EXIT.rowsFailed ? EXIT.ok : real.exitCode;
    } finally {
      await emu.close();
    }
  },
};
