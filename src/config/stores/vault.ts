import { storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type VaultStoreConfig = {
  type: 'vault';
  path: string;
  address?: string;
  namespace?: string;
  mount?: string;
  field?: string;
  tokenFile?: string;
};

export const vault = declareStore<VaultStoreConfig>({
  type: 'vault',
  schema: storeSchema(
    'vault',
    'HashiCorp Vault KV version 2 (plain HTTP).',
    {
      address: str('Vault address, e.g. https://vault.example.com:8200 (default: VAULT_ADDR).'),
      namespace: str('Vault Enterprise namespace (X-Vault-Namespace).'),
      mount: str('KV v2 mount point.', { default: 'secret' }),
      path: str('Secret path under the mount.'),
      field: str('Key in the secret data that holds the API key.', { default: 'ANTHROPIC_API_KEY' }),
      tokenFile: str(
        'File holding the Vault token, relative to the config file; read when VAULT_TOKEN is not set (default: ~/.vault-token).',
      ),
    },
    ['path'],
  ),
});
