import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoopClient } from '../../src/api/client.js';
import { ContactsApi } from '../../src/api/endpoints.js';
import { createLogger } from '../../src/core/logger.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';

/**
 * The token never shows at the client's level: not in trace logs, error messages, serialised errors, or `hoop-etl api` output.
 * Every other command's output, the report files, and the refusal of plain http:// are in security.test.ts.
 */

const TOKEN = 'pit-SECRET-7f3a9c2e-do-not-leak';
let emu: RunningEmulator;
const tmp = mkdtempSync(join(tmpdir(), 'hoop-secret-'));

beforeAll(async () => {
  emu = await startEmulator({ port: 0, token: TOKEN });
});
afterAll(async () => {
  await emu.close();
  rmSync(tmp, { recursive: true, force: true });
});

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('the token', () => {
  it('is absent from trace-level logs and from every error, even with faults and retries', async () => {
    const log = capture();
    const logger = createLogger({ level: 'trace', destination: log.stream });
    const api = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: TOKEN, locationId: emu.locationId, logger, retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } }));
    await admin(emu, 'POST', '/faults', {
      faults: [
        { fault: 'status=503', count: 1 },
        { fault: 'drop', count: 1 },
        { fault: 'ambiguous', count: 1, operation: 'create-note' },
      ],
    });
    const c = await api.createContact({ email: 'secret@example.com' });
    await api.createNote(c.contact.id, { body: 'hello' });
    const errors: unknown[] = [];
    await admin(emu, 'POST', '/faults', { faults: [{ fault: 'status=500', count: 10 }] });
    await api.getContact(c.contact.id).catch((e: unknown) => errors.push(e));
    await admin(emu, 'DELETE', '/faults');
    await api.createContact({ email: 'secret@example.com' }).catch((e: unknown) => errors.push(e));
    await api.getContact('abcdefghij0123456789').catch((e: unknown) => errors.push(e));
    const other = await admin(emu, 'POST', '/locations', {});
    await new ContactsApi(new HoopClient({ baseUrl: emu.url, token: TOKEN, locationId: other.location.id, logger }))
      .searchContacts({ pageLimit: 1 })
      .catch((e: unknown) => errors.push(e));
    expect(errors).toHaveLength(4);
    expect(log.text()).toContain('retrying request');
    for (const e of errors) {
      const err = e as Error;
      const all = [err.message, err.stack ?? '', JSON.stringify(err), String(err), JSON.stringify(Object.getOwnPropertyNames(err).map((k) => (err as unknown as Record<string, unknown>)[k]), (_k, v) => (typeof v === 'bigint' ? String(v) : v))];
      for (const text of all) expect(text).not.toContain(TOKEN);
    }
    expect(log.text()).not.toContain(TOKEN);
  });

  it('is redacted by path if a caller logs it by mistake', () => {
    const log = capture();
    const logger = createLogger({ level: 'debug', destination: log.stream });
    logger.info({ token: TOKEN, headers: { authorization: `Bearer ${TOKEN}` } }, 'oops');
    expect(log.text()).toContain('[redacted]');
    expect(log.text()).not.toContain(TOKEN);
  });

  it('is absent from hoop-etl api output, success and failure, at trace level', async () => {
    const env = { ...process.env, HOOPAI_TOKEN: TOKEN, HOOPAI_BASE_URL: emu.url };
    const run = (args: string[]) => runCli(['api', ...args, '--location', emu.locationId, '--log-level', 'trace'], env);
    const ok = await run(['POST', '/contacts/upsert', '--data', JSON.stringify({ locationId: emu.locationId, email: 'cli@example.com' })]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ new: true, contact: { email: 'cli@example.com' } });
    const missing = await run(['GET', '/contacts/abcdefghij0123456789']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Contact not found for id:abcdefghij0123456789');
    const file = join(tmp, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const fromFile = await runCli(['api', 'GET', '/contacts/abcdefghij0123456789', '--location', emu.locationId, '--token-file', file, '--log-level', 'trace'], {
      ...process.env,
      HOOPAI_TOKEN: '',
      HOOPAI_BASE_URL: emu.url,
    });
    // Authenticated with the file's token: the answer is "not found", not "unauthorised".
    expect(fromFile.status).toBe(1);
    expect(fromFile.stderr).toContain('Contact not found for id:abcdefghij0123456789');
    const refused = await run(['GET', '/contacts/', '--token', TOKEN]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('A token on the command line is refused');
    for (const r of [ok, missing, fromFile, refused]) {
      expect(r.stdout).not.toContain(TOKEN);
      expect(r.stderr).not.toContain(TOKEN);
    }
  });
});

