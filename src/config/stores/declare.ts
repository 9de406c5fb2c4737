import type { JsonSchema } from '../schema-parts.js';

/**
 * What the config knows of a secrets store: its type tag, its JSON-schema fragment and (as a type) the
 * shape of its config. The adapter that talks to the store lives in rotate/stores/ and is matched to the
 * declaration by type there, so loading the config (which `scan` does) never loads rotation code.
 */
export interface StoreDeclaration<C extends { type: string }> {
  readonly type: C['type'];
  readonly schema: JsonSchema;
  /** Never set: carries the config type so the registry can derive the StoreConfig union. */
  readonly config?: C;
}

export function declareStore<C extends { type: string }>(declaration: {
  type: C['type'];
  schema: JsonSchema;
}): StoreDeclaration<C> {
  return declaration;
}
