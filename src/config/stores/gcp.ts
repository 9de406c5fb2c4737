import { field, storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type GcpStoreConfig = { type: 'gcp'; secret: string; field?: string; apiEndpoint?: string };

export const gcp = declareStore<GcpStoreConfig>({
  type: 'gcp',
  schema: storeSchema(
    'gcp',
    'Google Secret Manager (@google-cloud/secret-manager).',
    {
      secret: str('Secret resource name: projects/<project>/secrets/<name>.', {
        pattern: '^projects/[^/]+/secrets/[^/]+$',
      }),
      field,
      apiEndpoint: str(
        'API endpoint override (default: KEYGUARD_GCP_API_ENDPOINT): host[:port] over TLS, or http://127.0.0.1:PORT for a local emulator (plaintext, no credentials, loopback only).',
      ),
    },
    ['secret'],
  ),
});
