/**
 * Internal records of the emulator's store. Records are immutable: every write
 * replaces the object, so a lagged search index can hold old versions safely.
 */
import type { CustomFieldType } from '../api/search-grammar.js';

export type DndStatus = 'active' | 'inactive' | 'permanent';

export interface DndSetting {
  status: DndStatus;
  message?: string;
  code?: string;
}

export type DndChannel = 'Call' | 'Email' | 'SMS' | 'WhatsApp' | 'GMB' | 'FB';

export type DndSettings = Partial<Record<DndChannel, DndSetting>>;

/** A custom field value as stored and returned: `{id, value}`. */
export interface CustomFieldValue {
  id: string;
  value: unknown;
}

export interface ContactRecord {
  readonly id: string;
  readonly locationId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly companyName?: string;
  readonly address1?: string;
  readonly city?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly website?: string;
  readonly timezone?: string;
  readonly gender?: string;
  readonly source?: string;
  readonly assignedTo?: string;
  readonly dnd: boolean;
  readonly dndSettings?: DndSettings;
  readonly inboundDndSettings?: { all?: { status: 'active' | 'inactive'; message?: string } };
  /** Normalised: trimmed, lower-cased, unique, non-empty. */
  readonly tags: readonly string[];
  readonly customFields: readonly CustomFieldValue[];
  /** ISO date-time at midnight UTC, e.g. `1990-09-25T00:00:00.000Z`. */
  readonly dateOfBirth?: string;
  /** Epoch milliseconds; serialised as ISO strings. */
  readonly dateAdded: number;
  readonly dateUpdated: number;
  readonly lastActivity?: number;
  readonly type: string;
  readonly businessId?: string;
  readonly followers: readonly string[];
  readonly additionalEmails: readonly string[];
  readonly additionalPhones: readonly string[];
  readonly attributionSource?: Record<string, unknown>;
  readonly createdBy: { source: string; channel: string; sourceId: string; timestamp: string };
  /** Workflow ids the contact is in (shown in search as `activeWorkflows`). */
  readonly activeWorkflows: readonly string[];
  readonly campaigns: readonly string[];
}

export interface NoteRecord {
  readonly id: string;
  readonly contactId: string;
  readonly body: string;
  readonly userId?: string;
  readonly title?: string;
  readonly color?: string;
  readonly pinned?: boolean;
  readonly dateAdded: number;
}

export interface TaskRecord {
  readonly id: string;
  readonly contactId: string;
  readonly title: string;
  readonly body?: string;
  readonly assignedTo?: string;
  readonly dueDate: string;
  readonly completed: boolean;
  readonly dateAdded: number;
}

export interface AppointmentRecord {
  readonly id: string;
  readonly contactId: string;
  readonly locationId: string;
  readonly calendarId: string;
  readonly title: string;
  readonly status: string;
  readonly appointmentStatus: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly assignedUserId?: string;
  readonly notes?: string;
  readonly address?: string;
  readonly dateAdded: string;
  readonly dateUpdated: string;
}

/** The data types of the locations API (one list, in the shared search grammar). */
export type CustomFieldDataType = CustomFieldType;

export interface CustomFieldDefinition {
  readonly id: string;
  readonly locationId: string;
  readonly name: string;
  /** Always `contact.<key>` (or `opportunity.<key>`), as the Locations API returns it. */
  readonly fieldKey: string;
  readonly dataType: CustomFieldDataType;
  readonly placeholder?: string;
  readonly position: number;
  readonly picklistOptions: readonly string[];
  readonly model: 'contact' | 'opportunity';
}

export type UniqueIdentifier = 'email' | 'phone';

export interface LocationSettings {
  readonly id: string;
  readonly name: string;
  /** ISO-3166 alpha-2, used to parse phones written without `+`. */
  readonly country: string;
  readonly timezone: string;
  readonly allowDuplicateContact: boolean;
  /** Priority order used by upsert and duplicate refusal. */
  readonly contactUniqueIdentifiers: readonly UniqueIdentifier[];
}

/** The scopes the Contacts API routes need. */
export type Scope =
  | 'contacts.readonly'
  | 'contacts.write'
  | 'locations/customFields.readonly'
  | 'locations/customFields.write';

/** Any scope a token can hold: the route scopes and those of the agency routes. */
export type AnyScope = Scope | 'locations.readonly' | 'oauth.readonly' | 'oauth.write';

/** What a Private Integration Token gets by default: the contacts and custom-field scopes. */
export const ALL_SCOPES: readonly Scope[] = [
  'contacts.readonly',
  'contacts.write',
  'locations/customFields.readonly',
  'locations/customFields.write',
];

/** Every scope the emulator knows; an OAuth grant asks for these by default. */
export const KNOWN_SCOPES: readonly AnyScope[] = [...ALL_SCOPES, 'locations.readonly', 'oauth.readonly', 'oauth.write'];

export type UserType = 'Location' | 'Company';

export interface TokenRecord {
  readonly token: string;
  /** The location the token acts for; `''` for a Company (agency) token. */
  readonly locationId: string;
  readonly scopes: readonly AnyScope[];
  /** Set on OAuth access tokens only; a token without it is a static Private Integration Token. */
  readonly oauth?: {
    readonly clientId: string;
    readonly userType: UserType;
    readonly companyId: string;
    /** Epoch ms after which the token answers 401 Invalid JWT. */
    readonly expiresAt: number;
    /** Set when a refresh rotated the token out (or it was revoked): 401 Invalid JWT from then on. */
    readonly revokedAt?: number;
  };
}

/** An authorization code from the consent step, single-use, until `expiresAt`. */
export interface CodeGrant {
  readonly code: string;
  readonly clientId: string;
  readonly userType: UserType;
  readonly companyId: string;
  readonly locationId?: string;
  readonly scopes: readonly AnyScope[];
  readonly redirectUri?: string;
  readonly expiresAt: number;
  readonly usedAt?: number;
}

/**
 * A refresh token and what it stands for. Single use: the first refresh sets
 * `usedAt` and keeps the answer it gave in `rotatedTo`, which a reuse inside the
 * grace window gets again.
 */
export interface RefreshGrant {
  readonly refreshToken: string;
  /** 24-hex, as the platform's `refreshTokenId`. */
  readonly refreshTokenId: string;
  readonly clientId: string;
  readonly userType: UserType;
  readonly companyId: string;
  readonly locationId?: string;
  readonly scopes: readonly AnyScope[];
  /** The access token issued together with this refresh token. */
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly usedAt?: number;
  readonly rotatedTo?: Record<string, unknown>;
}
