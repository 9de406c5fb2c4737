import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { hooksDir } from './managers.js';
import { gitHookScript, hasBlock, PREVIOUS_SUFFIX } from './script.js';
import type { HookChange } from './types.js';

const read = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/** The pre-commit file git runs (core.hooksPath respected, worktrees share the common hooks). */
export async function gitHookPath(root: string): Promise<string> {
  return join(resolve(root, await hooksDir(root)), 'pre-commit');
}

/**
 * Install keyguard as the plain git pre-commit hook. An existing hook that is not keyguard's is
 * never overwritten: it is moved aside and keyguard's hook runs it first (uninstall moves it back).
 */
export async function installGitHook(root: string): Promise<HookChange> {
  const path = await gitHookPath(root);
  const script = gitHookScript();
  const current = await read(path);
  if (current === script) return { manager: 'git', path, changed: false };
  if (current !== undefined && !hasBlock(current)) {
    const previous = path + PREVIOUS_SUFFIX;
    if ((await read(previous)) !== undefined) {
      throw new UsageError(`both ${path} and ${previous} exist; move one of them away and run this again.`);
    }
    await rename(path, previous);
    await chmod(previous, 0o755);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, script, { mode: 0o755 });
  await chmod(path, 0o755);
  return { manager: 'git', path, changed: true, note: current && !hasBlock(current) ? 'chained' : undefined };
}

/** Remove keyguard's plain git hook and put back the hook it chained, if any. */
export async function uninstallGitHook(root: string): Promise<HookChange> {
  const path = await gitHookPath(root);
  const current = await read(path);
  if (current === undefined || !hasBlock(current)) return { manager: 'git', path, changed: false };
  await rm(path);
  const previous = path + PREVIOUS_SUFFIX;
  if ((await read(previous)) !== undefined) {
    await rename(previous, path);
    return { manager: 'git', path, changed: true, note: 'restored' };
  }
  return { manager: 'git', path, changed: true };
}
