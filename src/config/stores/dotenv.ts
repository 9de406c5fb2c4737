import type { StoreModule } from '../../rotate/stores/store.js';
import { storeSchema, str } from '../schema-parts.js';

export type DotenvStoreConfig = { type: 'dotenv'; path: string; variable?: string };

export const dotenv = {
  type: 'dotenv',
  schema: storeSchema(
    'dotenv',
    'A local env file (development).',
    {
      path: str('Path of the env file, relative to the config file.'),
      variable: str('Variable that holds the key.', { default: 'ANTHROPIC_API_KEY' }),
    },
    ['path'],
  ),
  create: async (config, context) => (await import('../../rotate/stores/dotenv.js')).createDotenvStore(config, context),
} satisfies StoreModule<DotenvStoreConfig>;
