import { describe, expect, it } from 'vitest';
import { FIELD_RULES, FILLER_FIELDS, parsePipeline, pipelineSchema, PipelineConfigError } from '../../../src/config/index.js';
import { FIELD_RULES as SURVIVOR_FIELD_RULES, MERGE_FIELDS } from '../../../src/dedup/survivor.js';

/** The dedup job's settings beyond threshold and survivor: field rules, fillers, Gmail rules, deleteLosers. */

const parse = (text: string) => parsePipeline(text, 'p.yaml', {});

function problems(text: string): string[] {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof PipelineConfigError) return e.problems.map((p) => p.message);
    throw e;
  }
  return [];
}

const HEAD = 'job: dedup\nlocation: loc1\n';

describe('dedup job settings', () => {
  it('leaves the optional settings out when the file does', () => {
    const p = parse(HEAD);
    if (p.job !== 'dedup') throw new Error('expected a dedup job');
    expect(p.dedup).toEqual({ threshold: 0.9, survivor: 'oldest' });
  });

  it('reads field rules, fillers, Gmail rules and deleteLosers', () => {
    const p = parse(
      `${HEAD}dedup:\n  threshold: 0.95\n  survivor: newest\n  fieldRule: mostRecent\n  fieldRules: { email: keepSurvivor, address: fillBlanks, customFields.abc123: mostRecent }\n  emailProviderRules: true\n  fillers: { extend: { email: [info@acme.example] }, replace: { city: ['-'] } }\n  deleteLosers: false\n`,
    );
    if (p.job !== 'dedup') throw new Error('expected a dedup job');
    expect(p.dedup).toEqual({
      threshold: 0.95,
      survivor: 'newest',
      fieldRule: 'mostRecent',
      fieldRules: { email: 'keepSurvivor', address: 'fillBlanks', 'customFields.abc123': 'mostRecent' },
      emailProviderRules: true,
      fillers: { extend: { email: ['info@acme.example'] }, replace: { city: ['-'] } },
      deleteLosers: false,
    });
  });

  it.each([
    ['an unknown field rule', `${HEAD}dedup: { fieldRule: newest }\n`, 'dedup.fieldRule'],
    ['a rule for a field that is not merged', `${HEAD}dedup: { fieldRules: { nickname: mostRecent } }\n`, 'dedup.fieldRules.nickname'],
    ['an unknown rule for a field', `${HEAD}dedup: { fieldRules: { email: first } }\n`, 'dedup.fieldRules.email'],
    ['a filler list for an unknown field', `${HEAD}dedup: { fillers: { extend: { website: [x] } } }\n`, 'dedup.fillers.extend.website'],
    ['a filler list that is not a list', `${HEAD}dedup: { fillers: { extend: { email: none } } }\n`, 'dedup.fillers.extend.email'],
    ['deleteLosers that is not a boolean', `${HEAD}dedup: { deleteLosers: maybe }\n`, 'dedup.deleteLosers'],
    ['emailProviderRules that is not a boolean', `${HEAD}dedup: { emailProviderRules: gmail }\n`, 'dedup.emailProviderRules'],
  ])('refuses %s, naming the setting', (_name, text, path) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(path);
  });

  it('the schema lists the rules and fields the merge knows', () => {
    const defs = (pipelineSchema as Record<string, any>).definitions;
    expect(defs.fieldRule.enum).toEqual([...FIELD_RULES]);
    expect([...FIELD_RULES]).toEqual([...SURVIVOR_FIELD_RULES]);
    expect(Object.keys(defs.dedupJob.properties.fieldRules.properties)).toEqual([...MERGE_FIELDS, 'address']);
    expect(Object.keys(defs.fillerLists.properties)).toEqual([...FILLER_FIELDS]);
    expect(defs.dedupJob.properties.fieldRule.default).toBe('best');
    expect(defs.dedupJob.properties.deleteLosers.default).toBe(true);
    expect(defs.dedupJob.properties.emailProviderRules.default).toBe(false);
  });
});

describe('dedup job locations', () => {
  it('takes several locations (people across them are reported), the first as location', () => {
    const p = parse('job: dedup\nlocations: [locA, locB]\n');
    if (p.job !== 'dedup') throw new Error('expected a dedup job');
    expect({ location: p.location, locations: p.locations }).toEqual({ location: 'locA', locations: ['locA', 'locB'] });
  });

  it.each([
    ['neither', 'job: dedup\n', "Missing required setting 'location'"],
    ['both', 'job: dedup\nlocation: a\nlocations: [a, b]\n', 'locations: give location or locations, not both'],
  ])('refuses %s', (_name, text, message) => {
    expect(problems(text)).toEqual([expect.stringContaining(message)]);
  });
});
