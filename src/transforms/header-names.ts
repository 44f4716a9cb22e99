import { STANDARD_FIELDS, type StandardField } from '../config/pipeline-types.js';

/**
 * The one table of column headers hoop-etl recognises: the contact field a
 * header names in HubSpot, Salesforce, Zoho and HighLevel exports, in
 * hoop-etl's own export, and in the words people use in English, German,
 * French, Spanish, Portuguese, Dutch and Italian spreadsheets. The import
 * without a pipeline maps the standard fields it assigns, and `init` writes
 * the same assignment into a pipeline, so the two always agree.
 *
 * A header is compared as written (lower case), then in a loose form (accents,
 * `ß`, spaces and punctuation removed), so `E-Mail`, `e_mail` and `EMAIL` are
 * one name. Where several headers name one field, the best-ranked name takes
 * it (the field's own name first, then the order below), then file order.
 */

/** What a header can name besides a standard field. */
export type HeaderField =
  | StandardField
  /** A second phone (mobile, cell): the phone when the file has no other, else a custom field. */
  | 'mobilePhone'
  | 'tags'
  | 'notes'
  /** Follower user ids (hoop-etl's export). */
  | 'followers'
  /** A business id (hoop-etl's export). */
  | 'businessId'
  /** Set by the platform or the source CRM's own bookkeeping: not imported. */
  | 'system';

export type HeaderOrigin = 'hoop-etl' | 'HighLevel' | 'HubSpot' | 'Salesforce' | 'Zoho' | HeaderLanguage;
export type HeaderLanguage = 'English' | 'German' | 'French' | 'Spanish' | 'Portuguese' | 'Dutch' | 'Italian';
export const HEADER_LANGUAGES: readonly HeaderLanguage[] = ['English', 'German', 'French', 'Spanish', 'Portuguese', 'Dutch', 'Italian'];

type Names = Partial<Record<HeaderField, readonly string[]>>;

/**
 * Names by origin, each field's names in the order they should win. The
 * standard fields' own names (hoop-etl's export writes them) come first, so a
 * file that has `email` and `E-Mail` maps `email`.
 */
