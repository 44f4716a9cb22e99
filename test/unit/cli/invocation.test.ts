import { describe, expect, it } from 'vitest';
import { invocationPrefix } from '../../../src/cli/invocation.js';

/** A file system of symlinks: path -> what realpath gives (undefined: no such file). */
function fsOf(links: Record<string, string>): (f: string) => string | undefined {
  return (f) => links[f];
}

const MAIN = '/home/u/hoop-etl/dist/cli/main.js';

describe('invocationPrefix: printed hints run as printed', () => {
  it.each([
    ['hoop-etl on PATH is this program (npm link, a global install)', { path: '/usr/bin:/usr/local/bin', cwd: '/tmp', links: { [MAIN]: MAIN, '/usr/local/bin/hoop-etl': MAIN } }, 'hoop-etl'],
    ['a fresh clone after npm ci: no hoop-etl on PATH, inside the project', { path: '/usr/bin', cwd: '/home/u/hoop-etl', links: { [MAIN]: MAIN } }, 'npx hoop-etl'],
    ['inside a subfolder of the project', { path: '/usr/bin', cwd: '/home/u/hoop-etl/pipelines', links: { [MAIN]: MAIN } }, 'npx hoop-etl'],
    ['another hoop-etl on PATH (an older install) is not this one', { path: '/opt/bin', cwd: '/home/u/hoop-etl', links: { [MAIN]: MAIN, '/opt/bin/hoop-etl': '/opt/old/dist/cli/main.js' } }, 'npx hoop-etl'],
    ['outside the project: node and the full path', { path: '/usr/bin', cwd: '/tmp/work', links: { [MAIN]: MAIN } }, 'node /home/u/hoop-etl/dist/cli/main.js'],
    ['a path with a space is quoted', { path: '', cwd: '/tmp', links: { '/my apps/hoop-etl/dist/cli/main.js': '/my apps/hoop-etl/dist/cli/main.js' }, main: '/my apps/hoop-etl/dist/cli/main.js' }, "node '/my apps/hoop-etl/dist/cli/main.js'"],
    [
      'installed as a dependency of the user\'s project',
      { path: '/usr/bin', cwd: '/home/u/agency/jobs', links: { '/home/u/agency/node_modules/hoop-etl/dist/cli/main.js': '/home/u/agency/node_modules/hoop-etl/dist/cli/main.js' }, main: '/home/u/agency/node_modules/hoop-etl/dist/cli/main.js' },
      'npx hoop-etl',
    ],
    [
      'run through npx: npm put the project\'s node_modules/.bin on PATH, the user\'s shell does not have it',
      { path: '/usr/bin:/home/u/hoop-etl/node_modules/.bin', cwd: '/home/u/hoop-etl', links: { [MAIN]: MAIN, '/home/u/hoop-etl/node_modules/.bin/hoop-etl': MAIN }, viaNpx: true },
      'npx hoop-etl',
    ],
    [
      'npm run puts node_modules/.bin on PATH too: not a hoop-etl on the user\'s PATH',
      { path: '/usr/bin:/home/u/hoop-etl/node_modules/.bin', cwd: '/home/u/hoop-etl', links: { [MAIN]: MAIN, '/home/u/hoop-etl/node_modules/.bin/hoop-etl': MAIN } },
      'npx hoop-etl',
    ],
  ])('%s', (_why, f: { path: string; cwd: string; links: Record<string, string>; main?: string; viaNpx?: boolean }, prefix) => {
    expect(invocationPrefix({ path: f.path, cwd: f.cwd, mainFile: f.main ?? MAIN, realpath: fsOf(f.links), viaNpx: f.viaNpx })).toBe(prefix);
  });
});
