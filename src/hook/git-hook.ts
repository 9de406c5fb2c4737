import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { checkRepoWrite, chmodRepoFile, readRepoText, writeRepoFile } from '../shared/repo-files.js';
import { hooksDir } from './managers.js';
import { gitHookScript, hasBlock, PREVIOUS_SUFFIX } from './script.js';
import type { HookChange } from './types.js';

/** The hooks folder may be anywhere (core.hooksPath, worktrees): a hook is confined to its own folder. */
const read = (path: string) => readRepoText(path, { root: dirname(path) });
const inHooks = (path: string) => ({ root: dirname(path) });

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
  await checkRepoWrite(path, inHooks(path));
  const current = await read(path);
  if (current === script) return { manager: 'git', path, changed: false };
  if (current !== undefined && !hasBlock(current)) {
    const previous = path + PREVIOUS_SUFFIX;
    if ((await read(previous)) !== undefined) {
      throw new UsageError(`both ${path} and ${previous} exist; move one of them away and run this again.`);
    }
    await rename(path, previous);
    await chmodRepoFile(previous, 0o755, inHooks(previous));
  }
  await mkdir(dirname(path), { recursive: true });
  await writeRepoFile(path, script, { ...inHooks(path), mode: 0o755, forceMode: true });
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