describe('OAuth tokens and the client secret', () => {
  it('are absent from trace-level logs and errors of a client refreshing a grant (before expiry, after a 401, and failing for good)', async () => {
    const { Credentials } = await import('../../src/api/credentials.js');
    const { MemoryTokenStore, grantKey } = await import('../../src/api/auth/token-store.js');
    const oauthEmu = await startEmulator({ port: 0, tokenTtlS: 1, rateLimit: { max: 0 }, log: () => {} });
    try {
      const code = (await admin<{ code: string }>(oauthEmu, 'POST', '/oauth/authorize', { userType: 'Location' })).code;
      const log = capture();
      const logger = createLogger({ level: 'trace', destination: log.stream });
      const store = new MemoryTokenStore();
      const env = { HOOPAI_CLIENT_ID: oauthEmu.oauth.clientId, HOOPAI_CLIENT_SECRET: oauthEmu.oauth.clientSecret };
      const creds = new Credentials({ env, store, authStore: 'memory', baseUrl: oauthEmu.url, logger, oauth: { baseDelayMs: 1, maxDelayMs: 5 } });
      const answer = await creds.oauth().exchangeCode({ clientId: env.HOOPAI_CLIENT_ID, clientSecret: env.HOOPAI_CLIENT_SECRET, code });
      await store.put(grantKey(env.HOOPAI_CLIENT_ID, 'Location', answer.locationId!), {
        kind: 'grant', clientId: env.HOOPAI_CLIENT_ID, userType: 'Location', locationId: answer.locationId, scopes: answer.scopes,
        accessToken: answer.accessToken, refreshToken: answer.refreshToken!, expiresAt: Date.now() + 1000, lifetimeMs: 1000, obtainedAt: Date.now(),
      });
      const api = new ContactsApi(new HoopClient({ baseUrl: oauthEmu.url, token: await creds.forLocation(answer.locationId!), locationId: answer.locationId!, logger }));
      for (let i = 0; i < 3; i++) {
        await api.searchContacts({ pageLimit: 1 });
        await new Promise((r) => setTimeout(r, 1100));
      }
      // The platform forgets the grant: the next refresh fails for good.
      for (const g of oauthEmu.store.refreshGrants.values()) oauthEmu.store.putRefreshGrant({ ...g, usedAt: g.usedAt ?? Date.now() });
      const err = (await api.searchContacts({ pageLimit: 1 }).catch((e: unknown) => e)) as Error;
      expect(err.message).toContain('hoop-etl auth login');
      const secrets = [...oauthEmu.store.tokens.keys(), ...oauthEmu.store.refreshGrants.keys(), code, env.HOOPAI_CLIENT_SECRET].filter((s) => s.length >= 8);
      expect(oauthEmu.store.refreshGrants.size).toBeGreaterThanOrEqual(3);
      const texts = [log.text(), err.message, err.stack ?? '', JSON.stringify(err), String(err)];
      for (const t of texts) for (const s of secrets) expect(t).not.toContain(s);
      expect(log.text()).toContain('OAuth grant refreshed');
    } finally {
      await oauthEmu.close();
    }
  });
});
