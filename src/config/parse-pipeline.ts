import { dirname } from 'node:path';
import { formatPath, isWithin, type SettingPath } from './config-path.js';
import { checkPipeline } from './check-pipeline.js';
import { normalisePipeline, resolveRelativePaths } from './normalise-pipeline.js';
import { PipelineConfigError, type ConfigProblem } from './pipeline-error.js';
import { validatePipelineSchema } from './pipeline-schema.js';
import type { JobKind, Pipeline, SourceDelimiter, SourceEncoding, WriteMode } from './pipeline-types.js';
import { readYaml } from './read-yaml.js';
import { describeSchemaErrors, type RawProblem } from './schema-errors.js';
import { substituteEnv, type Env } from './substitute-env.js';

/**
 * Settings given on the command line. They replace the file's settings before
 * validation (so they are checked the same way, and a replaced `${VAR}` need
 * not be set); undefined entries are ignored; paths are taken as given
 * (relative to the working directory), not relative to the pipeline file.
 */
export interface PipelineOverrides {
  readonly job?: JobKind;
  readonly location?: string;
  readonly locations?: readonly string[];
  readonly source?: { readonly file?: string; readonly encoding?: SourceEncoding; readonly delimiter?: SourceDelimiter | 'tab' };
  readonly mode?: WriteMode;
  readonly reportDir?: string;
  readonly maxErrors?: number;
  readonly collisions?: 'fail' | 'write';
  readonly createMissingFields?: boolean;
  readonly strictColumns?: boolean;
  readonly export?: {
    readonly out?: string;
    readonly columns?: ReadonlyArray<string | { readonly field: string; readonly header?: string }>;
    readonly filter?: readonly unknown[];
    readonly state?: string;
    readonly since?: string;
    readonly overlap?: string | number;
    readonly extras?: readonly string[];
    readonly gzip?: boolean;
    readonly bom?: boolean;
    readonly escapeFormulas?: boolean;
  };
  readonly dedup?: Readonly<Record<string, unknown>>;
}

export interface ParsePipelineOptions {
  readonly overrides?: PipelineOverrides;
  /** Folder that relative paths in the file are joined to. @default dirname(fileName) */
  readonly baseDir?: string;
}

/**
 * Pipeline file text -> typed Pipeline, or a PipelineConfigError listing every
 * problem with its dotted path and line. Pure: the environment comes in as an
 * argument, and relative paths are joined to `options.baseDir` (default: the
 * folder of `fileName`) without looking at the disk.
 */
export function parsePipeline(text: string, fileName: string, env: Env = process.env, options: ParsePipelineOptions = {}): Pipeline {
  const yaml = readYaml(text);
  if (yaml.problems.length > 0) throw new PipelineConfigError(fileName, yaml.problems);

  const substituted = substituteEnv(yaml.data, env);
  // `--location` replaces both location settings of the file, so neither's unset variable matters then.
  const overridePaths: SettingPath[] = replacesLocations(options.overrides) ? [['location'], ['locations']] : [];
  const data = mergeOverrides(withoutReplacedLocations(resolveRelativePaths(substituted.value, options.baseDir ?? dirname(fileName)), options.overrides), options.overrides, [], overridePaths);
  const fromFile = (p: { path: SettingPath }): boolean => !overridePaths.some((o) => isWithin(p.path, o));
  const envProblems: RawProblem[] = substituted.problems.filter(fromFile).map((p) => ({ path: p.path, message: `${formatPath(p.path)}: ${p.message}`, at: 'value' }));

  // A value whose variable is missing would only add noise to its own error,
  // and rules between settings are checked only where nothing is reported yet.
  const schemaProblems = describeSchemaErrors(validatePipelineSchema(data), data);
  const notEnv = (p: RawProblem): boolean => !envProblems.some((e) => isWithin(p.path, e.path));
  const ruleProblems = checkPipeline(data, [...envProblems, ...schemaProblems]);
  const problems = [...envProblems, ...schemaProblems.filter(notEnv), ...ruleProblems.filter(notEnv)];
  if (problems.length > 0) {
    const located: ConfigProblem[] = problems.map((p) => {
      const path = formatPath(p.path);
      const pos = !fromFile(p)
        ? undefined
        : p.at !== 'parent'
          ? yaml.locate(p.path, p.at)
          : p.path.length > 1
            ? yaml.locate(p.path.slice(0, -1), 'key')
            : undefined;
      return pos ? { path, message: p.message, line: pos.line, column: pos.column } : { path, message: p.message };
    });
    throw new PipelineConfigError(fileName, sortProblems(located));
  }
  // Columns are checked against the CSV later, when it is open: their settings keep their place in the file for that report.
  return normalisePipeline(data as Record<string, unknown>, fileName, (path) => (fromFile({ path }) ? yaml.locate(path, 'value') : undefined));
}

/** File order; problems with no position (settings missing at the top, overrides) last. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

function replacesLocations(overrides: PipelineOverrides | undefined): boolean {
  return overrides?.location !== undefined || overrides?.locations !== undefined;
}

/** `--location` replaces the file's location settings, whichever of `location` and `locations` the file uses. */
function withoutReplacedLocations(data: unknown, overrides: PipelineOverrides | undefined): unknown {
  if (!isPlainObject(data) || !replacesLocations(overrides)) return data;
  const { location: _l, locations: _ls, ...rest } = data;
  return rest;
}

function mergeOverrides(data: unknown, overrides: unknown, path: string[], applied: SettingPath[]): unknown {
  if (overrides === undefined) return data;
  // A file that is not a section at all keeps its shape, so that it is reported.
  if (path.length === 0 && data !== null && data !== undefined && !isPlainObject(data)) return data;
  if (!isPlainObject(overrides)) {
    applied.push(path);
    return overrides;
  }
  const out: Record<string, unknown> = isPlainObject(data) ? { ...data } : {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) out[key] = mergeOverrides(out[key], value, [...path, key], applied);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
