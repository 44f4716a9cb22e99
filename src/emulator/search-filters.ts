/**
 * Validates the `filters` of a search body and compiles them into one
 * predicate plus a canonical key (for the result cache).
 */
import { badRequest, unprocessableSearch } from './search-error.js';
import { dayStart, parseDateInput, resolveDate } from './search-dates.js';
import {
  digitsOf,
  OPERATORS,
  OPPORTUNITY_FIELDS,
  OPPORTUNITY_OPS,
  resolveField,
  type FieldSpec,
  type Operator,
} from './search-fields.js';
import type { SearchContext } from './search-types.js';
import type { ContactRecord } from './types.js';

export type Predicate = (c: ContactRecord, ctx: SearchContext) => boolean;

/** A compiled filter: a predicate, or a constant when the outcome does not depend on the contact. */
export type Matcher = Predicate | boolean;

export interface CompiledFilters {
  readonly matcher: Matcher;
  /** JSON-able canonical form: equal keys select the same contacts. */
  readonly key: unknown;
  readonly usesBusinessNames: boolean;
}

/** Longest string accepted as a filter value (HOOP-S: 75 characters for every operator). */
export const MAX_VALUE_LENGTH = 75;
/** Deepest group nesting accepted; deeper bodies are refused before they can exhaust the stack. */
export const MAX_FILTER_DEPTH = 50;

const OPERATOR_NAMES = [...OPERATORS, 'nested'] as const;
const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;
const LEAF_KEYS = new Set(['field', 'operator', 'value']);
const NESTED_KEYS = new Set(['field', 'operator', 'filters']);
const GROUP_KEYS = new Set(['group', 'filters']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface State {
  readonly ctx: SearchContext;
  usesBusinessNames: boolean;
}

export function compileFilters(filters: readonly unknown[], ctx: SearchContext): CompiledFilters {
  const state: State = { ctx, usesBusinessNames: false };
  const parts = filters.map((f, i) => compileNode(f, `filters.${i}`, state, 1));
  return {
    matcher: and(parts.map((p) => p.matcher)),
    key: parts.map((p) => p.key),
    usesBusinessNames: state.usesBusinessNames,
  };
}

interface Node {
  readonly matcher: Matcher;
  readonly key: unknown;
}

function rejectUnknownKeys(obj: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) throw unprocessableSearch(`property ${path}.${k} should not exist`);
  }
}

function compileNode(raw: unknown, path: string, state: State, depth: number): Node {
  if (!isObject(raw)) throw unprocessableSearch(`${path} must be an object`);
  if ('group' in raw) return compileGroup(raw, path, state, depth);
  return compileLeaf(raw, path, state);
}

function childFilters(raw: Record<string, unknown>, path: string): unknown[] {
  const filters = raw.filters;
  if (!Array.isArray(filters)) throw unprocessableSearch(`${path}.filters must be an array`);
  if (filters.length === 0) throw unprocessableSearch(`${path}.filters should not be empty`);
  return filters;
}

function compileGroup(raw: Record<string, unknown>, path: string, state: State, depth: number): Node {
  rejectUnknownKeys(raw, GROUP_KEYS, path);
  const group = raw.group;
  if (group !== 'AND' && group !== 'OR') throw unprocessableSearch(`${path}.group must be one of the following values: AND, OR`);
  if (depth >= MAX_FILTER_DEPTH) throw unprocessableSearch(`${path} nests filter groups deeper than ${MAX_FILTER_DEPTH} levels`);
  const parts = childFilters(raw, path).map((f, i) => compileNode(f, `${path}.filters.${i}`, state, depth + 1));
  const matchers = parts.map((p) => p.matcher);
  return { matcher: group === 'AND' ? and(matchers) : or(matchers), key: { [group]: parts.map((p) => p.key) } };
}

function readOperator(raw: Record<string, unknown>, path: string): Operator | 'nested' {
  const op = raw.operator;
  if (typeof op !== 'string' || !(OPERATOR_NAMES as readonly string[]).includes(op)) {
    throw unprocessableSearch(`${path}.operator must be one of the following values: ${OPERATOR_NAMES.join(', ')}`);
  }
  return op as Operator | 'nested';
}

