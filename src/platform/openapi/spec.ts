import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import contactsSpec from './contacts.openapi.json' with { type: 'json' };
import customFieldsSpec from './locations-custom-fields.openapi.json' with { type: 'json' };
import locationsSearchSpec from './locations-search.openapi.json' with { type: 'json' };
import oauthSpec from './oauth.openapi.json' with { type: 'json' };

/**
 * The official OpenAPI documents, vendored unchanged from ../shared/api (a test
 * pins them to that copy), compiled into request and response validators.
 *
 * Where the spec contradicts the platform's documented behaviour, the schema is
 * patched here and only here, each patch with its reason (see
 * docs/decisions/0002-emulator-spec-patches.md).
 */

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  method: string;
  path: string;
  requestSchema?: string;
  responses: Record<string, string | undefined>;
  security: string[] | undefined;
  spec: SpecName;
  /** The request body's media type, when the spec defines a body. */
  requestContentType?: string;
}

type SpecName = 'contacts' | 'customFields' | 'oauth' | 'locationsSearch';

const DOCS: Record<SpecName, Json> = {
  contacts: contactsSpec as unknown as Json,
  customFields: customFieldsSpec as unknown as Json,
  oauth: oauthSpec as unknown as Json,
  locationsSearch: locationsSearchSpec as unknown as Json,
};

/** The common error schemas the OAuth spec names by a reference outside itself; the contacts spec carries them. */
const COMMON_ERRORS = ['BadRequestDTO', 'UnauthorizedDTO', 'UnprocessableDTO'];

const COMMON_REF = '../common/common-schemas.json#/components/schemas/';

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function rewriteRefs(node: unknown, docId: string): void {
  if (Array.isArray(node)) {
    node.forEach((n) => rewriteRefs(n, docId));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  for (const [k, v] of Object.entries(o)) {
    if (k === '$ref' && typeof v === 'string') {
      if (v.startsWith(COMMON_REF)) o[k] = `${docId}#/components/schemas/${v.slice(COMMON_REF.length)}`;
      else if (v.startsWith('#/')) o[k] = `${docId}${v}`;
    } else rewriteRefs(v, docId);
  }
}

/** class-validator's whitelist: every object with declared properties rejects the others. */
function forbidUnknownProperties(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(forbidUnknownProperties);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  const props = o.properties as Json | undefined;
  if (o.type === 'object' && props && Object.keys(props).length > 0 && !('additionalProperties' in o)) o.additionalProperties = false;
  for (const v of Object.values(o)) forbidUnknownProperties(v);
}

/**
 * Custom-field items on writes: the spec types each item `{id*, key?, field_value}`,
 * but the platform also takes `key` without `id` and the value under `fieldValue`
 * or `value` (BEHAVIOUR.md section 5).
 */
const CUSTOM_FIELD_INPUT = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    key: { type: 'string' },
    field_value: {},
    fieldValue: {},
    value: {},
  },
  additionalProperties: false,
  anyOf: [{ required: ['id'] }, { required: ['key'] }],
};

/** `dateOfBirth` is typed `object` in the spec, yet documented and used as a date string. */
const DATE_OF_BIRTH_INPUT = { nullable: true, type: ['string', 'object'] };

function patchRequestSchemas(schemas: Json): void {
  for (const name of ['CreateContactDto', 'UpdateContactDto', 'UpsertContactDto']) {
    const s = schemas[name] as { properties: Json };
    s.properties.customFields = { type: 'array', items: CUSTOM_FIELD_INPUT };
    s.properties.dateOfBirth = DATE_OF_BIRTH_INPUT;
  }
}

/**
 * Response patches: values the platform documents in prose and examples but the
 * schema types too narrowly.
 */
function patchResponseSchemas(contacts: Json, customFields: Json): void {
  // Custom-field values are strings, numbers, arrays or objects (section 5).
  (contacts.CustomFieldSchema as { properties: Json }).properties.value = {};
  // Bulk tags: one object per contact, as the spec's own example shows (section 4).
  (contacts.UpdateTagsResponseDTO as { properties: Json }).properties.responses = { type: 'array', items: { type: 'object' } };
  // Nullable in practice: a contact may have no date of birth.
  for (const n of ['GetContectByIdSchema', 'CreateContactSchema']) {
    const p = (contacts[n] as { properties: Json }).properties;
    if (p.dateOfBirth) p.dateOfBirth = { type: 'string', nullable: true };
  }
  void customFields;
}

function collectOperations(doc: Json, spec: Operation['spec']): Operation[] {
  const ops: Operation[] = [];
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (method === 'parameters') continue;
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      // JSON on the contacts routes; the OAuth routes take form bodies (application/x-www-form-urlencoded).
      const requestContentType = body ? Object.keys(body)[0] : undefined;
      const reqRef = (requestContentType ? (body![requestContentType]!.schema as Json | undefined)?.$ref : undefined) as string | undefined;
      const responses: Record<string, string | undefined> = {};
      for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
        const content = r.content as Record<string, Json> | undefined;
        const ref = (content?.['application/json']?.schema as Json | undefined)?.$ref as string | undefined;
        responses[status] = ref?.split('/').pop();
      }
      const security = op.security as Array<Record<string, string[]>> | undefined;
      ops.push({
        operationId: op.operationId as string,
        method: method.toUpperCase(),
        path,
        requestSchema: reqRef?.split('/').pop(),
        ...(requestContentType && { requestContentType }),
        responses,
        security: security ? security.flatMap((s) => s.bearer ?? []) : undefined,
        spec,
      });
    }
  }
  return ops;
}

