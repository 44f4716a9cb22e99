import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, contactNotFound, STATUS_TEXT } from './api-error.js';
import { handleAdmin, ADMIN_PREFIX } from './admin.js';
import { adminTokenMatches } from './admin-auth.js';
import { newTraceId } from './ids.js';
import type { FaultDecision } from './faults.js';
import { deadToken, handleOAuth, isOAuthPath, oauthOperationId, MSG_INVALID_TOKEN, MSG_LOCATION, MSG_SCOPE, rateKey } from './oauth.js';
import { loadSpec } from '../platform/openapi/spec.js';
import { Router } from './router.js';
import { allRoutes } from './routes/index.js';
import type { RouteContext } from './routes/route.js';
import type { EmulatorState } from './state.js';
import type { TokenRecord } from './types.js';

/**
 * The HTTP front of the emulator. One request goes through, in this order:
 * route, Version header, token, scope, fault decision, half the injected
 * latency, rate limit, injected fault, body parse, schema validation,
 * location check, contact lookup, handler, for an ambiguous fault a failure
 * after the write was applied, the other half of the latency, the answer.
 */

export const ACCEPTED_VERSIONS = ['2021-07-28', '2021-04-15', '2023-02-21'];
const MAX_BODY_BYTES = 10 * 1024 * 1024;


function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function readBody(req: IncomingMessage): Promise<Buffer | ApiError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? new ApiError(413, 'request entity too large') : Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.alloc(0)));
  });
}