function readField(raw: Record<string, unknown>, path: string): string {
  const field = raw.field;
  if (typeof field !== 'string' || field === '') throw unprocessableSearch(`${path}.field must be a non-empty string`);
  return field;
}

function notSupported(path: string, op: string, field: string, ops: readonly string[]): Error {
  const supported = ops.length > 0 ? ops.join(', ') : 'none';
  return unprocessableSearch(`${path}.operator ${op} is not supported for field ${field} (supported: ${supported})`);
}

function compileLeaf(raw: Record<string, unknown>, path: string, state: State): Node {
  const field = readField(raw, path);
  const op = readOperator(raw, path);
  if (field === 'opportunities') return compileOpportunities(raw, op, path);
  const spec = resolveField(field, state.ctx);
  if (!spec) throw badRequest(`Invalid field ${field}`);
  if (op === 'nested' || !spec.ops.includes(op)) throw notSupported(path, op, field, spec.ops);
  rejectUnknownKeys(raw, LEAF_KEYS, path);
  if (spec.usesBusinessNames) state.usesBusinessNames = true;
  return compileCondition(spec, field, op, raw, path, state.ctx);
}

/**
 * Contacts in this emulator have no opportunities, so a nested filter is the
 * AND of its sub-filters over a missing value: positive checks (eq, exists)
 * match no contact, negative ones (not_eq, not_exists) match every contact.
 */
function compileOpportunities(raw: Record<string, unknown>, op: Operator | 'nested', path: string): Node {
  if (op !== 'nested') throw notSupported(path, op, 'opportunities', ['nested']);
  rejectUnknownKeys(raw, NESTED_KEYS, path);
  const subs = childFilters(raw, path).map((sub, i) => {
    const subPath = `${path}.filters.${i}`;
    if (!isObject(sub)) throw unprocessableSearch(`${subPath} must be an object`);
    const field = readField(sub, subPath);
    const subOp = readOperator(sub, subPath);
    if (!OPPORTUNITY_FIELDS.has(field)) throw badRequest(`Invalid field opportunities.${field}`);
    if (subOp === 'nested' || !OPPORTUNITY_OPS.includes(subOp)) throw notSupported(subPath, subOp, `opportunities.${field}`, OPPORTUNITY_OPS);
    rejectUnknownKeys(sub, LEAF_KEYS, subPath);
    let value: string | undefined;
    if (subOp === 'eq' || subOp === 'not_eq') value = readString(sub, subPath, false);
    else assertNoValue(sub, subPath, subOp);
    return { field, op: subOp, value, onMissing: subOp === 'not_eq' || subOp === 'not_exists' };
  });
  const matcher = subs.every((s) => s.onMissing);
  return { matcher, key: { opportunities: subs.map((s) => [s.field, s.op, s.value ?? null]) } };
}

function assertNoValue(raw: Record<string, unknown>, path: string, op: string): void {
  if (raw.value !== undefined) throw unprocessableSearch(`${path}.value must be omitted for operator ${op}`);
}

function readString(raw: Record<string, unknown>, path: string, nonEmptyRequired: boolean): string {
  const v = raw.value;
  if (v === undefined || v === null) throw unprocessableSearch(`${path}.value should not be empty`);
  const s = typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
  if (s === undefined) throw unprocessableSearch(`${path}.value must be a string`);
  if (s.length > MAX_VALUE_LENGTH) {
    throw unprocessableSearch(`${path}.value must be shorter than or equal to ${MAX_VALUE_LENGTH} characters`);
  }
  if (nonEmptyRequired && s === '') throw unprocessableSearch(`${path}.value should not be empty`);
  return s;
}

function readBoolean(raw: Record<string, unknown>, path: string): boolean {
  const v = raw.value;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw unprocessableSearch(`${path}.value must be a boolean value`);
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_VALUE_LENGTH) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function readNumber(raw: Record<string, unknown>, path: string): number {
  const n = toNumber(raw.value);
  if (n === undefined) throw unprocessableSearch(`${path}.value must be a number`);
  return n;
}

