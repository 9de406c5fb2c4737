import { join } from 'node:path';
import { readRepoText, writeRepoFile } from '../shared/repo-files.js';
import { firstExisting, LEFTHOOK_FILES, PRE_COMMIT_CONFIG } from './managers.js';
import { COMMAND, hasBlock, removeBlock } from './script.js';
import type { HookChange } from './types.js';
import { addLefthookCommand, addPreCommitRepo } from './yaml-edit.js';

/** lefthook and the pre-commit framework keep hooks in a config file; keyguard edits that file. */
interface ConfigManager {
  manager: 'lefthook' | 'pre-commit';
  file: (root: string) => Promise<string>;
  add: (text: string, command: string) => string;
  /** What the user runs so the manager writes the git hook from its config. */
  activate: string;
}

const LEFTHOOK: ConfigManager = {
  manager: 'lefthook',
  file: async (root) => (await firstExisting(root, LEFTHOOK_FILES)) ?? 'lefthook.yml',
  add: addLefthookCommand,
  activate: 'npx lefthook install',
};

const PRE_COMMIT: ConfigManager = {
  manager: 'pre-commit',
  file: async () => PRE_COMMIT_CONFIG,
  add: addPreCommitRepo,
  activate: 'pre-commit install',
};

async function install(spec: ConfigManager, root: string): Promise<HookChange> {
  const path = join(root, await spec.file(root));
  const current = (await readRepoText(path, { root })) ?? '';
  if (hasBlock(current)) return { manager: spec.manager, path, changed: false };
  await writeRepoFile(path, spec.add(current, COMMAND), { root });
  return { manager: spec.manager, path, changed: true, note: `run \`${spec.activate}\` if you have not yet` };
}

async function uninstall(spec: ConfigManager, root: string): Promise<HookChange> {
  const path = join(root, await spec.file(root));
  const current = (await readRepoText(path, { root })) ?? '';
  if (!hasBlock(current)) return { manager: spec.manager, path, changed: false };
  await writeRepoFile(path, removeBlock(current), { root });
  return { manager: spec.manager, path, changed: true };
}

export const installLefthook = (root: string) => install(LEFTHOOK, root);
export const uninstallLefthook = (root: string) => uninstall(LEFTHOOK, root);
export const installPreCommit = (root: string) => install(PRE_COMMIT, root);
export const uninstallPreCommit = (root: string) => uninstall(PRE_COMMIT, root);
