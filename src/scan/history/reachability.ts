import { headTree, indexBlobs, type RepoInfo, reflogOnlyCommits, refsContaining, stashCommits } from './repo.js';
import { hashWorktreeFiles } from './worktree-hash.js';

/** Labels in the order reports list them (DESIGN §2). */
const ORDER = ['HEAD', 'worktree', 'index', 'branch:', 'tag:', 'remote:', 'stash', 'reflog', 'unreachable'];

export function sortLabels(labels: Iterable<string>): string[] {
  const rank = (label: string) => ORDER.findIndex((p) => label === p || (p.endsWith(':') && label.startsWith(p)));
  return [...new Set(labels)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
}

/** A full ref name as a label; refs that are not branches, tags or remotes give none. */
export function refLabel(ref: string): string | undefined {
  if (ref.startsWith('refs/heads/')) return `branch:${ref.slice(11)}`;
  if (ref.startsWith('refs/tags/')) return `tag:${ref.slice(10)}`;
  if (ref.startsWith('refs/remotes/') && !ref.endsWith('/HEAD')) return `remote:${ref.slice(13)}`;
  return undefined;
}

/** Facts about the repository gathered once per scan, only when some blob had a hit. */
export interface ReachabilityContext {
  info: RepoInfo;
  head: Map<string, string[]>;
  index: Map<string, string[]>;
  stash: Set<string>;
  reflogOnly: Set<string>;
  /** Labels of the refs containing each commit, asked once per commit (keys cluster in commits). */
  refs: Map<string, Promise<string[]>>;
}

export async function reachabilityContext(cwd: string, info: RepoInfo): Promise<ReachabilityContext> {
  const [head, index, stash, reflogOnly] = await Promise.all([
    info.hasHead ? headTree(cwd).then((t) => t.blobs) : new Map<string, string[]>(),
    info.workTree ? indexBlobs(cwd) : new Map<string, string[]>(),
    stashCommits(cwd),
    reflogOnlyCommits(cwd).catch(() => new Set<string>()),
  ]);
  return { info, head, index, stash, reflogOnly, refs: new Map() };
}

/**
 * Where one blob can be reached from. `commits` introduced it; `paths` are where it was seen.
 * HEAD, index and worktree mean the content is there now; branch/tag/remote that the ref's history
 * holds it; stash that a stash entry brought it; reflog that only a reflog entry keeps it.
 */
export async function labelsFor(
  cwd: string,
  ctx: ReachabilityContext,
  oid: string,
  commits: string[],
  paths: string[],
  unreachable: boolean,
): Promise<string[]> {
  const labels: string[] = [];
  if (ctx.head.has(oid)) labels.push('HEAD');
  if (ctx.index.has(oid)) labels.push('index');
  if (ctx.info.workTree) {
    const candidates = [...new Set([...paths, ...(ctx.head.get(oid) ?? []), ...(ctx.index.get(oid) ?? [])])];
    const hashes = await hashWorktreeFiles(ctx.info.workTree, candidates, ctx.info.objectFormat);
    if ([...hashes.values()].some((ids) => ids.includes(oid))) labels.push('worktree');
  }
  for (const commit of commits) {
    let refs = ctx.refs.get(commit);
    if (!refs) {
      refs = refsContaining(cwd, [commit]).then((names) => names.flatMap((n) => refLabel(n) ?? []));
      ctx.refs.set(commit, refs);
    }
    labels.push(...(await refs));
  }
  if (commits.some((c) => ctx.stash.has(c))) labels.push('stash');
  if (commits.some((c) => ctx.reflogOnly.has(c) && !ctx.stash.has(c))) labels.push('reflog');
  if (unreachable) labels.push('unreachable');
  return sortLabels(labels);
}
