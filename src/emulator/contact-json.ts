import { fullName } from '../platform/normalise.js';
import type { AppointmentRecord, ContactRecord, NoteRecord, TaskRecord } from './types.js';

/** The JSON shapes the platform answers with, built from stored records. */

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Drops undefined values by building a new object (deleting keys would make V8 use a slow dictionary object). */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** GET/PUT/upsert `contact` (GetContectByIdSchema plus the fields real GETs add). */
export function toContactJson(c: ContactRecord): Record<string, unknown> {
  const name = fullName(c.firstName, c.lastName);
  return compact({
    id: c.id,
    name,
    locationId: c.locationId,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    emailLowerCase: c.email?.toLowerCase(),
    timezone: c.timezone,
    companyName: c.companyName,
    phone: c.phone,
    dnd: c.dnd,
    dndSettings: c.dndSettings,
    inboundDndSettings: c.inboundDndSettings,
    type: c.type,
    source: c.source,
    assignedTo: c.assignedTo,
    address1: c.address1,
    city: c.city,
    state: c.state,
    country: c.country,
    postalCode: c.postalCode,
    website: c.website,
    gender: c.gender,
    tags: [...c.tags],
    dateOfBirth: c.dateOfBirth,
    dateAdded: iso(c.dateAdded),
    dateUpdated: iso(c.dateUpdated),
    firstNameLowerCase: c.firstName?.toLowerCase(),
    lastNameLowerCase: c.lastName?.toLowerCase(),
    fullNameLowerCase: name?.toLowerCase(),
    lastActivity: iso(c.lastActivity),
    customFields: c.customFields.map((f) => ({ id: f.id, value: f.value })),
    businessId: c.businessId,
    attributionSource: c.attributionSource,
    additionalEmails: [...c.additionalEmails],
    additionalPhones: [...c.additionalPhones],
    followers: [...c.followers],
    createdBy: c.createdBy,
  });
}

/** POST /contacts/ `contact` (CreateContactSchema): the GET shape plus the create-only flags. */
export function toCreatedContactJson(c: ContactRecord): Record<string, unknown> {
  const base = toContactJson(c);
  const dob = c.dateOfBirth ? new Date(c.dateOfBirth) : undefined;
  return compact({
    ...base,
    deleted: false,
    bounceEmail: false,
    unsubscribeEmail: false,
    birthMonth: dob ? dob.getUTCMonth() + 1 : undefined,
    birthDay: dob ? dob.getUTCDate() : undefined,
  });
}

export function toNoteJson(n: NoteRecord): Record<string, unknown> {
  return compact({
    id: n.id,
    body: n.body,
    userId: n.userId,
    dateAdded: iso(n.dateAdded),
    contactId: n.contactId,
    title: n.title,
    color: n.color,
    pinned: n.pinned,
  });
}

export function toTaskJson(t: TaskRecord): Record<string, unknown> {
  return compact({
    id: t.id,
    title: t.title,
    body: t.body,
    assignedTo: t.assignedTo,
    dueDate: t.dueDate,
    completed: t.completed,
    contactId: t.contactId,
  });
}

export function toAppointmentJson(a: AppointmentRecord): Record<string, unknown> {
  return compact({ ...a, users: a.assignedUserId ? [a.assignedUserId] : [], assignedResources: [] });
}
