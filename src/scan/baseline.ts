import { relative, resolve } from 'node:path';
import { isFingerprint } from '../key/fingerprint.js';
import { InputError } from '../shared/errors.js';
import { RepoFileError, readRepoText, writeRepoFile } from '../shared/repo-files.js';
import type { Finding } from './finding.js';

export const DEFAULT_BASELINE = '.keyguard-baseline.json';

/** One accepted key. Content-keyed, so it survives rebases, squashes and moved lines; never the key. */
export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  hint: string;
  path: string;
  created: string;
}

export interface Baseline {
  version: 1;
  entries: BaselineEntry[];
}

/** Where a baseline may be read from and written to: the work tree, unless the user named the file. */
export interface BaselinePlace {
  root: string;
  named: boolean;
}

/** Read a baseline; a missing file is an empty baseline unless `required`. */
export async function readBaseline(
  file: string,
  shown: string,
  required = false,
  place: BaselinePlace = { root: resolve(file, '..'), named: false },
): Promise<Baseline> {
  let text: string | undefined;
  try {
    text = await readRepoText(file, { ...place, shown });
  } catch (error) {
    if (error instanceof RepoFileError) throw new InputError(`baseline ${error.message}`);
    throw new InputError(`cannot read baseline ${shown} (${(error as NodeJS.ErrnoException).code}).`);
  }
  if (text === undefined) {
    if (!required) return { version: 1, entries: [] };
    throw new InputError(`cannot read baseline ${shown} (ENOENT).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`baseline ${shown} is not valid JSON.`);
  }
  const entries = (value as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) throw new InputError(`baseline ${shown} has no "entries" array.`);
  entries.forEach((entry, i) => {
    if (typeof entry?.fingerprint !== 'string' || !isFingerprint(entry.fingerprint)) {
      throw new InputError(`baseline ${shown}: entries[${i}].fingerprint is not a SHA-256 hex fingerprint.`);
    }
  });
  return { version: 1, entries: entries as BaselineEntry[] };
}

export function baselineFingerprints(baseline: Baseline): Set<string> {
  return new Set(baseline.entries.map((e) => e.fingerprint));
}

/** One entry per fingerprint, first path seen, sorted for stable diffs. Keeps existing entries' dates. */
export function buildBaseline(findings: Finding[], previous: Baseline | undefined, now: Date): Baseline {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const entry of previous?.entries ?? []) byFingerprint.set(entry.fingerprint, entry);
  for (const f of findings) {
    if (byFingerprint.has(f.fingerprint)) continue;
    byFingerprint.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      rule: f.rule,
      hint: f.hint,
      path: f.path,
      created: now.toISOString(),
    });
  }
  const entries = [...byFingerprint.values()].sort(
    (a, b) => a.path.localeCompare(b.path) || a.fingerprint.localeCompare(b.fingerprint),
  );
  return { version: 1, entries };
}

/** Split a baseline into the entries still found and the stale ones. */
export function pruneBaseline(baseline: Baseline, found: Set<string>): { kept: Baseline; removed: BaselineEntry[] } {
  const kept = baseline.entries.filter((e) => found.has(e.fingerprint));
  const removed = baseline.entries.filter((e) => !found.has(e.fingerprint));
  return { kept: { version: 1, entries: kept }, removed };
}

/** Write atomically (temp file + rename), so a crash never leaves half a baseline; never through a link. */
export async function writeBaseline(file: string, baseline: Baseline, place?: BaselinePlace): Promise<void> {
  const where = place ?? { root: resolve(file, '..'), named: false };
  try {
    await writeRepoFile(file, `${JSON.stringify(baseline, null, 2)}\n`, { ...where, how: 'replace' });
  } catch (error) {
    if (error instanceof RepoFileError) throw new InputError(`baseline ${error.message}`);
    throw error;
  }
}

/**
 * Where the baseline is: `--baseline` relative to the current folder; `scan.baseline` relative to the
 * config file; the default next to the config file, or at the top of the work tree when there is no
 * config. So `keyguard scan` run from a subfolder uses the same baseline as from the root.
 */
export function baselinePath(
  cwd: string,
  flag: string | undefined,
  loaded: { config: { scan?: { baseline?: string } }; file?: string; dir: string },
  top: string | undefined,
): { file: string; shown: string; place: BaselinePlace } {
  const root = top ?? loaded.dir;
  if (flag) return { file: resolve(cwd, flag), shown: flag, place: { root, named: true } };
  const name = loaded.config.scan?.baseline ?? DEFAULT_BASELINE;
  const file = resolve(loaded.file ? loaded.dir : (top ?? cwd), name);
  const shown = relative(cwd, file);
  return { file, shown: shown && !shown.startsWith('..') ? shown : file, place: { root, named: false } };
}
