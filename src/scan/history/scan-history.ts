import { join, posix, relative, resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { ContentResult } from '../content.js';
import { applyBaseline, excluder } from '../filters.js';
import { attachSecret, type Finding, type ScanResult, secretOf } from '../finding.js';
import type { ScanOptions } from '../scan.js';
import { labelledRefs, refsContainingAll } from './containment.js';
import { EarlyWalk } from './early-walk.js';
import { type BlobEntry, listLocalBlobs } from './enumerate.js';
import { treelessError } from './partial-clone.js';
import { ALL_HISTORY, type Placement, place, rangeIntroductions } from './placement.js';
import { progressReporter } from './progress.js';
import { labelsFor, reachabilityContext, refLabel } from './reachability.js';
import { countMissingObjects, headTree, type RepoInfo, repoInfo } from './repo.js';
import { scanBlobs } from './scan-blobs.js';

export interface HistoryScanOptions extends ScanOptions {
  paths: string[];
  range?: string;
  reachableOnly?: boolean;
  recurseSubmodules?: boolean;
  /** With a range: blobs it introduced that are not on this machine are a warning, not an error. */
  allowMissing?: boolean;
  progress?: (text: string) => void;
  /** With `range`: baseline files (from the top of the repository) whose changes are reported. */
  baselines?: string[];
}

/**
 * `scan --history` and `scan --range`: read every blob once from the object store (or, for a range,
 * only the blobs its commits introduced), then attribute and label only the blobs with a hit.
 */
export async function scanHistory(options: HistoryScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const cwd = options.cwd;
  const info = await repoInfo(cwd);
  if (info.treeless) throw treelessError();
  const warnings: string[] = [];
  if (info.shallow) warnings.push('this is a shallow clone: commits before the shallow boundary were not scanned.');

  const rangeIntros = options.range ? await rangeIntroductions(cwd, options.range, info) : undefined;
  let blobs: BlobEntry[];
  if (!rangeIntros) blobs = await listLocalBlobs(cwd);
  else if (info.partial) {
    // Asking cat-file for a blob the server kept would fetch it: keep to what is on disk.
    const wanted = new Set(rangeIntros.map((i) => i.oid));
    blobs = (await listLocalBlobs(cwd)).filter((b) => wanted.has(b.oid));
  } else {
    // A range is small: read its blobs directly rather than listing the whole store.
    blobs = [...new Set(rangeIntros.map((i) => i.oid))].map((oid) => ({ oid, size: 0 }));
  }
  if (rangeIntros && info.partial) {
    const local = new Set(blobs.map((b) => b.oid));
    const absent = new Set(rangeIntros.filter((i) => !local.has(i.oid)).map((i) => i.oid)).size;
    if (absent) missingInRange(options, warnings, absent, 'are not on this machine (partial clone)');
  } else if (info.partial) {
    const missing = await countMissingObjects(cwd).catch(() => 0);
    if (missing)
      warnings.push(
        `partial clone: ${missing} object(s) are not on this machine and were not scanned (no fetch was made).`,
      );
  }

  const totalBytes = blobs.reduce((sum, b) => sum + b.size, 0);
  const progress = progressReporter(options.progress, blobs.length, totalBytes);
  const early = !options.range && info.hasHead ? new EarlyWalk(cwd, ALL_HISTORY) : undefined;
  let scanned: Awaited<ReturnType<typeof scanBlobs>>;
  try {
    scanned = await scanBlobs(cwd, blobs, progress.update, { onBlob: early && ((oid, hit) => early.blob(oid, hit)) });
  } catch (error) {
    early?.stop();
    throw error;
  } finally {
    progress.done();
  }
  for (const { oid, reason } of scanned.failed) warnings.push(`object ${oid} could not be read (${reason}); skipped.`);
  if (scanned.missing.length && options.range)
    missingInRange(options, warnings, scanned.missing.length, 'are missing from the object store');
  else if (scanned.missing.length) warnings.push(`${scanned.missing.length} listed object(s) were missing; skipped.`);

  const walked = scanned.hits.size ? await early?.introductions(scanned.hits) : undefined;
  const placements = scanned.hits.size
    ? await place(cwd, info, scanned.hits, rangeIntros, walked)
    : new Map<string, Placement[]>();
  const findings = await buildFindings(cwd, info, scanned.hits, placements, options);

  if (info.hasHead && !options.range) {
    const sub = await submodules(cwd, info, options);
    warnings.push(...sub.warnings);
    findings.push(...sub.findings);
  }

  const excluded = excluder(options.exclude ?? []);
  const inPaths = await pathFilter(cwd, info, options.paths);
  const included = findings.filter((f) => !excluded(f.path));
  const kept = included.filter((f) => inPaths(f.path));
  const { kept: final, baselined } = applyBaseline(kept, options.baseline);
  if (options.range) {
    // After every exclude, baseline and allow: the change that would hide findings is never hidden.
    const { rangeWeakenings } = await import('./weakened.js');
    const weakened = await rangeWeakenings({ cwd, range: options.range, baselines: options.baselines ?? [] });
    final.push(...weakened.findings);
    if (weakened.warning) warnings.push(weakened.warning);
  }
  let allowed = 0;
  for (const hit of scanned.hits.values()) allowed += hit.allowed;
  return {
    findings: final,
    warnings,
    summary: {
      files: scanned.blobs,
      bytes: scanned.bytes,
      findings: final.length,
      durationMs: Math.round(performance.now() - started),
      skipped: scanned.failed.length + scanned.missing.length,
      baselined,
      allowed,
      excluded: findings.length - included.length,
    },
  };
}

/**
 * A range is what a pull request adds: a blob of it that cannot be read is a hole in the check, so
 * an error unless the caller said --allow-missing (then a warning, and the scan goes on).
 */
function missingInRange(options: HistoryScanOptions, warnings: string[], count: number, why: string): void {
  const what = `--range ${options.range}: ${count} blob(s) it introduced ${why} and were not scanned`;
  if (options.allowMissing) {
    warnings.push(`${what}.`);
    return;
  }
  throw new InputError(
    `${what} (keyguard never fetches); fetch them (\`git fetch --refetch --no-filter origin\`, or a full clone), or pass --allow-missing.`,
  );
}

async function buildFindings(
  cwd: string,
  info: RepoInfo,
  hits: Map<string, ContentResult>,
  placements: Map<string, Placement[]>,
  options: HistoryScanOptions,
): Promise<Finding[]> {
  if (hits.size === 0) return [];
  const ctx = await reachabilityContext(cwd, info);
  // Which refs contain each introducing commit: one walk of history for all of them.
  const commits = [...new Set([...placements.values()].flat().flatMap((p) => (p.intro ? [p.intro.commit] : [])))];
  const contained = await refsContainingAll(cwd, commits, await labelledRefs(cwd)).catch(() => undefined);
  for (const [commit, refs] of contained ?? [])
    ctx.refs.set(commit, Promise.resolve(refs.flatMap((ref) => refLabel(ref) ?? [])));
  const findings: Finding[] = [];
  // Labels for every hit at once: each asks git which refs contain its commits, a walk of history.
  const labelled = await Promise.all(
    [...hits].map(async ([oid, hit]) => {
      const where = placements.get(oid) ?? [];
      const commits = where.flatMap((p) => (p.intro ? [p.intro.commit] : []));
      const unreachable = where.length > 0 && where.every((p) => p.unreachable);
      if (unreachable && options.reachableOnly) return undefined;
      const paths = where.map((p) => p.path);
      return { hit, where, labels: await labelsFor(cwd, ctx, oid, [...new Set(commits)], paths, unreachable) };
    }),
  );
  for (const entry of labelled) {
    if (!entry) continue;
    const { hit, where, labels } = entry;
    for (const place of where) {
      for (const template of hit.findings) {
        const finding: Finding = {
          ...template,
          path: place.path,
          commit: place.intro?.commit ?? null,
          author: place.intro?.author ?? null,
          date: place.intro?.date ?? null,
          reachability: labels,
        };
        findings.push(attachSecret(finding, secretOf(template) ?? ''));
      }
    }
  }
  return findings.sort(
    (a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.path.localeCompare(b.path) || a.line - b.line,
  );
}

/** Submodules in HEAD: reported, and scanned (each its own history) with --recurse-submodules. */
async function submodules(cwd: string, info: RepoInfo, options: HistoryScanOptions) {
  const warnings: string[] = [];
  const findings: Finding[] = [];
  const { gitlinks } = await headTree(cwd);
  for (const path of gitlinks.keys()) {
    const dir = info.workTree ? join(info.workTree, path) : undefined;
    if (!options.recurseSubmodules) {
      warnings.push(`submodule ${path} was not scanned (add --recurse-submodules).`);
      continue;
    }
    const sub = dir ? await repoInfo(dir).catch(() => undefined) : undefined;
    if (!dir || !sub || sub.workTree !== dir) {
      warnings.push(`submodule ${path} is not checked out; not scanned.`);
      continue;
    }
    const result = await scanHistory({ ...options, cwd: dir, paths: [], progress: undefined, baseline: undefined });
    warnings.push(...result.warnings.map((w) => `submodule ${path}: ${w}`));
    for (const f of result.findings)
      findings.push(attachSecret({ ...f, path: `${path}/${f.path}` }, secretOf(f) ?? ''));
  }
  return { warnings, findings };
}

/** `scan --history src/` keeps findings under src/ (paths relative to cwd, findings to the root). */
async function pathFilter(cwd: string, info: RepoInfo, paths: string[]): Promise<(path: string) => boolean> {
  const root = info.workTree ?? cwd;
  const prefixes = paths
    .map((p) => relative(root, resolve(cwd, p)).split('\\').join('/'))
    .map((p) => posix.normalize(p))
    .filter((p) => p !== '.' && p !== '');
  if (prefixes.length === 0) return () => true;
  return (path) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}
