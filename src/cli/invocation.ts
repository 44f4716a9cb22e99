import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellWord } from './resume-command.js';

/**
 * How a printed hint should start so that it runs as printed: `hoop-etl` when
 * that name on PATH is this very program; `npx hoop-etl` inside the project
 * that has hoop-etl (npm finds the bin of the project itself and of its
 * dependencies); otherwise `node /path/to/main.js`. A fresh clone after
 * `npm ci` has no `hoop-etl` on PATH, so a bare name would not run.
 */

export interface InvocationFacts {
  /** PATH as the user's shell has it. */
  path: string | undefined;
  /** The working directory the hint will be typed in. */
  cwd: string;
  /** The file of the running CLI (dist/cli/main.js). */
  mainFile: string;
  /** realpath, or undefined when the file does not exist. */
  realpath: (file: string) => string | undefined;
  /** Started by `npx` / `npm exec` (npm_command=exec): the user typed npx, and npm put node_modules/.bin folders on PATH. */
  viaNpx?: boolean;
}

export function invocationPrefix(facts: InvocationFacts): string {
  const me = facts.realpath(facts.mainFile) ?? facts.mainFile;
  // What the user typed works again where they typed it; the PATH they see has none of npm's additions.
  if (facts.viaNpx) return 'npx hoop-etl';
  for (const dir of (facts.path ?? '').split(delimiter)) {
    // npm run and npx put node_modules/.bin folders on the PATH of the process, not of the user's shell.
    if (!dir || /[\\/]node_modules[\\/]\.bin$/.test(dir)) continue;
    if (facts.realpath(join(dir, 'hoop-etl')) === me) return 'hoop-etl';
  }
  // The package folder holding this CLI: dist/cli/main.js -> the folder with package.json.
  const packageDir = dirname(dirname(dirname(me)));
  if (within(facts.cwd, packageDir)) return 'npx hoop-etl';
  // Installed as a dependency: node_modules/hoop-etl inside the project the user works in.
  const nodeModules = dirname(packageDir);
  if (nodeModules.endsWith('node_modules') && within(facts.cwd, dirname(nodeModules))) return 'npx hoop-etl';
  return `node ${shellWord(me)}`;
}

function within(dir: string, ancestor: string): boolean {
  const rel = relative(ancestor, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function realpathOrUndefined(file: string): string | undefined {
  try {
    return existsSync(file) ? realpathSync(file) : undefined;
  } catch {
    return undefined;
  }
}

let cached: string | undefined;

/** The prefix for this process: read once from PATH and the working directory. */
export function hoopEtl(): string {
  cached ??= invocationPrefix({
    path: process.env.PATH,
    cwd: process.cwd(),
    mainFile: join(dirname(fileURLToPath(import.meta.url)), 'main.js'),
    realpath: realpathOrUndefined,
    viaNpx: process.env.npm_command === 'exec',
  });
  return cached;
}
