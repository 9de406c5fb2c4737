import { scanChunks } from './content.js';
import { applyBaseline, excluder } from './filters.js';
import type { Finding, ScanResult } from './finding.js';
import { type FileScanResult, scanBytes } from './sources/files.js';
import { scanFilesReadingAhead } from './sources/read-ahead.js';
import { listWorktree } from './sources/worktree.js';

export interface ScanOptions {
  cwd: string;
  /** Globs of paths not to scan (config `scan.exclude` plus `--exclude`). */
  exclude?: string[];
  /** Fingerprints accepted by the baseline. */
  baseline?: Set<string>;
  /** Called with (done, total) as files finish, for a progress line. */
  onProgress?: (done: number, total: number, bytes: number) => void;
  /** Scanning threads for large working-tree scans (default 1: the main thread only). */
  threads?: number;
  /** Working-tree files larger than this are skipped and counted (0 or unset: no limit). */
  maxFileBytes?: number;
  /** The git work tree of cwd when already known (null: not in one); undefined: ask git. */
  workTree?: string | null;
}

interface Tally {
  findings: Finding[];
  files: number;
  bytes: number;
  skipped: number;
  allowed: number;
  excluded: number;
  warnings: string[];
}

function finish(tally: Tally, options: ScanOptions, started: number): ScanResult {
  const { kept, baselined } = applyBaseline(tally.findings, options.baseline);
  return {
    findings: kept,
    warnings: tally.warnings,
    summary: {
      files: tally.files,
      bytes: tally.bytes,
      findings: kept.length,
      durationMs: Math.round(performance.now() - started),
      skipped: tally.skipped,
      baselined,
      allowed: tally.allowed,
      excluded: tally.excluded,
    },
  };
}

const emptyTally = (): Tally => ({
  findings: [],
  files: 0,
  bytes: 0,
  skipped: 0,
  allowed: 0,
  excluded: 0,
  warnings: [],
});

/** Scan the working tree under `paths` (files git would see; outside git, a .gitignore-aware walk). */
export async function scanWorktree(
  paths: string[],
  options: ScanOptions & { noGitignore?: boolean },
): Promise<ScanResult> {
  const started = performance.now();
  const list = await listWorktree({
    cwd: options.cwd,
    paths,
    noGitignore: options.noGitignore,
    workTree: options.workTree,
  });
  const excluded = excluder(options.exclude ?? []);
  const targets = list.targets.filter((t) => !excluded(t.path));
  const tally = emptyTally();
  tally.excluded = list.targets.length - targets.length;
  tally.warnings.push(...list.warnings);
  let done = 0;
  const progress = (result: FileScanResult) => {
    done++;
    options.onProgress?.(done, targets.length, result.bytes);
  };
  const threads = options.threads ?? 1;
  // The thread code (and node:worker_threads) loads only for a threaded scan.
  const parallel = threads > 1 ? await import('./parallel.js') : undefined;
  const results =
    parallel && targets.length >= parallel.PARALLEL_MIN_FILES && parallel.workersAvailable()
      ? await parallel.scanFilesInWorkers(targets, threads, options.maxFileBytes ?? 0, progress)
      : await scanFilesReadingAhead(
          targets,
          (target) => ({ path: target.path, reachability: ['worktree'] }),
          options.maxFileBytes ?? 0,
          progress,
        );
  for (const result of results) {
    if (result.warning) tally.warnings.push(result.warning);
    if (result.skipped) {
      tally.skipped++;
      continue;
    }
    tally.files++;
    tally.bytes += result.bytes;
    tally.allowed += result.allowed;
    for (const finding of result.findings) if (!excluded(finding.path)) tally.findings.push(finding);
  }
  return finish(tally, options, started);
}

/** Scan exactly what is staged, from the index. */
export async function scanStaged(options: ScanOptions, paths: string[] = []): Promise<ScanResult> {
  const started = performance.now();
  const { listStaged, readStaged } = await import('./sources/staged.js');
  const { root, blobs } = await listStaged(options.cwd, paths, options.workTree);
  const excluded = excluder(options.exclude ?? []);
  const tally = emptyTally();
  const kept = blobs.filter((b) => !excluded(b.path));
  tally.excluded = blobs.length - kept.length;
  for await (const { path, data } of readStaged(root, kept)) {
    const result = scanBytes(data, { path, reachability: ['index'] });
    if (result.warning) tally.warnings.push(result.warning);
    tally.files++;
    tally.bytes += result.bytes;
    tally.allowed += result.allowed;
    tally.findings.push(...result.findings);
  }
  return finish(tally, options, started);
}

/** Scan standard input as one stream, reported under `name`. */
export async function scanStdin(
  stdin: AsyncIterable<Buffer | string> | undefined,
  name: string,
  options: ScanOptions,
): Promise<ScanResult> {
  const started = performance.now();
  const tally = emptyTally();
  async function* chunks() {
    if (!stdin) return;
    for await (const chunk of stdin) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  const result = await scanChunks(chunks(), { path: name });
  tally.files = 1;
  tally.bytes = result.bytes;
  tally.allowed = result.allowed;
  tally.findings.push(...result.findings);
  return finish(tally, options, started);
}
