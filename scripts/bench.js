#!/usr/bin/env node
// npm run bench -- [name|all]: performance checks, one scripts/bench-<name>.js module per area.
// Each module exports run(args); the list is whatever bench-*.js files are present.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHES = Object.fromEntries(
  readdirSync(here)
    .map((file) => /^bench-([a-z]+)\.js$/.exec(file)?.[1])
    .filter((name) => name && name !== 'util')
    .map((name) => [name, () => import(`./bench-${name}.js`)]),
);

const which = process.argv[2] ?? 'all';
const names = which === 'all' ? Object.keys(BENCHES) : [which];
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`bench: unknown bench "${name}" (choose ${Object.keys(BENCHES).join(', ')} or all)\n`);
    process.exitCode = 2;
    break;
  }
  const bench = await load();
  if (typeof bench.run === 'function') await bench.run(process.argv.slice(3));
}
