import { field, storeSchema, str } from '../schema-parts.js';
import { declareStore } from './declare.js';

export type AzureStoreConfig = {
  type: 'azure';
  vaultUrl: string;
  name: string;
  field?: string;
  disableOldVersion?: boolean;
};

export const azure = declareStore<AzureStoreConfig>({
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
});
