import { Argument, type Command } from '../commander.js';
import { completionScript, SHELLS, type Shell } from '../completion/shells.js';
import { describeProgram } from '../completion/spec.js';
import type { CommandContext } from '../io.js';

const EXAMPLES = `
Examples:
  $ keyguard completion bash > ~/.local/share/bash-completion/completions/keyguard
  $ echo 'source <(keyguard completion bash)' >> ~/.bashrc
  $ keyguard completion zsh > "\${fpath[1]}/_keyguard"
  $ keyguard completion fish > ~/.config/fish/completions/keyguard.fish

Exit codes:
  0  script printed
  2  unknown shell
`;

/** The script is generated from the program itself, so every command and flag is always in it. */
export function registerCompletion(program: Command, ctx: CommandContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh, fish)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText('after', EXAMPLES)
    .action((shell: Shell) => {
      ctx.out(completionScript(shell, describeProgram(program)));
    });
}
