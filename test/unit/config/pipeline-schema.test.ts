import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CUSTOM_FIELD_DATA_TYPES,
  DEDUP_KEYS,
  ENCODINGS,
  FILTER_OPERATORS,
  JOB_KINDS,
  MERGE_POLICIES,
  PIPELINE_DEFAULTS,
  pipelineSchema,
  STANDARD_FIELDS,
  SURVIVOR_RULES,
  TRANSFORM_NAMES,
  WRITE_MODES,
} from '../../../src/config/index.js';

type Schema = Record<string, any>;
const schema = pipelineSchema as Schema;
const defs = schema.definitions as Record<string, Schema>;
const props = schema.properties as Record<string, Schema>;

describe('docs/pipeline.schema.json', () => {
  it('is the schema the code validates with', () => {
    expect(pipelineSchema).toEqual(JSON.parse(readFileSync('docs/pipeline.schema.json', 'utf8')));
  });

  it('lists the same names as the TypeScript types', () => {
    expect(props.job!.enum).toEqual([...JOB_KINDS]);
    expect(Object.keys(props.mapping!.properties)).toEqual([...STANDARD_FIELDS]);
    expect(defs.transformName!.enum).toEqual([...TRANSFORM_NAMES]);
    expect(props.mode!.enum).toEqual([...WRITE_MODES]);
    expect(props.source!.properties.encoding.enum).toEqual([...ENCODINGS]);
    expect(defs.importDedup!.properties.keys.items.enum).toEqual([...DEDUP_KEYS]);
    expect(defs.importDedup!.properties.policy.enum).toEqual([...MERGE_POLICIES]);
    expect(defs.dedupJob!.properties.survivor.enum).toEqual([...SURVIVOR_RULES]);
    expect(defs.filter!.properties.operator.enum).toEqual([...FILTER_OPERATORS]);
    expect(defs.customField!.properties.dataType.enum).toEqual([...CUSTOM_FIELD_DATA_TYPES]);
  });

  it('documents the defaults the loader applies', () => {
    const d = PIPELINE_DEFAULTS;
    expect([
      props.source!.properties.encoding.default,
      props.source!.properties.delimiter.default,
      props.mode!.default,
      defs.fieldSpec!.properties.join.default,
      defs.customField!.properties.join.default,
      defs.dateFormat!.default,
      props.tags!.properties.split.default,
      props.followers!.properties.split.default,
      props.blanks!.default,
      props.collisions!.default,
      props.reportDir!.default,
      defs.importDedup!.properties.inFile.default,
      defs.importDedup!.properties.keys.default,
      defs.importDedup!.properties.policy.default,
      defs.dedupJob!.properties.threshold.default,
      defs.dedupJob!.properties.survivor.default,
      props.export!.properties.gzip.default,
      props.export!.properties.escapeFormulas.default,
      props.createMissingFields!.default,
      props.strictColumns!.default,
    ]).toEqual([
      d.encoding,
      d.delimiter,
      d.mode,
      d.join,
      d.join,
      d.dateFormat,
      d.tagSplit,
      d.followerSplit,
      d.blanks,
      d.collisions,
      d.reportDir,
      d.inFileDedup,
      d.dedupKeys,
      d.mergePolicy,
      d.threshold,
      d.survivor,
      d.gzip,
      d.escapeFormulas,
      d.createMissingFields,
      d.strictColumns,
    ]);
  });

  it('forbids unknown keys in every section', () => {
    const open: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const s = node as Schema;
      const types = ([] as unknown[]).concat(s.type ?? []);
      if (types.includes('object') && s.additionalProperties !== false) open.push(where);
      for (const [k, v] of Object.entries(s)) walk(v, `${where}/${k}`);
    };
    walk(schema, '#');
    // `dedup` takes its shape from `job` (allOf/if/then), where unknown keys are refused.
    expect(open).toEqual(['#/properties/dedup']);
    expect(defs.importDedup!.additionalProperties).toBe(false);
    expect(defs.dedupJob!.additionalProperties).toBe(false);
  });
});
