import { fingerprint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { type Finding, secretOf } from '../../../src/scan/finding.js';
import { scanHistory } from '../../../src/scan/history/scan-history.js';
import { git } from '../../helpers/git.js';

/** A fresh generated key and its fingerprint. */
export function newKey(kind: Parameters<typeof makeKey>[0] = 'api03') {
  const key = makeKey(kind);
  return { key, fp: fingerprint(key) };
}

/** Commit everything staged/changed with a message; returns the new commit id. */
export function commitAll(dir: string, message: string, ...extra: string[]): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message, ...extra);
  return git(dir, 'rev-parse', 'HEAD');
}

export async function history(
  cwd: string,
  options: { range?: string; reachableOnly?: boolean; recurseSubmodules?: boolean } = {},
) {
  return scanHistory({ cwd, paths: [], ...options });
}

/** Findings of one key, checked to carry that key beside them. */
export function of(findings: Finding[], fp: string): Finding[] {
  const mine = findings.filter((f) => f.fingerprint === fp);
  for (const f of mine) if (!secretOf(f)) throw new Error('finding lost its secret');
  return mine;
}
