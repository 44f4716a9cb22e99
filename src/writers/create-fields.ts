import type { ContactsApi } from '../api/endpoints.js';
import type { CustomFieldDefinition } from '../api/types.js';
import { HoopError } from '../core/errors.js';
import type { FieldToCreate } from './custom-field-plan.js';

/**
 * Creates the fields a run needs, one request each, before the first contact
 * is written, and returns their definitions as the create answered them: the
 * platform's field list may lag a create, so a new field is never looked up
 * again by listing. A key the platform did not give as asked stops the run
 * (its contacts would fill another field than the pipeline names).
 */
export async function createCustomFields(api: ContactsApi, fields: readonly FieldToCreate[]): Promise<CustomFieldDefinition[]> {
  const created: CustomFieldDefinition[] = [];
  for (const f of fields) {
    const { customField } = await api.createCustomField({ name: f.name, dataType: f.dataType, model: 'contact' });
    if (f.key !== undefined && customField.fieldKey !== f.key) {
      throw new HoopError(
        'FIELD_KEY_MISMATCH',
        `Custom field ${JSON.stringify(f.name)} was created with key '${customField.fieldKey}', not '${f.key}' (${f.path}); rename or delete it in the location (Settings > Custom Fields), or set the pipeline's key to '${customField.fieldKey}'`,
      );
    }
    created.push(customField);
  }
  return created;
}
