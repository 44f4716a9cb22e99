import { describe, expect, it } from 'vitest';
import { resumeCommand, shellWord } from '../../../src/cli/resume-command.js';

describe('resumeCommand: what to type to continue a stopped import', () => {
  it.each([
    [['import', 'c.csv', '--pipeline', 'p.yaml'], 'hoop-etl import c.csv --pipeline p.yaml --resume R1'],
    [['import', 'c.csv', '--resume', 'OLD', '--location', 'L'], 'hoop-etl import c.csv --location L --resume R1'],
    [['import', 'c.csv', '--resume=OLD'], 'hoop-etl import c.csv --resume R1'],
    [['run', 'my pipelines/x.yaml'], "hoop-etl run 'my pipelines/x.yaml' --resume R1"],
    [['import', "O'Brien.csv"], "hoop-etl import 'O'\\''Brien.csv' --resume R1"],
    [['import', 'c.csv', '--log-level', 'info', '--mask-pii'], 'hoop-etl import c.csv --log-level info --mask-pii --resume R1'],
  ])('%j', (argv, command) => {
    expect(resumeCommand(argv, 'R1')).toBe(command);
  });

  it.each([
    ['plain-word_1.csv', 'plain-word_1.csv'],
    ['', "''"],
    ['a b', "'a b'"],
    ['$HOME', "'$HOME'"],
    ['x;rm', "'x;rm'"],
  ])('shellWord(%j) = %s', (word, quoted) => {
    expect(shellWord(word)).toBe(quoted);
  });
});

describe('resumeCommand: every kind of stopped run', () => {
  it.each([
    ['resume', ['import', 'c.csv', '--location', 'L'], 'npx hoop-etl import c.csv --location L --resume R1'],
    ['resume-only', ['dedup', '--apply', 'plan.json', '--decisions', 'd.json', '--yes', '--skip=c2', '--concurrency', '2'], 'npx hoop-etl dedup --concurrency 2 --resume R1'],
    ['resume-only', ['dedup', '--resume', 'R1', '--report-dir', 'my runs'], "npx hoop-etl dedup --report-dir 'my runs' --resume R1"],
    ['again', ['dedup', '--undo', 'R1', '--location', 'L'], 'npx hoop-etl dedup --undo R1 --location L'],
  ] as const)('%s: %j', (by, argv, command) => {
    expect(resumeCommand(argv, 'R1', 'npx hoop-etl', by)).toBe(command);
  });
});
