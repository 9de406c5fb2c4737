import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #5 builds this command.
export function registerRevoke(program: Command, _ctx: CommandContext): void {
  program
    .command('revoke')
    .description('deactivate a leaked key through the Admin API')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard revoke is not available in this build yet.');
    });
}
