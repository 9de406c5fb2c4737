import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../src/key/keygen.js';
import { spawnCli } from '../helpers/cli.js';
import { gitdir, tempDir } from '../helpers/git.js';

/**
 * Item 2 of issue 11: files the repository controls (config, baseline, env files, hook configs) are
 * read through one door that never follows a link out of the tree, never opens a FIFO or device
 * and reads a bounded number of bytes. A hang or an out-of-memory shows up as a test timeout.
 */
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('reading repository files on a hostile repository', () => {
  it('doctor skips a template env file linked to /dev/zero, with a warning', async () => {
    const dir = gitdir({ 'README.md': 'hi\n' });
    symlinkSync('/dev/zero', join(dir, '.env.example'));
    const result = await spawnCli(['doctor', '--format', 'json'], { cwd: dir });
    expect(result.exitCode).not.toBe(2);
    expect(JSON.parse(result.stdout).checks.length).toBeGreaterThan(0);
    expect(result.stderr).toContain('.env.example');
  }, 20_000);

  it('doctor and check do not hang on a FIFO named .env', async () => {
    const dir = gitdir({ 'README.md': 'hi\n' });
    mkfifo(join(dir, '.env'));
    const doctor = await spawnCli(['doctor', '--format', 'json'], { cwd: dir });
    expect(doctor.exitCode).not.toBe(2);
    expect(doctor.stderr).toMatch(/\.env.*FIFO/);
    const check = await spawnCli(['check'], { cwd: dir, env: { ANTHROPIC_API_KEY: '' } });
    expect(check.stderr + check.stdout).toMatch(/\.env.*FIFO/);
    expect(check.stderr).not.toMatch(/\n\s+at /);
  }, 20_000);

  it('scan refuses a baseline linked to /dev/zero with one clear line, exit 2', async () => {
    const dir = gitdir({ 'README.md': 'hi\n' });
    symlinkSync('/dev/zero', join(dir, '.keyguard-baseline.json'));
    const result = await spawnCli(['scan'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/\.keyguard-baseline\.json.*outside the repository/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }, 20_000);

  it('a config linked out of the work tree is refused, not followed', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'keyguard.config.json'), JSON.stringify({ scan: { exclude: ['**'] } }));
    const dir = gitdir({ 'app.txt': `key=${makeKey()}\n` });
    symlinkSync(join(outside, 'keyguard.config.json'), join(dir, 'keyguard.config.json'));
    const result = await spawnCli(['scan'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/keyguard\.config\.json.*outside/);
  }, 20_000);

  it('a config that is a FIFO or too large is refused with exit 2, naming the file', async () => {
    const dir = gitdir({ 'README.md': 'hi\n' });
    mkfifo(join(dir, 'keyguard.config.json'));
    const fifo = await spawnCli(['scan'], { cwd: dir });
    expect(fifo.exitCode).toBe(2);
    expect(fifo.stderr).toMatch(/keyguard\.config\.json.*FIFO/);
    const big = gitdir({ 'keyguard.config.json': `{"scan":{}${' '.repeat(8 * 1024 * 1024)}}` });
    const large = await spawnCli(['scan'], { cwd: big });
    expect(large.exitCode).toBe(2);
    expect(large.stderr).toMatch(/keyguard\.config\.json is larger than/);
  }, 20_000);

  it('a link that stays inside the work tree is followed', async () => {
    const dir = gitdir({ 'conf/real.json': JSON.stringify({ scan: { exclude: ['app.txt'] } }) });
    writeFileSync(join(dir, 'app.txt'), `key=${makeKey()}\n`);
    symlinkSync('conf/real.json', join(dir, 'keyguard.config.json'));
    const result = await spawnCli(['scan'], { cwd: dir });
    expect(result.exitCode).toBe(0);
  }, 20_000);

  it('hook install does not hang on a FIFO husky config', async () => {
    const dir = gitdir({ 'package.json': '{"devDependencies":{"husky":"9.0.0"}}' });
    mkdirSync(join(dir, '.husky'));
    mkfifo(join(dir, '.husky', 'pre-commit'));
    const result = await spawnCli(['hook', 'install'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/pre-commit.*FIFO/);
  }, 20_000);

  it('scanning the work tree skips a FIFO and a link out of the tree', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), `key=${makeKey()}\n`);
    const dir = gitdir({ 'README.md': 'hi\n' });
    mkfifo(join(dir, 'pipe.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'linked.txt'));
    const result = await spawnCli(['scan', '--format', 'json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
  }, 20_000);
});