/** Range bounds normalised to `v > minEx && v >= minIn && v < maxEx && v <= maxIn`. */
interface Bounds {
  minEx: number;
  minIn: number;
  maxEx: number;
  maxIn: number;
}

function readRange(spec: FieldSpec, raw: Record<string, unknown>, path: string, ctx: SearchContext): Bounds {
  const value = raw.value;
  const shape = `${path}.value must be an object with at least one of gt, gte, lt, lte`;
  if (!isObject(value)) throw unprocessableSearch(shape);
  for (const k of Object.keys(value)) {
    if (!(RANGE_KEYS as readonly string[]).includes(k)) throw unprocessableSearch(`property ${path}.value.${k} should not exist`);
  }
  const b: Bounds = { minEx: -Infinity, minIn: -Infinity, maxEx: Infinity, maxIn: Infinity };
  let any = false;
  for (const k of RANGE_KEYS) {
    const v = value[k];
    if (v === undefined) continue;
    any = true;
    const p = `${path}.value.${k}`;
    if (typeof v === 'string' && v.length > MAX_VALUE_LENGTH) {
      throw unprocessableSearch(`${p} must be shorter than or equal to ${MAX_VALUE_LENGTH} characters`);
    }
    if (spec.kind === 'number') {
      const n = toNumber(v);
      if (n === undefined) throw unprocessableSearch(`${p} must be a number`);
      applyBound(b, k, n);
      continue;
    }
    const parsed = parseDateInput(v);
    if (!parsed) throw unprocessableSearch(`${p} must be an ISO 8601 date or epoch milliseconds`);
    const zone = spec.kind === 'calendarDate' ? undefined : ctx.timezone;
    if (parsed.kind === 'day') {
      // A date-only value is the whole day: gt/lte move to the start of the next day.
      const start = dayStart(zone, parsed.y, parsed.m, parsed.d);
      const next = dayStart(zone, parsed.y, parsed.m, parsed.d + 1);
      if (k === 'gte') applyBound(b, 'gte', start);
      else if (k === 'gt') applyBound(b, 'gte', next);
      else if (k === 'lt') applyBound(b, 'lt', start);
      else applyBound(b, 'lt', next);
    } else {
      applyBound(b, k, resolveDate(parsed, zone));
    }
  }
  if (!any) throw unprocessableSearch(shape);
  return b;
}

function applyBound(b: Bounds, k: (typeof RANGE_KEYS)[number], n: number): void {
  if (k === 'gt') b.minEx = Math.max(b.minEx, n);
  else if (k === 'gte') b.minIn = Math.max(b.minIn, n);
  else if (k === 'lt') b.maxEx = Math.min(b.maxEx, n);
  else b.maxIn = Math.min(b.maxIn, n);
}

function compileCondition(
  spec: FieldSpec,
  field: string,
  op: Operator,
  raw: Record<string, unknown>,
  path: string,
  ctx: SearchContext,
): Node {
  if (op === 'exists' || op === 'not_exists') {
    assertNoValue(raw, path, op);
    const m = existsMatcher(spec);
    return { matcher: op === 'exists' ? m : not(m), key: [field, op] };
  }
  if (op === 'range') {
    if (spec.kind !== 'number' && spec.kind !== 'instant' && spec.kind !== 'calendarDate') {
      throw notSupported(path, op, field, spec.ops);
    }
    const b = readRange(spec, raw, path, ctx);
    return { matcher: rangeMatcher(spec.get, b), key: [field, op, b.minEx, b.minIn, b.maxEx, b.maxIn] };
  }
  const negate = op === 'not_eq' || op === 'not_contains';
  const contains = op === 'contains' || op === 'not_contains';
  let m: Matcher;
  let keyValue: unknown;
  switch (spec.kind) {
    case 'bool': {
      const want = readBoolean(raw, path);
      const get = spec.get;
      m = (c, ctx2) => get(c, ctx2) === want;
      keyValue = want;
      break;
    }
    case 'number':
    case 'instant':
    case 'calendarDate': {
      const want = readNumber(raw, path);
      const get = spec.get;
      m = (c, ctx2) => get(c, ctx2) === want;
      keyValue = want;
      break;
    }
    case 'text':
    case 'keyword':
    case 'phone': {
      const s = readString(raw, path, contains);
      ({ m, keyValue } = stringMatcher(spec.kind, spec.get, s, contains));
      break;
    }
    case 'list':
    case 'keywordList': {
      const s = readString(raw, path, contains);
      ({ m, keyValue } = listMatcher(spec.kind === 'list', spec.get, s, contains));
      break;
    }
  }
  return { matcher: negate ? not(m) : m, key: [field, op, keyValue] };
}

