import { storeModuleFor } from '../../config/stores/registry.js';
import type { StoreConfig } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext } from './store.js';

/**
 * Open the store an environment names. Each store's declaration (config/stores/) imports its adapter,
 * and so its SDK, only here, only when used, so `scan` never loads a cloud SDK.
 */
export async function openStore(config: StoreConfig, context: StoreContext): Promise<SecretStore> {
  const store = storeModuleFor(config);
  if (!store) throw new ConfigError(`unknown store type ${JSON.stringify((config as { type: unknown }).type)}.`);
  return store.create(config, context);
}
