import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { SettingPath } from './config-path.js';
import type { ConfigProblem } from './pipeline-error.js';

/**
 * YAML text -> plain data, keeping the document so that any setting's path
 * can be traced back to its line and column.
 */

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlSource {
  readonly data: unknown;
  /** Syntax problems; when there are any, `data` is not to be trusted. */
  readonly problems: readonly ConfigProblem[];
  /** Line and column of a setting's key (`at: 'key'`) or value, or of its nearest ancestor that exists. */
  locate(path: SettingPath, at: 'key' | 'value'): Position | undefined;
}

export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ConfigProblem[] = doc.errors.map((err) => {
    // yaml reports an unclosed quote where the file ends; the mistake is where it opens.
    const opened = err.code === 'MISSING_CHAR' && /quote/.test(err.message) ? openQuoteBefore(doc, err.pos[0]) : undefined;
    if (opened !== undefined) return { path: '', message: 'YAML syntax error: this quoted string is never closed', ...position(opened) };
    return {
      path: '',
      message: describeYamlError(err.code, err.message, /^[^:\n]*/.exec(source.slice(err.pos[0]))![0].trim()),
      ...position(err.pos[0]),
    };
  });
  let data: unknown;
  if (problems.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ path: '', message: `YAML error: ${(err as Error).message}` });
    }
  }
  return { data, problems, locate: (path, at) => locateNode(doc, path, at, position) };
}

function openQuoteBefore(doc: Document, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[0] < offset && offset <= node.range[2]) start = node.range[0];
    },
  });
  return start;
}

function describeYamlError(code: string, message: string, text: string): string {
  if (code === 'DUPLICATE_KEY') return `YAML syntax error: the key '${text}' appears twice in the same section`;
  if (code === 'MULTIPLE_DOCS') return 'YAML syntax error: the file holds several YAML documents (---); a pipeline file holds one';
  return `YAML syntax error: ${message}`;
}

function locateNode(doc: Document, path: SettingPath, at: 'key' | 'value', position: (offset: number) => Position): Position | undefined {
  const start = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? range[0] : undefined;
  };
  let node: unknown = doc.contents;
  let found = start(node);
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyStart = start(pair.key);
      const valueStart = start(pair.value);
      // A key with nothing after it (`source:`) has no value position worth showing.
      const valueUsable = valueStart !== undefined && !(isScalar(pair.value) && pair.value.value === null);
      found = last && at === 'key' ? keyStart : valueUsable ? valueStart : keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      found = start(item) ?? found;
      node = item;
    } else break;
  }
  return found === undefined ? undefined : position(found);
}
