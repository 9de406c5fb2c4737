import { uninstallLefthook, uninstallPreCommit } from './config-managers.js';
import { uninstallGitHook } from './git-hook.js';
import { uninstallHusky } from './husky.js';
import { requireWorkTree } from './install.js';
import { detectManager, type Manager, parseManager } from './managers.js';
import type { HookChange } from './types.js';

const UNINSTALLERS: Record<Manager, (root: string) => Promise<HookChange>> = {
  git: uninstallGitHook,
  husky: uninstallHusky,
  lefthook: uninstallLefthook,
  'pre-commit': uninstallPreCommit,
};

/** Remove what `installHook` added (and restore a chained plain git hook). */
export async function uninstallHook(options: { cwd: string; manager?: string }): Promise<HookChange> {
  const root = await requireWorkTree(options.cwd);
  const manager = parseManager(options.manager) ?? (await detectManager(root));
  return UNINSTALLERS[manager](root);
}
