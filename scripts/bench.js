#!/usr/bin/env node
// npm run bench -- [name|all]: performance checks, one scripts/bench-<name>.js module per area.
// Each module exports run(args) (or bench<Name>); the list is whatever bench-*.js files are present.
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
  // Modules export run(args), or bench<Name>() (bench-worktree.js exports benchWorktree).
  const entry = bench.run ?? bench.default ?? bench[`bench${name[0].toUpperCase()}${name.slice(1)}`];
  if (typeof entry === 'function') await entry(process.argv.slice(3));
  else process.stderr.write(`bench: scripts/bench-${name}.js exports no run()\n`);
}
