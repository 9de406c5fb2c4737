import { UsageError } from '../../shared/errors.js';
import { findWorkTree } from '../../shared/git.js';
import { type Command, Option } from '../commander.js';
import type { CommandContext } from '../io.js';

interface InitFlags {
  yes?: boolean;
  hook: boolean;
  manager?: string;
}

const EXAMPLES = `
Examples:
  $ keyguard init                  on a terminal: asks before each change
  $ keyguard init --yes            scripts and CI: apply every step without asking
  $ keyguard init --yes --no-hook  config and .gitignore only
  $ keyguard init --manager husky  add the hook to husky instead of the detected manager

Runs in the top of the git work tree (or here, outside git). Running it again changes nothing.

Exit codes:
  0  set up (or already set up)
  2  error (no terminal and no --yes, a file in the way, unknown hook manager)
`;

const NEXT_STEPS = `
Next steps:
  keyguard scan                   scan the working tree
  keyguard scan --history         look for keys in every commit, branch, stash and reflog
  keyguard doctor                 check .gitignore, env files, the hook and exposed keys
  keyguard baseline create        accept findings you cannot remove today (by fingerprint)
  keyguard completion bash        shell completion (also zsh, fish)
`;

export function registerInit(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('set up keyguard in this repository in one step')
    .option('-y, --yes', 'apply every step without asking (required when not on a terminal)')
    .option('--no-hook', 'do not install the pre-commit hook')
    .addOption(
      new Option('-m, --manager <manager>', 'hook manager (default: detected)').choices([
        'auto',
        'git',
        'husky',
        'lefthook',
        'pre-commit',
      ]),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: InitFlags) => {
      await runInit(ctx, flags);
    });
}

async function runInit(ctx: CommandContext, flags: InitFlags): Promise<void> {
  const top = await findWorkTree(ctx.io.cwd);
  const root = top ?? ctx.io.cwd;
  // Loaded here, not at start-up: init pulls in doctor and hook code that other commands never need.
  const { initSteps } = await import('../../init/steps.js');
  const steps = initSteps({ root, git: top !== undefined, hook: flags.hook, manager: flags.manager });
  const plans = [];
  for (const step of steps) plans.push({ step, ...(await step.plan()) });
  const pending = plans.filter((p) => p.change);
  const interactive = !flags.yes && ctx.io.stdinIsTTY && ctx.io.confirm;
  if (pending.length && !flags.yes && !interactive) {
    throw new UsageError(
      `not a terminal, so init cannot ask before changing anything: pass --yes to ${pending.map((p) => p.change).join('; ')}.`,
    );
  }
  const chalk = ctx.color();
  const lines: string[] = [];
  let changed = 0;
  for (const { step, change, already } of plans) {
    if (!change) {
      lines.push(`  ${chalk.dim('·')} ${already}`);
      continue;
    }
    if (interactive && !(await ctx.io.confirm!(`${change[0]!.toUpperCase()}${change.slice(1)}?`))) {
      lines.push(`  ${chalk.yellow('-')} skipped: ${change}`);
      continue;
    }
    lines.push(`  ${chalk.green('✔')} ${await step.apply()}`);
    changed++;
  }
  ctx.out(`keyguard init in ${root}\n${lines.join('\n')}\n`);
  if (pending.length === 0) ctx.out('\nNothing changed: keyguard is already set up here.\n');
  else ctx.out(changed ? NEXT_STEPS : '\nNothing changed.\n');
}
