import { describe, expect, it } from 'vitest';
import { Router } from '../../../src/emulator/router.js';
import { allRoutes } from '../../../src/emulator/routes/index.js';

describe('Router', () => {
  const router = new Router(allRoutes);
  it.each([
    ['POST', '/contacts/search', 'search-contacts-advanced', {}],
    ['GET', '/contacts/search/duplicate', 'get-duplicate-contact', {}],
    ['GET', '/contacts/abcdefghij0123456789', 'get-contact', { contactId: 'abcdefghij0123456789' }],
    ['GET', '/contacts/business/641c094001436dbc2081e642', 'get-contacts-by-businessId', { businessId: '641c094001436dbc2081e642' }],
    ['POST', '/contacts/upsert', 'upsert-contact', {}],
    ['POST', '/contacts', 'create-contact', {}],
    ['POST', '/contacts/', 'create-contact', {}],
    ['GET', '/contacts/', 'get-contacts', {}],
    ['DELETE', '/contacts/c1/campaigns/removeAll', 'remove-contact-from-every-campaign', { contactId: 'c1' }],
    ['DELETE', '/contacts/c1/campaigns/k9', 'remove-contact-from-campaign', { contactId: 'c1', campaignId: 'k9' }],
    ['POST', '/contacts/bulk/tags/update/add', 'create-association', { type: 'add' }],
    ['POST', '/contacts/bulk/business', 'add-remove-contact-from-business', {}],
    ['PUT', '/contacts/c1/tasks/t1/completed', 'update-task-completed', { contactId: 'c1', taskId: 't1' }],
    ['GET', '/locations/L1/customFields/F1', 'get-custom-field', { locationId: 'L1', id: 'F1' }],
  ])('%s %s -> %s', (method, path, operationId, params) => {
    const m = router.match(method, path);
    expect(m?.route.operationId).toBe(operationId);
    expect(m?.params).toEqual(params);
  });

  it('does not match unknown paths or methods', () => {
    expect(router.match('PATCH', '/contacts/x')).toBeUndefined();
    expect(router.match('GET', '/opportunities')).toBeUndefined();
  });
});
