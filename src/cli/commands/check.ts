import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue # present, well-formed, live:4 builds this command.
export function registerCheck(program: Command, _ctx: CommandContext): void {
  program
    .command('check')
    .description('check the key in the environment or .env')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard check is not available in this build yet.');
    });
}
