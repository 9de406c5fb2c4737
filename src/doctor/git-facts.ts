import { PARTIAL_CONFIG, parsePartialConfig, treesMissing } from '../scan/history/partial-clone.js';
import { runGit, splitNul } from '../shared/git.js';

/**
 * Thin runners over the git commands the checks rely on, each paired with a pure parser, so git's
 * own rules (nested .gitignore, negations, info/exclude, core.excludesFile) decide, not ours.
 */

/** Which of `paths` git would ignore. `--no-index` judges the rules even for tracked files. */
export async function ignoredPaths(root: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const { stdout } = await runGit(['check-ignore', '--no-index', '-z', '--stdin'], {
    cwd: root,
    input: `${paths.join('\0')}\0`,
    okCodes: [1],
  });
  return new Set(splitNul(stdout));
}

/** Every path in the index. */
export async function trackedPaths(root: string): Promise<string[]> {
  return splitNul((await runGit(['ls-files', '-z', '--cached'], { cwd: root })).stdout);
}

/** Files git would see: tracked, plus untracked and not ignored. */
export async function visiblePaths(root: string): Promise<string[]> {
  const { stdout } = await runGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'], {
    cwd: root,
  });
  return [...new Set(splitNul(stdout))];
}

export interface AddedFile {
  commit: string;
  path: string;
}

/**
 * Parse `git log -z --name-only --format=%x00%x01%H`: each record is an empty field, then
 * `\x01<commit>`, then NUL-separated paths (the first after a newline). Paths are never empty, so
 * only the field after an empty one is a header: a file name holding `\x01` or a newline cannot
 * start a record. A pure function.
 */
export function parseNameLog(text: string): AddedFile[] {
  const out: AddedFile[] = [];
  let commit: string | undefined;
  let first = false;
  let afterEmpty = true;
  for (const field of text.split('\0')) {
    if (field === '') {
      afterEmpty = true;
      continue;
    }
    if (afterEmpty && field.startsWith('\x01')) {
      commit = field.slice(1).trim();
      first = true;
    } else if (commit) {
      out.push({ commit, path: first && field.startsWith('\n') ? field.slice(1) : field });
      first = false;
    }
    afterEmpty = false;
  }
  return out;
}

/** Pathspecs for env-file names at any depth, so git filters history instead of us. */
export const ENV_PATHSPECS = [':(glob)**/.env', ':(glob)**/.env.*', ':(glob)**/*.env'];

/** Commits (from `revs`) that added a file matching an env-file name. */
export async function envFilesAdded(root: string, revs: string[]): Promise<AddedFile[]> {
  const { stdout } = await runGit(
    ['log', ...revs, '--diff-filter=A', '--name-only', '-z', '--format=%x00%x01%H', '--', ...ENV_PATHSPECS],
    { cwd: root },
  );
  return parseNameLog(stdout.toString('utf8'));
}

/** True when the repository has at least one commit (a fresh `git init` has none). */
export async function hasCommits(root: string): Promise<boolean> {
  const { code } = await runGit(['rev-parse', '-q', '--verify', 'HEAD'], { cwd: root, okCodes: [1, 128] });
  return code === 0;
}

/** A partial clone whose commits' trees are not on this machine (`--filter=tree:0`). */
export async function isTreeless(root: string): Promise<boolean> {
  const { stdout } = await runGit(['config', '--get-regexp', PARTIAL_CONFIG], { cwd: root, okCodes: [1] });
  const { partial, treeFilter } = parsePartialConfig(stdout.toString('utf8'));
  return partial && treeFilter && (await treesMissing(root).catch(() => true));
}
