import { storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type DotenvStoreConfig = { type: 'dotenv'; path: string; variable?: string };

export const dotenv = declareStore<DotenvStoreConfig>({
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
});
