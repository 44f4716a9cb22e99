/**
 * The documented grammar of POST /contacts/search filters (BEHAVIOUR.md §2):
 * which fields can be filtered with which operators, and the sort keys. Both
 * sides read it: the exporter checks a user's filters before the first
 * request, and the emulator answers `Invalid field` from the same table.
 */

export const SEARCH_OPERATORS = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range'] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

export const E: readonly SearchOperator[] = ['eq', 'not_eq'];
export const EX: readonly SearchOperator[] = ['eq', 'not_eq', 'exists', 'not_exists'];
export const ECX: readonly SearchOperator[] = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists'];
export const RX: readonly SearchOperator[] = ['range', 'exists', 'not_exists'];
export const RXE: readonly SearchOperator[] = ['range', 'exists', 'not_exists', 'eq', 'not_eq'];
export const NO_OPS: readonly SearchOperator[] = [];

/** Standard filter fields and their operators; the last two are unofficial but reported working. */
export const STANDARD_FILTER_FIELDS: Readonly<Record<string, readonly SearchOperator[]>> = {
  id: E,
  address: ECX,
  assignedTo: EX,
  businessName: ECX,
  city: ECX,
  country: EX,
  companyName: ECX,
  dateAdded: RX,
  dateUpdated: RX,
  dnd: EX,
  email: EX,
  followers: EX,
  validEmail: EX,
  lastAppointment: RX,
  firstNameLowerCase: ECX,
  lastNameLowerCase: ECX,
  isValidWhatsapp: EX,
  lastEmailClickedDate: RX,
  lastEmailOpenedDate: RX,
  phone: ECX,
  postalCode: ECX,
  source: ECX,
  state: ECX,
  tags: ECX,
  timezone: EX,
  type: EX,
  website: EX,
  activeWorkflows: EX,
  finishedWorkflows: EX,
  contactName: EX,
  dateOfBirth: RX,
};

/** Channels of `dndSettings.<Channel>.status` (E); RCS is observed on the platform though absent from the spec. */
export const DND_CHANNELS: readonly string[] = ['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB', 'RCS'];
export const DND_FILTER_FIELD = /^dndSettings\.([A-Za-z]+)\.status$/;
export const DND_OPS = E;

/** Sub-fields of the nested `opportunities` filter, all E X. */
export const OPPORTUNITY_FIELDS: readonly string[] = ['pipelineId', 'pipelineStageId', 'status'];
export const OPPORTUNITY_OPS = EX;

export type CustomFieldType =
  | 'TEXT'
  | 'LARGE_TEXT'
  | 'NUMERICAL'
  | 'PHONE'
  | 'MONETORY'
  | 'CHECKBOX'
  | 'SINGLE_OPTIONS'
  | 'MULTIPLE_OPTIONS'
  | 'DATE'
  | 'TEXTBOX_LIST'
  | 'FILE_UPLOAD'
  | 'RADIO';

/** Operators on `customFields.<id>` by the field's data type (TEXTBOX_LIST: per option only, `customFields.<id>.<optionId>`: E C X). */
export function customFieldOps(dataType: string): readonly SearchOperator[] {
  switch (dataType) {
    case 'TEXT':
    case 'LARGE_TEXT':
    case 'SINGLE_OPTIONS':
    case 'RADIO':
    case 'PHONE':
      return ECX;
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS':
      return EX;
    case 'NUMERICAL':
    case 'MONETORY':
      return RXE;
    case 'DATE':
      return RX;
    default:
      return NO_OPS;
  }
}

export const SORT_FIELDS = ['firstNameLowerCase', 'lastNameLowerCase', 'businessName', 'dateAdded', 'dateUpdated', 'email', 'dnd', 'source'] as const;
export type SortFieldName = (typeof SORT_FIELDS)[number];

/** Longest value the platform accepts for any operator that takes one. */
export const MAX_FILTER_VALUE_LENGTH = 75;
