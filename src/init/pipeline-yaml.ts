import { stringify } from 'yaml';
import type { ColumnRead, PipelinePlan } from './plan-pipeline.js';

/**
 * A pipeline plan -> the commented YAML file `init` writes: every setting
 * with the reason it was chosen above it, the columns left out as comments
 * with a suggestion (and in `ignoreColumns`, so the import knows they were
 * left out on purpose), and the command to run next. Pure.
 */

export interface PipelineYamlOptions {
  /** The pipeline file as the user should type it in the next command (`-` for stdout). */
  readonly pipelineFile: string;
  /** The CSV file as given to `init`, for the header comment. */
  readonly csvFile: string;
  /** Whether the schema has `createMissingFields` (it does since the columns work landed). @default true */
  readonly createMissingFields?: boolean;
}

/** One YAML scalar, quoted only when it must be. */
export function yamlScalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

const comment = (text: string, indent = ''): string => `${indent}# ${text.replace(/[\r\n]+/g, ' ')}`;

function readLines(r: ColumnRead, indent: string): string[] {
  const lines = [`${indent}column: ${yamlScalar(r.column)}`];
  lines.push(`${indent}transform: ${r.transforms.length === 1 ? r.transforms[0] : `[${r.transforms.join(', ')}]`}`);
  if (r.defaultCountry) lines.push(`${indent}defaultCountry: ${r.defaultCountry}`);
  if (r.countryColumn) lines.push(`${indent}countryColumn: ${yamlScalar(r.countryColumn)}`);
  if (r.dateFormat) lines.push(`${indent}dateFormat: ${yamlScalar(r.dateFormat)}`);
  return lines;
}

function delimiterText(d: string): string {
  return d === '\t' ? 'tab' : JSON.stringify(d);
}

export function pipelineYaml(plan: PipelinePlan, options: PipelineYamlOptions): string {
  const out: string[] = [];
  const createMissing = options.createMissingFields ?? true;
  const next = options.pipelineFile === '-' ? '<this file>' : options.pipelineFile;
  out.push(
    `# Import pipeline for ${options.csvFile}, written by \`hoop-etl init\` from its header`,
    `# and its first ${plan.sampled} rows${plan.language ? ` (headers in ${plan.language})` : ''}. The comment above each`,
    '# setting says why it was chosen: review them, then plan the import (nothing is written):',
    '#',
    `#   npx hoop-etl import --pipeline ${next} --location <id> --dry-run`,
    '#',
    '# and run it without --dry-run. Every row ends in succeeded.csv or failed.csv',
    '# with its reason. Columns left out are listed at the end.',
    '',
    'job: import',
    'location: ${HOOPAI_LOCATION}              # or --location <id> on the command line',
    'source:',
    `  file: ${yamlScalar(plan.source.file)}   # relative to this file`,
    `  encoding: ${plan.source.encoding}   # ${plan.source.encodingWhy}`,
    `  delimiter: ${delimiterText(plan.source.delimiter)}   # ${plan.source.delimiterWhy}`,
    'mode: upsert                               # create new contacts, update the ones the location has',
    'blanks: keep                               # a blank cell never wipes a value the contact already has',
  );
  if (plan.customFields.length > 0) {
    out.push(
      createMissing
        ? 'createMissingFields: true                  # the custom fields below are created (with their dataType) before the first write'
        : '# createMissingFields: true               # create the custom fields below before the first write',
    );
  }

  if (plan.mapping.length > 0) {
    out.push('', 'mapping:');
    for (const m of plan.mapping) out.push(comment(m.why, '  '), `  ${m.field}:`, ...readLines(m, '    '));
  }

  const leftOutCustom = plan.leftOut.filter((l) => l.suggestion.includes('custom field'));
  if (plan.customFields.length > 0) {
    out.push('', '# Custom fields for the columns no contact field takes, keyed like the platform keys them.', 'customFields:');
    for (const c of plan.customFields) {
      out.push(comment(c.why, '  '), `  - key: ${yamlScalar(c.key)}`, ...readLines(c, '    '), `    dataType: ${c.dataType}`);
    }
  }

  if (plan.tags) {
    out.push('', '# Tags are only ever added to a contact, never replacing its own.', 'tags:');
    for (const t of plan.tags.columns) out.push(comment(`${yamlScalar(t.column)}: ${t.why}`, '  '));
    out.push(`  columns: [${plan.tags.columns.map((t) => flowScalar(t.column)).join(', ')}]`, `  split: ${JSON.stringify(plan.tags.split)}`);
  }

  if (plan.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of plan.notes) out.push(comment(n.why, '  '), `  - column: ${yamlScalar(n.column)}`, `    title: ${yamlScalar(n.column)}`);
  }
  if (plan.followers) out.push('', comment(plan.followers.why), 'followers:', `  column: ${yamlScalar(plan.followers.column)}`, '  split: ","');
  if (plan.business) out.push('', comment(plan.business.why), 'business:', `  column: ${yamlScalar(plan.business.column)}`);

  out.push(
    '',
    'dedup:',
    comment(plan.dedupWhy, '  '),
    '  inFile: true',
    `  keys: [${plan.dedupKeys.join(', ')}]`,
    '  policy: fillBlanks                       # the first row wins; its blanks are filled from the others',
    'collisions: fail                           # email names one contact and phone another: fail the row, do not guess',
  );

  if (plan.leftOut.length > 0) {
    out.push('', '# Columns left out on purpose (the import does not report them as unused).', 'ignoreColumns:');
    for (const l of plan.leftOut) {
      out.push(comment(`${JSON.stringify(l.column)}: ${l.why}; ${l.suggestion}`, '  '));
      if (leftOutCustom.includes(l)) {
        const key = /contact\.[a-z0-9_]+/.exec(l.suggestion)?.[0];
        if (key) out.push(comment(`to import it, move it to customFields: - { key: ${key}, column: ${flowScalar(l.column)}, dataType: TEXT }`, '  '));
      }
      out.push(`  - ${yamlScalar(l.column)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** A scalar inside a flow sequence or mapping (`[a, b]`), where `,` `[` `]` `{` `}` must be quoted. */
function flowScalar(value: string): string {
  const plain = yamlScalar(value);
  return /[,[\]{}]/.test(plain) && !/^["']/.test(plain) ? JSON.stringify(value) : plain;
}
