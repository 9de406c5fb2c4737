import type { StoreConfig } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext } from './store.js';

// Issue #6 builds this store.
export async function createDopplerStore(
  _config: Extract<StoreConfig, { type: 'doppler' }>,
  _context: StoreContext,
): Promise<SecretStore> {
  throw new ConfigError('the doppler store is not available in this build yet.');
}
