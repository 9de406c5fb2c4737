import { storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type ModuleStoreConfig = { type: 'module'; path: string; options?: Record<string, unknown> };

export const module = declareStore<ModuleStoreConfig>({
  type: 'module',
  schema: storeSchema(
    'module',
    "The user's own store adapter: a module exporting createStore(options).",
    {
      path: str('Path of the module, relative to the config file.'),
      options: { type: 'object', description: 'Passed to createStore as is.', additionalProperties: true },
    },
    ['path'],
  ),
});
