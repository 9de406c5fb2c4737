// Shared by the bench scripts: where things are, and a warm-cache best-of-N timer for a command.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const BIN = join(ROOT, 'bin', 'keyguard.js');

/** Hermetic git for generated bench repositories: fixed identity, no system or global config. */
export const BENCH_GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Run once to warm the page cache, then `n` timed runs; the fastest wall time wins. */
export function bestOf(n, command, args, { cwd, okCodes = [0], env } = {}) {
  const once = () => {
    const started = performance.now();
    const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const ms = performance.now() - started;
    if (!okCodes.includes(result.status ?? -1)) {
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    }
    return { ms, stdout: result.stdout, stderr: result.stderr };
  };
  once();
  let best;
  for (let i = 0; i < n; i++) {
    const run = once();
    if (!best || run.ms < best.ms) best = run;
  }
  return best;
}
