import type { StoreModule } from '../../rotate/stores/store.js';
import { field, storeSchema, str } from '../schema-parts.js';

export type AzureStoreConfig = {
  type: 'azure';
  vaultUrl: string;
  name: string;
  field?: string;
  disableOldVersion?: boolean;
};

export const azure = {
  type: 'azure',
  schema: storeSchema(
    'azure',
    'Azure Key Vault (@azure/keyvault-secrets + @azure/identity).',
    {
      vaultUrl: str('Vault URL, e.g. https://my-vault.vault.azure.net.'),
      name: str('Secret name in the vault.'),
      field,
      disableOldVersion: {
        type: 'boolean',
        default: false,
        description:
          'When the rotation is finished, disable the secret version holding the old key (needs update permission).',
      },
    },
    ['vaultUrl', 'name'],
  ),
  create: async (config, context) => (await import('../../rotate/stores/azure.js')).createAzureStore(config, context),
} satisfies StoreModule<AzureStoreConfig>;
