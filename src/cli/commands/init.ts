import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #7 builds this command.
export function registerInit(program: Command, _ctx: CommandContext): void {
  program
    .command('init')
    .description('set up keyguard in this repository in one step')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard init is not available in this build yet.');
    });
}
