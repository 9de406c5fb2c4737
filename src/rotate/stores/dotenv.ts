import type { StoreConfig } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext } from './store.js';

// Issue #5 builds this store.
export async function createDotenvStore(
  _config: Extract<StoreConfig, { type: 'dotenv' }>,
  _context: StoreContext,
): Promise<SecretStore> {
  throw new ConfigError('the dotenv store is not available in this build yet.');
}
