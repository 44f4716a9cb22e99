import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { CLI, e2eHarness, runCli } from '../helpers/e2e.js';
import { call } from '../helpers/http.js';

/**
 * The emulator's /__emulator/* routes reset, read every contact and mint
 * tokens. With an admin token each needs `Authorization: Bearer <token>`; off
 * loopback the emulator will not start without one. Exercised over HTTP on
 * 127.0.0.1 with a token given.
 */

const { emulator, track } = e2eHarness('emulator-admin-auth');
const ADMIN = 'adm-3f9c1e7a55b24d0c8e6f';

async function adminCall(url: string, method: string, path: string, auth: string | undefined, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (auth !== undefined) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}/__emulator${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '0.0.0.0', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('admin routes with an admin token', () => {
  it('every route answers 401 without the token or with a wrong one, and works with the right one; the API keeps its own tokens', async () => {
    const emu = await emulator({ adminToken: ADMIN });
    const loc = emu.locationId;
    const created = await call(emu, 'POST', '/contacts/', { body: { locationId: loc, email: 'kept@example.com' } });
    expect(created.status).toBe(201);
    const contactId = created.body.contact.id as string;

    const routes: Array<[string, string, unknown, number]> = [
      ['GET', '/health', undefined, 200],
      ['GET', '/stats', undefined, 200],
      ['POST', '/stats/reset', undefined, 200],
      ['GET', '/config', undefined, 200],
      ['PATCH', '/config', { searchLagMs: 0 }, 200],
      ['POST', '/faults', { faults: [] }, 200],
      ['DELETE', '/faults', undefined, 200],
      ['POST', '/daily-reset', undefined, 200],
      ['GET', '/locations', undefined, 200],
      ['POST', '/locations', { id: 'adminAuthLocation001' }, 201],
      ['GET', `/locations/${loc}`, undefined, 200],
      ['PATCH', `/locations/${loc}`, { name: 'Renamed' }, 200],
      ['POST', '/tokens', { locationId: loc, token: 'pit-minted-by-admin' }, 201],
      ['POST', `/locations/${loc}/custom-fields`, { name: 'Colour', dataType: 'TEXT' }, 201],
      ['POST', `/locations/${loc}/businesses`, { name: 'Acme' }, 201],
      ['POST', `/locations/${loc}/appointments`, { contactId }, 201],
      ['POST', `/locations/${loc}/contacts`, { contacts: [{ email: 'seeded@example.com' }] }, 201],
      ['GET', `/locations/${loc}/contacts`, undefined, 200],
      ['GET', `/locations/${loc}/contacts/${contactId}`, undefined, 200],
      ['GET', '/no-such-route', undefined, 404],
      ['POST', '/reset', undefined, 200],
    ];
    const refused: string[] = [];
    for (const [method, path, body, expected] of routes) {
      for (const auth of [undefined, 'Bearer wrong-token', `Bearer ${ADMIN}x`, `Basic ${ADMIN}`, `Bearer ${emu.token}`]) {
        const r = await adminCall(emu.url, method, path, auth, body);
        if (r.status !== 401) refused.push(`${method} ${path} with ${auth ?? 'no Authorization'} -> ${r.status}`);
        else {
          expect(r.body.message).toContain('admin token');
          expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
          expect(JSON.stringify(r.body)).not.toContain(ADMIN);
        }
      }
      // Nothing refused had an effect: the contact is still there, no token was minted.
      // (/reset comes last, so until its allowed call the contact must still be there.)
      expect(emu.store.location(loc)!.contacts.has(contactId), `${method} ${path}`).toBe(true);
      if (path === '/tokens') expect((await call(emu, 'GET', `/contacts/${contactId}`, { token: 'pit-minted-by-admin' })).status).toBe(401);
      const ok = await adminCall(emu.url, method, path, `Bearer ${ADMIN}`, body);
      expect(ok.status, `${method} ${path}: ${JSON.stringify(ok.body)}`).toBe(expected);
    }
    expect(refused).toEqual([]);
    // The reset went through with the token: the contact is gone, the default token works again.
    expect(emu.store.location(loc)!.contacts.size).toBe(0);
    expect((await call(emu, 'GET', `/locations/${loc}/customFields`)).status).toBe(200);
    // The admin token is no API token.
    expect((await call(emu, 'GET', `/locations/${loc}/customFields`, { token: ADMIN })).status).toBe(401);
  });

  it('a refused reset or contact listing changes and shows nothing', async () => {
    const emu = await emulator({ adminToken: ADMIN });
    await call(emu, 'POST', '/contacts/', { body: { locationId: emu.locationId, email: 'secret@example.com' } });
    const list = await adminCall(emu.url, 'GET', `/locations/${emu.locationId}/contacts`, 'Bearer nope');
    expect(list.status).toBe(401);
    expect(JSON.stringify(list.body)).not.toContain('secret@example.com');
    expect((await adminCall(emu.url, 'POST', '/reset', undefined)).status).toBe(401);
    expect(emu.store.location(emu.locationId)!.contacts.size).toBe(1);
  });

  it('on loopback without an admin token the routes stay open (tests and the demo use them)', async () => {
    const emu = await emulator();
    expect((await adminCall(emu.url, 'GET', '/health', undefined)).status).toBe(200);
  });
});

describe('hoop-etl emulator off loopback', () => {
  it('--host 0.0.0.0 without an admin token exits 2 with a clear message and binds nothing', async () => {
    const port = await freePort();
    const env = { ...process.env };
    delete env.HOOPAI_EMULATOR_ADMIN_TOKEN;
    const r = await runCli(['emulator', '--host', '0.0.0.0', '--port', String(port)], env, 15_000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('on 0.0.0.0, which is not loopback, they need an admin token. Give --admin-token or set HOOPAI_EMULATOR_ADMIN_TOKEN');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Nothing was bound: the port is still free.
    const srv = createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '0.0.0.0', resolve);
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });

  it.each([
    ['--admin-token on 0.0.0.0', ['--host', '0.0.0.0', '--admin-token', ADMIN], {}],
    ['HOOPAI_EMULATOR_ADMIN_TOKEN on 0.0.0.0', ['--host', '0.0.0.0'], { HOOPAI_EMULATOR_ADMIN_TOKEN: ADMIN }],
    ['--admin-token on 127.0.0.1', ['--host', '127.0.0.1', '--admin-token', ADMIN], {}],
  ])('with %s it starts, requires the token, and never prints it', async (_what, args, extraEnv) => {
    const child = track(spawn(process.execPath, [CLI, 'emulator', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } }));
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const first = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (l) => {
        out += `${l}\n`;
        resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${err}`)));
    });
    const port = /listening on http:\/\/\S+:(\d+) /.exec(first)![1]!;
    const url = `http://127.0.0.1:${port}`;
    expect((await adminCall(url, 'GET', '/locations', undefined)).status).toBe(401);
    expect((await adminCall(url, 'GET', '/locations', 'Bearer wrong')).status).toBe(401);
    expect((await adminCall(url, 'GET', '/locations', `Bearer ${ADMIN}`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toContain(ADMIN);
    expect(err).not.toContain(ADMIN);
  });
});