const TABLE: ReadonlyArray<readonly [HeaderOrigin, Names]> = [
  [
    'hoop-etl',
    {
      ...Object.fromEntries(STANDARD_FIELDS.map((f) => [f, [f]])),
      followers: ['followers'],
      businessId: ['businessId'],
      system: ['id', 'type', 'dateAdded', 'dateUpdated', 'lastActivity', 'locationId', 'additionalEmails', 'additionalPhones', 'validEmail', 'businessName', 'contactName', 'phoneLabel', 'dndSettings.Call.status', 'dndSettings.Email.status', 'dndSettings.SMS.status', 'dndSettings.WhatsApp.status', 'dndSettings.GMB.status', 'dndSettings.FB.status', 'dndSettings.RCS.status'],
      tags: ['tags'],
    },
  ],
  [
    'HubSpot',
    {
      firstName: ['First Name'],
      lastName: ['Last Name'],
      email: ['Email'],
      phone: ['Phone Number'],
      mobilePhone: ['Mobile Phone Number'],
      companyName: ['Company Name'],
      website: ['Website URL'],
      address1: ['Street Address'],
      state: ['State/Region'],
      country: ['Country/Region Code', 'Country/Region'],
      source: ['Original Source'],
      dateOfBirth: ['Date of birth'],
    },
  ],
  [
    'Salesforce',
    {
      firstName: ['FirstName'],
      lastName: ['LastName'],
      email: ['Email'],
      phone: ['Phone'],
      companyName: ['Account.Name', 'AccountName'],
      address1: ['MailingStreet'],
      city: ['MailingCity'],
      state: ['MailingState'],
      postalCode: ['MailingPostalCode'],
      country: ['MailingCountryCode', 'MailingCountry'],
      source: ['LeadSource'],
      dateOfBirth: ['Birthdate'],
      mobilePhone: ['MobilePhone'],
      notes: ['Description'],
      // Ids of other Salesforce records: nothing in the location refers to them.
      system: ['OwnerId', 'AccountId', 'SystemModstamp'],
    },
  ],
  [
    'Zoho',
    {
      firstName: ['First Name'],
      lastName: ['Last Name'],
      email: ['Email'],
      phone: ['Phone'],
      dateOfBirth: ['Date of Birth'],
      source: ['Lead Source'],
      notes: ['Description'],
      companyName: ['Account Name'],
      address1: ['Mailing Street'],
      city: ['Mailing City'],
      state: ['Mailing State'],
      postalCode: ['Mailing Zip', 'Mailing Code'],
      country: ['Mailing Country'],
      name: ['Full Name'],
      mobilePhone: ['Mobile'],
      tags: ['Tag'],
      system: ['Created By', 'Modified By'],
    },
  ],
  [
    'HighLevel',
    {
      firstName: ['First Name'],
      lastName: ['Last Name'],
      email: ['Email'],
      phone: ['Phone'],
      companyName: ['Business Name', 'Company Name'],
      address1: ['Address', 'Street Address'],
      city: ['City'],
      state: ['State'],
      postalCode: ['Postal Code'],
      country: ['Country'],
      website: ['Website'],
      timezone: ['Timezone'],
      source: ['Source'],
      dateOfBirth: ['Date of Birth'],
      tags: ['Tags'],
      // The platform's own id and dates: a location gives its contacts new ones.
      system: ['Contact Id', 'Created', 'Last Activity', 'Updated'],
    },
  ],
  [
    'English',
    {
      firstName: ['First Name', 'First', 'Given Name', 'Forename'],
      lastName: ['Last Name', 'Last', 'Surname', 'Family Name'],
      name: ['Name', 'Full Name', 'Contact Name'],
      email: ['Email', 'E-mail', 'Email Address', 'Mail', 'Primary Email'],
      phone: ['Phone', 'Phone Number', 'Telephone', 'Tel', 'Business Phone', 'Work Phone', 'Office Phone', 'Primary Phone'],
      mobilePhone: ['Mobile Phone', 'Mobile', 'Mobile Number', 'Cell', 'Cell Phone'],
      companyName: ['Company', 'Company Name', 'Organization', 'Organisation', 'Business', 'Employer', 'Account'],
      address1: ['Address', 'Street', 'Street Address', 'Address Line 1', 'Address 1'],
      city: ['City', 'Town'],
      state: ['State', 'Region', 'Province', 'County', 'State/Province'],
      postalCode: ['Postal Code', 'Zip', 'Zip Code', 'Postcode'],
      country: ['Country Code', 'Country'],
      website: ['Website', 'Web Site', 'URL', 'Homepage', 'Web'],
      timezone: ['Time Zone'],
      source: ['Source', 'Lead Source', 'Contact Source'],
      gender: ['Gender', 'Sex'],
      dateOfBirth: ['Date of Birth', 'Birthday', 'Birth Date', 'DOB'],
      tags: ['Tags', 'Tag', 'Labels'],
      notes: ['Notes', 'Note', 'Comments', 'Comment', 'Description'],
    },
  ],
  [
    'German',
    {
      firstName: ['Vorname'],
      lastName: ['Nachname', 'Familienname'],
      name: ['Vollständiger Name'],
      email: ['E-Mail', 'E-Mail-Adresse', 'Email-Adresse', 'Mail'],
      phone: ['Telefon', 'Telefonnummer', 'Tel.', 'Festnetz'],
      mobilePhone: ['Mobil', 'Mobiltelefon', 'Mobilnummer', 'Handy', 'Handynummer'],
      companyName: ['Firma', 'Firmenname', 'Unternehmen', 'Organisation'],
      address1: ['Straße', 'Strasse', 'Straße und Hausnummer', 'Adresse', 'Anschrift'],
      city: ['Ort', 'Stadt', 'Wohnort'],
      state: ['Bundesland', 'Region'],
      postalCode: ['PLZ', 'Postleitzahl'],
      country: ['Land', 'Ländercode'],
      website: ['Webseite', 'Internetseite', 'Homepage'],
      timezone: ['Zeitzone'],
      source: ['Quelle', 'Herkunft'],
      gender: ['Geschlecht'],
      dateOfBirth: ['Geburtsdatum', 'Geburtstag'],
      tags: ['Schlagwörter', 'Stichwörter', 'Etiketten'],
      notes: ['Notizen', 'Notiz', 'Bemerkung', 'Bemerkungen', 'Kommentar'],
    },
  ],
  [
    'French',
    {
      firstName: ['Prénom'],
      lastName: ['Nom', 'Nom de famille'],
      name: ['Nom complet'],
      email: ['E-mail', 'Courriel', 'Adresse e-mail', 'Adresse email', 'Mail'],
      phone: ['Téléphone', 'Tél.', 'Tél', 'Numéro de téléphone', 'Téléphone fixe'],
      mobilePhone: ['Portable', 'Mobile', 'Téléphone portable', 'Téléphone mobile'],
      companyName: ['Société', 'Entreprise', 'Nom de l’entreprise', "Nom de l'entreprise", 'Organisation'],
      address1: ['Adresse', 'Rue'],
      city: ['Ville', 'Commune'],
      state: ['Région', 'Département', 'Province'],
      postalCode: ['Code postal', 'CP'],
      country: ['Pays', 'Code pays'],
      website: ['Site web', 'Site internet', 'Site'],
      timezone: ['Fuseau horaire'],
      source: ['Origine', 'Source'],
      gender: ['Sexe', 'Genre'],
      dateOfBirth: ['Date de naissance'],
      tags: ['Étiquettes', 'Tags', 'Mots-clés'],
      notes: ['Notes', 'Remarques', 'Remarque', 'Commentaire', 'Commentaires'],
    },
  ],
  [
    'Spanish',
    {
      firstName: ['Nombre'],
      lastName: ['Apellido', 'Apellidos'],
      name: ['Nombre completo'],
      email: ['Correo', 'Correo electrónico', 'Email', 'E-mail'],
      phone: ['Teléfono', 'Tel.', 'Número de teléfono'],
      mobilePhone: ['Móvil', 'Celular', 'Teléfono móvil'],
      companyName: ['Empresa', 'Compañía', 'Organización'],
      address1: ['Dirección', 'Calle', 'Domicilio'],
      city: ['Ciudad', 'Localidad', 'Municipio'],
      state: ['Provincia', 'Estado', 'Región'],
      postalCode: ['Código postal', 'CP'],
      country: ['País', 'Código de país'],
      website: ['Sitio web', 'Página web', 'Web'],
      timezone: ['Zona horaria'],
      source: ['Origen', 'Fuente'],
      gender: ['Género', 'Sexo'],
      dateOfBirth: ['Fecha de nacimiento'],
      tags: ['Etiquetas'],
      notes: ['Notas', 'Nota', 'Observaciones', 'Comentarios'],
    },
  ],
  [
    'Portuguese',
    {
      firstName: ['Nome', 'Primeiro nome'],
      lastName: ['Sobrenome', 'Apelido', 'Último nome'],
      name: ['Nome completo'],
      email: ['E-mail', 'Email', 'Endereço de e-mail'],
      phone: ['Telefone', 'Tel.', 'Número de telefone'],
      mobilePhone: ['Celular', 'Telemóvel', 'Telefone celular'],
      companyName: ['Empresa', 'Companhia', 'Organização'],
      address1: ['Endereço', 'Morada', 'Rua'],
      city: ['Cidade', 'Localidade', 'Município'],
      state: ['Estado', 'Distrito', 'Região'],
      postalCode: ['CEP', 'Código postal'],
      country: ['País'],
      website: ['Site', 'Sítio web'],
      timezone: ['Fuso horário'],
      source: ['Origem', 'Fonte'],
      gender: ['Gênero', 'Género', 'Sexo'],
      dateOfBirth: ['Data de nascimento'],
      tags: ['Etiquetas', 'Marcadores'],
      notes: ['Notas', 'Observações', 'Comentários'],
    },
  ],
  [
    'Dutch',
    {
      firstName: ['Voornaam'],
      lastName: ['Achternaam'],
      name: ['Volledige naam', 'Naam'],
      email: ['E-mail', 'E-mailadres', 'Emailadres'],
      phone: ['Telefoon', 'Telefoonnummer', 'Tel.'],
      mobilePhone: ['Mobiel', 'Mobiel nummer', 'GSM'],
      companyName: ['Bedrijf', 'Bedrijfsnaam', 'Organisatie'],
      address1: ['Adres', 'Straat', 'Straatnaam'],
      city: ['Plaats', 'Woonplaats', 'Stad'],
      state: ['Provincie'],
      postalCode: ['Postcode'],
      country: ['Land', 'Landcode'],
      website: ['Website'],
      timezone: ['Tijdzone'],
      source: ['Bron'],
      gender: ['Geslacht'],
      dateOfBirth: ['Geboortedatum'],
      tags: ['Labels', 'Tags'],
      notes: ['Notities', 'Opmerkingen', 'Opmerking'],
    },
  ],
  [
    'Italian',
    {
      firstName: ['Nome'],
      lastName: ['Cognome'],
      name: ['Nome completo', 'Nominativo'],
      email: ['E-mail', 'Email', 'Indirizzo email', 'Posta elettronica'],
      phone: ['Telefono', 'Tel.', 'Numero di telefono'],
      mobilePhone: ['Cellulare', 'Cell.'],
      companyName: ['Azienda', 'Società', 'Ragione sociale'],
      address1: ['Indirizzo', 'Via'],
      city: ['Città', 'Comune', 'Località'],
      state: ['Provincia', 'Regione'],
      postalCode: ['CAP', 'Codice postale'],
      country: ['Paese', 'Nazione'],
      website: ['Sito web', 'Sito'],
      timezone: ['Fuso orario'],
      source: ['Fonte', 'Origine'],
      gender: ['Sesso', 'Genere'],
      dateOfBirth: ['Data di nascita'],
      tags: ['Etichette', 'Tag'],
      notes: ['Note', 'Commenti', 'Osservazioni'],
    },
  ],
];

