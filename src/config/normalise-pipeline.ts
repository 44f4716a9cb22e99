import { isAbsolute, join } from 'node:path';
import { formatPath, type PathSegment, type SettingPath } from './config-path.js';
import {
  PIPELINE_DEFAULTS,
  type BusinessMapping,
  type CellSource,
  type ColumnReference,
  type CustomFieldDataType,
  type CustomFieldMapping,
  type CustomFieldValue,
  type DedupKey,
  type DedupPipeline,
  type DedupSettings,
  type DueDate,
  type ExportColumn,
  type ExportExtra,
  type ExportPipeline,
  type FieldMapping,
  type FieldRule,
  type FollowersMapping,
  type ImportPipeline,
  type Mapping,
  type MergePolicy,
  type NoteMapping,
  type Pipeline,
  type SearchFilter,
  type SourceDelimiter,
  type SourceEncoding,
  type StandardField,
  type SurvivorRule,
  type TaskMapping,
  type TransformName,
  type TransformStep,
  type WriteMode,
} from './pipeline-types.js';

/**
 * A pipeline that passed every check -> the typed Pipeline: shorthands
 * expanded, defaults applied. Trusts its input; call it only after the checks.
 */

type Obj = Record<string, unknown>;

/**
 * Settings that name an input, resolved against the pipeline file's folder: a
 * pipeline and the sample it reads travel together. Outputs (`reportDir`,
 * `export.out`, `export.state`) stay relative to the working directory, as
 * other CLIs write theirs, so that a run never writes into `pipelines/`.
 */
const PATH_SETTINGS: ReadonlyArray<readonly string[]> = [['source', 'file']];

/** Rewrites relative input paths in the file's own settings; run before command-line overrides are merged. */
export function resolveRelativePaths(data: unknown, baseDir: string): unknown {
  if (!isObj(data) || baseDir === '' || baseDir === '.') return data;
  const out: Obj = { ...data };
  for (const path of PATH_SETTINGS) {
    let parent: Obj | undefined = out;
    for (const key of path.slice(0, -1)) {
      const child: unknown = parent[key];
      parent = isObj(child) ? (parent[key] = { ...child }) : undefined;
      if (!parent) break;
    }
    const key = path.at(-1)!;
    const value = parent?.[key];
    if (parent && typeof value === 'string' && value !== '' && value !== '-' && !isAbsolute(value)) parent[key] = join(baseDir, value);
  }
  return out;
}

/** Line and column of a setting's value in the pipeline file, when it comes from the file. */
export type LocateSetting = (path: SettingPath) => { line: number; column: number } | undefined;

export function normalisePipeline(data: Obj, pipelineFile: string, locate: LocateSetting = () => undefined): Pipeline {
  const base = {
    pipelineFile,
    location: data.location as string,
    reportDir: (data.reportDir as string | undefined) ?? PIPELINE_DEFAULTS.reportDir,
  };
  switch (data.job) {
    case 'export': {
      const locations = (data.locations as string[] | undefined) ?? [data.location as string];
      return { job: 'export', ...base, location: locations[0]!, locations, export: normaliseExport(data.export as Obj) } satisfies ExportPipeline;
    }
    case 'dedup': {
      const d = (data.dedup as Obj | undefined) ?? {};
      const locations = data.locations as string[] | undefined;
      return {
        job: 'dedup',
        ...base,
        ...(locations && { location: locations[0]!, locations }),
        dedup: {
          threshold: (d.threshold as number | undefined) ?? PIPELINE_DEFAULTS.threshold,
          survivor: (d.survivor as SurvivorRule | undefined) ?? PIPELINE_DEFAULTS.survivor,
          ...(d.fieldRule !== undefined && { fieldRule: d.fieldRule as DedupSettings['fieldRule'] }),
          ...(d.fieldRules !== undefined && { fieldRules: { ...(d.fieldRules as Record<string, FieldRule>) } }),
          ...(d.emailProviderRules !== undefined && { emailProviderRules: d.emailProviderRules as boolean }),
          ...(d.fillers !== undefined && { fillers: d.fillers as DedupSettings['fillers'] }),
          ...(d.deleteLosers !== undefined && { deleteLosers: d.deleteLosers as boolean }),
        },
      } satisfies DedupPipeline;
    }
    default:
      return normaliseImport(data, base, locate);
  }
}

