import { gitText } from '../../shared/git.js';
import { records, streamGit } from './git-stream.js';

/** Targets per walk: one bit each, in 32 words at most per commit. */
const PER_WALK = 1024;
/** Commits with a non-empty mask kept at once before giving up (a huge history): callers fall back. */
const MAX_TRACKED = 500_000;

/**
 * For each commit in `targets`, the refs (full names, from `refs`) whose history contains it: what
 * `git for-each-ref --contains <commit>` answers, for all the commits in one walk of history
 * instead of one walk each. `git rev-list --topo-order --reverse --parents` lists parents before
 * children; a commit's mask is the targets it descends from (its own bit, or its parents' masks),
 * and a ref contains the targets in its tip's mask. Undefined when the walk is too large to track.
 */
export async function refsContainingAll(
  cwd: string,
  targets: string[],
  refs: Array<{ name: string; commit: string }>,
): Promise<Map<string, string[]> | undefined> {
  const result = new Map<string, string[]>(targets.map((t) => [t, []]));
  if (targets.length === 0 || refs.length === 0) return result;
  for (let at = 0; at < targets.length; at += PER_WALK) {
    const group = targets.slice(at, at + PER_WALK);
    const masks = await walk(cwd, group, [...new Set(refs.map((r) => r.commit))]);
    if (!masks) return undefined;
    for (const ref of refs) {
      const mask = masks.get(ref.commit);
      if (!mask) continue;
      group.forEach((target, bit) => {
        if (mask[bit >>> 5]! & (1 << (bit & 31))) result.get(target)!.push(ref.name);
      });
    }
  }
  return result;
}

async function walk(cwd: string, group: string[], tips: string[]): Promise<Map<string, Uint32Array> | undefined> {
  const words = Math.ceil(group.length / 32);
  const bitOf = new Map(group.map((t, i) => [t, i]));
  const masks = new Map<string, Uint32Array>();
  const input = `${tips.join('\n')}\n`;
  for await (const line of records(
    streamGit(['rev-list', '--topo-order', '--reverse', '--parents', '--stdin'], cwd, input),
    '\n',
  )) {
    const fields = line.trim().split(' ');
    const commit = fields[0];
    if (!commit) continue;
    const own = bitOf.get(commit);
    let mask: Uint32Array | undefined;
    let shared = true;
    for (let i = 1; i < fields.length; i++) {
      const parent = masks.get(fields[i]!);
      if (!parent || parent === mask) continue;
      if (!mask)
        mask = parent; // one parent's mask is shared, not copied (masks never change once set)
      else {
        if (shared) mask = Uint32Array.from(mask);
        shared = false;
        for (let w = 0; w < words; w++) mask[w]! |= parent[w]!;
      }
    }
    if (own !== undefined) {
      mask = shared ? (mask ? Uint32Array.from(mask) : new Uint32Array(words)) : mask!;
      mask[own >>> 5]! |= 1 << (own & 31);
    }
    if (mask) {
      masks.set(commit, mask);
      if (masks.size > MAX_TRACKED) return undefined;
    }
  }
  return masks;
}

/** Branches, tags and remote-tracking branches with the commit each points at (annotated tags peeled). */
export async function labelledRefs(cwd: string): Promise<Array<{ name: string; commit: string }>> {
  const text = await gitText(
    [
      'for-each-ref',
      '--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname) %(refname)',
      'refs/heads',
      'refs/tags',
      'refs/remotes',
    ],
    { cwd },
  );
  const refs: Array<{ name: string; commit: string }> = [];
  for (const line of text.split('\n')) {
    const [type, oid, peeledType, peeled, ...name] = line.split(' ');
    const refname = name.join(' ');
    if (!refname) continue;
    if (type === 'commit') refs.push({ name: refname, commit: oid! });
    else if (type === 'tag' && peeledType === 'commit') refs.push({ name: refname, commit: peeled! });
  }
  return refs;
}
