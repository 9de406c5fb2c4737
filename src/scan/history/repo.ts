import { InputError } from '../../shared/errors.js';
import { findGitDir, gitText, runGit, splitNul } from '../../shared/git.js';
import { streamGit } from './git-stream.js';
import { PARTIAL_CONFIG, parsePartialConfig, treesMissing } from './partial-clone.js';
import type { ObjectFormat } from './worktree-hash.js';

/** What kind of repository this is; each fact changes what history scanning can promise. */
export interface RepoInfo {
  gitDir: string;
  /** Top of the work tree; undefined in a bare repository. */
  workTree?: string;
  bare: boolean;
  shallow: boolean;
  /** A partial clone: some objects were left on the server on purpose. */
  partial: boolean;
  /** A partial clone whose commits' trees are missing: history cannot be walked. */
  treeless: boolean;
  /** False in an empty repository (no commit yet). */
  hasHead: boolean;
  objectFormat: ObjectFormat;
}

async function gitOk(args: string[], cwd: string): Promise<string | undefined> {
  try {
    return (await gitText(args, { cwd })).trim();
  } catch {
    return undefined;
  }
}

export async function repoInfo(cwd: string): Promise<RepoInfo> {
  const gitDir = await findGitDir(cwd);
  if (!gitDir) throw new InputError(`${cwd} is not a git repository (history scans and trace need one).`);
  const [facts, head, workTree, config] = await Promise.all([
    gitOk(['rev-parse', '--is-bare-repository', '--is-shallow-repository', '--show-object-format'], cwd),
    gitOk(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], cwd),
    gitOk(['rev-parse', '--show-toplevel'], cwd),
    gitOk(['config', '--get-regexp', PARTIAL_CONFIG], cwd),
  ]);
  const [bare, shallow, format] = (facts ?? '').split('\n');
  const { partial, treeFilter } = parsePartialConfig(config);
  return {
    gitDir,
    workTree: bare === 'true' ? undefined : workTree || undefined,
    bare: bare === 'true',
    shallow: shallow === 'true',
    partial,
    treeless: partial && treeFilter && (await treesMissing(cwd).catch(() => true)),
    hasHead: Boolean(head),
    objectFormat: format === 'sha256' ? 'sha256' : 'sha1',
  };
}

/** `ls-tree -r -z` / `ls-files -s -z` lines: `<mode> <type?> <oid> <stage?>\t<path>` → oid → paths. */
export function parseTreeListing(text: string): { blobs: Map<string, string[]>; gitlinks: Map<string, string> } {
  const blobs = new Map<string, string[]>();
  const gitlinks = new Map<string, string>();
  for (const record of splitNul(text)) {
    const tab = record.indexOf('\t');
    if (tab === -1) continue;
    const meta = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    const oid = meta.find((field) => /^[0-9a-f]{40,64}$/.test(field));
    if (!oid) continue;
    if (meta[0] === '160000') gitlinks.set(path, oid);
    else blobs.set(oid, [...(blobs.get(oid) ?? []), path]);
  }
  return { blobs, gitlinks };
}

export async function headTree(cwd: string) {
  const { stdout } = await runGit(['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], { cwd });
  return parseTreeListing(stdout.toString('utf8'));
}

export async function indexBlobs(cwd: string): Promise<Map<string, string[]>> {
  const { stdout } = await runGit(['ls-files', '-s', '-z'], { cwd });
  return parseTreeListing(stdout.toString('utf8')).blobs;
}

/** Refs (full names) whose history contains any of `commits`. */
export async function refsContaining(cwd: string, commits: string[]): Promise<string[]> {
  if (commits.length === 0) return [];
  const args = ['for-each-ref', '--format=%(refname)', ...commits.flatMap((c) => ['--contains', c])];
  return (await gitText(args, { cwd })).split('\n').filter(Boolean);
}

/** The commits of every stash entry: the stash itself and its index / untracked parents. */
export async function stashCommits(cwd: string): Promise<Set<string>> {
  const has = await gitOk(['rev-parse', '--verify', '--quiet', 'refs/stash'], cwd);
  if (!has) return new Set();
  const lines = (await gitText(['log', '-g', '--format=%H %P', 'refs/stash'], { cwd })).split('\n');
  const commits = new Set<string>();
  for (const line of lines) {
    const [stash, , ...rest] = line.split(' ').filter(Boolean);
    if (!stash) continue;
    commits.add(stash);
    for (const parent of rest) commits.add(parent);
  }
  return commits;
}

/** Commits reachable from some reflog entry but from no ref: amended-away and reset-away work. */
export async function reflogOnlyCommits(cwd: string): Promise<Set<string>> {
  const text = await gitText(['rev-list', '--reflog', '--not', '--all'], { cwd });
  return new Set(text.split('\n').filter(Boolean));
}

/** `git fsck --unreachable` lines → unreachable commits and blobs (a pure function). */
export function parseFsckUnreachable(text: string): { commits: string[]; blobs: Set<string> } {
  const commits: string[] = [];
  const blobs = new Set<string>();
  for (const line of text.split('\n')) {
    const [word, type, oid] = line.split(' ');
    if (word !== 'unreachable' || !oid) continue;
    if (type === 'commit') commits.push(oid);
    if (type === 'blob') blobs.add(oid);
  }
  return { commits, blobs };
}

export async function unreachableObjects(cwd: string) {
  // fsck exits non-zero when it also finds damage; what it lists is still right.
  const { stdout } = await runGit(['fsck', '--unreachable', '--connectivity-only', '--no-progress'], {
    cwd,
    okCodes: [1, 2, 3, 4, 5, 6, 7, 8],
  });
  return parseFsckUnreachable(stdout.toString('utf8'));
}

/** How many objects the partial clone left on the server (listed without fetching them). */
export async function countMissingObjects(cwd: string): Promise<number> {
  // `--missing=print` lists what is absent as `?<oid>` and turns lazy fetching off.
  let count = 0;
  let atLineStart = true;
  for await (const chunk of streamGit(['rev-list', '--objects', '--all', '--missing=print'], cwd)) {
    for (let i = 0; i < chunk.length; i++) {
      if (atLineStart && chunk[i] === 0x3f) count++;
      atLineStart = chunk[i] === 0x0a;
    }
  }
  return count;
}
