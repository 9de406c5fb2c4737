import { access, constants } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { firstExisting, hooksDir, LEFTHOOK_FILES, PRE_COMMIT_CONFIG } from '../../hook/managers.js';
import { type Check, NOT_A_REPOSITORY, pass } from '../types.js';

const ID = 'pre-commit-hook';
/** Secret scanners a pre-commit step may run; any of them counts. */
export const SCANNER = /\b(?:keyguard|gitleaks|git[- ]secrets|trufflehog|detect-secrets|ggshield|secretlint)\b/;

import { readRepoText } from '../../shared/repo-files.js';

/**
 * Hook files and manager configs are repository files: a FIFO, a device or a link leading out of
 * `root` reads as absent. The installed hook is confined to its own folder (core.hooksPath may be global).
 */
const readText = (root: string, path: string) => readRepoText(path, { root }).catch(() => undefined);
const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/** Where a hook manager keeps the real pre-commit commands, and the config file it reads them from. */
async function managerConfig(
  root: string,
  hook: string,
  hookPath: string,
): Promise<{ file: string; text?: string } | undefined> {
  // husky 9 points core.hooksPath at .husky/_, whose stubs do not name husky.
  if (/husky/.test(hook) || hookPath.startsWith('.husky/'))
    return { file: '.husky/pre-commit', text: await readText(root, join(root, '.husky/pre-commit')) };
  if (/lefthook/.test(hook)) {
    const file = (await firstExisting(root, LEFTHOOK_FILES)) ?? 'lefthook.yml';
    return { file, text: await readText(root, join(root, file)) };
  }
  if (/pre-commit\.com|pre_commit|INSTALL_PYTHON/.test(hook)) {
    return { file: PRE_COMMIT_CONFIG, text: await readText(root, join(root, PRE_COMMIT_CONFIG)) };
  }
  return undefined;
}

/** Config files that mention a scanner although no installed hook runs them. */
async function configuredOnly(root: string): Promise<string | undefined> {
  const lefthook = await firstExisting(root, LEFTHOOK_FILES);
  for (const file of ['.husky/pre-commit', ...(lefthook ? [lefthook] : []), PRE_COMMIT_CONFIG]) {
    const text = await readText(root, join(root, file));
    if (text && SCANNER.test(text)) return file;
  }
  return undefined;
}

/**
 * A hook runs a secret scan before each commit: the installed pre-commit hook (core.hooksPath
 * respected) runs a scanner itself, or hands over to husky, lefthook or the pre-commit framework
 * whose configuration runs one.
 */
export const preCommitHook: Check = {
  id: ID,
  async run(ctx) {
    if (!ctx.git) return { id: ID, status: 'skip', message: NOT_A_REPOSITORY, paths: [], fix: '' };
    const hookPath = join(resolve(ctx.root, await hooksDir(ctx.root)), 'pre-commit');
    const shown = relative(ctx.root, hookPath).split('\\').join('/');
    const hook = (await executable(hookPath)) ? await readText(dirname(hookPath), hookPath) : undefined;
    if (hook !== undefined) {
      if (SCANNER.test(hook)) return pass(ID, `${shown} runs a secret scan`, [shown]);
      const config = await managerConfig(ctx.root, hook, shown);
      if (config?.text && SCANNER.test(config.text)) {
        return pass(ID, `${config.file} runs a secret scan (through ${shown})`, [config.file]);
      }
    }
    const configured = await configuredOnly(ctx.root);
    if (configured) {
      return {
        id: ID,
        status: 'warn',
        message: `${configured} runs a secret scan, but git does not run it (the hook is not installed)`,
        paths: [configured],
        fix: "install the manager's git hook (npx husky, npx lefthook install, or pre-commit install), or keyguard hook install",
      };
    }
    const present = hook !== undefined || (await readText(dirname(hookPath), hookPath)) !== undefined;
    let message = 'no pre-commit hook';
    if (hook !== undefined) message = `${shown} does not run a secret scan`;
    else if (present) message = `${shown} is not executable, so git does not run it`;
    return { id: ID, status: 'warn', message, paths: present ? [shown] : [], fix: 'keyguard hook install' };
  },
};
