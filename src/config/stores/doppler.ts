import { storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type DopplerStoreConfig = { type: 'doppler'; project: string; config: string; name?: string; apiUrl?: string };

export const doppler = declareStore<DopplerStoreConfig>({
  type: 'doppler',
  schema: storeSchema(
    'doppler',
    'Doppler (REST API).',
    {
      project: str('Doppler project. The token comes from DOPPLER_TOKEN.'),
      config: str('Doppler config (environment), e.g. prd.'),
      name: str('Secret name in the config.', { default: 'ANTHROPIC_API_KEY' }),
      apiUrl: str('API base URL (default: https://api.doppler.com); override for tests or a proxy.'),
    },
    ['project', 'config'],
  ),
});
