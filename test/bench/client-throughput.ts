/**
 * Client throughput benchmark: how close to a location's rate limit the API
 * client runs, and how many 429s it meets on the way.
 *
 * The emulator runs in a child process with a limit of 100 requests per
 * 1,000 ms and 50 ms of latency; 20 callers share one client (one location
 * budget) for 30 s. Goals: achieved requests/s divided by the limit at least
 * 0.97 (measured after the first 5 s, so the opening burst of a fresh window
 * does not flatter it), and under 0.5% of requests answered 429.
 *
 * Run: `npm run bench` or, after `npm run build`,
 *   node --import tsx test/bench/client-throughput.ts [--seconds 30] [--callers 20]
 * All traffic is on 127.0.0.1; the run stops by itself.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { HoopClient } from '../../src/api/client.js';
import { ContactsApi } from '../../src/api/endpoints.js';
import { startEmulatorChild } from './emulator-child.js';
import { recordFigure } from './report.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    callers: { type: 'string', default: '20' },
    max: { type: 'string', default: '100' },
    'interval-ms': { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '50' },
  },
});
const SECONDS = Number(values.seconds);
const CALLERS = Number(values.callers);
const MAX = Number(values.max);
const INTERVAL = Number(values['interval-ms']);
const LATENCY = Number(values['latency-ms']);
const WARMUP_MS = Math.min(5_000, (SECONDS * 1000) / 6);

async function main(): Promise<void> {
  const emu = await startEmulatorChild({
    args: ['--rate-max', String(MAX), '--rate-interval-ms', String(INTERVAL), '--latency-ms', String(LATENCY), '--daily-limit', '0'],
    inheritStderr: true,
  });
  const { url, locationId, token } = emu;
  const killer = setTimeout(() => {
    emu.proc.kill('SIGKILL');
    process.exit(1);
  }, (SECONDS + 60) * 1000);
  try {

    const api = new ContactsApi(new HoopClient({ baseUrl: url, token, locationId }));
    const start = Date.now();
    const deadline = start + SECONDS * 1000;
    const done: number[] = [];
    let errors = 0;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (Date.now() < deadline) {
          try {
            await api.getDuplicateContact({ email: 'bench@example.com' });
            done.push(Date.now());
          } catch {
            errors++;
          }
        }
      }),
    );
    const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number; windowPeaks: Record<string, number> };
    const steady = done.filter((t) => t >= start + WARMUP_MS && t < deadline);
    const spanS = (deadline - (start + WARMUP_MS)) / 1000;
    const achieved = steady.length / spanS;
    const limit = (MAX * 1000) / INTERVAL;
    const ratio = achieved / limit;
    const share429 = stats.rateLimited / stats.requests;

    const rows: Array<[string, string, string, string]> = [
      ['achieved requests/s (after warm-up) / limit', `${achieved.toFixed(1)} / ${limit.toFixed(1)}`, '>= 0.97', ratio.toFixed(3)],
      ['share of requests answered 429', `${stats.rateLimited} of ${stats.requests}`, '< 0.005', share429.toFixed(4)],
      ['most requests arriving in one window', String(stats.windowPeaks[locationId] ?? 0), `<= ${MAX}`, ((stats.windowPeaks[locationId] ?? 0) / MAX).toFixed(3)],
    ];
    process.stdout.write(`Client throughput against the emulator: limit ${MAX} per ${INTERVAL} ms, latency ${LATENCY} ms, ${CALLERS} callers, ${SECONDS} s\n`);
    process.stdout.write(`Machine: ${os.availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString()}\n\n`);
    process.stdout.write('| metric | measured | goal | ratio |\n|---|---:|---:|---:|\n');
    for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
    process.stdout.write(`\nclient errors: ${errors}; retries: ${api.client.stats.retries}\n`);
    process.stdout.write(`${ratio >= 0.97 ? 'GOAL MET' : 'GOAL MISSED'}  throughput ratio ${ratio.toFixed(3)} (goal >= 0.97)\n`);
    process.stdout.write(`${share429 < 0.005 ? 'GOAL MET' : 'GOAL MISSED'}  429 share ${(share429 * 100).toFixed(2)}% (goal < 0.5%)\n`);

    const bench = 'client-throughput';
    const setup = `${CALLERS} callers, ${LATENCY} ms latency, ${SECONDS} s`;
    recordFigure({
      bench,
      figure: 'limit-ratio',
      label: `requests/s after ${(WARMUP_MS / 1000).toFixed(0)} s warm-up / the emulator's limit (${setup})`,
      value: ratio,
      unit: 'of limit',
      goal: 0.97,
      comparator: '>=',
      baseline: { what: `emulator's configured limit, ${MAX} per ${INTERVAL} ms`, value: limit, unit: 'req/s' },
      note: `achieved ${achieved.toFixed(1)} req/s; ${errors} client errors, ${api.client.stats.retries} retries`,
      digits: 3,
    });
    recordFigure({
      bench,
      figure: '429-share',
      label: 'share of requests answered 429',
      value: share429 * 100,
      unit: '%',
      goal: 0.5,
      comparator: '<',
      note: `${stats.rateLimited} of ${stats.requests} requests (emulator's count)`,
      digits: 2,
    });
    recordFigure({
      bench,
      figure: 'window-peak',
      label: 'most requests arriving in one window of the emulator',
      value: stats.windowPeaks[locationId] ?? 0,
      unit: 'requests',
      goal: MAX,
      comparator: '<=',
      digits: 0,
    });
  } finally {
    clearTimeout(killer);
    await emu.stop(5_000);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`client-throughput: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
