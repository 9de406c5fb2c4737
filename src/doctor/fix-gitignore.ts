import { basename, join } from 'node:path';
import fg from 'fast-glob';
import ignore from 'ignore';
import { ENV_FILE_GLOBS, isSecretEnvFile, REQUIRED_ENV_FILES, WALK_IGNORE } from '../shared/env-files.js';
import { findWorkTree } from '../shared/git.js';
import { readRepoText, writeRepoFile } from '../shared/repo-files.js';
import { ignoredPaths } from './git-facts.js';

export interface GitignoreGap {
  /** The env file (present or expected) that would not be ignored. */
  path: string;
  /** The line that would ignore it. */
  pattern: string;
}

/** Env files with values found under `root` (relative, `/`-separated). */
export async function findEnvFiles(root: string): Promise<string[]> {
  const found = await fg(ENV_FILE_GLOBS, { cwd: root, dot: true, onlyFiles: true, ignore: WALK_IGNORE });
  return found.filter(isSecretEnvFile).sort();
}

/**
 * Which env files would not be ignored: the required names (present or not) and every env file
 * present. Inside a work tree git decides; outside one, the root .gitignore is read with the same
 * rules (the `ignore` package), since there is no git to ask.
 */
export async function gitignoreGaps(root: string, envFiles: string[]): Promise<GitignoreGap[]> {
  const candidates = new Map<string, string>();
  for (const { name, pattern } of REQUIRED_ENV_FILES) candidates.set(name, pattern);
  for (const path of envFiles) if (!candidates.has(path)) candidates.set(path, basename(path));
  const paths = [...candidates.keys()];
  let ignored: (path: string) => boolean;
  if (await findWorkTree(root)) {
    const set = await ignoredPaths(root, paths);
    ignored = (path) => set.has(path);
  } else {
    const text = (await readRepoText(join(root, '.gitignore'), { root }).catch(() => undefined)) ?? '';
    const ig = ignore().add(text);
    ignored = (path) => ig.ignores(path);
  }
  return paths.filter((path) => !ignored(path)).map((path) => ({ path, pattern: candidates.get(path)! }));
}

const HEADER = '# env files (keyguard doctor --fix)';

/** Lines of a .gitignore, as written (for "is this pattern already there"). */
function linesOf(text: string): Set<string> {
  return new Set(text.split(/\r?\n/).map((line) => line.trim()));
}

/**
 * Append the patterns that keep env files out of git to `<root>/.gitignore` (created if missing).
 * Existing lines are never reordered or duplicated; returns the lines added (none on a second run).
 * A pattern already present but overridden later (a negation) is left alone: appending it again
 * would hide a decision someone made on purpose.
 */
export async function addMissingGitignoreEntries(root: string): Promise<string[]> {
  const gaps = await gitignoreGaps(root, await findEnvFiles(root));
  const file = join(root, '.gitignore');
  const text = (await readRepoText(file, { root })) ?? '';
  const present = linesOf(text);
  const added: string[] = [];
  for (const { pattern } of gaps) {
    if (present.has(pattern) || added.includes(pattern)) continue;
    added.push(pattern);
  }
  if (added.length === 0) return [];
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  const header = present.has(HEADER) ? '' : `${text ? '\n' : ''}${HEADER}\n`;
  await writeRepoFile(file, `${text}${separator}${header}${added.join('\n')}\n`, { root });
  return added;
}
