import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig } from '../config/loader.js';
import { findEnvFiles, gitignoreGaps } from '../doctor/fix-gitignore.js';
import { writeRepoFile } from '../shared/repo-files.js';
import { CONFIG_FILE, starterConfig } from './starter-config.js';

/**
 * One thing `keyguard init` sets up. `plan` says what would change (nothing: undefined); on a
 * terminal that change is the question asked before `apply`.
 */
export interface InitStep {
  id: 'config' | 'gitignore' | 'hook';
  /** What would change, or undefined when it is already set up, with why. */
  plan(): Promise<{ change?: string; already: string }>;
  /** Make the change; returns what was done, one line. */
  apply(): Promise<string>;
}

export interface InitOptions {
  /** The top of the work tree, or the directory init runs in outside git. */
  root: string;
  git: boolean;
  hook: boolean;
  manager?: string;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

function configStep(root: string): InitStep {
  const file = join(root, CONFIG_FILE);
  return {
    id: 'config',
    async plan() {
      return (await exists(file))
        ? { already: `${CONFIG_FILE} already there (kept as is)` }
        : { change: `write ${CONFIG_FILE}`, already: '' };
    },
    async apply() {
      // `wx`: never overwrite a config that appeared since the plan.
      await writeRepoFile(file, starterConfig(), { root, how: 'create' });
      return `wrote ${CONFIG_FILE}`;
    },
  };
}

function gitignoreStep(root: string): InitStep {
  return {
    id: 'gitignore',
    async plan() {
      const gaps = await gitignoreGaps(root, await findEnvFiles(root));
      const patterns = [...new Set(gaps.map((g) => g.pattern))];
      return patterns.length
        ? { change: `add ${patterns.join(', ')} to .gitignore`, already: '' }
        : { already: '.gitignore already keeps env files out of git' };
    },
    async apply() {
      const { addMissingGitignoreEntries } = await import('../doctor/fix-gitignore.js');
      const added = await addMissingGitignoreEntries(root);
      return added.length ? `.gitignore: added ${added.join(', ')}` : '.gitignore already keeps env files out of git';
    },
  };
}

function hookStep(options: InitOptions): InitStep {
  const { root } = options;
  return {
    id: 'hook',
    async plan() {
      if (!options.git) return { already: 'no git repository here: run `git init`, then `keyguard hook install`' };
      if (!options.hook) return { already: 'pre-commit hook left alone (--no-hook)' };
      // doctor's own check decides: a hook that already runs a secret scan (keyguard or another) is enough.
      const [{ buildContext }, { preCommitHook }] = await Promise.all([
        import('../doctor/context.js'),
        import('../doctor/checks/pre-commit-hook.js'),
      ]);
      const result = await preCommitHook.run(await buildContext(root, await loadConfig(root)));
      return result.status === 'pass'
        ? { already: `pre-commit hook already there: ${result.message}` }
        : { change: 'install a pre-commit hook running keyguard scan --staged', already: '' };
    },
    async apply() {
      const { installHook } = await import('../hook/install.js');
      const change = await installHook({ cwd: root, manager: options.manager });
      const where = relative(root, change.path) || change.path;
      const note = change.note && !['chained', 'restored'].includes(change.note) ? ` (${change.note})` : '';
      return change.changed
        ? `pre-commit hook installed (${change.manager}: ${where})${note}`
        : `pre-commit hook already installed (${change.manager}: ${where})${note}`;
    },
  };
}

export function initSteps(options: InitOptions): InitStep[] {
  return [configStep(options.root), gitignoreStep(options.root), hookStep(options)];
}
