#!/usr/bin/env node
// npm run bench [-- worktree|history|staged|doctor|all]: performance checks of keyguard on generated data
// under bench-data/ (git-ignored, reused between runs). Prints the numbers; exits 0 (it measures,
// the targets are for people to compare against).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './bench-util.js';

const SUITES = {
  worktree: async () => (await import('./bench-worktree.js')).benchWorktree(),
  staged: async () => (await import('./bench-staged.js')).benchStaged(),
  doctor: async () => (await import('./bench-doctor.js')).benchDoctor(),
  history: async () => {
    // The history benchmark lives in its own file, written with the history scanner.
    const file = join(ROOT, 'scripts', 'bench-history.js');
    if (!existsSync(file)) {
      process.stdout.write('history: scripts/bench-history.js is not in this build; skipped\n');
      return undefined;
    }
    const mod = await import(pathToFileURL(file).href);
    const run = mod.benchHistory ?? mod.default ?? Object.values(mod).find((value) => typeof value === 'function');
    if (typeof run !== 'function') throw new Error('scripts/bench-history.js exports no function');
    return run();
  },
};

const which = process.argv[2] ?? 'all';
const names = which === 'all' ? ['worktree', 'staged', 'history', 'doctor'] : [which];
for (const name of names) {
  if (!SUITES[name]) {
    process.stderr.write(`bench: unknown suite "${name}" (worktree, history, staged, doctor or all)\n`);
    process.exitCode = 2;
    break;
  }
  process.stdout.write(`\n== ${name}\n`);
  await SUITES[name]();
}
