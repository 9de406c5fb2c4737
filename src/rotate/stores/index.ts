import type { StoreConfig } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext } from './store.js';

/**
 * Open the store an environment names. Each adapter (and its SDK) is imported only here, only when
 * used, so `scan` never loads a cloud SDK.
 */
export async function openStore(config: StoreConfig, context: StoreContext): Promise<SecretStore> {
  switch (config.type) {
    case 'aws':
      return (await import('./aws.js')).createAwsStore(config, context);
    case 'gcp':
      return (await import('./gcp.js')).createGcpStore(config, context);
    case 'azure':
      return (await import('./azure.js')).createAzureStore(config, context);
    case 'vault':
      return (await import('./vault.js')).createVaultStore(config, context);
    case 'doppler':
      return (await import('./doppler.js')).createDopplerStore(config, context);
    case 'dotenv':
      return (await import('./dotenv.js')).createDotenvStore(config, context);
    case 'module':
      return (await import('./module.js')).createModuleStore(config, context);
    default:
      throw new ConfigError(`unknown store type ${JSON.stringify((config as { type: unknown }).type)}.`);
  }
}
