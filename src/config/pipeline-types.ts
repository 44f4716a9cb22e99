/**
 * The pipeline as the jobs read it: validated, defaults applied, shorthands
 * expanded, relative paths resolved against the pipeline file's folder.
 * The file format itself is docs/pipeline.schema.json; the lists below are
 * pinned to its enums by a test.
 */

export const JOB_KINDS = ['import', 'export', 'dedup'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Contact fields a mapping can fill (the keys of `mapping`). */
export const STANDARD_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'website',
  'timezone',
  'source',
  'gender',
  'dateOfBirth',
  'assignedTo',
  'dnd',
] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

export const TRANSFORM_NAMES = ['trim', 'lower', 'upper', 'title', 'e164', 'email', 'date'] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

export const WRITE_MODES = ['upsert', 'create', 'update'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

export const ENCODINGS = ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'latin1'] as const;
export type SourceEncoding = (typeof ENCODINGS)[number];

/** `tab` in the file is resolved to `\t`. */
export type SourceDelimiter = 'auto' | ',' | ';' | '\t' | '|';

export const DEDUP_KEYS = ['email', 'phone'] as const;
export type DedupKey = (typeof DEDUP_KEYS)[number];

export const MERGE_POLICIES = ['first', 'last', 'fillBlanks'] as const;
export type MergePolicy = (typeof MERGE_POLICIES)[number];

export const SURVIVOR_RULES = ['oldest', 'newest', 'mostComplete', 'mostRecentActivity'] as const;
export type SurvivorRule = (typeof SURVIVOR_RULES)[number];

export const FILTER_OPERATORS = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range', 'nested'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Defaults of the optional settings (the schema's `default` annotations say the same; a test pins them). */
export const PIPELINE_DEFAULTS = {
  encoding: 'auto',
  delimiter: 'auto',
  mode: 'upsert',
  join: ' ',
  dateFormat: 'auto',
  tagSplit: ',',
  followerSplit: ',',
  blanks: 'keep',
  collisions: 'fail',
  reportDir: 'hoop-etl-runs',
  inFileDedup: true,
  dedupKeys: ['email', 'phone'],
  mergePolicy: 'first',
  threshold: 0.9,
  survivor: 'oldest',
  gzip: false,
  escapeFormulas: true,
  bom: false,
  customFieldsByHeader: false,
  createMissingFields: false,
  strictColumns: false,
  overlap: '5m',
  pageLimit: 500,
} as const;

export const EXPORT_EXTRAS = ['notes', 'tasks'] as const;
export type ExportExtra = (typeof EXPORT_EXTRAS)[number];

/** Where a value comes from: one cell, several cells joined, or a constant. */
export type CellSource<V = string> =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'columns'; readonly columns: readonly string[]; readonly join: string }
  | { readonly kind: 'value'; readonly value: V };

/** One transform with the options it needs, applied in list order. */
export type TransformStep =
  | { readonly name: 'trim' | 'lower' | 'upper' | 'title' | 'email' }
  /** Country from `countryColumn` when that cell is non-blank, else `defaultCountry` (upper case). */
  | { readonly name: 'e164'; readonly defaultCountry?: string; readonly countryColumn?: string }
  /** `format` is `auto` or a pattern of YYYY, YY, MM, M, DD, D, HH, mm, ss and separators. */
  | { readonly name: 'date'; readonly format: string };

export interface FieldMapping<V = string> {
  readonly from: CellSource<V>;
  readonly transforms: readonly TransformStep[];
}

/** `dnd` takes a boolean constant; every other field a string. */
export type Mapping = {
  readonly [F in StandardField]?: FieldMapping<F extends 'dnd' ? boolean : string>;
};

export type CustomFieldValue = string | number | boolean | readonly string[];

/** The platform's custom-field data types (BEHAVIOUR.md §5; `MONETORY` is its spelling). */
export const CUSTOM_FIELD_DATA_TYPES = [
  'TEXT',
  'LARGE_TEXT',
  'NUMERICAL',
  'PHONE',
  'MONETORY',
  'CHECKBOX',
  'SINGLE_OPTIONS',
  'MULTIPLE_OPTIONS',
  'DATE',
  'TEXTBOX_LIST',
  'FILE_UPLOAD',
  'RADIO',
] as const;
export type CustomFieldDataType = (typeof CUSTOM_FIELD_DATA_TYPES)[number];

export interface CustomFieldMapping {
  /** The field key (`contact.favourite_colour`) or display name, exactly one of them. */
  readonly target: { readonly key: string } | { readonly name: string };
  readonly from: CellSource<CustomFieldValue>;
  readonly transforms: readonly TransformStep[];
  /** The field's data type, filled in by the importer from the location's definitions: the value is converted to it. */
  readonly dataType?: string;
  /** The pipeline's `dataType`: the type a missing field is created with (createMissingFields). */
  readonly declaredType?: CustomFieldDataType;
}

export interface TagMapping {
  /** Columns whose cells hold tags, each cell split on `split`. */
  readonly columns: readonly string[];
  readonly split: string;
  /** Tags added to every contact. */
  readonly add: readonly string[];
}

/** Templates keep their `{{Column}}` placeholders as written (`columnRefs` lists the columns they name). */
export interface NoteMapping {
  /** The note is written when at least one of these cells is non-blank. */
  readonly columns: readonly string[];
  readonly title?: string;
  /** Body template; absent: the cell, or `Column: value` lines for several columns. */
  readonly template?: string;
}

export type DueDate =
  | { readonly kind: 'column'; readonly column: string; readonly format: string }
  /** An ISO date or date-time, as written. */
  | { readonly kind: 'value'; readonly value: string }
  /** N days after the run starts. */
  | { readonly kind: 'offset'; readonly days: number };

