import { createRequire } from 'node:module';
import type picomatch from 'picomatch';
import type { Finding } from './finding.js';

/** picomatch is loaded only when there are globs to match: most scans have none. */
let compile: typeof picomatch | undefined;
const glob = () => (compile ??= createRequire(import.meta.url)('picomatch') as typeof picomatch);

/** A path matcher for `scan.exclude` and `--exclude` globs (gitignore-like: `dir/**`, `*.log`). */
export function excluder(globs: string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const matchers = globs.map((pattern) => glob()(pattern, { dot: true, matchBase: !pattern.includes('/') }));
  return (path) => {
    // Archive members (`a.zip!x`) and history paths are judged by their outer file path.
    const outer = path.split('!')[0]!;
    return matchers.some((m) => m(outer) || m(path));
  };
}

/** Drop findings whose fingerprint is in the baseline, counting them. */
export function applyBaseline(findings: Finding[], baseline: Set<string> | undefined) {
  if (!baseline || baseline.size === 0) return { kept: findings, baselined: 0 };
  const kept = findings.filter((f) => !baseline.has(f.fingerprint));
  return { kept, baselined: findings.length - kept.length };
}