/** A header's loose form: lower case, accents and punctuation gone (`E-Mail` -> `email`, `Straße` -> `strasse`). */
export function looseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const exactForm = (header: string): string => header.trim().toLowerCase();

interface TableEntry {
  /** The name as the table writes it. */
  readonly name: string;
  readonly field: HeaderField;
  readonly origin: HeaderOrigin;
  /** Lower wins when two headers name one field. */
  readonly rank: number;
}

function index(form: (h: string) => string): Map<string, TableEntry[]> {
  const out = new Map<string, TableEntry[]>();
  // Ranks: a field's names in table order, across origins (the standard names first).
  const nextRank = new Map<HeaderField, number>();
  for (const [origin, names] of TABLE) {
    for (const [field, list] of Object.entries(names) as Array<[HeaderField, readonly string[]]>) {
      for (const name of list) {
        const rank = nextRank.get(field) ?? 0;
        nextRank.set(field, rank + 1);
        const key = form(name);
        const entries = out.get(key) ?? [];
        entries.push({ name, field, origin, rank });
        out.set(key, entries);
      }
    }
  }
  return out;
}

const EXACT = index(exactForm);
const LOOSE = index(looseHeader);

/** One header the table recognises. */
export interface HeaderMatch {
  readonly header: string;
  readonly field: HeaderField;
  /** Whose name it is: a CRM's export, hoop-etl's, or a language. */
  readonly origin: HeaderOrigin;
  readonly rank: number;
}

