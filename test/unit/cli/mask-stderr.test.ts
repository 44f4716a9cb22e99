import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stderrLines } from '../../../src/cli/connection-options.js';
import { asksToMaskPii, runCli } from '../../../src/cli/main.js';

/**
 * `--mask-pii` covers every line on stderr, not only log lines: the final
 * `hoop-etl: ...` line (whose message may quote a setting, a flag or a cell)
 * and the lines a command writes there itself. Regression: both were printed
 * in clear while the logs above them were masked.
 */

const EMAIL = 'grace.hopper@example.com';
const PHONE = '(415) 555-0199';

describe('asksToMaskPii reads the flag as yargs does', () => {
  it.each([
    [['import', 'c.csv', '--mask-pii'], true],
    [['--mask-pii', 'import', 'c.csv'], true],
    [['import', 'c.csv', '--mask-pii=true'], true],
    [['import', 'c.csv', '--maskPii'], true],
    [['import', 'c.csv', '--mask-pii', '--mode', 'nope'], true],
    [['import', 'c.csv'], false],
    [['import', 'c.csv', '--mask-pii=false'], false],
    [['import', 'c.csv', '--no-mask-pii'], false],
    [['import', 'c.csv', '--mask-pii', '--no-mask-pii'], false],
    [['import', 'c.csv', '--', '--mask-pii'], false],
  ])('%j -> %s', (argv, expected) => {
    expect(asksToMaskPii(argv)).toBe(expected);
  });
});

describe('runCli: the final error line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoop-mask-stderr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'c.csv'), 'Email,Phone\nada@example.com,4155550101\n');
  // Two settings that quote a value the user put in the wrong place: an email and a phone.
  const pipeline = join(dir, 'p.yaml');
  writeFileSync(pipeline, `job: import\nlocation: loc1\nsource: { file: c.csv }\nmapping: { email: Email }\nblanks: ${EMAIL}\ncollisions: "${PHONE}"\n`);

  const stderrOf = async (argv: string[]): Promise<{ code: number; text: string }> => {
    let text = '';
    const code = await runCli(argv, { stderr: (s) => void (text += s) });
    return { code, text };
  };

  it.each([
    ['a pipeline setting quoting an email and a phone', ['import', join(dir, 'c.csv'), '--pipeline', pipeline], [EMAIL, PHONE], ['g***@example.com', '(415) ***-**99']],
    ['a flag value the parser refuses, before the command runs', ['import', join(dir, 'c.csv'), '--mode', EMAIL], [EMAIL], ['g***@example.com']],
    ['a flag value a command refuses', ['api', 'GET', '/contacts/', '--location', 'loc1', '--query', PHONE], [PHONE], ['(415) ***-**99']],
  ])('%s: masked with --mask-pii, in clear without', async (_what, argv, clear, masked) => {
    const plain = await stderrOf(argv);
    const hidden = await stderrOf([...argv, '--mask-pii']);
    expect(plain.code).toBe(2);
    expect(hidden.code).toBe(2);
    for (const value of clear) {
      expect(plain.text).toContain(value);
      expect(hidden.text).not.toContain(value);
    }
    for (const value of masked) expect(hidden.text).toContain(value);
    // Only the personal data changes: the rest of the message is the same.
    expect(hidden.text.replace(/\*/g, '')).toBe(plain.text.replace(EMAIL, 'g@example.com').replace(PHONE, '(415) -99'));
    expect(hidden.text.startsWith('hoop-etl: ')).toBe(true);
  });
});

describe('stderrLines: what a command writes to stderr itself', () => {
  it.each([
    [true, `${EMAIL} and ${PHONE} left out`, 'g***@example.com and (415) ***-**99 left out\n'],
    [false, `${EMAIL} and ${PHONE} left out`, `${EMAIL} and ${PHONE} left out\n`],
    [true, 'Exported 12 contacts in 0.4 s (30 contacts/s).', 'Exported 12 contacts in 0.4 s (30 contacts/s).\n'],
    [undefined, `${EMAIL}`, `${EMAIL}\n`],
  ])('mask-pii %s: %j', (mask, line, written) => {
    let text = '';
    stderrLines({ 'mask-pii': mask }, { write: (s: string) => (text += s) })(line);
    expect(text).toBe(written);
  });
});
