import type { StoreModule } from '../../rotate/stores/store.js';
import { storeSchema, str } from '../schema-parts.js';

export type ModuleStoreConfig = { type: 'module'; path: string; options?: Record<string, unknown> };

export const module = {
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
  create: async (config, context) => (await import('../../rotate/stores/module.js')).createModuleStore(config, context),
} satisfies StoreModule<ModuleStoreConfig>;
