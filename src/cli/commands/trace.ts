import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue # everywhere it lives in the repository:3 builds this command.
export function registerTrace(program: Command, _ctx: CommandContext): void {
  program
    .command('trace')
    .description('incident view of one leaked key')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard trace is not available in this build yet.');
    });
}
