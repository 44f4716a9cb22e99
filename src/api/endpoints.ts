import type { CountryCode } from 'libphonenumber-js';
import { phoneLibrary } from '../core/phone-library.js';
import type { HoopClient } from './client.js';
import type {
  Appointment,
  BulkTagsResponse,
  Contact,
  ContactWrite,
  CustomFieldDefinition,
  Note,
  NoteWrite,
  SearchRequest,
  SearchResponse,
  Task,
  TaskWrite,
} from './types.js';

/**
 * A typed method for every operation of the Contacts API and for the
 * custom-field definitions. Reads, PUT, DELETE, upsert and tag calls are safe
 * to retry; create contact, create note and create task look before they
 * write again after an ambiguous failure.
 */

const p = encodeURIComponent;

/** How long before the first attempt a note or task may be dated and still count as ours (clock skew). */
const RECONCILE_SKEW_MS = 120_000;

export interface ContactsApiOptions {
  /** Country for phones without `+` when looking a contact up by phone. @default 'US' */
  defaultCountry?: string;
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '') === (b ?? '');
}

export class ContactsApi {
  private readonly fieldCache = new Map<string, Promise<Map<string, CustomFieldDefinition>>>();
  /** The definitions once read, for the checks before a write. */
  private readonly knownFields = new Map<string, Map<string, CustomFieldDefinition>>();
  private readonly defaultCountry: string;

  constructor(
    readonly client: HoopClient,
    options: ContactsApiOptions = {},
  ) {
    this.defaultCountry = options.defaultCountry ?? 'US';
  }

  get locationId(): string {
    return this.client.locationId;
  }

  private async body<T>(spec: Parameters<HoopClient['call']>[0] & { reconcile?: (since: number) => Promise<T | undefined> }): Promise<T> {
    return (await this.client.call<T>(spec)).body;
  }

  /** The country phones without `+` are read in, for lookups and for the checks before a write. */
  get country(): string {
    return this.defaultCountry;
  }

  /**
   * A write the platform would refuse is refused here, with the platform's
   * message, and costs no request. Custom-field values are checked against
   * their types once the definitions have been read (customFieldMap).
   * Loaded on the first write: reads never pay for the request schemas.
   */
  private async check(operation: 'create-contact' | 'update-contact' | 'upsert-contact', body: Record<string, unknown>, path?: string): Promise<void> {
    const { writeRefusal } = await import('./write-check.js');
    const refusal = writeRefusal(operation, body, { country: this.defaultCountry, customFields: this.knownFields.get(this.locationId) }, path);
    if (refusal) throw refusal;
  }

  // ---- contacts

  /** Looks before writing again: after an ambiguous failure, a duplicate lookup by email, then phone. */
  async createContact(contact: ContactWrite): Promise<{ contact: Contact }> {
    const canCheck = Boolean(contact.email || contact.phone);
    await this.check('create-contact', { locationId: this.locationId, ...contact });
    return this.body({
      operation: 'create-contact',
      method: 'POST',
      path: '/contacts/',
      json: { locationId: this.locationId, ...contact },
      safety: 'unsafe',
      reconcile: canCheck
        ? async () => {
            const found = await this.findDuplicate({ email: contact.email ?? undefined, phone: contact.phone ?? undefined });
            return found ? { contact: found } : undefined;
          }
        : undefined,
    });
  }

  getContact(id: string): Promise<{ contact: Contact }> {
    return this.body({ operation: 'get-contact', method: 'GET', path: `/contacts/${p(id)}`, safety: 'safe' });
  }

  async updateContact(id: string, changes: ContactWrite): Promise<{ succeded: boolean; contact: Contact }> {
    await this.check('update-contact', { ...changes }, `/contacts/${p(id)}`);
    return this.body({ operation: 'update-contact', method: 'PUT', path: `/contacts/${p(id)}`, json: changes, safety: 'safe' });
  }

