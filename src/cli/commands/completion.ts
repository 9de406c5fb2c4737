import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #7 builds this command.
export function registerCompletion(program: Command, _ctx: CommandContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh, fish)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard completion is not available in this build yet.');
    });
}
