import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { addCommonOptions, type CommonOptions, emitReport } from '../common.js';
import type { CommandContext } from '../io.js';

interface DoctorFlags extends CommonOptions {
  fix?: boolean;
  strict?: boolean;
}

const EXAMPLES = `
Examples:
  $ keyguard doctor                   check the repository around the current directory
  $ keyguard doctor --fix             also repair what can be repaired (.gitignore, .dockerignore, chmod 600)
  $ keyguard doctor --strict          warnings fail too (CI)
  $ keyguard doctor --format json     { "version": 1, "checks": [ { "id", "status", "message", "paths", "fix" } ] }

Checks: gitignore-env, env-tracked, env-in-history, env-permissions, env-example-real-key,
key-reused-across-envs, client-exposed-key, dockerignore-env, pre-commit-hook.

Exit codes:
  0  every check passed (warnings allowed unless --strict)
  1  a check failed (or, with --strict, warned)
  2  error (bad flag, missing path, bad config)
`;

export function registerDoctor(program: Command, ctx: CommandContext): void {
  const command = program
    .command('doctor')
    .description('check the setup around the key (.gitignore, env files, hooks, exposure)')
    .argument('[path]', 'directory to check (default: .)');
  addCommonOptions(command, ['text', 'json'])
    .option('--fix', 'repair what can be repaired: .gitignore and .dockerignore entries, env file modes')
    .option('--strict', 'exit 1 on warnings too')
    .addHelpText('after', EXAMPLES)
    .action(async (path: string | undefined, flags: DoctorFlags) => {
      const target = resolve(ctx.io.cwd, path ?? '.');
      const info = await stat(target).catch(() => undefined);
      if (!info?.isDirectory()) throw new InputError(`${path ?? '.'} is not a directory.`);
      const { runDoctor, doctorExitCode } = await import('../../doctor/runner.js');
      const { formatDoctorJson, formatDoctorText } = await import('../../doctor/report.js');
      const config = flags.config ? resolve(ctx.io.cwd, flags.config) : undefined;
      const report = await runDoctor({ path: target, config, fix: flags.fix });
      const chalk = ctx.color();
      const text =
        flags.format === 'json' ? formatDoctorJson(report) : formatDoctorText(report, flags.output ? undefined : chalk);
      for (const warning of report.warnings) ctx.err(`keyguard: warning: ${warning}\n`);
      await emitReport(ctx, text, flags.output);
      ctx.setExitCode(doctorExitCode(report.checks, Boolean(flags.strict)));
    });
}
