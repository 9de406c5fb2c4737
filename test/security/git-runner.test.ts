import { chownSync, cpSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeGitArgs } from '../../src/shared/git-runner.js';
import { cli } from '../helpers/cli.js';
import { gitdir, tempDir } from '../helpers/git.js';
import { newKey } from '../scan/history/fixtures.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the one git runner', () => {
  it('is the only place in src/ that starts git', () => {
    const starts = /\b(spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"`]git\b/;
    const found = sources(SRC).filter((file) => starts.test(readFileSync(file, 'utf8')));
    expect(found.map((f) => relative(SRC, f))).toEqual(['shared/git-runner.ts']);
  });

  it('puts protected settings before the subcommand and safety flags after it', () => {
    const args = safeGitArgs(['log', '--raw', 'HEAD'], { cwd: '/' });
    const at = args.indexOf('log');
    const before = args.slice(0, at).join(' ');
    expect(args[0]).toBe('--no-pager');
    for (const setting of ['core.fsmonitor=false', 'log.showSignature=false', 'protocol.allow=never'])
      expect(before).toContain(`-c ${setting}`);
    expect(before).toMatch(/-c core\.hooksPath=\S+/);
    expect(before).toContain('-c safe.directory=/');
    expect(args.slice(at)).toEqual(['log', '--no-ext-diff', '--no-textconv', '--raw', 'HEAD']);
    expect(safeGitArgs(['hash-object', 'x'], { cwd: '/' }).slice(-3)).toEqual(['hash-object', '--no-filters', 'x']);
    expect(
      safeGitArgs(['config', '--get', 'core.hooksPath'], { cwd: '/', repositoryHooksPath: true }).join(' '),
    ).not.toMatch(/core\.hooksPath=/);
  });
});

/** Root reading a copy owned by another user, as a responder unpacking a tarball as root does. */
const asRoot = process.getuid?.() === 0;

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid);
}

describe.skipIf(!asRoot)('a repository owned by another user', () => {
  function foreignRepo() {
    const { key, fp } = newKey();
    const source = gitdir({ 'src/app.ts': `const k = '${key}';\n` });
    const dir = join(tempDir(), 'evidence');
    cpSync(source, dir, { recursive: true });
    chownTree(dir, 12345);
    return { dir, fp };
  }

  it('is read from its top folder', async () => {
    const { dir, fp } = foreignRepo();
    for (const argv of [['scan'], ['scan', '--history'], ['trace', '--fingerprint', fp]]) {
      const result = await cli([...argv, '--format', 'json'], { cwd: dir });
      expect(result.exitCode, `${argv.join(' ')}: ${result.stderr}`).toBe(1);
    }
  });

  it('from a folder below, git refuses and keyguard says what to do in one line', async () => {
    const { dir } = foreignRepo();
    const result = await cli(['scan', '--history'], { cwd: join(dir, 'src') });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/belongs to another user \("dubious ownership"\)/);
    expect(result.stderr).toContain(`cd ${dir}`);
    expect(result.stderr).toContain('safe.directory');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
