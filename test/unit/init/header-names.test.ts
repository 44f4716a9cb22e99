import { describe, expect, it } from 'vitest';
import { assignHeaders, headerLanguage, headerSource, looseHeader, recogniseHeader } from '../../../src/transforms/header-names.js';
import { mappingFromHeaders } from '../../../src/transforms/map-row.js';

describe('recogniseHeader', () => {
  it.each([
    // hoop-etl's export and the standard names
    ['email', undefined, 'email', 'hoop-etl'],
    ['address1', undefined, 'address1', 'hoop-etl'],
    ['dateAdded', undefined, 'system', 'hoop-etl'],
    ['dndSettings.SMS.status', undefined, 'system', 'hoop-etl'],
    ['followers', undefined, 'followers', 'hoop-etl'],
    // CRM exports
    ['Phone Number', undefined, 'phone', 'English'],
    ['FirstName', undefined, 'firstName', 'Salesforce'],
    ['Mobile Phone Number', undefined, 'mobilePhone', 'HubSpot'],
    ['Country/Region Code', undefined, 'country', 'HubSpot'],
    ['Account.Name', undefined, 'companyName', 'Salesforce'],
    ['MailingPostalCode', undefined, 'postalCode', 'Salesforce'],
    ['Mailing Zip', undefined, 'postalCode', 'Zoho'],
    ['Business Name', undefined, 'companyName', 'HighLevel'],
    ['Contact Id', undefined, 'system', 'HighLevel'],
    // languages, any case and punctuation
    ['E-Mail', 'German', 'email', 'German'],
    ['E-Mail', undefined, 'email', 'English'],
    ['e_mail', undefined, 'email', 'English'],
    ['Straße', undefined, 'address1', 'German'],
    ['STRASSE', undefined, 'address1', 'German'],
    ['PLZ', undefined, 'postalCode', 'German'],
    ['Prénom', undefined, 'firstName', 'French'],
    ['prenom', undefined, 'firstName', 'French'],
    ['Nom', 'French', 'lastName', 'French'],
    ['Code postal', 'French', 'postalCode', 'French'],
    ['Apellidos', undefined, 'lastName', 'Spanish'],
    ['Nombre', 'Spanish', 'firstName', 'Spanish'],
    ['Nome', 'Italian', 'firstName', 'Italian'],
    ['Sobrenome', undefined, 'lastName', 'Portuguese'],
    ['Telemóvel', undefined, 'mobilePhone', 'Portuguese'],
    ['Achternaam', undefined, 'lastName', 'Dutch'],
    ['Woonplaats', undefined, 'city', 'Dutch'],
    ['Cognome', undefined, 'lastName', 'Italian'],
    ['Geburtsdatum', undefined, 'dateOfBirth', 'German'],
    ['Date de naissance', undefined, 'dateOfBirth', 'French'],
  ] as const)('%s (file in %s) names %s (%s)', (header, language, field, origin) => {
    expect(recogniseHeader(header, language)).toEqual({ header, field, origin, rank: expect.any(Number) });
  });

  it.each(['Favourite Colour', 'Lifecycle Stage', 'Job Title', 'Record ID', ''])('%j names no field', (header) => {
    expect(recogniseHeader(header)).toBeUndefined();
  });

  it('compares headers in a loose form', () => {
    expect(looseHeader(' Straße / Hausnr. ')).toBe('strassehausnr');
    expect(looseHeader('Téléphone')).toBe('telephone');
  });
});

