import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { parsePipeline, type ParsePipelineOptions } from './parse-pipeline.js';
import type { Pipeline } from './pipeline-types.js';
import type { Env } from './substitute-env.js';

/**
 * Reads and checks a pipeline file. Relative paths inside it become absolute,
 * relative to the file's folder, so a cron job works from any directory.
 */
export async function loadPipeline(file: string, env: Env = process.env, options: ParsePipelineOptions = {}): Promise<Pipeline> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError(`Cannot read pipeline file ${file}: ${why}`);
  }
  return parsePipeline(text, file, env, { ...options, baseDir: dirname(resolve(file)) });
}
