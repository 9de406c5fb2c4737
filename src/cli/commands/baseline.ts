import type { Command } from 'commander';
import {
  baselineFingerprints,
  baselinePath,
  buildBaseline,
  DEFAULT_BASELINE,
  pruneBaseline,
  readBaseline,
  writeBaseline,
} from '../../scan/baseline.js';
import { escapeTerminal as e } from '../../shared/escape.js';
import type { CommandContext } from '../io.js';

interface BaselineFlags {
  baseline?: string;
  config?: string;
  gitignore: boolean;
}

const EXAMPLES = `
Examples:
  $ keyguard baseline create              accept every key found today (by fingerprint, never the key)
  $ keyguard baseline prune               drop entries whose key is no longer found

Exit codes: 0 done · 2 error
`;

export function registerBaseline(program: Command, ctx: CommandContext): void {
  const baseline = program
    .command('baseline')
    .description("accept today's findings by content fingerprint, or prune stale entries")
    .addHelpText('after', EXAMPLES);
  const common = (cmd: Command) =>
    cmd
      .argument('[paths...]', 'files or directories to scan (default: .)')
      .option('--baseline <file>', `baseline file (default: ${DEFAULT_BASELINE})`)
      .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
      .option('--no-gitignore', 'scan ignored files too');

  common(baseline.command('create').description('write the baseline from a scan of the working tree')).action(
    async (paths: string[], flags: BaselineFlags) => {
      const { file, shown, place, exclude } = await locate(ctx, flags);
      const previous = await readBaseline(file, shown, false, place);
      const { scanWorktree } = await import('../../scan/scan.js');
      const result = await scanWorktree(paths, { cwd: ctx.io.cwd, exclude, noGitignore: !flags.gitignore });
      const next = buildBaseline(result.findings, previous, new Date());
      await writeBaseline(file, next, place);
      const added = next.entries.length - previous.entries.length;
      ctx.out(
        `${e(shown)}: ${next.entries.length} fingerprint(s) (${added} new) from ${result.findings.length} finding(s)\n`,
      );
    },
  );

  common(baseline.command('prune').description('remove baseline entries no longer found, and say which')).action(
    async (paths: string[], flags: BaselineFlags) => {
      const { file, shown, place, exclude } = await locate(ctx, flags);
      const current = await readBaseline(file, shown, true, place);
      const { scanWorktree } = await import('../../scan/scan.js');
      const result = await scanWorktree(paths, { cwd: ctx.io.cwd, exclude, noGitignore: !flags.gitignore });
      const found = baselineFingerprints(buildBaseline(result.findings, undefined, new Date()));
      const { kept, removed } = pruneBaseline(current, found);
      await writeBaseline(file, kept, place);
      for (const entry of removed) {
        ctx.out(
          // The entries come from a committed file: shown escaped.
          `removed ${e(`${entry.hint} (${entry.rule}, fingerprint ${entry.fingerprint.slice(0, 12)}, was in ${entry.path})`)}\n`,
        );
      }
      ctx.out(
        `${e(shown)}: ${removed.length} stale entr${removed.length === 1 ? 'y' : 'ies'} removed, ${kept.entries.length} kept\n`,
      );
    },
  );
}

async function locate(ctx: CommandContext, flags: BaselineFlags) {
  // Loaded on use, so `keyguard --version` does not pay for the config loader.
  const { loadConfig } = await import('../../config/loader.js');
  const loaded = await loadConfig(ctx.io.cwd, flags.config);
  const { findWorkTree } = await import('../../shared/git.js');
  const { file, shown, place } = baselinePath(ctx.io.cwd, flags.baseline, loaded, await findWorkTree(ctx.io.cwd));
  return { file, shown, place, exclude: loaded.config.scan?.exclude ?? [] };
}
