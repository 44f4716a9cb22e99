import { ApiError } from '../api-error.js';
import { newId } from '../ids.js';
import type { CustomFieldDataType, CustomFieldDefinition } from '../types.js';
import { ok, type RouteContext, type RouteDef } from './route.js';
import { platformKeyOf } from '../../platform/field-key.js';

export const DATA_TYPES: readonly CustomFieldDataType[] = [
  'TEXT', 'LARGE_TEXT', 'NUMERICAL', 'PHONE', 'MONETORY', 'CHECKBOX', 'SINGLE_OPTIONS', 'MULTIPLE_OPTIONS', 'DATE', 'TEXTBOX_LIST', 'FILE_UPLOAD', 'RADIO',
];

/** `contact.<key>`: the name lower-cased, non-alphanumerics as `_`, made unique in the location. */
export function fieldKeyFor(name: string, model: string, taken: (key: string) => boolean): string {
  const slug = platformKeyOf(name);
  let key = `${model}.${slug}`;
  for (let i = 1; taken(key); i++) key = `${model}.${slug}_${i}`;
  return key;
}

export function toCustomFieldJson(d: CustomFieldDefinition): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    fieldKey: d.fieldKey,
    placeholder: d.placeholder ?? '',
    dataType: d.dataType,
    position: d.position,
    picklistOptions: [...d.picklistOptions],
    picklistImageOptions: [],
    isAllowedCustomOption: false,
    isMultiFileAllowed: false,
    maxFileLimit: 0,
    locationId: d.locationId,
    model: d.model,
  };
}

/** Creates a definition; shared by the API route and the admin seed route. */
export function defineCustomField(
  ctx: Pick<RouteContext, 'loc'>,
  input: { name: string; dataType: string; placeholder?: string; position?: number; model?: string; picklistOptions?: string[]; id?: string; fieldKey?: string },
): CustomFieldDefinition {
  if (!DATA_TYPES.includes(input.dataType as CustomFieldDataType)) {
    throw new ApiError(422, [`dataType must be one of the following values: ${DATA_TYPES.join(', ')}`]);
  }
  if (!input.name.trim()) throw new ApiError(422, ['name should not be empty']);
  const model = (input.model ?? 'contact') as 'contact' | 'opportunity';
  const taken = (k: string) => [...ctx.loc.customFields.values()].some((d) => d.fieldKey === k);
  let fieldKey = input.fieldKey;
  if (fieldKey && !fieldKey.includes('.')) fieldKey = `${model}.${fieldKey}`;
  if (fieldKey && taken(fieldKey)) throw new ApiError(400, `Custom field key ${fieldKey} already exists`);
  return {
    id: input.id ?? newId(),
    locationId: ctx.loc.settings.id,
    name: input.name.trim(),
    fieldKey: fieldKey ?? fieldKeyFor(input.name, model, taken),
    dataType: input.dataType as CustomFieldDataType,
    placeholder: input.placeholder,
    position: input.position ?? ctx.loc.customFields.size,
    picklistOptions: input.picklistOptions ?? [],
    model,
  };
}

/**
 * The definition named by the `{id}` path parameter. GET documents it as "Custom
 * Field Id or Field Key (e.g. "contact.first_name")", so `byKey` also matches
 * `fieldKey`; PUT and DELETE document an id only.
 */
function field(ctx: RouteContext, byKey = false): CustomFieldDefinition {
  const id = ctx.params.id!;
  let d = ctx.loc.customFields.get(id);
  if (!d && byKey) for (const def of ctx.loc.customFields.values()) if (def.fieldKey === id) d = def;
  if (!d) throw new ApiError(400, `Custom field not found for id:${id}`);
  return d;
}

export const customFieldRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/locations/{locationId}/customFields',
    operationId: 'get-custom-fields',
    scope: 'locations/customFields.readonly',
    locationFrom: 'path',
    handler: (ctx) => {
      const model = ctx.query.get('model') ?? 'all';
      if (!['contact', 'opportunity', 'all'].includes(model)) throw new ApiError(422, ['model must be one of the following values: contact, opportunity, all']);
      const list = [...ctx.loc.customFields.values()].filter((d) => model === 'all' || d.model === model).sort((a, b) => a.position - b.position);
      return ok({ customFields: list.map(toCustomFieldJson) });
    },
  },
  {
    method: 'POST',
    path: '/locations/{locationId}/customFields',
    operationId: 'create-custom-field',
    scope: 'locations/customFields.write',
    locationFrom: 'path',
    handler: (ctx) => {
      const def = defineCustomField(ctx, ctx.body as { name: string; dataType: string });
      ctx.store.putCustomField(def);
      return ok({ customField: toCustomFieldJson(def) }, 201);
    },
  },
  {
    method: 'GET',
    path: '/locations/{locationId}/customFields/{id}',
    operationId: 'get-custom-field',
    scope: 'locations/customFields.readonly',
    locationFrom: 'path',
    handler: (ctx) => ok({ customField: toCustomFieldJson(field(ctx, true)) }),
  },
  {
    method: 'PUT',
    path: '/locations/{locationId}/customFields/{id}',
    operationId: 'update-custom-field',
    scope: 'locations/customFields.write',
    locationFrom: 'path',
    handler: (ctx) => {
      const d = field(ctx);
      const b = ctx.body;
      const next: CustomFieldDefinition = {
        ...d,
        name: typeof b.name === 'string' ? b.name : d.name,
        placeholder: typeof b.placeholder === 'string' ? b.placeholder : d.placeholder,
        position: typeof b.position === 'number' ? b.position : d.position,
      };
      ctx.store.putCustomField(next);
      return ok({ customField: toCustomFieldJson(next) });
    },
  },
  {
    method: 'DELETE',
    path: '/locations/{locationId}/customFields/{id}',
    operationId: 'delete-custom-field',
    scope: 'locations/customFields.write',
    locationFrom: 'path',
    handler: (ctx) => {
      ctx.store.deleteCustomField(ctx.loc.settings.id, field(ctx).id);
      return ok({ succeded: true });
    },
  },
];
