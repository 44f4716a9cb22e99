import { contactRoutes } from './contacts.js';
import { customFieldRoutes } from './custom-fields.js';
import { noteTaskRoutes } from './notes-tasks.js';
import { relatedRoutes } from './related.js';
import type { RouteDef } from './route.js';
import { searchRoutes } from './search.js';
import { tagRoutes } from './tags.js';

export const allRoutes: readonly RouteDef[] = [
  ...contactRoutes,
  ...searchRoutes,
  ...tagRoutes,
  ...noteTaskRoutes,
  ...relatedRoutes,
  ...customFieldRoutes,
];
