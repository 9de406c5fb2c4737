import { findWorkTree } from '../../shared/git.js';
import type { Finding } from '../finding.js';
import { scanWorktree } from '../scan.js';
import { scanHistory } from './scan-history.js';

/** Everything an incident responder needs to know about where one key has been. */
export interface Trace {
  fingerprint: string;
  /** Hint and rule of the key, when it was found anywhere. */
  hint: string | null;
  rule: string | null;
  locations: Finding[];
  /** The earliest commit that introduced it. */
  firstExposure: { commit: string; date: string; author: string | null; path: string } | null;
  /** Latest introduction (the key may have been committed again later). */
  lastIntroduced: string | null;
  /** Every reachability label seen, e.g. `remote:origin/main`. */
  reachability: string[];
  /** Whether any remote-tracking ref holds it: the key has left this machine. */
  pushed: boolean;
  warnings: string[];
  /** Blobs read from the object store and time taken, for the record. */
  scanned: { blobs: number; bytes: number; durationMs: number };
}

/** Find every place the key with this fingerprint lives: all of history, plus the working tree. */
export async function traceKey(cwd: string, fingerprint: string): Promise<Trace> {
  const started = performance.now();
  const history = await scanHistory({ cwd, paths: [] });
  const locations = history.findings.filter((f) => f.fingerprint === fingerprint);
  const root = await findWorkTree(cwd);
  if (root) {
    // Untracked files are not in the object store; tracked ones were labelled `worktree` above.
    const worktree = await scanWorktree([root], { cwd: root });
    for (const f of worktree.findings) {
      if (f.fingerprint !== fingerprint) continue;
      const known = locations.some((l) => l.path === f.path && l.reachability.includes('worktree'));
      if (!known) locations.push(f);
    }
  }
  const dated = locations.filter((f) => f.commit && f.date).sort((a, b) => Date.parse(a.date!) - Date.parse(b.date!));
  const first = dated[0];
  const reachability = [...new Set(locations.flatMap((f) => f.reachability))];
  return {
    fingerprint,
    hint: locations[0]?.hint ?? null,
    rule: locations[0]?.rule ?? null,
    locations,
    firstExposure: first ? { commit: first.commit!, date: first.date!, author: first.author, path: first.path } : null,
    lastIntroduced: dated.at(-1)?.date ?? null,
    reachability,
    pushed: reachability.some((label) => label.startsWith('remote:')),
    warnings: history.warnings,
    scanned: {
      blobs: history.summary.files,
      bytes: history.summary.bytes,
      durationMs: Math.round(performance.now() - started),
    },
  };
}
