import { describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';

/**
 * A server that cannot be reached, as a new user meets it: the message names
 * the host, the setting that chose it and what to check, and the retries
 * show as they happen at the default log level, instead of a bare
 * ECONNREFUSED after seconds of silence.
 */

const { emulator } = e2eHarness('connection');

/** A loopback port nothing listens on: an emulator's, after it closed. */
async function closedPort(): Promise<{ url: string; port: string }> {
  const emu = await emulator();
  const url = emu.url;
  await emu.close();
  return { url, port: new URL(url).port };
}

describe('connection errors', () => {
  it.each([
    ['HOOPAI_BASE_URL', false],
    ['--base-url', true],
  ])('a closed port: the host, the setting (%s) and what to check; each retry on stderr as it happens', async (setting, asFlag) => {
    const { url, port } = await closedPort();
    const emu = await emulator();
    const env = envFor(emu, asFlag ? { HOOPAI_BASE_URL: undefined } : { HOOPAI_BASE_URL: url });
    const r = await runCli(['export', '--location', emu.locationId, '--out', '-', ...(asFlag ? ['--base-url', url] : [])], env);
    expect(r.status).toBe(1);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toContain(`unavailable after 6 attempts: connection refused by 127.0.0.1:${port} (ECONNREFUSED); the base URL ${url}/ comes from ${setting}: is the emulator (or the server you meant) listening on port ${port}?`);
    // The five retries were told at the default level, before the end.
    const retries = r.stderr.split('\n').filter((l) => l.includes(`connection refused by 127.0.0.1:${port} (ECONNREFUSED) (attempt`));
    expect(retries).toHaveLength(5);
    expect(r.stderr).not.toContain(emu.token);
  });

  it('a base URL with a path: says the server has no such route and which setting to fix', async () => {
    const emu = await emulator();
    const r = await runCli(['export', '--location', emu.locationId, '--out', '-'], envFor(emu, { HOOPAI_BASE_URL: `${emu.url}/v2` }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`has no such route (it answered: Cannot GET /v2/locations/${emu.locationId}/customFields); check the base URL ${emu.url}/v2 from HOOPAI_BASE_URL: the platform's is https://services.leadconnectorhq.com, with no path`);
  });
});
