import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, gitdir, tempDir, writeFiles } from '../../helpers/git.js';
import { commitAll, history, newKey, of } from './fixtures.js';

describe('scan --history: where a key was introduced', () => {
  it('a deleted file: the commit that added it, reachable from the branch but not HEAD', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'README.md': 'hello\n', 'config/.env': `ANTHROPIC_API_KEY=${key}\n` });
    const added = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'rm', '-q', 'config/.env');
    commitAll(dir, 'remove env');
    const [finding, ...rest] = of((await history(dir)).findings, fp);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule: 'anthropic-api-key',
      path: 'config/.env',
      line: 1,
      column: 19,
      commit: added,
      author: 'Ada Lovelace <ada@example.com>',
      date: '2026-01-02T03:04:05+00:00',
      reachability: ['branch:main'],
    });
  });

  it('a removed line: found in the old version only', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'app.ts': `const a = 1;\nconst key = "${key}";\nconst b = 2;\n` });
    const added = git(dir, 'rev-parse', 'HEAD');
    writeFiles(dir, { 'app.ts': 'const a = 1;\nconst b = 2;\n' });
    commitAll(dir, 'drop key');
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => [f.path, f.line, f.commit, f.reachability])).toEqual([
      ['app.ts', 2, added, ['branch:main']],
    ]);
  });

  it('a renamed file: attributed where it first appeared; still in HEAD, index and worktree', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'old/name.txt': `k=${key}\n` });
    const added = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'mv', 'old/name.txt', 'new-name.txt');
    commitAll(dir, 'rename');
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => [f.path, f.commit, f.reachability])).toEqual([
      ['old/name.txt', added, ['HEAD', 'worktree', 'index', 'branch:main']],
    ]);
  });

  it('the same key in two files gives two findings', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'a.env': `KEY=${key}\n`, 'b.json': `{"key": "${key}"}\n`, 'c.env': `KEY=${key}\n` });
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => f.path).sort()).toEqual(['a.env', 'b.json', 'c.env']);
  });

  it('branch-only and tag-only (after the branch was deleted) keys', async () => {
    const branchKey = newKey();
    const tagKey = newKey();
    const dir = gitdir({ 'README.md': 'x\n' });
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFiles(dir, { 'feature.env': `K=${branchKey.key}\n` });
    const onBranch = commitAll(dir, 'feature');
    git(dir, 'checkout', '-q', '-b', 'hotfix', 'main');
    writeFiles(dir, { 'hotfix.env': `K=${tagKey.key}\n` });
    const onTag = commitAll(dir, 'hotfix');
    git(dir, 'tag', 'v1.0.1');
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'branch', '-q', '-D', 'hotfix');
    const { findings } = await history(dir);
    expect(of(findings, branchKey.fp).map((f) => [f.commit, f.reachability])).toEqual([[onBranch, ['branch:feature']]]);
    expect(of(findings, tagKey.fp).map((f) => [f.commit, f.reachability])).toEqual([[onTag, ['tag:v1.0.1']]]);
  });

  it('a key written while resolving a merge conflict is attributed to the merge', async () => {
    const { key, fp } = newKey();
    const branchKey = newKey();
    const dir = gitdir({ 'settings.ini': 'mode=a\n' });
    git(dir, 'checkout', '-q', '-b', 'other');
    writeFiles(dir, { 'settings.ini': 'mode=b\n', 'other.env': `K=${branchKey.key}\n` });
    const branchCommit = commitAll(dir, 'other');
    git(dir, 'checkout', '-q', 'main');
    writeFiles(dir, { 'settings.ini': 'mode=c\n' });
    commitAll(dir, 'main change');
    expect(() => git(dir, 'merge', '-q', 'other')).toThrow();
    writeFiles(dir, { 'settings.ini': `mode=c\napi_key=${key}\n` });
    const merge = commitAll(dir, 'merge other');
    expect(git(dir, 'rev-list', '--parents', '-n1', 'HEAD').split(' ')).toHaveLength(3);
    const { findings } = await history(dir);
    expect(of(findings, fp).map((f) => [f.path, f.line, f.commit])).toEqual([['settings.ini', 2, merge]]);
    // What the branch brought in stays attributed to the branch's own commit.
    expect(of(findings, branchKey.fp).map((f) => f.commit)).toEqual([branchCommit]);
  });
});

