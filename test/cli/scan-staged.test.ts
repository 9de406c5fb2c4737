import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { parseStagedRaw } from '../../src/scan/sources/staged.js';
import { git, gitdir, tempDir } from '../helpers/git.js';
import { maskedCli as cli } from '../helpers/masked.js';
import { scanJson } from '../helpers/scan.js';

const env = (key: string) => `ANTHROPIC_API_KEY=${key}\n`;

describe('scan --staged', () => {
  it('catches a key staged and then removed from the working copy', async () => {
    const key = makeKey();
    const repo = gitdir({ 'README.md': 'hello\n' });
    writeFileSync(join(repo, 'config.env'), env(key));
    git(repo, 'add', 'config.env');
    writeFileSync(join(repo, 'config.env'), 'ANTHROPIC_API_KEY=\n');
    const { result, report } = await scanJson(['--staged'], { cwd: repo });
    expect(result.exitCode).toBe(1);
    expect(report.findings.map((f) => [f.path, f.fingerprint, f.reachability])).toEqual([
      ['config.env', fingerprint(key), ['index']],
    ]);
  });

  it('ignores a key that is only in the working copy, and files left unchanged', async () => {
    const repo = gitdir({ 'committed.env': env(makeKey()), 'b.txt': 'b\n' });
    writeFileSync(join(repo, 'b.txt'), env(makeKey()));
    writeFileSync(join(repo, 'untracked.env'), env(makeKey()));
    const { result, report } = await scanJson(['--staged'], { cwd: repo });
    expect(result.exitCode).toBe(0);
    expect(report.summary).toMatchObject({ files: 0, findings: 0 });
  });

  it('scans a renamed file under its new name, a modified file, and not a deleted one', async () => {
    const [moved, modified, deleted] = [makeKey(), makeKey('oat01'), makeKey()];
    const repo = gitdir({ 'old/name.env': env(moved), 'app.ts': '// app\n', 'gone.env': env(deleted) });
    git(repo, 'mv', 'old/name.env', 'renamed.env');
    writeFileSync(join(repo, 'app.ts'), `// app\nconst t = '${modified}';\n`);
    git(repo, 'add', 'app.ts');
    git(repo, 'rm', '-q', 'gone.env');
    const { report } = await scanJson(['--staged'], { cwd: repo });
    expect(report.findings.map((f) => [f.path, f.line, f.fingerprint])).toEqual([
      ['app.ts', 2, fingerprint(modified)],
      ['renamed.env', 1, fingerprint(moved)],
    ]);
    expect(report.summary.files).toBe(2);
  });

  it('limits itself to the paths given (as the pre-commit framework passes them), from any folder', async () => {
    const [a, b] = [makeKey(), makeKey()];
    const repo = gitdir({ 'README.md': 'x\n' });
    const { writeFiles } = await import('../helpers/git.js');
    writeFiles(repo, { 'src/a.env': env(a), 'b.env': env(b) });
    git(repo, 'add', '-A');
    expect((await scanJson(['--staged', 'src/a.env'], { cwd: repo })).paths).toEqual(['src/a.env']);
    expect((await scanJson(['--staged', 'a.env'], { cwd: join(repo, 'src') })).paths).toEqual(['src/a.env']);
    expect((await scanJson(['--staged'], { cwd: join(repo, 'src') })).paths).toEqual(['b.env', 'src/a.env']);
  });

  it('works in a repository without commits', async () => {
    const key = makeKey();
    const repo = gitdir({ 'first.env': env(key) }, { commit: false });
    git(repo, 'add', 'first.env');
    const { report } = await scanJson(['--staged'], { cwd: repo });
    expect(report.findings.map((f) => f.fingerprint)).toEqual([fingerprint(key)]);
  });

  it('honours scan.exclude and inline allows on staged content', async () => {
    const repo = gitdir({ 'README.md': 'x\n' });
    writeFileSync(join(repo, 'keyguard.config.json'), JSON.stringify({ scan: { exclude: ['fixtures/**'] } }));
    rmSync(join(repo, 'README.md'));
    const { writeFiles } = await import('../helpers/git.js');
    writeFiles(repo, { 'fixtures/a.env': env(makeKey()), 'ok.env': `${env(makeKey()).trim()} # keyguard:allow\n` });
    git(repo, 'add', '-A');
    const { report } = await scanJson(['--staged'], { cwd: repo });
    expect(report.findings).toEqual([]);
    expect(report.summary.allowed).toBe(1);
  });

  it('outside a repository is exit 2 with one sentence', async () => {
    const result = await cli(['scan', '--staged'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('keyguard: --staged needs a git work tree, and this is not one.\n');
  });
});

describe('parseStagedRaw', () => {
  const Z = '0'.repeat(40);
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const cases: Array<[string, string, Array<{ path: string; oid: string }>]> = [
    ['added', `:000000 100644 ${Z} ${A} A\0new.txt\0`, [{ path: 'new.txt', oid: A }]],
    ['modified', `:100644 100644 ${A} ${B} M\0m.txt\0`, [{ path: 'm.txt', oid: B }]],
    ['deleted', `:100644 000000 ${A} ${Z} D\0d.txt\0`, []],
    ['renamed', `:100644 100644 ${A} ${A} R100\0old.txt\0new.txt\0`, [{ path: 'new.txt', oid: A }]],
    ['copied', `:100644 100644 ${A} ${A} C90\0a.txt\0b.txt\0`, [{ path: 'b.txt', oid: A }]],
    ['submodule', `:000000 160000 ${Z} ${A} A\0vendor/lib\0`, []],
    ['path with spaces', `:000000 100644 ${Z} ${A} A\0a b/c d.txt\0`, [{ path: 'a b/c d.txt', oid: A }]],
    [
      'several',
      `:100644 100644 ${A} ${B} M\0x\0:100644 000000 ${A} ${Z} D\0y\0:000000 100644 ${Z} ${A} A\0z\0`,
      [
        { path: 'x', oid: B },
        { path: 'z', oid: A },
      ],
    ],
  ];
  for (const [name, raw, expected] of cases) {
    it(name, () => {
      expect(parseStagedRaw(raw)).toEqual(expected);
    });
  }
});
