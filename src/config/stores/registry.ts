import type { StoreModule } from '../../rotate/stores/store.js';
import { aws } from './aws.js';
import { azure } from './azure.js';
import { doppler } from './doppler.js';
import { dotenv } from './dotenv.js';
import { gcp } from './gcp.js';
import { module } from './module.js';
import { vault } from './vault.js';

/**
 * Every store keyguard knows, in the order the config schema lists them. config/types.ts derives the
 * StoreConfig union from this list and config/schema.ts the `oneOf` of environments.*.store, so adding
 * a store is its declaration here plus its adapter in rotate/stores/. `scan` loads this list (it
 * validates the config): a declaration must never import its adapter or SDK at the top.
 */
export const STORE_MODULES = [aws, gcp, azure, vault, doppler, dotenv, module] as const;

/** The config type a store module declares. */
export type ConfigOf<M> = M extends StoreModule<infer C> ? C : never;

/** The module declaring `type`, or undefined for a type no store has. */
export function storeModuleFor<C extends { type: string }>(config: C): StoreModule<C> | undefined {
  // The type tag picks the one module whose config `config` is, so its create() accepts it.
  return STORE_MODULES.find((m) => m.type === config.type) as StoreModule<C> | undefined;
}
