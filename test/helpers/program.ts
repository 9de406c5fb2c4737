import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

/** The real commander program, built with a context that discards output: for walking its commands. */
export function programTree(): Command {
  return buildProgram({
    io: { cwd: process.cwd(), env: {} },
    out: () => {},
    err: () => {},
    setExitCode: () => {},
    color: () => {
      throw new Error('not used');
    },
    revealSecrets: () => {},
    secretsRevealed: () => false,
  });
}

/** Every command path, e.g. ['scan'], ['baseline', 'create']. */
export function commandPaths(command: Command = programTree(), prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}