/** The entries a header matches, as written first, else in its loose form. */
function entriesOf(header: string): readonly TableEntry[] {
  const all = EXACT.get(exactForm(header)) ?? LOOSE.get(looseHeader(header)) ?? [];
  // hoop-etl's own bookkeeping columns only as its export writes them: Salesforce's `Id` is another thing than our `id`.
  return all.filter((e) => !(e.origin === 'hoop-etl' && e.field === 'system' && e.name !== header.trim()));
}

/**
 * The language most headers are written in (counting the headers only one
 * language of the table has), or undefined when none is.
 */
export function headerLanguage(headers: readonly string[]): HeaderLanguage | undefined {
  const votes = new Map<HeaderLanguage, number>();
  for (const h of headers) {
    const origins = entriesOf(h).map((e) => e.origin);
    // A CRM's own name (or hoop-etl's) says nothing of the language.
    if (origins.some((o) => !isLanguage(o))) continue;
    const langs = new Set(origins);
    if (langs.size === 1) for (const l of langs as Set<HeaderLanguage>) votes.set(l, (votes.get(l) ?? 0) + 1);
  }
  let best: [HeaderLanguage, number] | undefined;
  for (const v of votes) if (!best || v[1] > best[1]) best = v;
  return best?.[0];
}

const isLanguage = (o: HeaderOrigin): o is HeaderLanguage => (HEADER_LANGUAGES as readonly string[]).includes(o);

