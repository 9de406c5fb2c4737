import { InputError } from '../../shared/errors.js';
import { gitText } from '../../shared/git.js';
import type { ContentResult } from '../content.js';
import { firstByPath, walkIntroductions } from './attribute.js';
import type { Introduction } from './raw-log.js';
import { indexBlobs, type RepoInfo, unreachableObjects } from './repo.js';

/** One place a blob with a hit lives: a path and the commit that put it there (none when unknown). */
export interface Placement {
  path: string;
  intro?: Introduction;
  unreachable: boolean;
}

/** The introductions of a range `A..B`, after checking it names commits here. */
export async function rangeIntroductions(cwd: string, range: string, info: RepoInfo): Promise<Introduction[]> {
  if (!info.hasHead) return [];
  if (range.startsWith('-')) throw new InputError(`--range takes A..B, got "${range}".`);
  try {
    await gitText(['rev-list', '--quiet', range, '--'], { cwd });
  } catch {
    throw new InputError(`--range ${range} is not a valid commit range in this repository.`);
  }
  return walkIntroductions(cwd, [range, '--']);
}

/** What the attribution walk covers: every ref and every reflog entry. */
export const ALL_HISTORY = ['--all', '--reflog'];

/** Where each hit blob lives: attributed paths, else the index, else an unreachable commit or nothing. */
export async function place(
  cwd: string,
  info: RepoInfo,
  hits: Map<string, ContentResult>,
  rangeIntros: Introduction[] | undefined,
  walked?: Introduction[],
): Promise<Map<string, Placement[]>> {
  const wanted = (oid: string) => hits.has(oid);
  const intros =
    rangeIntros ??
    walked ??
    (info.hasHead || (await hasRefs(cwd)) ? await walkIntroductions(cwd, ALL_HISTORY, wanted) : []);
  const byBlob = firstByPath(intros.filter((i) => wanted(i.oid)));
  const placements = new Map<string, Placement[]>();
  for (const [oid, list] of byBlob)
    placements.set(
      oid,
      list.map((intro) => ({ path: intro.path, intro, unreachable: false })),
    );
  let left = [...hits.keys()].filter((oid) => !placements.has(oid));
  if (left.length && info.workTree) {
    const index = await indexBlobs(cwd);
    for (const oid of left) {
      const paths = index.get(oid);
      if (paths)
        placements.set(
          oid,
          paths.map((path) => ({ path, unreachable: false })),
        );
    }
    left = left.filter((oid) => !placements.has(oid));
  }
  if (left.length && !rangeIntros) {
    const { commits } = await unreachableObjects(cwd);
    const lost = commits.length
      ? firstByPath(
          (await walkIntroductions(cwd, ['--no-walk=unsorted', '--stdin'], wanted, `${commits.join('\n')}\n`)).filter(
            (i) => left.includes(i.oid),
          ),
        )
      : new Map<string, Introduction[]>();
    for (const oid of left) {
      const list = lost.get(oid);
      placements.set(
        oid,
        list
          ? list.map((intro) => ({ path: intro.path, intro, unreachable: true }))
          : [{ path: `(unreachable blob ${oid})`, unreachable: true }],
      );
    }
  }
  return placements;
}

async function hasRefs(cwd: string): Promise<boolean> {
  return (await gitText(['for-each-ref', '--count=1', '--format=x'], { cwd })).trim() !== '';
}
