import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import type { HttpMethod } from '../../api/client.js';
import type { ContactsApi } from '../../api/endpoints.js';
import type { Safety } from '../../api/retry-policy.js';
import type { ContactWrite, NoteWrite, TaskWrite } from '../../api/types.js';
import { EXIT, UsageError } from '../../core/errors.js';
import type { CommandDef } from '../command.js';
import { connect, withConnectionOptions, type ConnectionArgs } from '../connection-options.js';

export interface ApiArgs extends ConnectionArgs {
  method: string;
  path: string;
  data?: string;
  query?: string[];
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

/**
 * POSTs that may be sent twice with the same effect. Any other POST (create
 * contact, note, task, custom field) is sent once: after an ambiguous failure
 * the command reports it instead of risking a second record.
 */
const SAFE_POSTS = [
  /^\/contacts\/upsert$/,
  /^\/contacts\/search$/,
  /^\/contacts\/bulk\//,
  /^\/contacts\/[^/]+\/(tags|followers)$/,
  /^\/contacts\/[^/]+\/(campaigns|workflow)\/[^/]+$/,
];

export function safetyOf(method: HttpMethod, path: string): Safety {
  if (method !== 'POST') return 'safe';
  return SAFE_POSTS.some((re) => re.test(path)) ? 'safe' : 'unsafe';
}

/**
 * The unsafe POSTs the client library knows how to check after an ambiguous
 * failure (a dropped connection, a 5xx after the write may have landed):
 * a contact (looked up by email, then phone), a note or a task (the
 * contact's list, for the same body written since the first attempt).
 * Sent through it, `hoop-etl api` never creates them twice.
 */
export function createOf(path: string, json: unknown): ((api: ContactsApi) => Promise<unknown>) | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const body = json as Record<string, unknown>;
  if (/^\/contacts\/?$/.test(path)) return (api) => api.createContact(body as ContactWrite);
  const m = /^\/contacts\/([^/]+)\/(notes|tasks)\/?$/.exec(path);
  if (!m) return undefined;
  const contactId = decodeURIComponent(m[1]!);
  return m[2] === 'notes' ? (api) => api.createNote(contactId, body as unknown as NoteWrite) : (api) => api.createTask(contactId, body as unknown as TaskWrite);
}

async function readData(data: string | undefined): Promise<unknown> {
  if (data === undefined) return undefined;
  let text = data;
  if (data.startsWith('@')) {
    const file = data.slice(1);
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`Cannot read --data file: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'} (${file})`, '--data');
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--data is not valid JSON: ${(e as Error).message}`, '--data');
  }
}

function parseQuery(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`Expected --query as key=value, got '${pair}'`, '--query');
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export const apiCommand: CommandDef<ApiArgs> = {
  command: 'api <method> <path>',
  describe: 'Make one raw API call through the client (auth, version, retries, rate governor) and print the JSON answer',
  builder: (y: Argv) =>
    withConnectionOptions(
      y
        .positional('method', { type: 'string', describe: 'GET, POST, PUT or DELETE' })
        .positional('path', { type: 'string', describe: 'Path under the base URL, e.g. /contacts/search' })
        .option('data', { type: 'string', describe: 'JSON body, or @file to read it from a file' })
        .option('query', { type: 'string', array: true, describe: 'Query parameter key=value (repeatable)' })
        .example("$0 api GET /contacts/search/duplicate --query email=ada@example.com --query locationId=LOC --location LOC", 'Look a contact up')
        .example('$0 api POST /contacts/search --data \'{"locationId":"LOC","pageLimit":10}\' --location LOC', 'Search')
        .example('$0 api POST /contacts/upsert --data @contact.json --location LOC', 'Upsert the contact in a file'),
    ),
  async handler(args) {
    const method = args.method.toUpperCase() as HttpMethod;
    if (!METHODS.includes(method)) throw new UsageError(`Expected METHOD to be one of ${METHODS.join(', ')}, got '${args.method}'`, 'METHOD');
    const path = args.path.startsWith('/') ? args.path : `/${args.path}`;
    const json = await readData(args.data);
    const searchParams = parseQuery(args.query);
    const { client, api } = await connect(args);
    // Creates go through the client library, which looks before writing again after an ambiguous failure.
    const create = method === 'POST' && Object.keys(searchParams).length === 0 ? createOf(path, json) : undefined;
    const body = create ? await create(api) : (await client.call<unknown>({ operation: `${method} ${path}`, method, path, json, searchParams, safety: safetyOf(method, path) })).body;
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.ok;
  },
};
