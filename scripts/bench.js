#!/usr/bin/env node
// npm run bench -- [history|all]: performance checks, one module per area so each stays separate.
const BENCHES = {
  history: () => import('./bench-history.js'),
};

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
  await bench.run(process.argv.slice(3));
}
