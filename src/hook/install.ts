import { InputError } from '../shared/errors.js';
import { findWorkTree } from '../shared/git.js';
import { installLefthook, installPreCommit } from './config-managers.js';
import { installGitHook } from './git-hook.js';
import { installHusky } from './husky.js';
import { detectManager, type Manager, parseManager } from './managers.js';
import type { HookChange } from './types.js';

export type { HookChange } from './types.js';

const INSTALLERS: Record<Manager, (root: string) => Promise<HookChange>> = {
  git: installGitHook,
  husky: installHusky,
  lefthook: installLefthook,
  'pre-commit': installPreCommit,
};

export async function requireWorkTree(cwd: string): Promise<string> {
  const root = await findWorkTree(cwd);
  if (!root) throw new InputError(`${cwd} is not inside a git work tree; run \`git init\` first.`);
  return root;
}

/**
 * Install a pre-commit step running `keyguard scan --staged` with the repository's hook manager
 * (`manager` auto-detected when absent or "auto"). Running it again changes nothing.
 */
export async function installHook(options: { cwd: string; manager?: string }): Promise<HookChange> {
  const root = await requireWorkTree(options.cwd);
  const manager = parseManager(options.manager) ?? (await detectManager(root));
  return INSTALLERS[manager](root);
}
