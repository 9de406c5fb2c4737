import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { gitText, runGit } from '../shared/git.js';

export const MANAGERS = ['git', 'husky', 'lefthook', 'pre-commit'] as const;
export type Manager = (typeof MANAGERS)[number];

export const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];
export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export async function firstExisting(root: string, names: string[]): Promise<string | undefined> {
  for (const name of names) if (await exists(join(root, name))) return name;
  return undefined;
}

/** core.hooksPath as configured (any scope), or undefined. */
export async function configuredHooksPath(root: string): Promise<string | undefined> {
  const value = await gitText(['config', '--get', 'core.hooksPath'], {
    cwd: root,
    okCodes: [1],
    repositoryHooksPath: true,
  });
  return value.trim() || undefined;
}

/**
 * The hook manager a repository uses: husky when core.hooksPath points into .husky or a .husky
 * folder exists; lefthook or the pre-commit framework when their config is there; plain git otherwise.
 */
export async function detectManager(root: string): Promise<Manager> {
  const hooksPath = await configuredHooksPath(root);
  if (hooksPath?.replace(/^\.\//, '').startsWith('.husky')) return 'husky';
  if (
    await stat(join(root, '.husky')).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    return 'husky';
  if (await firstExisting(root, LEFTHOOK_FILES)) return 'lefthook';
  if (await exists(join(root, PRE_COMMIT_CONFIG))) return 'pre-commit';
  return 'git';
}

export function parseManager(value: string | undefined): Manager | undefined {
  if (value === undefined || value === 'auto') return undefined;
  if ((MANAGERS as readonly string[]).includes(value)) return value as Manager;
  throw new UsageError(`unknown hook manager "${value}" (choose auto, ${MANAGERS.join(', ')}).`);
}

/** The hooks folder git runs hooks from (honours core.hooksPath), relative paths resolved by caller. */
export async function hooksDir(root: string): Promise<string> {
  // The repository's real hooks folder: the runner points core.hooksPath elsewhere unless asked.
  return (await runGit(['rev-parse', '--git-path', 'hooks'], { cwd: root, repositoryHooksPath: true })).stdout
    .toString('utf8')
    .trim();
}
