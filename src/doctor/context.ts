import { join } from 'node:path';
import fg from 'fast-glob';
import type { LoadedConfig } from '../config/types.js';
import { ENV_FILE_GLOBS, isEnvFile, isTemplate, WALK_IGNORE } from '../shared/env-files.js';
import { findWorkTree } from '../shared/git.js';
import { RepoFileError, readRepoFile } from '../shared/repo-files.js';
import { trackedPaths } from './git-facts.js';
import type { DoctorContext } from './types.js';

const DOCKERFILE_GLOBS = ['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile', '**/Containerfile'];
/** Outside git there is no index to list files from: walk, but never into these. */
const NON_GIT_IGNORE = [...WALK_IGNORE, '**/dist/**', '**/build/**', '**/.next/**', '**/out/**'];

/**
 * Drop folders (a Python venv called `.env`) and whatever lies inside another repository nested in
 * this tree (a submodule, a checked-out dependency): that repository gets its own doctor run.
 */
export function withoutNestedRepositories(found: string[]): string[] {
  const nested = found
    .filter((p) => p === '.git' || p === '.git/' || p.endsWith('/.git') || p.endsWith('/.git/'))
    .map((p) => p.replace(/\.git\/?$/, ''))
    .filter((prefix) => prefix !== '');
  return found.filter((p) => !p.endsWith('/') && !p.endsWith('.git') && !nested.some((prefix) => p.startsWith(prefix)));
}

/**
 * Gather what the checks share in a few calls: one walk for env files and Dockerfiles (ignored files
 * count: an ignored .env is still an env file), one `git ls-files` for what git sees.
 */
export async function buildContext(path: string, loaded: LoadedConfig): Promise<DoctorContext> {
  const top = await findWorkTree(path);
  const root = top ?? path;
  const [found, visible, tracked] = await Promise.all([
    fg([...ENV_FILE_GLOBS, ...DOCKERFILE_GLOBS, '**/.git'], {
      cwd: root,
      dot: true,
      onlyFiles: false,
      markDirectories: true,
      // `.git` itself must be listed (it marks a nested repository), never what is inside it.
      ignore: [...WALK_IGNORE.filter((g) => g !== '**/.git/**'), '**/.git/*'],
    }),
    // Inside git, checks ask git (ls-files, grep) directly; only a walk needs the list up front.
    top
      ? Promise.resolve([] as string[])
      : fg(['**'], { cwd: root, dot: true, onlyFiles: true, ignore: NON_GIT_IGNORE }),
    top ? trackedPaths(root) : Promise.resolve([] as string[]),
  ]);
  const files = withoutNestedRepositories(found).sort();
  const env = files.filter(isEnvFile);
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const warnings: string[] = [];
  return {
    warnings,
    root,
    git: top !== undefined,
    envFiles: env.filter((p) => !isTemplate(p)),
    templates: env.filter(isTemplate),
    dockerfiles: files.filter((p) => !isEnvFile(p)),
    visible,
    tracked,
    config: loaded.config,
    configDir: loaded.dir,
    read: (file) => {
      let pending = cache.get(file);
      if (!pending) {
        pending = readSafely(join(root, file), root, file, warnings);
        cache.set(file, pending);
      }
      return pending;
    },
  };
}

/**
 * Read a file a check looks at; a file refused by the door (a FIFO, /dev/zero, a link out of the
 * tree, too large) is skipped and named in `warnings`, so one hostile file cannot stop the checks.
 */
export async function readSafely(
  file: string,
  root: string,
  shown: string,
  warnings: string[],
): Promise<Buffer | undefined> {
  try {
    return await readRepoFile(file, { root, shown });
  } catch (error) {
    if (error instanceof RepoFileError && !warnings.includes(error.message)) warnings.push(error.message);
    return undefined;
  }
}
