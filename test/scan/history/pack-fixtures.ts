import { execFileSync } from 'node:child_process';
import { listLocalBlobs } from '../../../src/scan/history/enumerate.js';
import { planPacks } from '../../../src/scan/history/pack/plan.js';
import type { PackTask } from '../../../src/scan/history/pack/task-types.js';
import { GIT_ENV, git, gitdir, writeFiles } from '../../helpers/git.js';

/**
 * A repository whose one file goes through `versions`, one commit each, packed with deep delta
 * chains (git stores most versions as deltas of others).
 */
export function packedRepo(versions: string[], file = 'data.txt'): string {
  const dir = gitdir();
  versions.forEach((text, c) => {
    writeFiles(dir, { [file]: text });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `v${c}`);
  });
  git(dir, 'repack', '-adq', '-f', '--depth=50', '--window=50');
  return dir;
}

/** Versions of a 300-line file, each editing a few lines of the one before. */
export function editedVersions(count: number, edit?: (lines: string[], c: number) => void): string[] {
  const lines = Array.from({ length: 300 }, (_, i) => `export const value${i} = compute(${i}, "some text");`);
  return Array.from({ length: count }, (_, c) => {
    lines[(c * 37) % lines.length] = `export const edited${c} = compute(${c * 3}, "edited");`;
    edit?.(lines, c);
    return `${lines.join('\n')}\n`;
  });
}

/** The repository's packed blobs as the one task the planner makes of them, with each object's blob id. */
export async function packedTask(
  dir: string,
  maxRebuilt?: number,
): Promise<{ task: PackTask; oids: Array<string | undefined> }> {
  const plan = await planPacks(dir, await listLocalBlobs(dir), 1, maxRebuilt);
  if (plan.tasks.length !== 1 || plan.rest.length) throw new Error('expected every blob in one task');
  return plan.tasks[0]!;
}

/** A blob's content as git reads it. */
export function blobOf(dir: string, oid: string): Buffer {
  return execFileSync('git', ['cat-file', 'blob', oid], { cwd: dir, env: GIT_ENV, maxBuffer: 1 << 28 });
}

/**
 * Versions of a file that shrinks: git keeps the largest whole, the smaller ones as deltas of larger
 * ones, so with a small limit on what is held some deltas have a base too large to hold.
 */
export function shrinkingVersions(key?: string): string[] {
  const lines = Array.from({ length: 400 }, (_, i) => `row ${i}: ${'text '.repeat(3)}${i * 7}`);
  if (key) lines[390] = `KEY=${key}`;
  return Array.from({ length: 12 }, (_, c) => `${lines.slice(0, 400 - c * 30).join('\n')}\n`);
}
