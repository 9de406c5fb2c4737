import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../src/key/keygen.js';
import { spawnCli } from '../helpers/cli.js';
import { gitdir, tempDir } from '../helpers/git.js';

/**
 * Item 3 of issue 11: `doctor --fix`, `init --yes`, `hook install` and `-o FILE` never write, append
 * or chmod through a symlink a repository planted, nor outside the work tree; the victim file outside
 * the tree must be byte-for-byte and mode-for-mode unchanged.
 */
function victim(content = 'export PATH=$PATH\n', mode = 0o644): { path: string; before: string } {
  const path = join(tempDir(), 'profile');
  writeFileSync(path, content);
  chmodSync(path, mode);
  return { path, before: content };
}
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('writing on a hostile repository', () => {
  it('hook install refuses a husky pre-commit linked to a file outside the repository', async () => {
    const target = victim();
    const dir = gitdir({ 'package.json': '{"devDependencies":{"husky":"9.0.0"}}' });
    mkdirSync(join(dir, '.husky'));
    symlinkSync(target.path, join(dir, '.husky', 'pre-commit'));
    const result = await spawnCli(['hook', 'install', '--manager', 'husky'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/pre-commit.*symlink/);
    expect(readFileSync(target.path, 'utf8')).toBe(target.before);
    expect(modeOf(target.path)).toBe(0o644);
  }, 20_000);

  it('hook install refuses a .husky folder linked out of the repository', async () => {
    const outside = tempDir();
    const dir = gitdir({ 'package.json': '{}' });
    symlinkSync(outside, join(dir, '.husky'));
    const result = await spawnCli(['hook', 'install', '--manager', 'husky'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(existsSync(join(outside, 'pre-commit'))).toBe(false);
  }, 20_000);

  it('hook install refuses a plain git hook that is a link', async () => {
    const target = victim();
    const dir = gitdir({ 'README.md': 'hi\n' });
    symlinkSync(target.path, join(dir, '.git', 'hooks', 'pre-commit'));
    const result = await spawnCli(['hook', 'install', '--manager', 'git'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(readFileSync(target.path, 'utf8')).toBe(target.before);
    expect(modeOf(target.path)).toBe(0o644);
  }, 20_000);

  it('doctor --fix neither appends to a linked .gitignore nor chmods a linked .env', async () => {
    const ignoreTarget = victim('# mine\n');
    const envTarget = victim('NAME=value\n', 0o644);
    const dir = gitdir({ 'README.md': 'hi\n' });
    symlinkSync(ignoreTarget.path, join(dir, '.gitignore'));
    symlinkSync(envTarget.path, join(dir, '.env'));
    const result = await spawnCli(['doctor', '--fix', '--format', 'json'], { cwd: dir });
    expect(result.exitCode).not.toBe(2);
    expect(readFileSync(ignoreTarget.path, 'utf8')).toBe(ignoreTarget.before);
    expect(modeOf(envTarget.path)).toBe(0o644);
    expect(result.stderr).toMatch(/\.gitignore.*symlink/);
  }, 30_000);

  it('init --yes does not append to a .gitignore linked out of the repository', async () => {
    const target = victim('# mine\n');
    const dir = gitdir({ 'README.md': 'hi\n' });
    symlinkSync(target.path, join(dir, '.gitignore'));
    const result = await spawnCli(['init', '--yes', '--no-hook'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/\.gitignore.*symlink/);
    expect(readFileSync(target.path, 'utf8')).toBe(target.before);
  }, 20_000);

  it('-o refuses to write a report through a planted link', async () => {
    const target = victim();
    const dir = gitdir({ 'README.md': 'hi\n' });
    symlinkSync(target.path, join(dir, 'report.sarif'));
    const result = await spawnCli(['scan', '--format', 'sarif', '-o', 'report.sarif'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/report\.sarif.*symlink/);
    expect(readFileSync(target.path, 'utf8')).toBe(target.before);
  }, 20_000);

  it('-o with --show-secrets writes a 0600 file, even over an existing 0644 one; a named path outside works', async () => {
    const dir = gitdir({ 'app.txt': `key=${makeKey()}\n` });
    writeFileSync(join(dir, 'out.json'), '{}');
    chmodSync(join(dir, 'out.json'), 0o644);
    const result = await spawnCli(['scan', '--show-secrets', '--format', 'json', '-o', 'out.json'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(modeOf(join(dir, 'out.json'))).toBe(0o600);
    const elsewhere = join(tempDir(), 'report.json');
    const named = await spawnCli(['scan', '--show-secrets', '--format', 'json', '-o', elsewhere], { cwd: dir });
    expect(named.exitCode).toBe(1);
    expect(modeOf(elsewhere)).toBe(0o600);
  }, 20_000);
});

describe('the audit log', () => {
  it('is never appended to through a link', async () => {
    const { appendEvent } = await import('../../src/audit/chain.js');
    const target = victim('');
    const dir = tempDir();
    symlinkSync(target.path, join(dir, 'audit.jsonl'));
    const actor = { user: 'ops', host: 'build-1', ci: null };
    const append = appendEvent(join(dir, 'audit.jsonl'), { action: 'RotationStarted', environment: 'dev' }, actor);
    await expect(append).rejects.toThrow(/audit log/);
    expect(readFileSync(target.path, 'utf8')).toBe('');
  });
});
