import { isAbsolute, relative, sep } from 'node:path';
import type { LoadedConfig } from '../../config/types.js';
import { stagedRefusal } from '../../hook/message.js';
import { atOrAbove, SEVERITIES, type Severity } from '../../key/severity.js';
import { DEFAULT_BASELINE } from '../../scan/baseline.js';
import { type Finding, type ScanResult, secretOf } from '../../scan/finding.js';
import { FORMATS, type Format } from '../../scan/report/report.js';
import { UsageError } from '../../shared/errors.js';
import { findWorkTree } from '../../shared/git.js';
import { type Command, Option } from '../commander.js';
import { addCommonOptions, type CommonOptions, emitReport, progressAllowed } from '../common.js';
import { loadCommandConfig } from '../config.js';
import type { CommandContext } from '../io.js';

interface ScanFlags extends CommonOptions {
  staged?: boolean;
  history?: boolean;
  range?: string;
  stdin?: boolean;
  stdinName: string;
  failOn?: Severity;
  showSecrets?: boolean;
  gitignore: boolean;
  exclude?: string[];
  baseline?: string | false;
  reachableOnly?: boolean;
  recurseSubmodules?: boolean;
  allowMissing?: boolean;
  verify?: boolean;
  onlyActive?: boolean;
  npmPack?: boolean;
}

const EXAMPLES = `
Examples:
  $ keyguard scan                          scan the working tree (files git would see)
  $ keyguard scan --staged                 what is about to be committed (the pre-commit hook)
  $ keyguard scan --history                every blob in the repository's history
  $ keyguard scan --range origin/main..HEAD   what a pull request introduces
  $ cat build.log | keyguard scan -        standard input
  $ keyguard scan --format sarif -o keyguard.sarif

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on (default: high)
  2  error (bad flag, missing path, not a repository, bad config)
`;

export function registerScan(program: Command, ctx: CommandContext): void {
  const command = program
    .command('scan')
    .description('find Anthropic credentials in files, staged changes, stdin or git history')
    .argument('[paths...]', 'files or directories to scan (default: .); "-" reads standard input');
  addCommonOptions(command, FORMATS)
    .option('--staged', 'scan exactly what is staged in the index')
    .option('--history', "scan every blob in the repository's object store")
    .option('--range <range>', 'scan only what commits in A..B introduced')
    .option('--stdin', 'scan standard input')
    .option('--stdin-name <name>', 'path reported for standard input', '(stdin)')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that exits 1 (default: high)').choices(SEVERITIES))
    .option('--show-secrets', 'print whole keys instead of hints (careful: terminals and CI logs keep them)')
    .option('--no-gitignore', 'scan ignored files too (never .git)')
    .option('--exclude <glob...>', 'leave out paths matching these globs (adds to scan.exclude)')
    .option('--baseline <file>', `baseline of accepted fingerprints (default: ${DEFAULT_BASELINE})`)
    .option('--no-baseline', 'report baselined findings too')
    .option('--reachable-only', 'with --history: leave out unreachable objects')
    .option('--recurse-submodules', 'with --history: scan submodules too')
    .option('--allow-missing', 'with --range: warn, not fail, when blobs of the range are not on this machine')
    .option('--verify', 'check each found key against the Anthropic API (api.anthropic.com only)')
    .option('--only-active', 'with --verify: only keys verified active count towards --fail-on')
    .option('--npm-pack', 'scan exactly the files `npm publish` would ship')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], flags: ScanFlags) => {
      ctx.setExitCode(await runScan(ctx, paths, flags));
    });
}

