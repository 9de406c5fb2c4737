import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #5 builds this command.
export function registerAudit(program: Command, _ctx: CommandContext): void {
  program
    .command('audit')
    .description('verify or list the hash-chained audit trail')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard audit is not available in this build yet.');
    });
}
