import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #5 builds this command.
export function registerRotate(program: Command, _ctx: CommandContext): void {
  program
    .command('rotate')
    .description('rotate the key of one environment through its secrets store')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard rotate is not available in this build yet.');
    });
}
