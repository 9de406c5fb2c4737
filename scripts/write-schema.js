// Part of `npm run build`: writes the config's JSON Schema from the very object the loader validates
// with (src/config/schema.ts), so editors and keyguard can never disagree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA } from '../dist/config/schema.js';
import { ROOT } from './bench-util.js';

mkdirSync(join(ROOT, 'schema'), { recursive: true });
writeFileSync(join(ROOT, 'schema', 'keyguard.config.schema.json'), `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