/** The path and query of a request; `new URL` costs more than a write on the hot path. */
function parseUrl(raw: string): { pathname: string; searchParams: URLSearchParams } {
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  return { pathname, searchParams: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m?.[1]?.trim();
}

/**
 * The fault dice for one request, and its latency as the network adds it:
 * half on the way in (waited here, before the request counts against the
 * limit), half on the way out (`later`). Requests of no API operation (the
 * consent page) take no fault. A bad X-Emulator-Fault header is a 400.
 */
async function networkFor(
  state: EmulatorState,
  req: IncomingMessage,
  operationId: string | undefined,
  method: string,
): Promise<ApiError | { fault: FaultDecision; later: (respond: () => void) => Promise<void> }> {
  let fault: FaultDecision = { latencyMs: 0 };
  if (operationId) {
    const faultHeader = req.headers['x-emulator-fault'];
    try {
      fault = state.faults.decide(operationId, method !== 'GET', typeof faultHeader === 'string' ? faultHeader : undefined);
    } catch (e) {
      return new ApiError(400, `X-Emulator-Fault: ${(e as Error).message}`);
    }
  }
  const inbound = Math.floor(fault.latencyMs / 2);
  const outbound = fault.latencyMs - inbound;
  if (inbound > 0) await sleep(inbound);
  const later = async (respond: () => void): Promise<void> => {
    if (outbound > 0) await sleep(outbound);
    respond();
  };
  return { fault, later };
}

export interface EmulatorServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export function createEmulatorServer(state: EmulatorState, options: { adminToken?: string } = {}): Server {
  const adminToken = options.adminToken;
  const router = new Router(allRoutes);
  const spec = loadSpec();
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const traceId = newTraceId();
    const url = parseUrl(req.url ?? '/');
    const method = (req.method ?? 'GET').toUpperCase();
    const fail = (e: ApiError, headers?: Record<string, string>) => {
      state.stats.countStatus(e.status);
      send(res, e.status, e.toBody(traceId), headers);
    };

    const raw = await readBody(req);
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      if (adminToken !== undefined && !adminTokenMatches(adminToken, req.headers.authorization)) {
        state.stats.countStatus(401);
        send(res, 401, { statusCode: 401, message: 'The emulator admin routes need Authorization: Bearer <admin token> (--admin-token)', error: 'Unauthorized' }, {
          'WWW-Authenticate': 'Bearer realm="hoop-etl emulator admin"',
        });
        return;
      }
      if (raw instanceof ApiError) return fail(raw);
      const r = await handleAdmin(state, method, url, raw);
      send(res, r.status, r.body);
      return;
    }

    if (isOAuthPath(url.pathname)) {
      if (raw instanceof ApiError) return fail(raw);
      // The OAuth API routes take faults like the contacts routes (the consent page does not): a
      // refresh applied and then answered 5xx or dropped is the case a token store must survive.
      const operationId = oauthOperationId(method, url.pathname);
      if (operationId) state.routedRequest(operationId);
      const network = await networkFor(state, req, operationId, method);
      if (network instanceof ApiError) return fail(network);
      const { fault, later } = network;
      if (fault.kind === 'drop') {
        state.stats.faults.drop++;
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status') {
        state.stats.faults.status++;
        return later(() => fail(new ApiError(fault.status ?? 503, STATUS_TEXT[fault.status ?? 503] ?? 'Server Error')));
      }
      if (fault.kind === 'rate-limit') {
        state.stats.faults.rateLimit++;
        state.stats.rateLimited++;
        const after = Math.max(1, Math.ceil(state.limiter.config.intervalMs / 1000));
        return later(() => fail(new ApiError(429, 'Too Many Requests'), state.limiter.config.retryAfter ? { 'retry-after': String(after) } : {}));
      }
      const out: { headers?: Record<string, string> } = {};
      try {
        const r = handleOAuth(
          state,
          { method, pathname: url.pathname, query: url.searchParams, raw, contentType: req.headers['content-type'], version: typeof req.headers.version === 'string' ? req.headers.version : undefined, bearer: bearer(req) },
          ACCEPTED_VERSIONS,
          out,
        );
        if (fault.kind === 'ambiguous') {
          state.stats.faults.ambiguous++;
          if (fault.drop) {
            req.socket.destroy();
            return;
          }
          return later(() => fail(new ApiError(fault.status ?? 502, STATUS_TEXT[fault.status ?? 502] ?? 'Server Error'), out.headers));
        }
        state.stats.countStatus(r.status);
        if (r.status === 302) {
          res.writeHead(302, { ...r.headers, 'content-length': 0 });
          res.end();
          return;
        }
        r.body.traceId = traceId;
        return later(() => send(res, r.status, r.body, { ...out.headers, ...r.headers }));
      } catch (e) {
        if (e instanceof ApiError) return later(() => fail(e, out.headers));
        state.log(`internal error in ${url.pathname}: ${(e as Error).stack ?? String(e)}`);
        return later(() => fail(new ApiError(500, 'Internal server error')));
      }
    }

    const match = router.match(method, url.pathname);
    if (!match) return fail(new ApiError(404, `Cannot ${method} ${url.pathname}`));
    const { route, params } = match;
    state.routedRequest(route.operationId);

    const version = req.headers.version;
    if (typeof version !== 'string' || version === '') return fail(new ApiError(400, 'Version header was not found'));
    if (!ACCEPTED_VERSIONS.includes(version)) return fail(new ApiError(400, `Version header value ${version} is not supported`));

    const tokenValue = bearer(req);
    const token: TokenRecord | undefined = tokenValue ? state.store.tokens.get(tokenValue) : undefined;
    if (!token) return fail(new ApiError(401, MSG_INVALID_TOKEN));
    const dead = deadToken(state, token, state.store.now());
    if (dead) return fail(dead);
    // Contacts routes need a Location token; an agency (Company) token is refused whatever its scopes.
    if (token.oauth?.userType === 'Company') return fail(new ApiError(401, MSG_SCOPE));
    if (!token.scopes.includes(route.scope)) return fail(new ApiError(401, MSG_SCOPE));

    const network = await networkFor(state, req, route.operationId, method);
    if (network instanceof ApiError) return fail(network);
    const { fault, later } = network;

    const now = state.store.now();
    const bucket = rateKey(token);
    const decision = state.limiter.take(bucket, now);
    if (!decision.allowed) {
      state.stats.rateLimited++;
      if (decision.reason === 'daily') state.stats.dailyLimited++;
      return later(() => fail(new ApiError(429, 'Too Many Requests'), decision.headers));
    }
    const headers = decision.headers;

    if (fault.kind === 'rate-limit') {
      state.stats.faults.rateLimit++;
      state.stats.rateLimited++;
      const forced = state.limiter.forced(bucket, now);
      return later(() => fail(new ApiError(429, 'Too Many Requests'), forced.headers));
    }
    if (fault.kind === 'drop') {
      state.stats.faults.drop++;
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'status') {
      state.stats.faults.status++;
      return later(() => fail(new ApiError(fault.status ?? 503, STATUS_TEXT[fault.status ?? 503] ?? 'Server Error'), headers));
    }

    if (raw instanceof ApiError) return later(() => fail(raw, headers));
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        else return later(() => fail(new ApiError(400, 'Request body must be a JSON object'), headers));
      } catch (e) {
        return later(() => fail(new ApiError(400, (e as Error).message), headers));
      }
    }

    try {
      const messages = spec.validateRequest(route.operationId, body);
      if (messages.length) throw new ApiError(422, messages);

      let locationId: string | null | undefined;
      if (route.locationFrom === 'body' || route.locationFrom === 'query') {
        locationId = route.locationFrom === 'body' ? (body.locationId as string | undefined) : url.searchParams.get('locationId');
        if (typeof locationId !== 'string' || !locationId) throw new ApiError(422, ['locationId should not be empty', 'locationId must be a string']);
      } else if (route.locationFrom === 'path') locationId = params.locationId;
      else locationId = token.locationId;
      if (locationId !== token.locationId) throw new ApiError(403, MSG_LOCATION);
      const loc = state.store.location(token.locationId);
      if (!loc) throw new ApiError(403, MSG_LOCATION);

      let contact;
      if (params.contactId !== undefined) {
        contact = loc.contacts.get(params.contactId);
        if (!contact) {
          const elsewhere = [...state.store.locations.values()].some((l) => l !== loc && l.contacts.has(params.contactId!));
          if (elsewhere) throw new ApiError(403, MSG_LOCATION);
          throw contactNotFound(params.contactId);
        }
      }

      const ctx: RouteContext = { store: state.store, loc, token, params, query: url.searchParams, body, now, contact };
      const result = route.handler(ctx);

      if (fault.kind === 'ambiguous') {
        state.stats.faults.ambiguous++;
        if (fault.drop) {
          req.socket.destroy();
          return;
        }
        return later(() => fail(new ApiError(fault.status ?? 502, STATUS_TEXT[fault.status ?? 502] ?? 'Server Error'), headers));
      }
      state.stats.countStatus(result.status);
      result.body.traceId = traceId;
      return later(() => send(res, result.status, result.body, headers));
    } catch (e) {
      if (e instanceof ApiError) return later(() => fail(e, headers));
      state.log(`internal error in ${route.operationId}: ${(e as Error).stack ?? String(e)}`);
      return later(() => fail(new ApiError(500, 'Internal server error'), headers));
    }
  };

  const server = createServer((req, res) => {
    // The Date header follows the emulator's clock (a test clock included), as the platform's follows its own.
    res.setHeader('date', new Date(state.store.now()).toUTCString());
    handle(req, res).catch((e: unknown) => {
      state.log(`unhandled: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, { statusCode: 500, message: 'Internal server error' });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Lets close() end idle keep-alive sockets instead of waiting for them.
  (server as Server & { hoopSockets?: Set<Socket> }).hoopSockets = sockets;
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${h}:${addr.port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections?.();
    const sockets = (server as Server & { hoopSockets?: Set<Socket> }).hoopSockets;
    setTimeout(() => sockets?.forEach((s) => s.destroy()), 50).unref();
  });
}