/** The export a file comes from (a CRM's or hoop-etl's): the one most headers (two at least) are written exactly as, counting names only one of them uses. */
export function headerSource(headers: readonly string[]): Exclude<HeaderOrigin, HeaderLanguage> | undefined {
  const votes = new Map<Exclude<HeaderOrigin, HeaderLanguage>, number>();
  for (const h of headers) {
    const exact = new Set(entriesOf(h).filter((e) => e.name === h.trim() && !isLanguage(e.origin)).map((e) => e.origin as Exclude<HeaderOrigin, HeaderLanguage>));
    if (exact.size === 1) for (const o of exact) votes.set(o, (votes.get(o) ?? 0) + 1);
  }
  let best: [Exclude<HeaderOrigin, HeaderLanguage>, number] | undefined;
  for (const v of votes) if (!best || v[1] > best[1]) best = v;
  // One name (`Tags`) is a coincidence; two are an export.
  return best && best[1] >= 2 ? best[0] : undefined;
}

/**
 * What one header names, read as the file's source export and language
 * write it where a name means different things (`Nom`, `Nome`, `Id`).
 */
export function recogniseHeader(header: string, language?: HeaderLanguage, source?: HeaderOrigin): HeaderMatch | undefined {
  const entries = entriesOf(header);
  if (entries.length === 0) return undefined;
  const pick = (o: HeaderOrigin | undefined): TableEntry | undefined => (o ? entries.find((e) => e.origin === o) : undefined);
  // Then hoop-etl's own name as its export writes it, an English word, a name written exactly so (`FirstName`: Salesforce), anything.
  const exact = (e: TableEntry): boolean => e.name === header.trim();
  const chosen =
    pick(source) ?? pick(language) ?? entries.find((e) => e.origin === 'hoop-etl' && exact(e)) ?? pick('English') ?? entries.find(exact) ?? entries.find((e) => !isLanguage(e.origin)) ?? entries[0]!;
  return { header, field: chosen.field, origin: chosen.origin, rank: chosen.rank };
}

/** Every header of a file: what it names, and whether it takes its field or another header does. */
export interface HeaderAssignment {
  readonly language: HeaderLanguage | undefined;
  /** The header each field reads (standard fields, tags, notes, ...); `system` is never assigned. */
  readonly fields: ReadonlyMap<HeaderField, HeaderMatch>;
  /** Recognised headers that lost their field to a better-named one (`Country/Region` beside `Country/Region Code`), in file order. */
  readonly others: readonly HeaderMatch[];
  /** Recognised headers by header. */
  readonly matches: ReadonlyMap<string, HeaderMatch>;
}

/**
 * Assigns a file's headers to fields: each field to its best-ranked header,
 * then the first in file order. A mobile phone becomes the phone when no
 * header names a phone.
 */
export function assignHeaders(headers: readonly string[]): HeaderAssignment {
  const language = headerLanguage(headers);
  const source = headerSource(headers);
  const matches = new Map<string, HeaderMatch>();
  const fields = new Map<HeaderField, HeaderMatch>();
  for (const h of headers) {
    const m = recogniseHeader(h, language, source);
    if (!m) continue;
    matches.set(h, m);
    if (m.field === 'system') continue;
    const held = fields.get(m.field);
    if (!held || m.rank < held.rank) fields.set(m.field, m);
  }
  const mobile = fields.get('mobilePhone');
  if (mobile && !fields.has('phone')) {
    fields.delete('mobilePhone');
    fields.set('phone', mobile);
  }
  const taken = new Set([...fields.values()].map((m) => m.header));
  const others = [...matches.values()].filter((m) => m.field !== 'system' && !taken.has(m.header));
  return { language, fields, others, matches };
}

/** Whether a field is one `mapping` can fill. */
export function isStandardField(field: HeaderField): field is StandardField {
  return (STANDARD_FIELDS as readonly string[]).includes(field);
}