function stringMatcher(
  kind: 'text' | 'keyword' | 'phone',
  get: (c: ContactRecord, ctx: SearchContext) => string | undefined,
  s: string,
  contains: boolean,
): { m: Matcher; keyValue: string } {
  if (kind === 'phone' && contains) {
    const digits = digitsOf(s);
    if (digits === '') return { m: false, keyValue: '' };
    return {
      m: (c, ctx) => {
        const v = get(c, ctx);
        return v !== undefined && digitsOf(v).includes(digits);
      },
      keyValue: digits,
    };
  }
  if (kind === 'text') {
    const want = s.toLowerCase();
    return {
      m: contains
        ? (c, ctx) => get(c, ctx)?.toLowerCase().includes(want) === true
        : (c, ctx) => get(c, ctx)?.toLowerCase() === want,
      keyValue: want,
    };
  }
  // keyword and phone eq: exact.
  return {
    m: contains ? (c, ctx) => get(c, ctx)?.includes(s) === true : (c, ctx) => get(c, ctx) === s,
    keyValue: s,
  };
}

function listMatcher(
  caseInsensitive: boolean,
  get: (c: ContactRecord, ctx: SearchContext) => readonly string[],
  s: string,
  contains: boolean,
): { m: Matcher; keyValue: string } {
  const want = caseInsensitive ? s.toLowerCase() : s;
  const norm = caseInsensitive ? (x: string) => x.toLowerCase() : (x: string) => x;
  return {
    m: contains
      ? (c, ctx) => get(c, ctx).some((x) => norm(x).includes(want))
      : (c, ctx) => get(c, ctx).some((x) => norm(x) === want),
    keyValue: want,
  };
}

function existsMatcher(spec: FieldSpec): Matcher {
  switch (spec.kind) {
    case 'list':
    case 'keywordList': {
      const get = spec.get;
      return (c, ctx) => get(c, ctx).length > 0;
    }
    default: {
      const get = spec.get as (c: ContactRecord, ctx: SearchContext) => unknown;
      return (c, ctx) => get(c, ctx) !== undefined;
    }
  }
}

function rangeMatcher(get: (c: ContactRecord, ctx: SearchContext) => number | undefined, b: Bounds): Matcher {
  const { minEx, minIn, maxEx, maxIn } = b;
  if (minEx >= maxIn || minIn > maxIn || minEx >= maxEx || minIn >= maxEx) return false;
  return (c, ctx) => {
    const v = get(c, ctx);
    return v !== undefined && v > minEx && v >= minIn && v < maxEx && v <= maxIn;
  };
}

export function not(m: Matcher): Matcher {
  if (typeof m === 'boolean') return !m;
  return (c, ctx) => !m(c, ctx);
}

export function and(matchers: readonly Matcher[]): Matcher {
  if (matchers.includes(false)) return false;
  const fns = matchers.filter((m): m is Predicate => m !== true);
  if (fns.length === 0) return true;
  if (fns.length === 1) return fns[0]!;
  return (c, ctx) => {
    for (const f of fns) if (!f(c, ctx)) return false;
    return true;
  };
}

export function or(matchers: readonly Matcher[]): Matcher {
  if (matchers.includes(true)) return true;
  const fns = matchers.filter((m): m is Predicate => m !== false);
  if (fns.length === 0) return false;
  if (fns.length === 1) return fns[0]!;
  return (c, ctx) => {
    for (const f of fns) if (f(c, ctx)) return true;
    return false;
  };
}
