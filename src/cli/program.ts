import { isKeyguardError } from '../shared/errors.js';
import { VERSION } from '../shared/version.js';
import { Command, CommanderError } from './commander.js';
import { registerAudit } from './commands/audit.js';
import { registerBaseline } from './commands/baseline.js';
import { registerCheck } from './commands/check.js';
import { registerCompletion } from './commands/completion.js';
import { registerDoctor } from './commands/doctor.js';
import { registerHook } from './commands/hook.js';
import { registerInit } from './commands/init.js';
import { registerRevoke } from './commands/revoke.js';
import { registerRotate } from './commands/rotate.js';
import { registerScan } from './commands/scan.js';
import { registerTrace } from './commands/trace.js';
import { type CliIO, type CliResult, type CommandContext, colorFor, isColored } from './io.js';
import { errorLine, present, safeProgress } from './present.js';

/** Every command, in the order `--help` lists them. Each file registers one command and its options. */
const COMMANDS = [
  registerScan,
  registerTrace,
  registerBaseline,
  registerDoctor,
  registerCheck,
  registerHook,
  registerRotate,
  registerRevoke,
  registerAudit,
  registerInit,
  registerCompletion,
];

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('keyguard')
    .description('Find, check and rotate Anthropic API keys.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError()
    // Lets `rotate status --format json` reach the subcommand instead of rotate's own --format.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.out(text),
      writeErr: (text) => ctx.err(text),
      // Commander quotes argv back ("unknown option 'x'"): one line, escaped and masked like any error.
      outputError: (text, write) => {
        const lines = text
          .trimEnd()
          .replace(/^error: /, 'keyguard: ')
          .split('\n');
        write(`${lines.map(errorLine).join('\n')}\n`);
      },
    });
  for (const register of COMMANDS) register(program, ctx);
  // Every subcommand reports usage errors through the program's own output and exit override.
  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput());
    for (const sub of command.commands) sub.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** Run the CLI as a function: parse argv, run the command, map every error to an exit code. */
export async function run(argv: string[], io: CliIO): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  let color: ReturnType<typeof colorFor> | undefined;
  let reveal = false;
  const ctx: CommandContext = {
    io: io.progress ? { ...io, progress: safeProgress(io.progress) } : io,
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    setExitCode: (code) => {
      exitCode = code;
    },
    color: () => {
      color ??= colorFor(io, argv);
      return color;
    },
    revealSecrets: () => {
      reveal = true;
    },
    secretsRevealed: () => reveal,
  };
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      exitCode = ok ? 0 : 2;
    } else if (isKeyguardError(error)) {
      stderr += `keyguard: ${errorLine(error.message)}\n`;
      for (const line of error.details) stderr += `  ${errorLine(line)}\n`;
      exitCode = error.exitCode;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      stderr += `keyguard: unexpected error: ${errorLine(message.split('\n')[0]!)}\n`;
      if (io.env.KEYGUARD_DEBUG === '1' && error instanceof Error && error.stack) stderr += `${error.stack}\n`;
      else stderr += '  (set KEYGUARD_DEBUG=1 for details)\n';
      exitCode = 2;
    }
  }
  // The boundary: whatever a command wrote, keys are masked (stdout keeps them only for
  // --show-secrets) and smuggled control characters are escaped, keyguard's own colours kept.
  const keepColor = color !== undefined && isColored(color);
  return {
    exitCode,
    stdout: present(stdout, { revealSecrets: reveal, keepColor }),
    stderr: present(stderr, { keepColor }),
  };
}
