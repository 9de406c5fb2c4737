import { InputError } from '../../shared/errors.js';
import { streamGit } from './git-stream.js';

/** The config keys that make a partial clone (read with `git config --get-regexp`). */
export const PARTIAL_CONFIG = '^(extensions\\.partialclone|remote\\..*\\.promisor|remote\\..*\\.partialclonefilter)$';

export interface PartialClone {
  /** Some objects were left on the server on purpose. */
  partial: boolean;
  /** A filter that leaves trees out (`--filter=tree:<depth>`, alone or combined). */
  treeFilter: boolean;
}

/** `git config --get-regexp PARTIAL_CONFIG` output → what kind of partial clone this is (pure). */
export function parsePartialConfig(text: string | undefined): PartialClone {
  const lines = (text ?? '').split('\n');
  return {
    partial: lines.some((line) => /^extensions\.partialclone \S|^remote\..*\.promisor true$/i.test(line)),
    treeFilter: lines.some((line) => /^remote\..*\.partialclonefilter .*\btree(:|%3A)/i.test(line)),
  };
}

/**
 * Whether commits' trees are missing: the filter in config says trees were left out, but a later
 * `git fetch --refetch --filter=blob:none` brings them without changing the config, so look. Lists
 * commits and trees only (`--filter=blob:none`), stops at the first missing one; never fetches.
 */
export async function treesMissing(cwd: string): Promise<boolean> {
  const args = ['rev-list', '--objects', '--all', '--missing=print', '--filter=blob:none'];
  let atLineStart = true;
  for await (const chunk of streamGit(args, cwd)) {
    for (let i = 0; i < chunk.length; i++) {
      if (atLineStart && chunk[i] === 0x3f) return true;
      atLineStart = chunk[i] === 0x0a;
    }
  }
  return false;
}

export const TREELESS_MESSAGE =
  'this is a tree-less partial clone (--filter=tree:0): the trees of past commits are not on this machine, ' +
  'so its history cannot be walked without fetching them, and keyguard never fetches; run ' +
  '`git fetch --refetch --filter=blob:none origin` here (trees, not blobs), or scan a full clone.';

/** Thrown by history scans, ranges and trace on a tree-less clone. */
export function treelessError(): InputError {
  return new InputError(TREELESS_MESSAGE);
}
