#!/usr/bin/env node
// Part of `npm run build`: writes the config JSON Schema the package ships, from the compiled loader schema.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSchema, SCHEMA_FILE } from '../dist/config/schema-file.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const file = join(root, SCHEMA_FILE);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderSchema());
