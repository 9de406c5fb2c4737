import { CONFIG_SCHEMA } from './schema.js';

/** Where the package ships the config schema, relative to the package root (and `$schema` in init). */
export const SCHEMA_FILE = 'schema/keyguard.config.schema.json';

/** The text of the shipped schema file: the loader's own schema object, so they cannot disagree. */
export function renderSchema(): string {
  return `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`;
}
