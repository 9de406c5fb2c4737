import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import type { CommandContext } from '../io.js';

// Issue #4 builds this command.
export function registerDoctor(program: Command, _ctx: CommandContext): void {
  program
    .command('doctor')
    .description('check the setup around the key (.gitignore, env files, hooks, exposure)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError('keyguard doctor is not available in this build yet.');
    });
}