// The engine, config loader and reporters load when a scan runs, so `keyguard --version` and `--help`
// start fast.
async function collect(
  ctx: CommandContext,
  paths: string[],
  flags: ScanFlags,
  loaded: LoadedConfig & { workTree: string | null },
): Promise<ScanResult> {
  const { config, workTree } = loaded;
  const { scanStaged, scanStdin, scanWorktree } = await import('../../scan/scan.js');
  const { baselineFingerprints, baselinePath, readBaseline } = await import('../../scan/baseline.js');
  const exclude = [...(config.scan?.exclude ?? []), ...(flags.exclude ?? [])];
  let baseline: Set<string> | undefined;
  const top = workTree ?? undefined;
  const { file: baselineFile, shown, place } = baselinePath(ctx.io.cwd, flags.baseline || undefined, loaded, top);
  if (flags.baseline !== false) {
    baseline = baselineFingerprints(await readBaseline(baselineFile, shown, Boolean(flags.baseline), place));
  }
  const maxFileBytes = (config.scan?.maxFileSizeMB ?? 0) * 1024 * 1024;
  const options = { cwd: ctx.io.cwd, exclude, baseline, maxFileBytes, workTree };
  const wantsStdin = flags.stdin || paths.includes('-');
  const modes = [flags.staged, flags.history, flags.range, wantsStdin, flags.npmPack].filter(Boolean).length;
  if (modes > 1) throw new UsageError('choose one of --staged, --history, --range, --npm-pack and stdin.');
  if (wantsStdin) {
    if (paths.some((p) => p !== '-')) throw new UsageError('stdin cannot be scanned together with paths.');
    return scanStdin(ctx.io.stdin, flags.stdinName, options);
  }
  if (flags.staged) return scanStaged(options, paths);
  if (flags.history || flags.range) {
    const { scanHistory } = await import('../../scan/history/scan-history.js');
    return scanHistory({
      ...options,
      paths,
      range: flags.range,
      // --range reports edits of these (the one in use and the default) as keyguard-config-weakened.
      baselines: top ? rangeBaselines(top, baselineFile, DEFAULT_BASELINE) : [DEFAULT_BASELINE],
      reachableOnly: flags.reachableOnly,
      recurseSubmodules: flags.recurseSubmodules,
      allowMissing: flags.allowMissing,
      progress: progressAllowed(ctx, flags.quiet) ? ctx.io.progress : undefined,
    });
  }
  if (flags.npmPack) {
    const { scanNpmPack } = await import('../../scan/sources/npm-pack.js');
    return scanNpmPack(options);
  }
  const progress = progressAllowed(ctx, flags.quiet) ? ctx.io.progress : undefined;
  let bytes = 0;
  let last = 0;
  return scanWorktree(paths, {
    ...options,
    noGitignore: !flags.gitignore,
    threads: scanThreads(ctx.io.env),
    onProgress: progress
      ? (done, total, more) => {
          bytes += more;
          const now = performance.now();
          if (now - last < 100 && done < total) return;
          last = now;
          progress(`\r\x1b[2Kscanning ${done}/${total} files (${Math.round(bytes / 1048576)} MB)`);
          if (done === total) progress('\r\x1b[2K');
        }
      : undefined,
  });
}

/** Baseline paths from the top of the work tree, for --range; one outside the tree is not in any commit. */
function rangeBaselines(top: string, file: string, fallback: string): string[] {
  const inTree = relative(top, file).split(sep).join('/');
  return [...new Set([fallback, ...(inTree && !inTree.startsWith('..') && !isAbsolute(inTree) ? [inTree] : [])])];
}

/**
 * Scanning threads for large trees, from KEYGUARD_THREADS (default 1: the main thread). Worker
 * threads are opt-in: on the 2-core machines measured so far each thread's start-up and separate JIT
 * warm-up cost more than the second core gave back (see README, Development: benchmarks).
 */
function scanThreads(env: Record<string, string | undefined>): number {
  const asked = Number(env.KEYGUARD_THREADS);
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, 32) : 1;
}

export async function runScan(ctx: CommandContext, paths: string[], flags: ScanFlags): Promise<number> {
  // One git call says where the work tree is; config, baseline and sources all reuse the answer.
  const workTree = (await findWorkTree(ctx.io.cwd)) ?? null;
  const loaded = await loadCommandConfig(ctx, flags, flags.verify ? ['anthropic'] : [], workTree);
  const { config } = loaded;
  const result = await collect(ctx, paths, flags, { ...loaded, workTree });
  if (flags.verify) {
    const { verifyFindings } = await import('../../scan/verify.js');
    await verifyFindings(result.findings, { env: ctx.io.env, config });
  }
  const failOn = flags.failOn ?? config.scan?.failOn ?? 'high';
  result.summary.failOn = failOn;
  const counts = (f: Finding) =>
    atOrAbove(f.severity, failOn) && (!flags.onlyActive || f.verification?.status === 'active');
  if (flags.onlyActive && !flags.verify) throw new UsageError('--only-active needs --verify.');
  const format = flags.format as Format;
  const palette = ctx.color();
  const { REPORTERS } = await import('../../scan/report/index.js');
  if (flags.showSecrets) ctx.revealSecrets();
  const report = REPORTERS[format]({
    ...result,
    secrets: flags.showSecrets ? secretOf : undefined,
    color: format === 'text' && !flags.output ? palette : undefined,
  });
  await emitReport(ctx, report, flags.output, { secrets: Boolean(flags.showSecrets) });
  if (format !== 'text' && !flags.quiet)
    for (const warning of result.warnings) ctx.err(`keyguard: warning: ${warning}\n`);
  if (flags.output && !flags.quiet) {
    ctx.err(`keyguard: ${result.findings.length} finding(s); report written to ${flags.output}\n`);
  }
  const failed = result.findings.some(counts);
  if (failed && flags.staged && !flags.quiet) ctx.err(stagedRefusal(ctx.io.env.GIT_INDEX_FILE !== undefined));
  return failed ? 1 : 0;
}
