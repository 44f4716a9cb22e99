import { quote } from './config-path.js';
import { suggestClosest } from './did-you-mean.js';
import { PipelineConfigError, type ConfigProblem } from './pipeline-error.js';
import type { ImportPipeline } from './pipeline-types.js';

/**
 * The pipeline against the CSV's header: every column it names must exist
 * (exactly; a near miss is suggested). Throws a PipelineConfigError listing
 * each setting that names a missing column, at its line in the pipeline file.
 */
export function checkPipelineColumns(pipeline: ImportPipeline, header: readonly string[], csvName: string): void {
  const present = new Set(header);
  const problems: ConfigProblem[] = [];
  for (const { path, column, at } of pipeline.columnRefs) {
    if (present.has(column)) continue;
    const exact = header.find((h) => h.trim().toLowerCase() === column.trim().toLowerCase());
    const hint = exact ?? suggestClosest(column, header);
    const message = `${path}: no column ${quote(column)} in ${csvName}${hint !== undefined ? ` (did you mean ${quote(hint)}?)` : ''}`;
    problems.push(at ? { path, message, line: at.line, column: at.column } : { path, message });
  }
  if (problems.length > 0) throw new PipelineConfigError(pipeline.pipelineFile, problems);
}
