/**
 * The platform's shapes as the client sees them (contacts.openapi.json and
 * BEHAVIOUR.md). Only what hoop-etl reads is spelled out; the rest passes
 * through untouched.
 */

export interface CustomFieldValue {
  id: string;
  value: unknown;
}

export interface CustomFieldInput {
  id?: string;
  key?: string;
  field_value?: unknown;
}

export interface DndSetting {
  status: 'active' | 'inactive' | 'permanent';
  message?: string;
  code?: string;
}

export interface Contact {
  id: string;
  locationId: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  emailLowerCase?: string;
  phone?: string;
  companyName?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  website?: string;
  timezone?: string;
  source?: string;
  type?: string;
  assignedTo?: string;
  dnd?: boolean;
  dndSettings?: Partial<Record<string, DndSetting>>;
  tags: string[];
  customFields?: CustomFieldValue[];
  dateOfBirth?: string | null;
  dateAdded: string;
  dateUpdated?: string;
  businessId?: string;
  followers?: string[];
  [key: string]: unknown;
}

/** A search hit: `address` instead of `address1`, and a `searchAfter` cursor. */
export interface SearchHit {
  id: string;
  searchAfter: unknown[];
  tags?: string[];
  customFields?: CustomFieldValue[];
  dateAdded?: string;
  dateUpdated?: string;
  [key: string]: unknown;
}

export interface ContactWrite {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  gender?: string;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  website?: string | null;
  timezone?: string | null;
  dnd?: boolean;
  dndSettings?: Partial<Record<string, DndSetting>>;
  tags?: string[];
  customFields?: CustomFieldInput[];
  source?: string | null;
  dateOfBirth?: string | null;
  country?: string;
  companyName?: string | null;
  assignedTo?: string | null;
}

export interface SearchFilter {
  field?: string;
  operator?: string;
  value?: unknown;
  group?: 'AND' | 'OR';
  filters?: readonly SearchFilter[];
}

export interface SearchRequest {
  locationId: string;
  pageLimit: number;
  page?: number;
  searchAfter?: unknown[];
  filters?: readonly SearchFilter[];
  sort?: Array<{ field: string; direction: 'asc' | 'desc' }>;
  query?: string;
}

export interface SearchResponse {
  contacts: SearchHit[];
  total: number;
}

export interface Note {
  id: string;
  body: string;
  userId?: string;
  dateAdded: string;
  contactId: string;
  title?: string;
  color?: string;
  pinned?: boolean;
}

export interface NoteWrite {
  body: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned?: boolean;
}

export interface Task {
  id: string;
  title: string;
  body?: string;
  assignedTo?: string;
  dueDate: string;
  completed: boolean;
  contactId: string;
}

export interface TaskWrite {
  title: string;
  dueDate: string;
  completed: boolean;
  body?: string;
  assignedTo?: string;
}

export interface Appointment {
  id: string;
  calendarId?: string;
  title?: string;
  startTime?: string;
  endTime?: string;
  [key: string]: unknown;
}

export interface BulkTagResult {
  contactId: string;
  message: string;
  type: 'success' | 'error';
  oldTags?: string[];
  tagsAdded?: string[];
  tagsRemoved?: string[];
}

export interface BulkTagsResponse {
  succeded: boolean;
  errorCount: number;
  responses: BulkTagResult[];
}

export interface CustomFieldDefinition {
  id: string;
  name: string;
  fieldKey: string;
  dataType: string;
  placeholder?: string;
  position?: number;
  picklistOptions?: string[];
  model?: string;
  locationId?: string;
}
