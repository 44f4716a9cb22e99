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
