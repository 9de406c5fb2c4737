import { relative } from 'node:path';
import type { HookChange } from '../../hook/types.js';
import { escapeTerminal as e } from '../../shared/escape.js';
import { type Command, Option } from '../commander.js';
import type { CommandContext } from '../io.js';

const EXAMPLES = `
Examples:
  $ keyguard hook install                    detect the hook manager and add keyguard to it
  $ keyguard hook install --manager husky    add keyguard to .husky/pre-commit
  $ keyguard hook uninstall                  remove it again (a chained git hook is restored)

The hook runs \`keyguard scan --staged\`. Plain git and husky hooks find keyguard as $KEYGUARD_BIN,
node_modules/.bin/keyguard or keyguard on PATH (no npx: no registry call at commit time), and refuse
the commit when it is not installed. lefthook and pre-commit entries run \`npx --no-install keyguard\`.

Exit codes:
  0  installed / uninstalled (or already so)
  2  error (not a git work tree, unknown manager, a file in the way)
`;

const MANAGER_OPTION = () =>
  new Option('-m, --manager <manager>', 'hook manager').choices(['auto', 'git', 'husky', 'lefthook', 'pre-commit']);

function describe(ctx: CommandContext, change: HookChange, verb: 'installed' | 'uninstalled'): string {
  // The hook's path can come from the repository's core.hooksPath: shown escaped.
  const where = e(relative(ctx.io.cwd, change.path) || change.path);
  if (!change.changed) {
    return verb === 'installed'
      ? `keyguard hook already installed (${change.manager}: ${where})\n`
      : `no keyguard hook to remove (${change.manager}: ${where})\n`;
  }
  const notes: Record<string, string> = {
    chained: ' (the existing hook was kept and runs first)',
    restored: ' (the previous hook is back in place)',
  };
  const note = change.note ? (notes[change.note] ?? `; ${e(change.note)}`) : '';
  return `keyguard hook ${verb} (${change.manager}: ${where})${note}\n`;
}

export function registerHook(program: Command, ctx: CommandContext): void {
  const hook = program
    .command('hook')
    .description('install or uninstall the pre-commit hook running keyguard scan --staged')
    .addHelpText('after', EXAMPLES);
  hook
    .command('install')
    .description('add a pre-commit step running keyguard scan --staged')
    .addOption(MANAGER_OPTION())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { manager?: string }) => {
      const { installHook } = await import('../../hook/install.js');
      ctx.out(describe(ctx, await installHook({ cwd: ctx.io.cwd, manager: flags.manager }), 'installed'));
    });
  hook
    .command('uninstall')
    .description('remove the pre-commit step keyguard added')
    .addOption(MANAGER_OPTION())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { manager?: string }) => {
      const { uninstallHook } = await import('../../hook/uninstall.js');
      ctx.out(describe(ctx, await uninstallHook({ cwd: ctx.io.cwd, manager: flags.manager }), 'uninstalled'));
    });
}
