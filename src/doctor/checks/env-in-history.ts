import { TREELESS_MESSAGE } from '../../scan/history/partial-clone.js';
import { isSecretEnvFile } from '../../shared/env-files.js';
import { type AddedFile, envFilesAdded, hasCommits, isTreeless } from '../git-facts.js';
import { type Check, NOT_A_REPOSITORY, pass, skip } from '../types.js';

const ID = 'env-in-history';
const SHOWN = 3;

/** No env file was ever committed: a key that reached history stays there (and in every clone). */
export const envInHistory: Check = {
  id: ID,
  async run(ctx) {
    if (!ctx.git) return skip(ID, NOT_A_REPOSITORY);
    if (!(await hasCommits(ctx.root))) return pass(ID, 'no commits yet');
    let all: AddedFile[];
    let onRemotes: AddedFile[];
    try {
      [all, onRemotes] = await Promise.all([
        envFilesAdded(ctx.root, ['--all']),
        envFilesAdded(ctx.root, ['--remotes']),
      ]);
    } catch (error) {
      // A tree-less clone cannot show what commits added (and keyguard never fetches): say so.
      if (await isTreeless(ctx.root)) return skip(ID, TREELESS_MESSAGE);
      throw error;
    }
    const added = all.filter((a) => isSecretEnvFile(a.path));
    if (added.length === 0) return pass(ID, 'no env file was ever committed');
    const pushed = new Set(onRemotes.map((a) => `${a.commit}:${a.path}`));
    const byPath = new Map<string, string[]>();
    for (const { commit, path } of added) byPath.set(path, [...(byPath.get(path) ?? []), commit]);
    const described = [...byPath].map(([path, commits]) => {
      const shown = commits.slice(0, SHOWN).map((c) => c.slice(0, 12));
      const more = commits.length > SHOWN ? ` and ${commits.length - SHOWN} more` : '';
      const remote = commits.some((c) => pushed.has(`${c}:${path}`)) ? ', reachable from a remote' : '';
      return `${path} (added in ${shown.join(', ')}${more}${remote})`;
    });
    return {
      id: ID,
      status: 'warn',
      message: `env files in history: ${described.join('; ')}`,
      paths: [...byPath.keys()],
      fix: 'rotate every key these files held (keyguard scan --history finds them); rewriting history (git filter-repo --invert-paths --path FILE) does not reach existing clones',
    };
  },
};
