import type { StoreConfig } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext } from './store.js';

// Issue #6 builds this store.
export async function createAzureStore(
  _config: Extract<StoreConfig, { type: 'azure' }>,
  _context: StoreContext,
): Promise<SecretStore> {
  throw new ConfigError('the azure store is not available in this build yet.');
}
