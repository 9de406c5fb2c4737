import { addMissingGitignoreEntries, gitignoreGaps } from '../fix-gitignore.js';
import { type Check, NOT_A_REPOSITORY, pass, skip } from '../types.js';

const ID = 'gitignore-env';

/**
 * Every env file name is ignored by git's own rules (nested .gitignore, negations, info/exclude,
 * core.excludesFile). A present env file that git would pick up fails; a usual name that is not
 * covered yet, with no such file around, is a warning.
 */
export const gitignoreEnv: Check = {
  id: ID,
  async run(ctx) {
    if (!ctx.git) return skip(ID, NOT_A_REPOSITORY);
    const gaps = await gitignoreGaps(ctx.root, ctx.envFiles);
    if (gaps.length === 0) return pass(ID, 'env files are ignored by git');
    const present = new Set(ctx.envFiles);
    const exposed = gaps.filter((g) => present.has(g.path));
    const patterns = [...new Set(gaps.map((g) => g.pattern))];
    const message = exposed.length
      ? `${exposed.length} env file(s) not ignored by git: ${exposed.map((g) => g.path).join(', ')}`
      : `env file names not ignored by git yet: ${gaps.map((g) => g.path).join(', ')}`;
    return {
      id: ID,
      status: exposed.length ? 'fail' : 'warn',
      message,
      paths: gaps.map((g) => g.path),
      fix: `add to .gitignore: ${patterns.join(' ')} (keyguard doctor --fix does this)`,
    };
  },
  async fix(ctx) {
    const added = await addMissingGitignoreEntries(ctx.root);
    return added.length ? [`.gitignore: added ${added.join(', ')}`] : [];
  },
};
