import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #4 builds this command.
export function registerHook(program: Command, _ctx: CommandContext): void {
  program
    .command('hook')
    .description('install or uninstall the pre-commit hook running keyguard scan --staged')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard hook is not available in this build yet.');
    });
}
