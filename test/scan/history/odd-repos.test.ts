import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { git, gitdir, tempDir, writeFiles } from '../../helpers/git.js';
import { commitAll, history, newKey, of } from './fixtures.js';

/** A repository with one key still in HEAD and one only in an older commit. */
function twoKeyRepo() {
  const current = newKey();
  const old = newKey();
  const dir = gitdir({ 'now.env': `K=${current.key}\n`, 'old.env': `K=${old.key}\n` });
  git(dir, 'rm', '-q', 'old.env');
  // A delete plus an add of other content: inexact rename detection would have to read old.env.
  writeFiles(dir, { 'added.txt': 'unrelated new content\n' });
  commitAll(dir, 'remove old');
  return { dir, current, old };
}

describe('odd repositories', () => {
  it('a bare repository', async () => {
    const { dir, current, old } = twoKeyRepo();
    const bare = join(tempDir(), 'bare.git');
    git(dir, 'clone', '-q', '--bare', dir, bare);
    const { findings } = await history(bare);
    expect(of(findings, current.fp)[0]?.reachability).toEqual(['HEAD', 'branch:main']);
    expect(of(findings, old.fp)[0]?.reachability).toEqual(['branch:main']);
  });

  it('a linked worktree sees the whole repository', async () => {
    const { dir, current, old } = twoKeyRepo();
    const linked = join(tempDir(), 'linked');
    git(dir, 'worktree', 'add', '-q', '-b', 'side', linked);
    const { findings } = await history(linked);
    expect(of(findings, current.fp)).toHaveLength(1);
    expect(of(findings, old.fp)[0]?.reachability).toEqual(['branch:main', 'branch:side']);
  });

  it('a shallow clone is scanned with a warning', async () => {
    const { dir, current, old } = twoKeyRepo();
    const shallow = join(tempDir(), 'shallow');
    git(tempDir(), 'clone', '-q', '--depth', '1', `file://${dir}`, shallow);
    const result = await history(shallow);
    expect(result.warnings.join('\n')).toMatch(/shallow clone/);
    expect(of(result.findings, current.fp)).toHaveLength(1);
    expect(of(result.findings, old.fp)).toEqual([]);
  });

  it('a partial clone: missing blobs are counted, never fetched', async () => {
    const { dir, current, old } = twoKeyRepo();
    git(dir, 'config', 'uploadpack.allowFilter', 'true');
    const partial = join(tempDir(), 'partial');
    git(tempDir(), 'clone', '-q', '--filter=blob:none', `file://${dir}`, partial);
    // Any fetch from now on runs this script instead of upload-pack, and leaves a mark.
    const marker = join(tempDir(), 'fetched');
    const script = join(tempDir(), 'upload-pack');
    writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(script, 0o755);
    git(partial, 'config', 'remote.origin.uploadpack', script);
    const result = await history(partial);
    expect(existsSync(marker)).toBe(false);
    expect(result.warnings.join('\n')).toMatch(/partial clone: 1 object\(s\) are not on this machine/);
    expect(of(result.findings, current.fp)).toHaveLength(1);
    expect(of(result.findings, old.fp)).toEqual([]);
    const range = await history(partial, { range: 'HEAD~1..HEAD' });
    expect(existsSync(marker)).toBe(false);
    expect(range.findings).toEqual([]);
    // The trap works: asking git itself for the missing blob does try to fetch it.
    const missing = git(partial, 'rev-parse', 'HEAD~1:old.env');
    expect(() => git(partial, 'cat-file', '-p', missing)).toThrow();
    expect(existsSync(marker)).toBe(true);
  });

  it('an empty repository is clean; a dangling blob in one is still found', async () => {
    const dir = gitdir();
    const result = await cli(['scan', '--history'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/No Anthropic credentials found/);
    const { key, fp } = newKey();
    writeFileSync(join(dir, 'loose'), `K=${key}\n`);
    git(dir, 'hash-object', '-w', 'loose');
    const found = of((await history(dir)).findings, fp);
    expect(found.map((f) => f.reachability)).toEqual([['unreachable']]);
  });

  it('outside a repository: exit 2 with one sentence', async () => {
    const result = await cli(['scan', '--history'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: .* is not a git repository \(history scans and trace need one\)\.\n$/);
  });

  it('a corrupt object is reported and the scan goes on', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'k.env': `K=${key}\n` });
    writeFileSync(join(dir, 'junk.txt'), 'some content that will be damaged\n');
    const oid = git(dir, 'hash-object', '-w', 'junk.txt');
    const file = join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file, 0o644);
    // A valid zlib stream whose content does not match the header: git dies reading it.
    const { deflateSync } = await import('node:zlib');
    writeFileSync(file, deflateSync(Buffer.from('blob 99999\0short')));
    const result = await history(dir);
    expect(of(result.findings, fp)).toHaveLength(1);
    expect(result.warnings.join('\n')).toContain(oid);
    expect(result.summary.skipped).toBe(1);
  });

  it('submodules are reported, and scanned with --recurse-submodules', async () => {
    const { key, fp } = newKey();
    const lib = gitdir({ 'lib.env': `K=${key}\n` });
    const dir = gitdir({ 'a.txt': 'a\n' });
    git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'vendor/lib');
    commitAll(dir, 'add submodule');
    const plain = await history(dir);
    expect(of(plain.findings, fp)).toEqual([]);
    expect(plain.warnings).toContain('submodule vendor/lib was not scanned (add --recurse-submodules).');
    const deep = await history(dir, { recurseSubmodules: true });
    expect(of(deep.findings, fp).map((f) => f.path)).toEqual(['vendor/lib/lib.env']);
    expect(readdirSync(join(dir, 'vendor', 'lib'))).toContain('lib.env');
  });

  it('--history with a path keeps findings under it', async () => {
    const a = newKey();
    const b = newKey();
    const dir = gitdir({ 'src/a.env': `K=${a.key}\n`, 'docs/b.env': `K=${b.key}\n` });
    writeFiles(dir, {});
    const result = await cli(['scan', '--history', 'src', '--format', 'json'], { cwd: dir });
    const paths = JSON.parse(result.stdout).findings.map((f: { path: string }) => f.path);
    expect(paths).toEqual(['src/a.env']);
  });
});