  deleteContact(id: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'delete-contact', method: 'DELETE', path: `/contacts/${p(id)}`, safety: 'safe' });
  }

  /** Safe to retry: a second upsert of the same body finds the contact the first one made. */
  async upsertContact(contact: ContactWrite & { createNewIfDuplicateAllowed?: boolean }): Promise<{ new: boolean; contact: Contact }> {
    await this.check('upsert-contact', { locationId: this.locationId, ...contact });
    return this.body({ operation: 'upsert-contact', method: 'POST', path: '/contacts/upsert', json: { locationId: this.locationId, ...contact }, safety: 'safe' });
  }

  searchContacts(request: Omit<SearchRequest, 'locationId'>): Promise<SearchResponse> {
    return this.body({ operation: 'search-contacts-advanced', method: 'POST', path: '/contacts/search', json: { locationId: this.locationId, ...request }, safety: 'safe' });
  }

  /** The platform matches phones in E.164 only, so the phone is normalised first. */
  async getDuplicateContact(query: { email?: string; phone?: string }): Promise<{ contact: Contact | null }> {
    const number = query.phone ? this.e164(query.phone) : undefined;
    return this.body({
      operation: 'get-duplicate-contact',
      method: 'GET',
      path: '/contacts/search/duplicate',
      searchParams: { locationId: this.locationId, email: query.email || undefined, number },
      safety: 'safe',
    });
  }

  /** Email first, then phone: the contact the platform would call a duplicate. */
  async findDuplicate(query: { email?: string; phone?: string }): Promise<Contact | undefined> {
    if (query.email) {
      const r = await this.getDuplicateContact({ email: query.email });
      if (r.contact) return r.contact;
    }
    if (query.phone) {
      const r = await this.getDuplicateContact({ phone: query.phone });
      if (r.contact) return r.contact;
    }
    return undefined;
  }

  /** Deprecated on the platform; kept because some accounts still page with it. */
  getContacts(query: { query?: string; limit?: number; startAfterId?: string; startAfter?: number } = {}): Promise<{ contacts: Contact[]; count: number; meta?: Record<string, unknown> }> {
    return this.body({
      operation: 'get-contacts',
      method: 'GET',
      path: '/contacts/',
      searchParams: {
        locationId: this.locationId,
        query: query.query,
        limit: query.limit?.toString(),
        startAfterId: query.startAfterId,
        startAfter: query.startAfter?.toString(),
      },
      safety: 'safe',
    });
  }

  getContactsByBusiness(businessId: string, query: { limit?: number; skip?: number; query?: string } = {}): Promise<{ contacts: Contact[]; count: number }> {
    return this.body({
      operation: 'get-contacts-by-businessId',
      method: 'GET',
      path: `/contacts/business/${p(businessId)}`,
      searchParams: { locationId: this.locationId, limit: query.limit?.toString(), skip: query.skip?.toString(), query: query.query },
      safety: 'safe',
    });
  }

  setBusiness(contactIds: string[], businessId: string | null): Promise<{ success: boolean; ids: string[] }> {
    return this.body({
      operation: 'add-remove-contact-from-business',
      method: 'POST',
      path: '/contacts/bulk/business',
      json: { locationId: this.locationId, ids: contactIds, businessId },
      safety: 'safe',
    });
  }

  // ---- tags: deltas only; `tags` on update/upsert would replace them all

  addTags(contactId: string, tags: string[]): Promise<{ tags: string[] }> {
    return this.body({ operation: 'add-tags', method: 'POST', path: `/contacts/${p(contactId)}/tags`, json: { tags }, safety: 'safe' });
  }

  removeTags(contactId: string, tags: string[]): Promise<{ tags: string[] }> {
    return this.body({ operation: 'remove-tags', method: 'DELETE', path: `/contacts/${p(contactId)}/tags`, json: { tags }, safety: 'safe' });
  }

  /** The path is built here: the spec's `{type}` placeholder is not substituted by the official SDK. */
  bulkTags(type: 'add' | 'remove', contactIds: string[], tags: string[], options: { removeAllTags?: boolean } = {}): Promise<BulkTagsResponse> {
    return this.body({
      operation: 'create-association',
      method: 'POST',
      path: `/contacts/bulk/tags/update/${type}`,
      json: { locationId: this.locationId, contacts: contactIds, tags, ...(options.removeAllTags ? { removeAllTags: true } : {}) },
      safety: 'safe',
    });
  }

  // ---- notes

  listNotes(contactId: string): Promise<{ notes: Note[] }> {
    return this.body({ operation: 'get-all-notes', method: 'GET', path: `/contacts/${p(contactId)}/notes`, safety: 'safe' });
  }

  /** Looks before writing again: a note with the same text, dated since the first attempt, is ours. */
  createNote(contactId: string, note: NoteWrite): Promise<{ note: Note }> {
    return this.body({
      operation: 'create-note',
      method: 'POST',
      path: `/contacts/${p(contactId)}/notes`,
      json: note,
      safety: 'unsafe',
      reconcile: async (since) => {
        const { notes } = await this.listNotes(contactId);
        const found = notes.find(
          (n) => n.body === note.body && sameText(n.title, note.title) && Date.parse(n.dateAdded) >= since - RECONCILE_SKEW_MS,
        );
        return found ? { note: found } : undefined;
      },
    });
  }

  getNote(contactId: string, noteId: string): Promise<{ note: Note }> {
    return this.body({ operation: 'get-note', method: 'GET', path: `/contacts/${p(contactId)}/notes/${p(noteId)}`, safety: 'safe' });
  }

  updateNote(contactId: string, noteId: string, changes: Partial<NoteWrite>): Promise<{ note: Note }> {
    return this.body({ operation: 'update-note', method: 'PUT', path: `/contacts/${p(contactId)}/notes/${p(noteId)}`, json: changes, safety: 'safe' });
  }

  deleteNote(contactId: string, noteId: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'delete-note', method: 'DELETE', path: `/contacts/${p(contactId)}/notes/${p(noteId)}`, safety: 'safe' });
  }

  // ---- tasks

  listTasks(contactId: string): Promise<{ tasks: Task[] }> {
    return this.body({ operation: 'get-all-tasks', method: 'GET', path: `/contacts/${p(contactId)}/tasks`, safety: 'safe' });
  }

  /** Looks before writing again: a task with the same title, due date and body is ours. */
  createTask(contactId: string, task: TaskWrite): Promise<{ task: Task }> {
    return this.body({
      operation: 'create-task',
      method: 'POST',
      path: `/contacts/${p(contactId)}/tasks`,
      json: task,
      safety: 'unsafe',
      reconcile: async () => {
        const { tasks } = await this.listTasks(contactId);
        const due = Date.parse(task.dueDate);
        const found = tasks.find((t) => t.title === task.title && Date.parse(t.dueDate) === due && sameText(t.body, task.body));
        return found ? { task: found } : undefined;
      },
    });
  }

  getTask(contactId: string, taskId: string): Promise<{ task: Task }> {
    return this.body({ operation: 'get-task', method: 'GET', path: `/contacts/${p(contactId)}/tasks/${p(taskId)}`, safety: 'safe' });
  }

  updateTask(contactId: string, taskId: string, changes: Partial<TaskWrite>): Promise<{ task: Task }> {
    return this.body({ operation: 'update-task', method: 'PUT', path: `/contacts/${p(contactId)}/tasks/${p(taskId)}`, json: changes, safety: 'safe' });
  }

  completeTask(contactId: string, taskId: string, completed: boolean): Promise<{ task: Task }> {
    return this.body({
      operation: 'update-task-completed',
      method: 'PUT',
      path: `/contacts/${p(contactId)}/tasks/${p(taskId)}/completed`,
      json: { completed },
      safety: 'safe',
    });
  }

  deleteTask(contactId: string, taskId: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'delete-task', method: 'DELETE', path: `/contacts/${p(contactId)}/tasks/${p(taskId)}`, safety: 'safe' });
  }

  // ---- followers, campaigns, workflows, appointments

  addFollowers(contactId: string, followers: string[]): Promise<{ followers: string[]; followersAdded: string[] }> {
    return this.body({ operation: 'add-followers-contact', method: 'POST', path: `/contacts/${p(contactId)}/followers`, json: { followers }, safety: 'safe' });
  }

  removeFollowers(contactId: string, followers: string[]): Promise<{ followers: string[]; followersRemoved: string[] }> {
    return this.body({ operation: 'remove-followers-contact', method: 'DELETE', path: `/contacts/${p(contactId)}/followers`, json: { followers }, safety: 'safe' });
  }

  addToCampaign(contactId: string, campaignId: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'add-contact-to-campaign', method: 'POST', path: `/contacts/${p(contactId)}/campaigns/${p(campaignId)}`, json: {}, safety: 'safe' });
  }

  removeFromCampaign(contactId: string, campaignId: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'remove-contact-from-campaign', method: 'DELETE', path: `/contacts/${p(contactId)}/campaigns/${p(campaignId)}`, safety: 'safe' });
  }

  removeFromAllCampaigns(contactId: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'remove-contact-from-every-campaign', method: 'DELETE', path: `/contacts/${p(contactId)}/campaigns/removeAll`, safety: 'safe' });
  }

  addToWorkflow(contactId: string, workflowId: string, eventStartTime?: string): Promise<{ succeded: boolean }> {
    return this.body({
      operation: 'add-contact-to-workflow',
      method: 'POST',
      path: `/contacts/${p(contactId)}/workflow/${p(workflowId)}`,
      json: eventStartTime ? { eventStartTime } : {},
      safety: 'safe',
    });
  }

  removeFromWorkflow(contactId: string, workflowId: string): Promise<{ succeded: boolean }> {
    return this.body({ operation: 'delete-contact-from-workflow', method: 'DELETE', path: `/contacts/${p(contactId)}/workflow/${p(workflowId)}`, json: {}, safety: 'safe' });
  }

  listAppointments(contactId: string): Promise<{ events: Appointment[] }> {
    return this.body({ operation: 'get-appointments-for-contact', method: 'GET', path: `/contacts/${p(contactId)}/appointments`, safety: 'safe' });
  }

  // ---- custom-field definitions (Locations API)

  listCustomFields(model: 'contact' | 'opportunity' | 'all' = 'contact'): Promise<{ customFields: CustomFieldDefinition[] }> {
    return this.body({
      operation: 'get-custom-fields',
      method: 'GET',
      path: `/locations/${p(this.locationId)}/customFields`,
      searchParams: { model },
      safety: 'safe',
    });
  }

  getCustomField(idOrKey: string): Promise<{ customField: CustomFieldDefinition }> {
    return this.body({ operation: 'get-custom-field', method: 'GET', path: `/locations/${p(this.locationId)}/customFields/${p(idOrKey)}`, safety: 'safe' });
  }

  createCustomField(field: { name: string; dataType: string; placeholder?: string; position?: number; model?: 'contact' | 'opportunity' }): Promise<{ customField: CustomFieldDefinition }> {
    this.fieldCache.delete(this.locationId);
    this.knownFields.delete(this.locationId);
    return this.body({
      operation: 'create-custom-field',
      method: 'POST',
      path: `/locations/${p(this.locationId)}/customFields`,
      json: field,
      // A second definition with the same name would get another key: look before writing again.
      safety: 'unsafe',
      reconcile: async () => {
        const { customFields } = await this.listCustomFields('all');
        const found = customFields.find((f) => f.name === field.name && f.dataType === field.dataType);
        return found ? { customField: found } : undefined;
      },
    });
  }

  /** id -> definition (name, `contact.<key>`, dataType), fetched once per location and cached. */
  customFieldMap(options: { refresh?: boolean } = {}): Promise<Map<string, CustomFieldDefinition>> {
    if (options.refresh) {
      this.fieldCache.delete(this.locationId);
      this.knownFields.delete(this.locationId);
    }
    let cached = this.fieldCache.get(this.locationId);
    if (!cached) {
      cached = this.listCustomFields('contact').then((r) => new Map(r.customFields.map((f) => [f.id, f])));
      const location = this.locationId;
      cached.then((m) => this.knownFields.set(location, m)).catch(() => undefined);
      cached.catch(() => this.fieldCache.delete(this.locationId));
      this.fieldCache.set(this.locationId, cached);
    }
    return cached;
  }

  private e164(phone: string): string {
    const parsed = phoneLibrary().parsePhoneNumberFromString(phone, this.defaultCountry as CountryCode);
    return parsed?.number ?? phone;
  }
}
