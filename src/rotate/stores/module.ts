import type { StoreConfig } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext } from './store.js';

// Issue #5 builds this store.
export async function createModuleStore(
  _config: Extract<StoreConfig, { type: 'module' }>,
  _context: StoreContext,
): Promise<SecretStore> {
  throw new ConfigError('the module store is not available in this build yet.');
}