export interface TaskMapping {
  readonly title: string;
  readonly body?: string;
  readonly dueDate: DueDate;
  /** Only rows where this cell is non-blank get the task. */
  readonly column?: string;
}

export type FollowersMapping =
  | { readonly kind: 'value'; readonly userIds: readonly string[] }
  | { readonly kind: 'column'; readonly column: string; readonly split: string };

export type BusinessMapping = { readonly kind: 'value'; readonly businessId: string } | { readonly kind: 'column'; readonly column: string };

export interface SourceSettings {
  readonly file: string;
  readonly encoding: SourceEncoding;
  readonly delimiter: SourceDelimiter;
}

export interface InFileDedup {
  readonly inFile: boolean;
  readonly keys: readonly DedupKey[];
  readonly policy: MergePolicy;
}

/** A column the pipeline reads, and the setting that names it. */
export interface ColumnReference {
  /** Dotted path of the setting (`mapping.email.column`, `notes[0].template`). */
  readonly path: string;
  readonly column: string;
  /** Where the setting's value is in the pipeline file (1-based), so a missing column is reported at its line like any other setting. */
  readonly at?: { readonly line: number; readonly column: number };
}

interface PipelineBase {
  /** The pipeline file it was read from (as given to the loader). */
  readonly pipelineFile: string;
  readonly location: string;
  readonly reportDir: string;
}

export interface ImportPipeline extends PipelineBase {
  readonly job: 'import';
  readonly source: SourceSettings;
  readonly mode: WriteMode;
  /** Absent when the file has no `mapping`: the importer then maps headers that name a standard field. */
  readonly mapping?: Mapping;
  readonly customFields: readonly CustomFieldMapping[];
  /** Columns whose header names a custom field of the location (display name, key, or `Name (key)`) fill it. */
  readonly customFieldsByHeader: boolean;
  /** Create the custom fields `customFields` names and the location lacks, before the first contact write. */
  readonly createMissingFields: boolean;
  /** A column no setting reads is a configuration error instead of a warning. */
  readonly strictColumns: boolean;
  /** Columns deliberately not imported: never reported as unused. */
  readonly ignoreColumns: readonly string[];
  readonly tags: TagMapping;
  readonly notes: readonly NoteMapping[];
  readonly tasks: readonly TaskMapping[];
  readonly followers?: FollowersMapping;
  readonly workflow?: string;
  readonly campaign?: string;
  readonly business?: BusinessMapping;
  readonly blanks: 'keep' | 'clear';
  readonly dedup: InFileDedup;
  readonly collisions: 'fail' | 'write';
  /** Stop after this many failed rows; absent: no limit. */
  readonly maxErrors?: number;
  /** Every column named anywhere above, in file order, to check against the CSV header. */
  readonly columnRefs: readonly ColumnReference[];
}

export type SearchFilter =
  | { readonly field: string; readonly operator: FilterOperator; readonly value?: unknown; readonly filters?: readonly SearchFilter[] }
  | { readonly group: 'AND' | 'OR'; readonly filters: readonly SearchFilter[] };

export interface ExportColumn {
  readonly field: string;
  /** Absent: the exporter's default header (display name for custom fields). */
  readonly header?: string;
}

export interface ExportSettings {
  /** A path, or `-` for stdout. */
  readonly out: string;
  /** Absent: every field, in the exporter's stable order. */
  readonly columns?: readonly ExportColumn[];
  readonly filter: readonly SearchFilter[];
  readonly state?: string;
  /** Only contacts updated at or after this instant (as written); never with `state`. */
  readonly since?: string;
  /** Incremental mode: how far before the watermark a run looks again (index lag), in ms. */
  readonly overlapMs: number;
  readonly extras: readonly ExportExtra[];
  readonly pageLimit: number;
  readonly gzip: boolean;
  readonly bom: boolean;
  readonly escapeFormulas: boolean;
}

export interface ExportPipeline extends PipelineBase {
  readonly job: 'export';
  /** Every location to export, in order; `location` is the first. */
  readonly locations: readonly string[];
  readonly export: ExportSettings;
}

export const FIELD_RULES = ['best', 'keepSurvivor', 'fillBlanks', 'mostRecent', 'mostCommon', 'longest', 'valid'] as const;
export type FieldRule = (typeof FIELD_RULES)[number];

/** Fields whose filler values (`-`, `n/a`, `test@test.com`) a dedup job can extend or replace. */
export const FILLER_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'address1', 'city', 'state', 'postalCode', 'dateOfBirth'] as const;
export type FillerFieldName = (typeof FILLER_FIELDS)[number];

export type FillerSettingLists = Readonly<Partial<Record<FillerFieldName, readonly string[]>>>;

/** The optional settings are absent when the file leaves them out; the dedup job applies their defaults. */
export interface DedupSettings {
  readonly threshold: number;
  readonly survivor: SurvivorRule;
  /** Absent: `best`. */
  readonly fieldRule?: FieldRule;
  /** Per field (`email`, `address`, `customFields.<id>`), overriding `fieldRule`. */
  readonly fieldRules?: Readonly<Record<string, FieldRule>>;
  /** Absent: false. */
  readonly emailProviderRules?: boolean;
  readonly fillers?: { readonly extend?: FillerSettingLists; readonly replace?: FillerSettingLists };
  /** Absent: true (losers are deleted once merged). */
  readonly deleteLosers?: boolean;
}

export interface DedupPipeline extends PipelineBase {
  readonly job: 'dedup';
  /** Present when the file (or --location A,B) names several: people across them are reported, never merged; `location` is the first. */
  readonly locations?: readonly string[];
  readonly dedup: DedupSettings;
}

export type Pipeline = ImportPipeline | ExportPipeline | DedupPipeline;
