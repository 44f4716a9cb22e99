import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';

/**
 * Where OAuth grants live between runs. A small interface (get, put, delete,
 * list, lock) so that a shared store (Redis, for fleet runs) can stand in for
 * the file; the file store is the one a single machine uses.
 *
 * The file holds refresh tokens, which are as good as a password for a year:
 * it is created owner-only (0600, in a 0700 folder), replaced atomically (a
 * temporary file, fsync, rename, fsync of the folder) so that a crash leaves
 * the old file or the new one and never half of either, and it is never
 * printed.
 */

export type UserType = 'Company' | 'Location';

/** What `auth login` stores: the app's grant for a company or a location. */
export interface GrantRecord {
  kind: 'grant';
  clientId: string;
  userType: UserType;
  companyId?: string;
  /** Location grants only. */
  locationId?: string;
  userId?: string;
  scopes: string[];
  /** The locations a Company grant may get location tokens for, when the platform said. */
  approvedLocations?: string[];
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt?: number;
  lifetimeMs?: number;
  /** When the grant was obtained (sign in), and last refreshed; epoch ms. */
  obtainedAt: number;
  refreshedAt?: number;
}

/** A location token minted from a Company grant (POST /oauth/locationToken), kept until it expires. */
export interface LocationTokenRecord {
  kind: 'location';
  clientId: string;
  companyId: string;
  locationId: string;
  scopes: string[];
  accessToken: string;
  /** The newer schema returns one; the older does not. */
  refreshToken?: string;
  expiresAt?: number;
  lifetimeMs?: number;
  obtainedAt: number;
  refreshedAt?: number;
}

export type TokenRecord = GrantRecord | LocationTokenRecord;

export interface TokenStore {
  /** Where the store is, for messages (never its content). */
  readonly describe: string;
  get(key: string): Promise<TokenRecord | undefined>;
  put(key: string, record: TokenRecord): Promise<void>;
  delete(key: string): Promise<boolean>;
  list(): Promise<Array<[string, TokenRecord]>>;
  /** Runs `fn` while no other holder of `key`'s lock, in this process or another, runs. */
  lock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export const grantKey = (clientId: string, userType: UserType, id: string): string => `grant:${clientId}:${userType}:${id}`;
export const locationTokenKey = (clientId: string, companyId: string, locationId: string): string => `location:${clientId}:${companyId}:${locationId}`;

export const AUTH_STORE_ENV = 'HOOPAI_AUTH_STORE';

/** `$XDG_CONFIG_HOME/hoop-etl/auth.json`, else `~/.config/hoop-etl/auth.json`. */
export function defaultStorePath(env: Readonly<Record<string, string | undefined>>, home = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return join(xdg ? xdg : join(home, '.config'), 'hoop-etl', 'auth.json');
}

interface StoreFile {
  version: 1;
  records: Record<string, TokenRecord>;
}

export interface FileTokenStoreOptions {
  lock?: FileLockOptions;
}

export class FileTokenStore implements TokenStore {
  readonly describe: string;

  constructor(
    readonly path: string,
    private readonly options: FileTokenStoreOptions = {},
  ) {
    this.describe = path;
  }

  async get(key: string): Promise<TokenRecord | undefined> {
    return (await this.read()).records[key];
  }

  async list(): Promise<Array<[string, TokenRecord]>> {
    return Object.entries((await this.read()).records);
  }

  async put(key: string, record: TokenRecord): Promise<void> {
    await this.update((records) => {
      records[key] = record;
    });
  }

  async delete(key: string): Promise<boolean> {
    let had = false;
    await this.update((records) => {
      had = key in records;
      delete records[key];
    });
    return had;
  }

  lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const id = createHash('sha256').update(key).digest('hex').slice(0, 16);
    return this.withFolder(() => withFileLock(`${this.path}.${id}.lock`, fn, this.options.lock));
  }

  /** Read, change, write back, under the store's write lock: two processes writing different keys lose neither. */
  private async update(change: (records: Record<string, TokenRecord>) => void): Promise<void> {
    await this.withFolder(() =>
      withFileLock(`${this.path}.write.lock`, async () => {
        const file = await this.read();
        change(file.records);
        await this.write(file);
      }, this.options.lock),
    );
  }

  private async withFolder<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    return fn();
  }

  private async read(): Promise<StoreFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { version: 1, records: {} };
      throw new ConfigError(`Cannot read the token store: ${code ?? 'unreadable'} (${this.path})`, '--auth-store');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      // The parser's message can quote the file's text, which holds tokens: say only where.
      const at = /position (\d+)/.exec((e as Error).message)?.[1];
      throw new ConfigError(`The token store is not valid JSON${at ? ` (at character ${at})` : ''}; sign in again with hoop-etl auth login after moving it away (${this.path})`, '--auth-store');
    }
    const file = parsed as Partial<StoreFile> | null;
    if (!file || typeof file !== 'object' || file.version !== 1 || typeof file.records !== 'object' || file.records === null) {
      throw new ConfigError(`The token store is not a hoop-etl token store (expected {"version":1,"records":{...}}) (${this.path})`, '--auth-store');
    }
    return file as StoreFile;
  }

  private async write(file: StoreFile): Promise<void> {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(file, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      // open() applied the umask, which can only take bits away; make it exactly 0600.
      await chmod(tmp, 0o600);
      await rename(tmp, this.path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } catch {
      // Some filesystems refuse fsync on a folder; the rename is still atomic.
    } finally {
      await dir.close();
    }
  }
}

/** An in-memory store, for tests and one-shot library use. Its lock is within the process only. */
export class MemoryTokenStore implements TokenStore {
  readonly describe = 'memory';
  private readonly records = new Map<string, TokenRecord>();
  private readonly locks = new Map<string, Promise<unknown>>();

  async get(key: string): Promise<TokenRecord | undefined> {
    const r = this.records.get(key);
    return r && structuredClone(r);
  }

  async put(key: string, record: TokenRecord): Promise<void> {
    this.records.set(key, structuredClone(record));
  }

  async delete(key: string): Promise<boolean> {
    return this.records.delete(key);
  }

  async list(): Promise<Array<[string, TokenRecord]>> {
    return [...this.records].map(([k, r]) => [k, structuredClone(r)]);
  }

  async lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}
