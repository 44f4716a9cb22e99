import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL_ENV, resolveBaseUrl, resolveToken, TOKEN_ENV } from '../../../src/api/credentials.js';
import { checkBaseUrl, DEFAULT_BASE_URL } from '../../../src/api/connection.js';
import {
  BadRequestError,
  DuplicateContactError,
  errorForResponse,
  ForbiddenLocationError,
  HoopApiError,
  MissingScopeError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  type ApiRequestInfo,
  type ApiResponseInfo,
} from '../../../src/api/errors.js';
import type { HttpMethod } from '../../../src/api/client.js';
import { safetyOf } from '../../../src/cli/commands/api.js';
import { ConfigError, UsageError } from '../../../src/core/errors.js';

const SECRET = 'pit-0123456789abcdef-SECRET';

describe('resolveToken', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoop-etl-token-'));
    await writeFile(file('plain'), SECRET);
    await writeFile(file('padded'), `\n  ${SECRET}  \r\n\n`);
    await writeFile(file('empty'), '');
    await writeFile(file('blank'), ' \n\t\n');
    await writeFile(file('two-lines'), `${SECRET}\nsecond-token\n`);
    await writeFile(file('two-words'), `Bearer ${SECRET}`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, unknown]>([
    ['a string', SECRET],
    ['an empty string', ''],
    ['true', true],
  ])('refuses a token flag given as %s, naming the ways that work', async (_name, tokenFlag) => {
    const err = await resolveToken({ env: { [TOKEN_ENV]: 'from-env' }, tokenFile: file('plain'), tokenFlag }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    const { message, path, code, exitCode } = err as UsageError;
    expect({ path, code, exitCode }).toEqual({ path: '--token', code: 'USAGE', exitCode: 2 });
    expect(message).toContain('HOOPAI_TOKEN');
    expect(message).toContain('--token-file');
    expect(message).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
  });

  it.each<[string, string]>([
    ['plain', SECRET],
    ['padded', SECRET],
  ])('reads the token file %s, trimmed', async (name, expected) => {
    await expect(resolveToken({ env: {}, tokenFile: file(name) })).resolves.toBe(expected);
  });

  it('prefers the token file to the environment', async () => {
    await expect(resolveToken({ env: { [TOKEN_ENV]: 'from-env' }, tokenFile: file('plain') })).resolves.toBe(SECRET);
  });

  it.each<[string, RegExp]>([
    ['missing', /^Cannot read the token file: ENOENT \(.*\/missing\) \(at --token-file\)$/],
    ['empty', /^The token file is empty \(.*\/empty\) \(at --token-file\)$/],
    ['blank', /^The token file is empty \(.*\/blank\) \(at --token-file\)$/],
    ['two-lines', /^The token file must hold one token on one line \(.*\/two-lines\) \(at --token-file\)$/],
    ['two-words', /^The token file must hold one token on one line \(.*\/two-words\) \(at --token-file\)$/],
  ])('refuses the token file %s with a ConfigError naming the file', async (name, message) => {
    const err = await resolveToken({ env: { [TOKEN_ENV]: 'from-env' }, tokenFile: file(name) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG', exitCode: 2, path: '--token-file' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(file(name));
    expect((err as Error).message).not.toContain(SECRET);
  });

  it('refuses a directory as token file', async () => {
    const err = await resolveToken({ env: {}, tokenFile: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`Cannot read the token file: EISDIR (${dir}) (at --token-file)`);
  });

  it.each<[Record<string, string | undefined>, string]>([
    [{ HOOPAI_TOKEN: SECRET }, SECRET],
    [{ HOOPAI_TOKEN: `  ${SECRET}\n` }, SECRET],
    [{ HOOPAI_TOKEN: 'x', OTHER: 'y' }, 'x'],
  ])('reads %o from the environment', async (env, expected) => {
    await expect(resolveToken({ env })).resolves.toBe(expected);
  });

  it.each<Record<string, string | undefined>>([{}, { HOOPAI_TOKEN: undefined }, { HOOPAI_TOKEN: '' }, { HOOPAI_TOKEN: '  \n' }, { hoopai_token: 'lower-case' }])(
    'without a token (%o) fails with a UsageError',
    async (env) => {
      const err = await resolveToken({ env }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect(err).toMatchObject({ message: 'No token: set HOOPAI_TOKEN or pass --token-file <file>', path: undefined, exitCode: 2 });
    },
  );
});

describe('resolveBaseUrl', () => {
  it.each<[string | undefined, Record<string, string | undefined>, string]>([
    ['http://localhost:3000', { [BASE_URL_ENV]: 'https://env.example' }, 'http://localhost:3000'],
    [undefined, { HOOPAI_BASE_URL: 'https://env.example' }, 'https://env.example'],
    [undefined, {}, DEFAULT_BASE_URL],
    [undefined, { HOOPAI_BASE_URL: undefined }, 'https://services.leadconnectorhq.com'],
  ])('flag %o, env %o → %s', (flag, env, expected) => {
    expect(resolveBaseUrl(flag, env)).toBe(expected);
  });
});

describe('checkBaseUrl', () => {
  it.each<[string, string]>([
    ['http://localhost:3000', 'localhost'],
    ['http://LOCALHOST:3000/', 'localhost'],
    ['http://127.0.0.1:8080', '127.0.0.1'],
    ['http://127.1.2.3', '127.1.2.3'],
    ['http://127.255.255.254:1/base', '127.255.255.254'],
    ['http://[::1]:3000', '[::1]'],
    ['https://services.leadconnectorhq.com', 'services.leadconnectorhq.com'],
    ['https://api.example.com:8443/v2', 'api.example.com'],
    ['https://127.evil.example', '127.evil.example'],
    ['https://10.0.0.5', '10.0.0.5'],
  ])('accepts %s', (raw, hostname) => {
    const url = checkBaseUrl(raw);
    expect(url).toBeInstanceOf(URL);
    expect(url.hostname).toBe(hostname);
  });

  it.each<[string, string]>([
    ['http://services.leadconnectorhq.com', 'services.leadconnectorhq.com'],
    ['http://127.evil.example', '127.evil.example'],
    ['http://127.0.0.1.evil.example', '127.0.0.1.evil.example'],
    ['http://localhost.evil.example', 'localhost.evil.example'],
    ['http://evil.example/127.0.0.1', 'evil.example'],
    ['http://10.0.0.5:3000', '10.0.0.5'],
    ['http://0.0.0.0:3000', '0.0.0.0'],
    ['http://[::2]', '[::2]'],
  ])('refuses plain http to %s', (raw, hostname) => {
    expect(() => checkBaseUrl(raw)).toThrow(UsageError);
    expect(() => checkBaseUrl(raw)).toThrow(
      `Refusing plain http:// to ${hostname}: the token would travel unencrypted; use https:// (http is allowed on loopback only) (at --base-url)`,
    );
  });

  it.each<[string, string]>([
    ['not a url', "Base URL is not a URL: 'not a url' (at --base-url)"],
    ['', "Base URL is not a URL: '' (at --base-url)"],
    ['localhost:3000', "Base URL must be http(s), got 'localhost:' (at --base-url)"],
    ['services.leadconnectorhq.com', "Base URL is not a URL: 'services.leadconnectorhq.com' (at --base-url)"],
    ['http://', "Base URL is not a URL: 'http://' (at --base-url)"],
    ['ftp://localhost/', "Base URL must be http(s), got 'ftp:' (at --base-url)"],
    ['file:///etc/passwd', "Base URL must be http(s), got 'file:' (at --base-url)"],
    ['ws://localhost:3000', "Base URL must be http(s), got 'ws:' (at --base-url)"],
  ])('refuses %o', (raw, message) => {
    expect(() => checkBaseUrl(raw)).toThrow(UsageError);
    expect(() => checkBaseUrl(raw)).toThrow(message);
  });
});

describe('errorForResponse', () => {
  const req: ApiRequestInfo = { method: 'POST', path: '/contacts/', operation: 'create-contact' };
  const resOf = (status: number, body: unknown): ApiResponseInfo => ({ status, body, headers: { 'content-type': 'application/json' } });

  it.each<{ status: number; body: unknown; type: new (...args: never[]) => HoopApiError; code: string; message: string; extra?: Record<string, unknown> }>([
    {
      status: 401,
      body: { statusCode: 401, message: 'The token is not authorized for this scope.', error: 'Unauthorized' },
      type: MissingScopeError,
      code: 'MISSING_SCOPE',
      message: 'POST /contacts/: the token lacks the scope this call needs: The token is not authorized for this scope.',
    },
    {
      status: 401,
      body: { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' },
      type: UnauthorizedError,
      code: 'UNAUTHORIZED',
      message: 'POST /contacts/: unauthorised: Invalid token: access token is invalid (check the token: HOOPAI_TOKEN, HOOPAI_TOKEN_<location>, --token-file, or the OAuth grant of hoop-etl auth login)',
    },
    {
      status: 401,
      body: { statusCode: 401, message: 'Invalid JWT' },
      type: UnauthorizedError,
      code: 'UNAUTHORIZED',
      message: 'POST /contacts/: unauthorised: Invalid JWT (check the token: HOOPAI_TOKEN, HOOPAI_TOKEN_<location>, --token-file, or the OAuth grant of hoop-etl auth login)',
    },
    {
      status: 401,
      body: undefined,
      type: UnauthorizedError,
      code: 'UNAUTHORIZED',
      message: 'POST /contacts/: unauthorised: HTTP 401 (check the token: HOOPAI_TOKEN, HOOPAI_TOKEN_<location>, --token-file, or the OAuth grant of hoop-etl auth login)',
    },
    {
      status: 403,
      body: { statusCode: 403, message: 'The token does not have access to this location.' },
      type: ForbiddenLocationError,
      code: 'FORBIDDEN_LOCATION',
      message: 'POST /contacts/: The token does not have access to this location. (the token belongs to another location)',
    },
    {
      status: 422,
      body: { statusCode: 422, message: ['property additionalEmails should not exist', 'locationId must be a string'], error: 'Unprocessable Entity' },
      type: ValidationError,
      code: 'VALIDATION',
      message: 'POST /contacts/: refused as invalid: property additionalEmails should not exist; locationId must be a string',
      extra: { messages: ['property additionalEmails should not exist', 'locationId must be a string'] },
    },
    {
      status: 422,
      body: { statusCode: 422, message: 'pageLimit must not be greater than 500' },
      type: ValidationError,
      code: 'VALIDATION',
      message: 'POST /contacts/: refused as invalid: pageLimit must not be greater than 500',
      extra: { messages: ['pageLimit must not be greater than 500'] },
    },
    {
      status: 422,
      body: 'Unprocessable',
      type: ValidationError,
      code: 'VALIDATION',
      message: 'POST /contacts/: refused as invalid: HTTP 422',
      extra: { messages: ['HTTP 422'] },
    },
    {
      status: 400,
      body: { statusCode: 400, message: 'This location does not allow duplicated contacts.', meta: { contactId: 'c0ntact1d0000000000A', matchingField: 'email' } },
      type: DuplicateContactError,
      code: 'DUPLICATE',
      message: 'POST /contacts/: duplicate of contact c0ntact1d0000000000A (same email)',
      extra: { contactId: 'c0ntact1d0000000000A', matchingField: 'email' },
    },
    {
      status: 400,
      body: { statusCode: 400, message: 'This location does not allow duplicated contacts.', meta: { contactId: 'c0ntact1d0000000000B' } },
      type: DuplicateContactError,
      code: 'DUPLICATE',
      message: 'POST /contacts/: duplicate of contact c0ntact1d0000000000B (same )',
      extra: { contactId: 'c0ntact1d0000000000B', matchingField: '' },
    },
    {
      status: 400,
      body: { statusCode: 400, message: 'Contact not found for id:abc123' },
      type: NotFoundError,
      code: 'NOT_FOUND',
      message: 'POST /contacts/: Contact not found for id:abc123',
    },
    {
      status: 400,
      body: { statusCode: 400, message: 'Bad request', meta: { contactId: 42 } },
      type: BadRequestError,
      code: 'BAD_REQUEST',
      message: 'POST /contacts/: Bad request',
    },
    {
      status: 400,
      body: { statusCode: 400, message: 'Invalid field contact_name' },
      type: BadRequestError,
      code: 'BAD_REQUEST',
      message: 'POST /contacts/: Invalid field contact_name',
    },
    {
      status: 400,
      body: null,
      type: BadRequestError,
      code: 'BAD_REQUEST',
      message: 'POST /contacts/: HTTP 400',
    },
    {
      status: 404,
      body: { statusCode: 404, message: 'Cannot POST /contacts/nope' },
      type: NotFoundError,
      code: 'NOT_FOUND',
      message: 'POST /contacts/: Cannot POST /contacts/nope',
    },
    {
      status: 409,
      body: { message: 'Conflict' },
      type: BadRequestError,
      code: 'BAD_REQUEST',
      message: 'POST /contacts/: Conflict',
    },
  ])('$status $code: $message', ({ status, body, type, code, message, extra }) => {
    const res = resOf(status, body);
    const err = errorForResponse(req, res);
    expect(err).toBeInstanceOf(type);
    expect(err).toBeInstanceOf(HoopApiError);
    expect(err).toMatchObject({ code, message, status, exitCode: 1, name: type.name, ...extra });
    expect(err.request).toBe(req);
    expect(err.response).toBe(res);
  });

  it.each<[number, unknown]>([
    [400, { statusCode: 400, message: 'This location does not allow duplicated contacts.', meta: { contactId: 'dup1', matchingField: 'phone' }, echo: { phone: '+15555550123' } }],
    [401, { statusCode: 401, message: 'Invalid JWT', echo: { email: 'ada@example.com' } }],
    [422, { statusCode: 422, message: ['email must be an email'], echo: { email: 'ada@example.com' } }],
  ])('keeps request and response out of JSON and Object.keys (%i)', (status, body) => {
    const request: ApiRequestInfo = { method: 'POST', path: '/contacts/', operation: 'create-contact' };
    const response: ApiResponseInfo = { status, body, headers: { 'set-cookie': `session=${SECRET}`, 'x-echo-authorization': `Bearer ${SECRET}` } };
    const err = errorForResponse(request, response);
    const keys = Object.keys(err);
    expect(keys).not.toContain('request');
    expect(keys).not.toContain('response');
    const json = JSON.stringify(err);
    for (const leak of ['request', 'response', 'create-contact', 'headers', 'echo', SECRET, 'ada@example.com', '+15555550123']) expect(json).not.toContain(leak);
    expect(JSON.parse(json)).toMatchObject({ code: expect.any(String), status });
    // Still there for the code that needs them.
    expect(err.request).toBe(request);
    expect(err.response?.body).toBe(body);
  });
});

describe('safetyOf', () => {
  it.each<[HttpMethod, string, 'safe' | 'unsafe']>([
    // Not POST: safe whatever the path.
    ['GET', '/contacts/abc', 'safe'],
    ['GET', '/contacts/search/duplicate', 'safe'],
    ['PUT', '/contacts/abc', 'safe'],
    ['DELETE', '/contacts/abc', 'safe'],
    ['DELETE', '/contacts/abc/tags', 'safe'],
    ['DELETE', '/contacts/abc/campaigns/removeAll', 'safe'],
    // POSTs that may be sent twice.
    ['POST', '/contacts/upsert', 'safe'],
    ['POST', '/contacts/search', 'safe'],
    ['POST', '/contacts/bulk/tags/update/add', 'safe'],
    ['POST', '/contacts/bulk/tags/update/remove', 'safe'],
    ['POST', '/contacts/bulk/business', 'safe'],
    ['POST', '/contacts/abc/tags', 'safe'],
    ['POST', '/contacts/abc/followers', 'safe'],
    ['POST', '/contacts/abc/campaigns/camp1', 'safe'],
    ['POST', '/contacts/abc/workflow/wf1', 'safe'],
    // POSTs that create a record: sent once.
    ['POST', '/contacts/', 'unsafe'],
    ['POST', '/contacts', 'unsafe'],
    ['POST', '/contacts/abc/notes', 'unsafe'],
    ['POST', '/contacts/abc/tasks', 'unsafe'],
    ['POST', '/locations/LOC/customFields', 'unsafe'],
    ['POST', '/contacts/upsert/', 'unsafe'],
    ['POST', '/contacts/search/duplicate', 'unsafe'],
    ['POST', '/contacts/abc/tags/extra', 'unsafe'],
    ['POST', '/contacts/abc/campaigns', 'unsafe'],
    ['POST', '/contacts/abc/workflow/wf1/extra', 'unsafe'],
    ['POST', '/other/contacts/upsert', 'unsafe'],
  ])('%s %s is %s', (method, path, expected) => {
    expect(safetyOf(method, path)).toBe(expected);
  });
});