function normaliseImport(data: Obj, base: { pipelineFile: string; location: string; reportDir: string }, locate: LocateSetting): ImportPipeline {
  const refs: ColumnReference[] = [];
  const ref = (path: PathSegment[], column: unknown): void => {
    if (typeof column !== 'string') return;
    const at = locate(path);
    refs.push({ path: formatPath(path), column, ...(at && { at }) });
  };
  const refTemplate = (path: PathSegment[], text: unknown): void => {
    if (typeof text !== 'string') return;
    for (const m of text.matchAll(/\{\{([^}]*)\}\}/g)) ref(path, m[1]!.trim());
  };

  const source = data.source as Obj;
  const delimiter = (source.delimiter as string | undefined) ?? PIPELINE_DEFAULTS.delimiter;

  let mapping: Mapping | undefined;
  if (isObj(data.mapping)) {
    const m: Partial<Record<StandardField, FieldMapping<string | boolean>>> = {};
    for (const [field, spec] of Object.entries(data.mapping)) {
      m[field as StandardField] = fieldMapping<string | boolean>(spec, ['mapping', field], ref);
    }
    mapping = m as Mapping;
  }

  const customFields: CustomFieldMapping[] = ((data.customFields as Obj[] | undefined) ?? []).map((item, i) => {
    const { from, transforms } = fieldMapping<CustomFieldValue>(item, ['customFields', i], ref);
    return {
      target: item.key !== undefined ? { key: item.key as string } : { name: item.name as string },
      from,
      transforms,
      ...(item.dataType !== undefined && { declaredType: item.dataType as CustomFieldDataType }),
    };
  });

  const t = (data.tags as Obj | undefined) ?? {};
  if (t.column !== undefined) ref(['tags', 'column'], t.column);
  ((t.columns as string[] | undefined) ?? []).forEach((c, i) => ref(['tags', 'columns', i], c));
  const tags = {
    columns: t.column !== undefined ? [t.column as string] : ((t.columns as string[] | undefined) ?? []),
    split: (t.split as string | undefined) ?? PIPELINE_DEFAULTS.tagSplit,
    add: (t.add as string[] | undefined) ?? [],
  };

  const notes: NoteMapping[] = ((data.notes as Obj[] | undefined) ?? []).map((n, i) => {
    if (n.column !== undefined) ref(['notes', i, 'column'], n.column);
    ((n.columns as string[] | undefined) ?? []).forEach((c, j) => ref(['notes', i, 'columns', j], c));
    refTemplate(['notes', i, 'title'], n.title);
    refTemplate(['notes', i, 'template'], n.template);
    return {
      columns: n.column !== undefined ? [n.column as string] : (n.columns as string[]),
      ...(n.title !== undefined && { title: n.title as string }),
      ...(n.template !== undefined && { template: n.template as string }),
    };
  });

  const tasks: TaskMapping[] = ((data.tasks as Obj[] | undefined) ?? []).map((task, i) => {
    refTemplate(['tasks', i, 'title'], task.title);
    refTemplate(['tasks', i, 'body'], task.body);
    ref(['tasks', i, 'column'], task.column);
    let dueDate: DueDate;
    const due = task.dueDate;
    if (isObj(due) && due.column !== undefined) {
      ref(['tasks', i, 'dueDate', 'column'], due.column);
      dueDate = { kind: 'column', column: due.column as string, format: (due.dateFormat as string | undefined) ?? PIPELINE_DEFAULTS.dateFormat };
    } else dueDate = dueValue(isObj(due) ? (due.value as string) : (due as string));
    return {
      title: task.title as string,
      ...(task.body !== undefined && { body: task.body as string }),
      dueDate,
      ...(task.column !== undefined && { column: task.column as string }),
    };
  });

  let followers: FollowersMapping | undefined;
  if (Array.isArray(data.followers)) followers = { kind: 'value', userIds: data.followers as string[] };
  else if (isObj(data.followers)) {
    ref(['followers', 'column'], data.followers.column);
    followers = { kind: 'column', column: data.followers.column as string, split: (data.followers.split as string | undefined) ?? PIPELINE_DEFAULTS.followerSplit };
  }

  let business: BusinessMapping | undefined;
  if (typeof data.business === 'string') business = { kind: 'value', businessId: data.business };
  else if (isObj(data.business)) {
    ref(['business', 'column'], data.business.column);
    business = { kind: 'column', column: data.business.column as string };
  }

  const d = (data.dedup as Obj | undefined) ?? {};
  return {
    job: 'import',
    ...base,
    source: {
      file: source.file as string,
      encoding: (source.encoding as SourceEncoding | undefined) ?? PIPELINE_DEFAULTS.encoding,
      delimiter: (delimiter === 'tab' ? '\t' : delimiter) as SourceDelimiter,
    },
    mode: (data.mode as WriteMode | undefined) ?? PIPELINE_DEFAULTS.mode,
    ...(mapping && { mapping }),
    customFields,
    customFieldsByHeader: (data.customFieldsByHeader as boolean | undefined) ?? PIPELINE_DEFAULTS.customFieldsByHeader,
    createMissingFields: (data.createMissingFields as boolean | undefined) ?? PIPELINE_DEFAULTS.createMissingFields,
    strictColumns: (data.strictColumns as boolean | undefined) ?? PIPELINE_DEFAULTS.strictColumns,
    ignoreColumns: (data.ignoreColumns as string[] | undefined) ?? [],
    tags,
    notes,
    tasks,
    ...(followers && { followers }),
    ...(data.workflow !== undefined && { workflow: data.workflow as string }),
    ...(data.campaign !== undefined && { campaign: data.campaign as string }),
    ...(business && { business }),
    blanks: (data.blanks as 'keep' | 'clear' | undefined) ?? PIPELINE_DEFAULTS.blanks,
    dedup: {
      inFile: (d.inFile as boolean | undefined) ?? PIPELINE_DEFAULTS.inFileDedup,
      keys: (d.keys as DedupKey[] | undefined) ?? [...PIPELINE_DEFAULTS.dedupKeys],
      policy: (d.policy as MergePolicy | undefined) ?? PIPELINE_DEFAULTS.mergePolicy,
    },
    collisions: (data.collisions as 'fail' | 'write' | undefined) ?? PIPELINE_DEFAULTS.collisions,
    ...(data.maxErrors !== undefined && { maxErrors: data.maxErrors as number }),
    columnRefs: refs,
  };
}

