import { CONFIG_FILE } from '../config/loader.js';
import { SCHEMA_FILE } from '../config/schema-file.js';

export { CONFIG_FILE };

/** `$schema` of a starter config: the schema the installed package ships, for editor completion. */
export const SCHEMA_REF = `./node_modules/keyguard/${SCHEMA_FILE}`;

/** What `keyguard init` writes: the scan defaults spelled out, so they are easy to find and change. */
export function starterConfig(): string {
  const config = {
    $schema: SCHEMA_REF,
    scan: { exclude: [] as string[], failOn: 'high', baseline: '.keyguard-baseline.json' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
