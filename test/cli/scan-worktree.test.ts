import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { maskedCli as cli, expectMasked } from '../helpers/masked.js';
import { scanJson } from '../helpers/scan.js';

const line = (key: string) => `ANTHROPIC_API_KEY=${key}\n`;

describe('scan: working tree in a git repository', () => {
  const tracked = makeKey();
  const untracked = makeKey();
  const ignored = makeKey();
  const inGitDir = makeKey();
  const repo = gitdir({ 'src/app.ts': `const k = '${tracked}';\n`, '.gitignore': 'secrets/\n*.log\n' });
  writeFiles(repo, {
    'notes.txt': line(untracked),
    'secrets/prod.env': line(ignored),
    'debug.log': line(ignored),
  });
  writeFileSync(join(repo, '.git', 'leftover'), line(inGitDir));

  it('scans tracked files and untracked files that are not ignored', async () => {
    const { result, report, paths } = await scanJson([], { cwd: repo });
    expect(result.exitCode).toBe(1);
    expect(paths).toEqual(['notes.txt', 'src/app.ts']);
    expect(report.findings.map((f) => f.fingerprint).sort()).toEqual(
      [fingerprint(tracked), fingerprint(untracked)].sort(),
    );
    expect(report.findings.every((f) => f.reachability[0] === 'worktree')).toBe(true);
    expectMasked(result, tracked, untracked);
  });

  it('reports paths relative to the repository root when run from a subdirectory', async () => {
    const { paths } = await scanJson(['.'], { cwd: join(repo, 'src') });
    expect(paths).toEqual(['src/app.ts']);
  });

  it('--no-gitignore scans ignored files too, but never .git', async () => {
    const { report, paths } = await scanJson(['--no-gitignore'], { cwd: repo });
    expect(paths).toEqual(['debug.log', 'notes.txt', 'secrets/prod.env', 'src/app.ts']);
    expect(report.findings.map((f) => f.fingerprint)).not.toContain(fingerprint(inGitDir));
  });

  it('scans explicit files and directories only', async () => {
    expect((await scanJson(['src/app.ts'], { cwd: repo })).paths).toEqual(['src/app.ts']);
    expect((await scanJson(['src'], { cwd: repo })).paths).toEqual(['src/app.ts']);
    expect((await scanJson(['notes.txt', 'src'], { cwd: repo })).paths).toEqual(['notes.txt', 'src/app.ts']);
  });

  it('a file named on the command line is scanned even when ignored; an ignored directory is not', async () => {
    expect((await scanJson(['debug.log'], { cwd: repo })).paths).toEqual(['debug.log']);
    expect((await scanJson(['secrets'], { cwd: repo })).paths).toEqual([]);
    expect((await scanJson(['--no-gitignore', 'secrets'], { cwd: repo })).paths).toEqual(['secrets/prod.env']);
  });
});

describe('scan: outside a git repository', () => {
  it('walks the tree honouring nested .gitignore files', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'a.env': line(makeKey()),
      '.gitignore': 'build/\n',
      'build/out.js': line(makeKey()),
      'pkg/.gitignore': '*.secret\n!keep.secret\n',
      'pkg/x.secret': line(makeKey()),
      'pkg/keep.secret': line(makeKey()),
      'pkg/deep/y.secret': line(makeKey()),
      'other/x.secret': line(makeKey()),
    });
    const { paths } = await scanJson([], { cwd: dir });
    expect(paths).toEqual(['a.env', 'other/x.secret', 'pkg/keep.secret']);
    const all = await scanJson(['--no-gitignore'], { cwd: dir });
    expect(all.paths).toEqual([
      'a.env',
      'build/out.js',
      'other/x.secret',
      'pkg/deep/y.secret',
      'pkg/keep.secret',
      'pkg/x.secret',
    ]);
  });

  it('never descends into a .git folder even when the tree is not a repository', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.git/config': line(makeKey()), 'ok.txt': 'nothing\n' });
    const { report } = await scanJson(['--no-gitignore'], { cwd: dir });
    expect(report.findings).toEqual([]);
    expect(report.summary.files).toBe(1);
  });
});

describe('scan: bad input', () => {
  it('a path that does not exist is exit 2 with one sentence', async () => {
    const result = await cli(['scan', 'no/such/file'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('keyguard: path no/such/file does not exist.\n');
  });

  it('skips what cannot be read and scans odd content without crashing, counting each', async () => {
    const dir = tempDir();
    const key = makeKey();
    writeFiles(dir, {
      'empty.txt': '',
      'invalid-utf8.txt': Buffer.concat([Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(` ${key}\n`)]),
      'binary.bin': Buffer.concat([Buffer.from([0, 1, 2, 0, 0x7f, 0x89]), Buffer.from(key), Buffer.alloc(64)]),
    });
    symlinkSync(join(dir, 'missing-target'), join(dir, 'broken-link'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    mkdirSync(join(dir, 'sub'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(dir, 'sub', 'a-fifo')]);
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sub', 'a.sock'), resolve));
    const { result, report, paths } = await scanJson(['--no-gitignore'], { cwd: dir }).finally(() => server.close());
    expect(result.exitCode).toBe(1);
    expect(paths).toEqual(['binary.bin', 'invalid-utf8.txt']);
    expect(report.findings.map((f) => f.fingerprint)).toEqual([fingerprint(key), fingerprint(key)]);
    // Scanned: the empty file, the invalid UTF-8 and the binary. Skipped: both links of the loop, the
    // broken link, the FIFO and the socket (never opened: reading a FIFO would block forever). Tests
    // run as root, which reads any file whatever its mode: these are what even root cannot read.
    expect(report.summary.files).toBe(3);
    expect(report.summary.skipped).toBe(5);
    const text = await cli(['scan', '--no-gitignore'], { cwd: dir });
    expect(text.stdout).toMatch(/scanned 3 files .* · 4 skipped/); // the socket is gone by now
  });

  it('a file without read permission is skipped and counted (only testable when not root)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'locked.env': line(makeKey()), 'open.env': line(makeKey()) });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'locked.env'), 0o000);
    const { report } = await scanJson([], { cwd: dir });
    // root reads any file whatever its mode, so there the file is simply scanned; both outcomes are
    // checked exactly, never "either".
    if (process.getuid?.() === 0) {
      expect(report.summary).toMatchObject({ files: 2, findings: 2 });
    } else {
      expect(report.summary).toMatchObject({ files: 1, findings: 1, skipped: 1 });
    }
  });

  it('scans a tracked symbolic link as not followed (its target is scanned on its own)', async () => {
    const key = makeKey();
    const repo = gitdir({ 'real.env': line(key) });
    symlinkSync('real.env', join(repo, 'alias.env'));
    git(repo, 'add', 'alias.env');
    const { paths, report } = await scanJson([], { cwd: repo });
    expect(paths).toEqual(['real.env']);
    expect(report.summary.skipped).toBe(1);
  });
});
