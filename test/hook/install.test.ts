import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHook } from '../../src/hook/install.js';
import { uninstallHook } from '../../src/hook/uninstall.js';
import { makeKey } from '../../src/key/keygen.js';
import { BIN } from '../helpers/cli.js';
import { GIT_ENV, git, gitdir } from '../helpers/git.js';
import { maskedCli as cli, expectMasked } from '../helpers/masked.js';

/** Commit through the real `git commit`, so git runs the installed hook; the built bin is the keyguard. */
function commit(dir: string, message: string): { ok: boolean; output: string } {
  try {
    // 2>&1 so a passing hook's stderr is kept too.
    const out = execFileSync('sh', ['-c', 'git -c commit.gpgsign=false commit -q -m "$0" 2>&1', message], {
      cwd: dir,
      env: { ...GIT_ENV, KEYGUARD_BIN: BIN, NO_COLOR: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { ok: true, output: out };
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    return { ok: false, output: `${e.stdout}${e.stderr}` };
  }
}

const stage = (dir: string, files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  git(dir, 'add', '-A');
};

describe('plain git hook', () => {
  it('refuses a commit with a staged key, naming the ways out, and lets a clean one through', async () => {
    const dir = gitdir({ 'README.md': 'hello\n' });
    const change = await installHook({ cwd: dir });
    expect(change).toMatchObject({ manager: 'git', changed: true });
    expect(change.path).toBe(join(dir, '.git', 'hooks', 'pre-commit'));
    expect(statSync(change.path).mode & 0o111).not.toBe(0);

    stage(dir, { 'config.ts': `export const key = '${makeKey()}';\n` });
    const refused = commit(dir, 'add key');
    expect(refused.ok).toBe(false);
    expect(refused.output).toContain('config.ts');
    expect(refused.output).toContain('commit refused');
    expect(refused.output).toContain('keyguard:allow');
    expect(refused.output).toContain('keyguard baseline create');
    expectMasked(refused.output);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');

    stage(dir, { 'config.ts': 'export const key = process.env.ANTHROPIC_API_KEY;\n' });
    expect(commit(dir, 'read key from env').ok).toBe(true);
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('2');
  });

  it('a key marked keyguard:allow is let through', async () => {
    const dir = gitdir({ 'README.md': 'hello\n' });
    await installHook({ cwd: dir });
    stage(dir, { 'fixture.ts': `const fake = '${makeKey()}'; // keyguard:allow\n` });
    expect(commit(dir, 'fixture').ok).toBe(true);
  });

  it('chains to an existing hook and restores it on uninstall', async () => {
    const dir = gitdir({ 'README.md': 'hello\n' });
    const hook = join(dir, '.git', 'hooks', 'pre-commit');
    const original = '#!/bin/sh\necho "original hook ran" >&2\n';
    writeFileSync(hook, original, { mode: 0o755 });

    expect((await installHook({ cwd: dir })).note).toBe('chained');
    expect(readFileSync(`${hook}.keyguard-previous`, 'utf8')).toBe(original);
    stage(dir, { 'a.txt': 'clean\n' });
    const result = commit(dir, 'clean');
    expect(result.ok).toBe(true);
    expect(result.output).toContain('original hook ran');

    // A second install changes nothing and does not chain keyguard to itself.
    expect((await installHook({ cwd: dir })).changed).toBe(false);

    expect(await uninstallHook({ cwd: dir })).toMatchObject({ changed: true, note: 'restored' });
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(existsSync(`${hook}.keyguard-previous`)).toBe(false);
    expect((await uninstallHook({ cwd: dir })).changed).toBe(false);
  });

  it('a failing chained hook still blocks the commit', async () => {
    const dir = gitdir({ 'README.md': 'hello\n' });
    writeFileSync(join(dir, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    await installHook({ cwd: dir });
    stage(dir, { 'a.txt': 'clean\n' });
    expect(commit(dir, 'x').ok).toBe(false);
  });

  it('respects core.hooksPath', async () => {
    const dir = gitdir({ 'README.md': 'hello\n' });
    git(dir, 'config', 'core.hooksPath', 'githooks');
    const change = await installHook({ cwd: dir, manager: 'git' });
    expect(change.path).toBe(join(dir, 'githooks', 'pre-commit'));
    stage(dir, { 'k.txt': `${makeKey()}\n` });
    expect(commit(dir, 'key').ok).toBe(false);
    await uninstallHook({ cwd: dir, manager: 'git' });
    expect(existsSync(change.path)).toBe(false);
  });
});

describe('husky', () => {
  it('appends to .husky/pre-commit, keeps what was there, and uninstall removes only its block', async () => {
    const before = 'npx lint-staged\n';
    const dir = gitdir({ 'README.md': 'hello\n', '.husky/pre-commit': before });
    git(dir, 'config', 'core.hooksPath', '.husky');
    const change = await installHook({ cwd: dir });
    expect(change).toMatchObject({ manager: 'husky', changed: true, path: join(dir, '.husky', 'pre-commit') });
    const text = readFileSync(change.path, 'utf8');
    expect(text.startsWith(before)).toBe(true);
    expect(text).toContain('scan --staged');
    expect((await installHook({ cwd: dir })).changed).toBe(false);

    await uninstallHook({ cwd: dir });
    expect(readFileSync(change.path, 'utf8')).toBe(before);
  });

  it('a created .husky/pre-commit blocks a key through a real commit', async () => {
    const dir = gitdir({ 'README.md': 'hello\n' });
    git(dir, 'config', 'core.hooksPath', '.husky');
    const change = await installHook({ cwd: dir, manager: 'husky' });
    stage(dir, { '.env.production': `ANTHROPIC_API_KEY=${makeKey()}\n` });
    const result = commit(dir, 'oops');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('.env.production');
    await uninstallHook({ cwd: dir, manager: 'husky' });
    expect(existsSync(change.path)).toBe(false);
  });
});

describe('lefthook', () => {
  it('creates the pre-commit command when there is no config', async () => {
    const dir = gitdir({ 'lefthook.yml': '' }, { commit: false });
    const change = await installHook({ cwd: dir });
    expect(change.manager).toBe('lefthook');
    expect(readFileSync(change.path, 'utf8')).toContain(
      'pre-commit:\n  commands:\n    keyguard:\n      run: npx --no-install keyguard scan --staged',
    );
    await uninstallHook({ cwd: dir });
    expect(readFileSync(change.path, 'utf8')).toBe('');
  });

  it('adds a command under an existing pre-commit section and removes exactly it', async () => {
    const config = [
      'pre-push:',
      '  commands:',
      '    test:',
      '      run: npm test',
      'pre-commit:',
      '  parallel: true',
      '  commands:',
      '    lint:',
      '      run: npm run lint',
      '',
    ].join('\n');
    const dir = gitdir({ 'lefthook.yml': config }, { commit: false });
    const change = await installHook({ cwd: dir });
    const text = readFileSync(change.path, 'utf8');
    expect(text).toContain(
      '  commands:\n    # keyguard:begin\n    keyguard:\n      run: npx --no-install keyguard scan --staged',
    );
    expect(text).toContain('    lint:\n      run: npm run lint');
    expect(text.indexOf('keyguard:')).toBeGreaterThan(text.indexOf('pre-commit:'));
    expect((await installHook({ cwd: dir })).changed).toBe(false);
    await uninstallHook({ cwd: dir });
    expect(readFileSync(change.path, 'utf8')).toBe(config);
  });
});

describe('pre-commit framework', () => {
  it('adds a local repository entry under repos and removes it again', async () => {
    const config = [
      'repos:',
      '  - repo: https://github.com/pre-commit/pre-commit-hooks',
      '    rev: v5.0.0',
      '    hooks:',
      '      - id: trailing-whitespace',
      '',
      'default_stages: [pre-commit]',
      '',
    ].join('\n');
    const dir = gitdir({ '.pre-commit-config.yaml': config }, { commit: false });
    const change = await installHook({ cwd: dir });
    expect(change.manager).toBe('pre-commit');
    expect(change.note).toContain('pre-commit install');
    const text = readFileSync(change.path, 'utf8');
    const entry = text.indexOf('  - repo: local');
    expect(entry).toBeGreaterThan(text.indexOf('trailing-whitespace'));
    expect(entry).toBeLessThan(text.indexOf('default_stages'));
    expect(text).toContain('        entry: npx --no-install keyguard scan --staged');
    await uninstallHook({ cwd: dir });
    expect(readFileSync(change.path, 'utf8')).toBe(config);
  });

  it('the shipped .pre-commit-hooks.yaml declares the keyguard hook', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', '.pre-commit-hooks.yaml'), 'utf8');
    expect(text).toMatch(/^- id: keyguard$/m);
    expect(text).toMatch(/^ {2}entry: keyguard scan --staged$/m);
    expect(text).toMatch(/^ {2}pass_filenames: false$/m);
  });
});

describe('keyguard hook (CLI)', () => {
  it('installs, reports it, and rejects an unknown manager with exit 2', async () => {
    const dir = gitdir({ 'README.md': 'x\n' });
    const installed = await cli(['hook', 'install'], { cwd: dir });
    expect(installed).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('installed (git:') });
    const again = await cli(['hook', 'install'], { cwd: dir });
    expect(again.stdout).toContain('already installed');
    const removed = await cli(['hook', 'uninstall'], { cwd: dir });
    expect(removed.stdout).toContain('uninstalled');
    const bad = await cli(['hook', 'install', '--manager', 'nope'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
  });

  it('outside a git work tree is an error', async () => {
    const { tempDir } = await import('../helpers/git.js');
    const result = await cli(['hook', 'install'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: .*not inside a git work tree/);
  });
});

describe('keyguard scan --staged outside a hook', () => {
  it('names the ways out without claiming a commit was refused', async () => {
    const dir = gitdir({ 'README.md': 'x\n' });
    stage(dir, { 'k.txt': `${makeKey()}\n` });
    const result = await cli(['scan', '--staged'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('keyguard: do not commit this:');
    expect(result.stderr).toContain('keyguard:allow');
    const quiet = await cli(['scan', '--staged', '--quiet'], { cwd: dir });
    expect(quiet.stderr).not.toContain('keyguard:allow');
  });
});
