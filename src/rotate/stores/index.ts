import type { StoreConfig, StoreType } from '../../config/types.js';
import { ConfigError } from '../../shared/errors.js';
import type { SecretStore, StoreContext, StoreFactory } from './store.js';

type ConfigFor<T extends StoreType> = Extract<StoreConfig, { type: T }>;

/**
 * The adapter of every store the config declares (config/stores/), each imported only here and only
 * when used, so `scan` never loads a cloud SDK. The compiler checks that every declared type has one.
 */
const ADAPTERS: { [T in StoreType]: StoreFactory<ConfigFor<T>> } = {
  aws: async (config, context) => (await import('./aws.js')).createAwsStore(config, context),
  gcp: async (config, context) => (await import('./gcp.js')).createGcpStore(config, context),
  azure: async (config, context) => (await import('./azure.js')).createAzureStore(config, context),
  vault: async (config, context) => (await import('./vault.js')).createVaultStore(config, context),
  doppler: async (config, context) => (await import('./doppler.js')).createDopplerStore(config, context),
  dotenv: async (config, context) => (await import('./dotenv.js')).createDotenvStore(config, context),
  module: async (config, context) => (await import('./module.js')).createModuleStore(config, context),
};

/** Open the store an environment names. */
export async function openStore(config: StoreConfig, context: StoreContext): Promise<SecretStore> {
  const create = Object.hasOwn(ADAPTERS, config.type)
    ? (ADAPTERS[config.type] as StoreFactory<StoreConfig>)
    : undefined;
  if (!create) throw new ConfigError(`unknown store type ${JSON.stringify((config as { type: unknown }).type)}.`);
  return create(config, context);
}
