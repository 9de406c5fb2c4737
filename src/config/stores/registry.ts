import { aws } from './aws.js';
import { azure } from './azure.js';
import type { StoreDeclaration } from './declare.js';
import { doppler } from './doppler.js';
import { dotenv } from './dotenv.js';
import { gcp } from './gcp.js';
import { module } from './module.js';
import { vault } from './vault.js';

/**
 * Every store keyguard knows, in the order the config schema lists them. config/types.ts derives the
 * StoreConfig union from this list and config/schema.ts the `oneOf` of environments.*.store, so adding
 * a store is its declaration here plus its adapter in rotate/stores/ (index.ts maps the type to it). `scan` loads this list (it
 * validates the config): a declaration must never import its adapter or SDK at the top.
 */
export const STORE_MODULES = [aws, gcp, azure, vault, doppler, dotenv, module] as const;

/** The config type a store module declares. */
export type ConfigOf<M> = M extends StoreDeclaration<infer C> ? C : never;