describe('scan --history: keys outside the branches', () => {
  it('unstaged changes in the newest and an older stash entry', async () => {
    const older = newKey();
    const newer = newKey();
    const dir = gitdir({ 'app.env': 'KEY=\n', 'b.txt': 'b\n' });
    writeFiles(dir, { 'app.env': `KEY=${older.key}\n` });
    git(dir, 'stash', '-q');
    writeFiles(dir, { 'b.txt': `b\nKEY=${newer.key}\n` });
    git(dir, 'stash', '-q');
    expect(git(dir, 'stash', 'list').split('\n')).toHaveLength(2);
    const { findings } = await history(dir);
    const stashes = git(dir, 'log', '-g', '--format=%H', 'refs/stash').split('\n');
    expect(of(findings, older.fp).map((f) => [f.path, f.commit, f.reachability])).toEqual([
      ['app.env', stashes[1], ['stash']],
    ]);
    expect(of(findings, newer.fp).map((f) => [f.path, f.commit, f.reachability])).toEqual([
      ['b.txt', stashes[0], ['stash']],
    ]);
  });

  it('an amended-away commit is reachable from the reflog only', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'a.txt': 'a\n' });
    writeFiles(dir, { 'b.env': `KEY=${key}\n` });
    const original = commitAll(dir, 'add b');
    writeFiles(dir, { 'b.env': 'KEY=\n' });
    commitAll(dir, 'add b', '--amend');
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => [f.path, f.commit, f.reachability])).toEqual([['b.env', original, ['reflog']]]);
  });

  it('a dangling blob and an unreachable commit; --reachable-only drops them', async () => {
    const blobKey = newKey();
    const commitKey = newKey();
    const dir = gitdir({ 'a.txt': 'a\n' });
    writeFileSync(join(dir, 'loose.txt'), `KEY=${blobKey.key}\n`);
    git(dir, 'hash-object', '-w', 'loose.txt');
    git(dir, 'checkout', '-q', '-b', 'gone');
    writeFiles(dir, { 'loose.txt': 'clean\n', 'c.env': `KEY=${commitKey.key}\n` });
    const lost = commitAll(dir, 'lost');
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'branch', '-q', '-D', 'gone');
    git(dir, 'reflog', 'expire', '--expire=now', '--all');
    const { findings } = await history(dir);
    const blob = git(dir, 'hash-object', '--stdin', '--path', 'x').length; // git is usable
    expect(blob).toBeGreaterThan(0);
    expect(of(findings, blobKey.fp).map((f) => [f.commit, f.reachability])).toEqual([[null, ['unreachable']]]);
    expect(of(findings, blobKey.fp)[0]?.path).toMatch(/^\(unreachable blob [0-9a-f]{40}\)$/);
    expect(of(findings, commitKey.fp).map((f) => [f.path, f.commit, f.reachability])).toEqual([
      ['c.env', lost, ['unreachable']],
    ]);
    const reachable = await history(dir, { reachableOnly: true });
    expect(of(reachable.findings, blobKey.fp)).toEqual([]);
    expect(of(reachable.findings, commitKey.fp)).toEqual([]);
  });

  it('a pushed key is labelled with the remote-tracking branch', async () => {
    const { key, fp } = newKey();
    const remote = tempDir();
    git(remote, 'init', '-q', '--bare', '-b', 'main');
    const dir = gitdir({ 'k.env': `K=${key}\n` });
    git(dir, 'remote', 'add', 'origin', remote);
    git(dir, 'push', '-q', 'origin', 'main');
    const found = of((await history(dir)).findings, fp);
    expect(found[0]?.reachability).toEqual(['HEAD', 'worktree', 'index', 'branch:main', 'remote:origin/main']);
  });

  it('a staged key that was never committed is found in the index', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'a.txt': 'a\n' });
    writeFiles(dir, { 'staged.env': `K=${key}\n` });
    git(dir, 'add', 'staged.env');
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => [f.path, f.commit, f.reachability])).toEqual([['staged.env', null, ['worktree', 'index']]]);
  });
});

describe('scan --range', () => {
  it('reports only what the range introduced', async () => {
    const before = newKey();
    const inside = newKey();
    const dir = gitdir({ 'old.env': `K=${before.key}\n` });
    const base = git(dir, 'rev-parse', 'HEAD');
    writeFiles(dir, { 'new.env': `K=${inside.key}\n` });
    const added = commitAll(dir, 'new');
    writeFiles(dir, { 'other.txt': 'x\n' });
    commitAll(dir, 'other');
    const { findings } = await history(dir, { range: `${base}..HEAD` });
    expect(findings.map((f) => [f.fingerprint, f.path, f.commit])).toEqual([[inside.fp, 'new.env', added]]);
    const none = await history(dir, { range: 'HEAD~1..HEAD' });
    expect(none.findings).toEqual([]);
  });
});

describe('scan --history: untracked files in a stash', () => {
  it('git stash -u keeps untracked files in a third parent; they are labelled stash', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'a.txt': 'a\n' });
    writeFiles(dir, { 'scratch/.env': `K=${key}\n` });
    git(dir, 'stash', '-q', '-u');
    const untracked = git(dir, 'rev-parse', 'stash@{0}^3');
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => [f.path, f.commit, f.reachability])).toEqual([['scratch/.env', untracked, ['stash']]]);
  });
});

describe('scan --history: large blobs', () => {
  it('streams a blob larger than the in-memory limit and still reports the right line', async () => {
    const { key, fp } = newKey();
    const lines = Array.from({ length: 120_000 }, (_, i) => `row ${i}: some ordinary data in a large dump file`);
    lines[100_000] = `api_key=${key}`;
    const dir = gitdir({ 'dump.sql': `${lines.join('\n')}\n` });
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => [f.path, f.line, f.column])).toEqual([['dump.sql', 100_001, 9]]);
  });
});
