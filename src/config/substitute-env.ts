import type { PathSegment, SettingPath } from './config-path.js';

/**
 * `${NAME}` in any string value of the pipeline becomes the environment
 * variable's value; `${NAME:-fallback}` uses the fallback when the variable is
 * unset or empty; `$${` is a literal `${`. Keys are never substituted, and the
 * result is always a string (`maxErrors: ${N}` stays text, so the schema says so).
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvProblem {
  readonly path: SettingPath;
  readonly message: string;
}

export interface SubstitutedValue {
  readonly value: unknown;
  readonly problems: readonly EnvProblem[];
}

const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** One string: the text with variables replaced, or the reasons it cannot be. */
export function substituteEnvInString(text: string, env: Env): { text: string; errors: string[] } {
  const errors: string[] = [];
  const unset: string[] = [];
  const out = text.replace(TOKEN, (match, body: string | undefined) => {
    if (match === '$${') return '${';
    if (body === undefined) {
      errors.push("a '${' is not closed by '}' (write $${ for a literal ${)");
      return match;
    }
    const ref = REFERENCE.exec(body);
    if (!ref) {
      errors.push(`'${match}' is not a variable reference: names are letters, digits and _ ` + '(write $${ for a literal ${)');
      return match;
    }
    const name = ref[1]!;
    const fallback = ref[2];
    const value = env[name];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) {
      if (!unset.includes(name)) unset.push(name);
      return match;
    }
    return value;
  });
  if (unset.length === 1) errors.unshift(`environment variable ${unset[0]} is not set`);
  else if (unset.length > 1) errors.unshift(`environment variables ${unset.slice(0, -1).join(', ')} and ${unset.at(-1)} are not set`);
  return { text: out, errors };
}

/** Every string value in a parsed YAML document, at any depth. */
export function substituteEnv(value: unknown, env: Env): SubstitutedValue {
  const problems: EnvProblem[] = [];
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('$')) return node;
      const { text, errors } = substituteEnvInString(node, env);
      for (const message of errors) problems.push({ path, message });
      return text;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      // defineProperty: a `__proto__` key stays a key (and is then reported as unknown).
      for (const [key, child] of Object.entries(node)) {
        Object.defineProperty(out, key, { value: walk(child, [...path, key]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return node;
  };
  return { value: walk(value, []), problems };
}
