import { describe, expect, it } from 'vitest';
import { walkIntroductions } from '../../../src/scan/history/attribute.js';
import { EarlyWalk } from '../../../src/scan/history/early-walk.js';
import { listLocalBlobs } from '../../../src/scan/history/enumerate.js';
import { ALL_HISTORY } from '../../../src/scan/history/placement.js';
import { git, gitdir, writeFiles } from '../../helpers/git.js';
import { commitAll, newKey } from './fixtures.js';

/** A history of a few files and a branch; returns the repo and the blob of one version with a key. */
function repo() {
  const { key } = newKey();
  const dir = gitdir({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  writeFiles(dir, { 'a.txt': `K=${key}\n` });
  commitAll(dir, 'key');
  const hit = git(dir, 'rev-parse', 'HEAD:a.txt');
  git(dir, 'checkout', '-q', '-b', 'side');
  writeFiles(dir, { 'c.txt': 'c\n', 'a.txt': 'a again\n' });
  commitAll(dir, 'side');
  return { dir, hit };
}

describe('EarlyWalk', () => {
  it('does not start without a hit, and then finds what the walk after the scan finds', async () => {
    const { dir, hit } = repo();
    const walk = new EarlyWalk(dir, ALL_HISTORY);
    const blobs = await listLocalBlobs(dir);
    for (const b of blobs) if (b.oid !== hit) walk.blob(b.oid, false);
    expect(walk.started).toBe(false);
    walk.blob(hit, true);
    expect(walk.started).toBe(true);
    const hits = new Set([hit]);
    const early = await walk.introductions(hits);
    const after = await walkIntroductions(dir, ALL_HISTORY, (oid) => hits.has(oid));
    expect(early).toEqual(after);
    expect(early?.map((i) => i.path)).toEqual(['a.txt']);
  });

  it('keeps blobs not yet scanned, so a hit found after the walk is still attributed', async () => {
    const { dir, hit } = repo();
    const walk = new EarlyWalk(dir, ALL_HISTORY);
    const other = git(dir, 'rev-parse', 'HEAD:c.txt');
    walk.blob(other, true);
    const hits = new Set([other]);
    await walk.introductions(hits);
    // The key's blob was never reported clean: its introductions were kept.
    hits.add(hit);
    expect((await walk.introductions(hits))?.map((i) => i.path).sort()).toEqual(['a.txt', 'c.txt']);
  });

  it('gives up past its bound, and when stopped: the walk is then done after the scan', async () => {
    const { dir, hit } = repo();
    const small = new EarlyWalk(dir, ALL_HISTORY, 1);
    small.blob(hit, true);
    expect(await small.introductions(new Set([hit]))).toBeUndefined();
    const stopped = new EarlyWalk(dir, ALL_HISTORY);
    stopped.blob(hit, true);
    stopped.stop();
    expect(await stopped.introductions(new Set([hit]))).toBeUndefined();
  });
});
