import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../core/errors.js';
import { DEFAULT_BASE_URL } from './connection.js';

/**
 * Where the token comes from: `--token-file` or `HOOPAI_TOKEN`, never a plain
 * flag, because a command line ends up in shell history and process lists.
 */

export const TOKEN_ENV = 'HOOPAI_TOKEN';
export const BASE_URL_ENV = 'HOOPAI_BASE_URL';

export interface CredentialSources {
  env: Readonly<Record<string, string | undefined>>;
  tokenFile?: string;
  /** A token given as a plain flag: always refused. */
  tokenFlag?: unknown;
}

export async function resolveToken(src: CredentialSources): Promise<string> {
  if (src.tokenFlag !== undefined) {
    throw new UsageError(
      `A token on the command line is refused: it would be kept in shell history and shown in process lists. Set ${TOKEN_ENV} or pass --token-file <file>`,
      '--token',
    );
  }
  if (src.tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(src.tokenFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`Cannot read the token file: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'} (${src.tokenFile})`, '--token-file');
    }
    const token = text.trim();
    if (!token) throw new ConfigError(`The token file is empty (${src.tokenFile})`, '--token-file');
    if (/\s/.test(token)) throw new ConfigError(`The token file must hold one token on one line (${src.tokenFile})`, '--token-file');
    return token;
  }
  const fromEnv = src.env[TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  throw new UsageError(`No token: set ${TOKEN_ENV} or pass --token-file <file>`);
}

export function resolveBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? env[BASE_URL_ENV] ?? DEFAULT_BASE_URL;
}
