import { describe, expect, it } from 'vitest';
import { labelledRefs, refsContainingAll } from '../../../src/scan/history/containment.js';
import { git, gitdir, writeFiles } from '../../helpers/git.js';
import { commitAll } from './fixtures.js';

/** What git answers for one commit: the branch, tag and remote refs containing it. */
function forEachRefContains(dir: string, commit: string): string[] {
  return git(
    dir,
    'for-each-ref',
    '--format=%(refname)',
    '--contains',
    commit,
    'refs/heads',
    'refs/tags',
    'refs/remotes',
  )
    .split('\n')
    .filter(Boolean)
    .sort();
}

describe('refsContainingAll', () => {
  it('answers what git for-each-ref --contains answers, for many commits at once', async () => {
    const dir = gitdir({ 'f.txt': '0\n' });
    const commits = [git(dir, 'rev-parse', 'HEAD')];
    for (let i = 1; i <= 36; i++) {
      if (i === 12) git(dir, 'checkout', '-q', '-b', 'side');
      if (i === 20) git(dir, 'checkout', '-q', 'main');
      if (i === 24) git(dir, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side');
      if (i === 28) git(dir, 'tag', '-a', '-m', 'release', 'v1');
      if (i === 30) git(dir, 'tag', 'light');
      if (i === 33) git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
      // The side branch edits a file of its own, so the merge is clean.
      writeFiles(dir, { [i >= 12 && i < 20 ? 's.txt' : 'f.txt']: `${i}\n` });
      commits.push(commitAll(dir, `c${i}`));
    }
    git(dir, 'checkout', '-q', '-b', 'late');
    writeFiles(dir, { 'f.txt': 'late\n' });
    commits.push(commitAll(dir, 'late'));
    const tree = git(dir, 'rev-parse', 'HEAD^{tree}');
    git(dir, 'tag', 'a-tree', tree);

    // More commits than one 32-bit word of a mask holds.
    expect(commits.length).toBeGreaterThan(30);
    const refs = await labelledRefs(dir);
    expect(refs.map((r) => r.name)).not.toContain('refs/tags/a-tree');
    const all = await refsContainingAll(dir, commits, refs);
    for (const commit of commits) expect([...(all?.get(commit) ?? [])].sort()).toEqual(forEachRefContains(dir, commit));
    expect(all?.get(commits[5]!)?.sort()).toEqual([
      'refs/heads/late',
      'refs/heads/main',
      'refs/heads/side',
      'refs/remotes/origin/main',
      'refs/tags/light',
      'refs/tags/v1',
    ]);
  });

  it('is empty for commits no ref reaches', async () => {
    const dir = gitdir({ 'f.txt': '0\n' });
    writeFiles(dir, { 'f.txt': '1\n' });
    const gone = commitAll(dir, 'soon amended');
    git(dir, 'commit', '-q', '--amend', '-m', 'amended');
    const all = await refsContainingAll(dir, [gone], await labelledRefs(dir));
    expect(all?.get(gone)).toEqual([]);
  });
});
