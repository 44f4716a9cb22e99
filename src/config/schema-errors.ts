import type { ErrorObject } from 'ajv';
import { describeValue, formatPath, pointerToPath, showAllowed, valueAt, type PathSegment, type SettingPath } from './config-path.js';
import { suggestClosest } from './did-you-mean.js';
import { pipelineSchema, type JsonSchema } from './pipeline-schema.js';
import { STANDARD_FIELDS } from './pipeline-types.js';

/**
 * ajv's errors -> one sentence each, naming the dotted path, the allowed
 * values of an enum, and the nearest known name for an unknown key.
 */

/**
 * A problem before it is given a line: `at` says what to point at, the
 * setting's key, its value, or (for a missing setting) the key of its section.
 */
export interface RawProblem {
  readonly path: SettingPath;
  readonly message: string;
  readonly at: 'key' | 'value' | 'parent';
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a section of settings',
  null: 'nothing',
};

/** Which job each variant of the `dedup` section belongs to. */
const DEDUP_SECTIONS: ReadonlyArray<{ job: string; def: string }> = [
  { job: 'import', def: 'importDedup' },
  { job: 'dedup', def: 'dedupJob' },
];

export function describeSchemaErrors(errors: readonly ErrorObject[], data: unknown): RawProblem[] {
  const problems: RawProblem[] = [];
  const seen = new Set<string>();
  const typeFailed = new Set<string>();
  for (const err of errors) {
    if (err.keyword === 'type') typeFailed.add(err.instancePath);
  }
  for (const err of errors) {
    // `if` only echoes its branch's own errors; a value of the wrong type gets
    // nothing but the type error.
    if (err.keyword === 'if') continue;
    if (err.keyword !== 'type' && typeFailed.has(err.instancePath)) continue;
    const problem = describeError(err, data);
    const key = `${formatPath(problem.path)}\n${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describeError(err: ErrorObject, data: unknown): RawProblem {
  const path = pointerToPath(err.instancePath, data);
  const value = valueAt(data, path);
  const where = formatPath(path);
  const parentSchema = (err.parentSchema ?? {}) as JsonSchema;
  const expected = typeof parentSchema['x-expected'] === 'string' ? parentSchema['x-expected'] : undefined;
  const params = err.params as Record<string, unknown>;

  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const keyPath = [...path, key];
      const known = Object.keys((parentSchema.properties as JsonSchema | undefined) ?? {});
      const keyValue = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      return { path: keyPath, message: `Unknown setting '${formatPath(keyPath)}'${unknownKeyHint(path, key, known, keyValue)}`, at: 'key' };
    }
    case 'required': {
      const prop = String(params.missingProperty);
      const propSchema = ((parentSchema.properties as JsonSchema | undefined)?.[prop] ??
        (pipelineSchema.properties as JsonSchema)[prop]) as JsonSchema | undefined;
      const allowed = Array.isArray(propSchema?.enum) ? ` (one of ${propSchema.enum.map(showAllowed).join(', ')})` : '';
      return { path: [...path, prop], message: `Missing required setting '${formatPath([...path, prop])}'${allowed}`, at: 'parent' };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const hint = typeof value === 'string' ? suggestClosest(value, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
      return {
        path,
        message: `${subject(where)}expected one of ${allowed.map(showAllowed).join(', ')}, got ${describeValue(value)}${hint ? ` (did you mean '${hint}'?)` : ''}`,
        at: 'value',
      };
    }
    case 'type': {
      if (path.length === 0) {
        const message =
          value === null || value === undefined
            ? 'The pipeline file is empty'
            : `The pipeline file must be a section of settings (key: value lines), got ${describeValue(value)}`;
        return { path, message, at: 'value' };
      }
      const types = Array.isArray(err.schema) ? (err.schema as string[]) : [String(err.schema)];
      const phrase = expected ?? orList(types.map((t) => TYPE_PHRASES[t] ?? t));
      return { path, message: `${subject(where)}expected ${phrase}, got ${describeValue(value)}`, at: 'value' };
    }
    case 'minLength':
      return { path, message: `${subject(where)}must not be empty`, at: 'value' };
    case 'minItems':
      return {
        path,
        message: params.limit === 1 ? `${subject(where)}must not be an empty list` : `${subject(where)}must list at least ${String(params.limit)} items`,
        at: 'value',
      };
    case 'uniqueItems': {
      const repeated = Array.isArray(value) ? value[Number(params.j)] : undefined;
      return { path, message: `${subject(where)}lists ${describeValue(repeated)} twice`, at: 'value' };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const kind = parentSchema.type === 'integer' ? 'a whole number' : 'a number';
      return { path, message: `${subject(where)}expected ${kind} ${String(params.comparison)} ${String(params.limit)}, got ${describeValue(value)}`, at: 'value' };
    }
    case 'pattern': {
      const hint = typeof value === 'string' ? patternHint(value, String(params.pattern)) : undefined;
      return {
        path,
        message: `${subject(where)}expected ${expected ?? `text matching ${String(params.pattern)}`}, got ${describeValue(value)}${hint ? ` (did you mean '${hint}'?)` : ''}`,
        at: 'value',
      };
    }
    default:
      return { path, message: `${subject(where)}${err.message ?? 'is not valid'}`, at: 'value' };
  }
}

function subject(where: string): string {
  return where === '' ? '' : `${where}: `;
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function unknownKeyHint(parent: readonly PathSegment[], key: string, known: string[], value: unknown): string {
  // `First Name: firstName` (a field name, exactly) is a mapping written the wrong way round; suggesting
  // the nearest field name would only lead to `firstName: firstName`.
  if (parent.length === 1 && parent[0] === 'mapping' && typeof value === 'string') {
    const field = STANDARD_FIELDS.find((f) => f === value);
    if (field) return ` (mapping goes from contact field to column: write '${field}: ${key}')`;
  }
  const closest = suggestClosest(key, known);
  if (closest) return ` (did you mean '${closest}'?)`;
  if (parent.length === 1 && parent[0] === 'dedup') {
    const defs = pipelineSchema.definitions as Record<string, JsonSchema>;
    const owner = DEDUP_SECTIONS.find(({ def }) => Object.keys((defs[def]?.properties as JsonSchema | undefined) ?? {}).includes(key));
    if (owner) return ` (it is a setting of ${owner.job} jobs)`;
  }
  return '';
}

/** A date pattern written in lower case (`mm/dd/yyyy`) is suggested in upper case, the way it is meant. */
function patternHint(value: string, pattern: string): string | undefined {
  const regex = new RegExp(pattern);
  const candidates = [value.toUpperCase(), value.trim(), value.toUpperCase().trim()];
  return candidates.find((c) => c !== value && regex.test(c));
}