function fieldMapping<V>(spec: unknown, path: PathSegment[], ref: (path: PathSegment[], column: unknown) => void): FieldMapping<V> {
  const s: Obj = typeof spec === 'string' ? { column: spec } : (spec as Obj);
  let from: CellSource<V>;
  if (s.column !== undefined) {
    ref(typeof spec === 'string' ? path : [...path, 'column'], s.column);
    from = { kind: 'column', column: s.column as string };
  } else if (s.columns !== undefined) {
    (s.columns as string[]).forEach((c, i) => ref([...path, 'columns', i], c));
    from = { kind: 'columns', columns: s.columns as string[], join: (s.join as string | undefined) ?? PIPELINE_DEFAULTS.join };
  } else from = { kind: 'value', value: s.value as V };
  if (s.countryColumn !== undefined) ref([...path, 'countryColumn'], s.countryColumn);
  const names: TransformName[] = s.transform === undefined ? [] : typeof s.transform === 'string' ? [s.transform as TransformName] : (s.transform as TransformName[]);
  const transforms = names.map((name): TransformStep => {
    if (name === 'e164') {
      return {
        name,
        ...(s.defaultCountry !== undefined && { defaultCountry: (s.defaultCountry as string).toUpperCase() }),
        ...(s.countryColumn !== undefined && { countryColumn: s.countryColumn as string }),
      };
    }
    if (name === 'date') return { name, format: (s.dateFormat as string | undefined) ?? PIPELINE_DEFAULTS.dateFormat };
    return { name };
  });
  return { from, transforms };
}

function dueValue(value: string): DueDate {
  const offset = /^\+(\d+)d$/.exec(value);
  return offset ? { kind: 'offset', days: Number(offset[1]) } : { kind: 'value', value };
}

function normaliseExport(e: Obj): ExportPipeline['export'] {
  const columns = e.columns as Array<string | Obj> | undefined;
  return {
    out: e.out as string,
    ...(columns && {
      columns: columns.map((c): ExportColumn =>
        typeof c === 'string' ? { field: c } : { field: c.field as string, ...(c.header !== undefined && { header: c.header as string }) },
      ),
    }),
    filter: (e.filter as SearchFilter[] | undefined) ?? [],
    ...(e.state !== undefined && { state: e.state as string }),
    ...(e.since !== undefined && { since: e.since as string }),
    overlapMs: durationMs((e.overlap as string | number | undefined) ?? PIPELINE_DEFAULTS.overlap),
    extras: (e.extras as ExportExtra[] | undefined) ?? [],
    pageLimit: (e.pageLimit as number | undefined) ?? PIPELINE_DEFAULTS.pageLimit,
    gzip: (e.gzip as boolean | undefined) ?? PIPELINE_DEFAULTS.gzip,
    bom: (e.bom as boolean | undefined) ?? PIPELINE_DEFAULTS.bom,
    escapeFormulas: (e.escapeFormulas as boolean | undefined) ?? PIPELINE_DEFAULTS.escapeFormulas,
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `300`, `90s`, `5m`, `1h` -> ms (the schema has checked the shape). */
export function durationMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const m = /^(\d+)(s|m|h)$/.exec(value)!;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