export interface CompiledSpec {
  operations: ReadonlyMap<string, Operation>;
  /** Validates a request body; returns class-validator style messages, or [] when valid. */
  validateRequest(operationId: string, body: unknown): string[];
  /** The raw schema errors of a request body ([] when valid), for routes that word their own messages. */
  requestErrors(operationId: string, body: unknown): ErrorObject[];
  /** Validates a response body against the documented schema; `undefined` when the spec defines none. */
  validateResponse(operationId: string, status: number, body: unknown): string[] | undefined;
}

function makeAjv(): Ajv {
  return new Ajv({ allErrors: true, strict: false, coerceTypes: false });
}

function buildAjv(kind: 'request' | 'response', specs: readonly SpecName[]): Ajv {
  const ajv = makeAjv();
  const docs = Object.fromEntries(specs.map((n) => [n, clone(DOCS[n])])) as Partial<Record<SpecName, Json>>;
  const schemasOf = (n: SpecName): Json => ((docs[n]!.components as Json).schemas as Json);
  if (docs.oauth) {
    const errors = (contactsSpec as unknown as { components: { schemas: Json } }).components.schemas;
    for (const name of COMMON_ERRORS) schemasOf('oauth')[name] ??= clone(errors[name]);
  }
  if (kind === 'request') {
    if (docs.contacts) patchRequestSchemas(schemasOf('contacts'));
    // The whitelist applies to the JSON routes; form bodies of the OAuth routes are left open.
    if (docs.contacts) forbidUnknownProperties(schemasOf('contacts'));
    if (docs.customFields) forbidUnknownProperties(schemasOf('customFields'));
  } else if (docs.contacts && docs.customFields) {
    patchResponseSchemas(schemasOf('contacts'), schemasOf('customFields'));
  }
  for (const n of specs) {
    rewriteRefs(docs[n]!.components, n);
    ajv.addSchema({ $id: n, components: docs[n]!.components }, n);
  }
  return ajv;
}

function joinPath(instancePath: string): string {
  return instancePath.replace(/^\//, '').replace(/\//g, '.');
}

function describeType(t: unknown): string {
  const type = Array.isArray(t) ? t[0] : t;
  if (type === 'array') return 'an array';
  if (type === 'object') return 'an object';
  if (type === 'integer') return 'an integer number';
  return `a ${String(type)}`;
}

/** Turns ajv errors into the messages NestJS' ValidationPipe gives. */
export function toValidationMessages(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  const out: string[] = [];
  for (const e of errors) {
    const at = joinPath(e.instancePath);
    const prefix = at ? `${at}.` : '';
    switch (e.keyword) {
      case 'additionalProperties':
        out.push(`property ${prefix}${(e.params as { additionalProperty: string }).additionalProperty} should not exist`);
        break;
      case 'required':
        out.push(`${prefix}${(e.params as { missingProperty: string }).missingProperty} should not be empty`);
        break;
      case 'type':
        out.push(`${at || 'body'} must be ${describeType((e.params as { type: unknown }).type)}`);
        break;
      case 'enum':
        out.push(`${at} must be one of the following values: ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`);
        break;
      case 'anyOf':
        break; // the branch errors above already say what is wrong
      default:
        out.push(`${at || 'body'} ${e.message ?? 'is invalid'}`);
    }
  }
  return [...new Set(out)];
}

const compiledSpecs = new Map<string, CompiledSpec>();

/** The contacts and custom-fields specs: the 37 operations of the Contacts API the emulator serves. */
export function loadSpec(): CompiledSpec {
  return compile(['contacts', 'customFields']);
}

/** The OAuth spec and the location search of the Locations spec (the agency routes). */
export function loadOAuthSpec(): CompiledSpec {
  return compile(['oauth', 'locationsSearch']);
}

function compile(specs: readonly SpecName[]): CompiledSpec {
  const cacheKey = specs.join(',');
  const cached = compiledSpecs.get(cacheKey);
  if (cached) return cached;
  const ops = specs.flatMap((n) => collectOperations(DOCS[n], n));
  const operations = new Map(ops.map((o) => [o.operationId, o]));
  let reqAjv: Ajv | undefined;
  let resAjv: Ajv | undefined;
  const reqCache = new Map<string, ValidateFunction | null>();
  const resCache = new Map<string, ValidateFunction | null>();

  const getReq = (operationId: string): ValidateFunction | null => {
    if (reqCache.has(operationId)) return reqCache.get(operationId)!;
    const op = operations.get(operationId);
    let v: ValidateFunction | null = null;
    if (op?.requestSchema) {
      reqAjv ??= buildAjv('request', specs);
      v = reqAjv.getSchema(`${op.spec}#/components/schemas/${op.requestSchema}`) ?? null;
    }
    reqCache.set(operationId, v);
    return v;
  };

  const compiled: CompiledSpec = {
    operations,
    validateRequest(operationId, body) {
      const v = getReq(operationId);
      if (!v) return [];
      if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
        return v({}) ? [] : toValidationMessages(v.errors);
      }
      return v(body) ? [] : toValidationMessages(v.errors);
    },
    requestErrors(operationId, body) {
      const v = getReq(operationId);
      if (!v) return [];
      return v(body) ? [] : [...(v.errors ?? [])];
    },
    validateResponse(operationId, status, body) {
      const key = `${operationId} ${status}`;
      let v = resCache.get(key);
      if (v === undefined) {
        const op = operations.get(operationId);
        const schema = op?.responses[String(status)];
        resAjv ??= buildAjv('response', specs);
        v = schema ? (resAjv.getSchema(`${op!.spec}#/components/schemas/${schema}`) ?? null) : null;
        resCache.set(key, v);
      }
      if (!v) return undefined;
      return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    },
  };
  compiledSpecs.set(cacheKey, compiled);
  return compiled;
}

export type { Operation };
