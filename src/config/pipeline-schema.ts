import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../docs/pipeline.schema.json' with { type: 'json' };

/**
 * The pipeline file's JSON Schema: the very file shipped for editors
 * (docs/pipeline.schema.json), compiled once. `x-expected` is our annotation:
 * how a type or pattern mistake describes what was expected.
 */

export type JsonSchema = Readonly<Record<string, unknown>>;

export const pipelineSchema: JsonSchema = schema;

let compiled: ValidateFunction | undefined;

/** Validates `data` against the schema; every error, each with its failing schema (`verbose`). */
export function validatePipelineSchema(data: unknown): ErrorObject[] {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true })
    .addKeyword('x-expected')
    .compile(schema);
  return compiled(data) ? [] : [...(compiled.errors ?? [])];
}
