/** The pipeline file: schema, loading, validation with dotted paths, env substitution. */
export { loadPipeline } from './load-pipeline.js';
export { parsePipeline, type ParsePipelineOptions, type PipelineOverrides } from './parse-pipeline.js';
export { checkPipelineColumns } from './check-columns.js';
export { COMMAND_LINE, PipelineConfigError, type ConfigProblem } from './pipeline-error.js';
export { pipelineSchema } from './pipeline-schema.js';
export type { Env } from './substitute-env.js';
export * from './pipeline-types.js';