describe('headerLanguage', () => {
  it.each([
    [['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'PLZ', 'Ort'], 'German'],
    [['Prénom', 'Nom', 'E-mail', 'Téléphone', 'Code postal', 'Ville'], 'French'],
    [['Nombre', 'Apellidos', 'Correo', 'Teléfono'], 'Spanish'],
    [['Nome', 'Cognome', 'Email', 'Telefono', 'Città'], 'Italian'],
    [['Given Name', 'Surname', 'Email Address', 'Mobile'], 'English'],
    [['First Name', 'Last Name', 'Email'], undefined],
    [['id', 'email', 'phone'], undefined],
  ] as const)('%j is %s', (headers, language) => {
    expect(headerLanguage(headers)).toBe(language);
  });
});

describe('headerSource', () => {
  it.each([
    [['Id', 'FirstName', 'LastName', 'Email', 'Account.Name', 'MailingCity'], 'Salesforce'],
    [['id', 'firstName', 'lastName', 'email', 'address1', 'dateAdded'], 'hoop-etl'],
    [['Record ID', 'First Name', 'Phone Number', 'Country/Region Code'], 'HubSpot'],
    [['Record Id', 'First Name', 'Mailing Street', 'Mailing Zip', 'Mobile'], 'Zoho'],
    [['Contact Id', 'First Name', 'Business Name', 'Tags'], 'HighLevel'],
    [['Vorname', 'E-Mail'], undefined],
    [['First Name', 'Last Name', 'Email', 'Phone', 'Company', 'Tags', 'Note'], undefined],
  ] as const)('%j comes from %s', (headers, source) => {
    expect(headerSource(headers)).toBe(source);
  });

  it("reads Salesforce's Id as a column to keep and hoop-etl's id as the platform's own", () => {
    expect(assignHeaders(['Id', 'FirstName', 'Email']).matches.get('Id')).toBeUndefined();
    expect(assignHeaders(['id', 'firstName', 'email']).matches.get('id')).toMatchObject({ field: 'system', origin: 'hoop-etl' });
    expect(assignHeaders(['Id', 'FirstName', 'Email']).matches.get('FirstName')).toMatchObject({ field: 'firstName', origin: 'Salesforce' });
  });
});

describe('assignHeaders', () => {
  it('gives a field to its best-named header and lists the others', () => {
    const a = assignHeaders(['Country/Region', 'Country/Region Code', 'Phone Number', 'Mobile Phone Number', 'email', 'E-Mail']);
    expect(a.fields.get('country')?.header).toBe('Country/Region Code');
    expect(a.fields.get('phone')?.header).toBe('Phone Number');
    expect(a.fields.get('mobilePhone')?.header).toBe('Mobile Phone Number');
    expect(a.fields.get('email')?.header).toBe('email');
    expect(a.others.map((m) => m.header)).toEqual(['Country/Region', 'E-Mail']);
  });

  it('takes a mobile phone as the phone when no other header names one', () => {
    const a = assignHeaders(['Vorname', 'Handy']);
    expect(a.fields.get('phone')).toMatchObject({ header: 'Handy', origin: 'German' });
    expect(a.fields.has('mobilePhone')).toBe(false);
  });

  it('reads Nom as the last name in a French file and Nome as the first name in an Italian one', () => {
    expect(assignHeaders(['Prénom', 'Nom', 'Ville']).fields.get('lastName')?.header).toBe('Nom');
    expect(assignHeaders(['Nome', 'Cognome', 'Città']).fields.get('firstName')?.header).toBe('Nome');
  });
});

describe('the import without a pipeline reads the same table', () => {
  it('maps synonyms and CRM names to standard fields', () => {
    expect(mappingFromHeaders(['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'Geburtsdatum', 'Notizen', 'Lieblingsfarbe'])).toEqual({
      firstName: { from: { kind: 'column', column: 'Vorname' }, transforms: [{ name: 'trim' }] },
      lastName: { from: { kind: 'column', column: 'Nachname' }, transforms: [{ name: 'trim' }] },
      email: { from: { kind: 'column', column: 'E-Mail' }, transforms: [{ name: 'email' }] },
      phone: { from: { kind: 'column', column: 'Telefon' }, transforms: [{ name: 'e164', defaultCountry: 'US' }] },
      dateOfBirth: { from: { kind: 'column', column: 'Geburtsdatum' }, transforms: [{ name: 'date', format: 'auto' }] },
    });
  });
});
