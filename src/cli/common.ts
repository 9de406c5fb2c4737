import { resolve } from 'node:path';
import { InputError, UsageError } from '../shared/errors.js';
import { RepoFileError, writeRepoFile } from '../shared/repo-files.js';
import { type Command, Option } from './commander.js';
import { TRUST_CONFIG_HELP } from './config.js';
import type { CommandContext } from './io.js';
import { present } from './present.js';

/** Flags every reporting command shares (DESIGN §1). */
export interface CommonOptions {
  format: string;
  output?: string;
  config?: string;
  trustConfig?: boolean;
  color: boolean;
  quiet?: boolean;
}

export function addCommonOptions(command: Command, formats: readonly string[]): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default(formats[0]))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .option('--trust-config', TRUST_CONFIG_HELP)
    .option('--no-color', 'no colours (also NO_COLOR)')
    .option('-q, --quiet', 'no progress or informational output on stderr');
}

/**
 * Write a report to --output or stdout. A report file never gets colour, is never written through a
 * symlink (a hostile checkout can plant `report.sarif -> ~/.bashrc`), and is 0600 when it holds keys.
 */
export async function emitReport(
  ctx: CommandContext,
  text: string,
  output: string | undefined,
  options: { secrets?: boolean } = {},
): Promise<void> {
  if (!output) {
    ctx.out(text);
    return;
  }
  const file = resolve(ctx.io.cwd, output);
  // A report file passes the same door as stdout (run() scrubs that one).
  const shown = present(text, { revealSecrets: ctx.secretsRevealed() });
  try {
    // Named on the command line, so it may lie outside the current folder, but never through a link.
    await writeRepoFile(file, shown, {
      root: ctx.io.cwd,
      shown: output,
      named: true,
      ...(options.secrets ? { mode: 0o600, forceMode: true } : {}),
    });
  } catch (error) {
    if (error instanceof RepoFileError) throw new InputError(`cannot write ${output}: ${error.message}`);
    throw new InputError(`cannot write ${output} (${(error as NodeJS.ErrnoException).code}).`);
  }
}

/** True when progress may be drawn: stderr is a terminal, not CI, not --quiet. */
export function progressAllowed(ctx: CommandContext, quiet: boolean | undefined): boolean {
  return Boolean(ctx.io.stderrIsTTY && ctx.io.progress && !quiet && !ctx.io.env.CI);
}

export function parseIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number, got "${value}".`);
    return n;
  };
}
