// Part of `npm run build`: writes the config's JSON Schema from the very object the loader validates
// with (src/config/schema.ts), so editors and keyguard can never disagree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA } from '../dist/config/schema.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

mkdirSync(join(ROOT, 'schema'), { recursive: true });
writeFileSync(join(ROOT, 'schema', 'keyguard.config.schema.json'), `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
