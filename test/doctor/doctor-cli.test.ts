import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHook } from '../../src/hook/install.js';
import { makeKey } from '../../src/key/keygen.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { maskedCli as cli } from '../helpers/masked.js';
import { CLEAN_GITIGNORE } from './helpers.js';

const IDS = [
  'gitignore-env',
  'env-tracked',
  'env-in-history',
  'env-permissions',
  'env-example-real-key',
  'key-reused-across-envs',
  'client-exposed-key',
  'dockerignore-env',
  'pre-commit-hook',
];

/** A repository set up the way keyguard recommends. */
async function cleanRepo(): Promise<string> {
  const dir = gitdir({
    '.gitignore': CLEAN_GITIGNORE,
    '.env.example': 'ANTHROPIC_API_KEY=\n',
    '.dockerignore': 'node_modules\n**/.env\n**/.env.*\n',
    Dockerfile: 'FROM node:20\nCOPY . .\n',
    'src/server.ts': 'export const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });\n',
  });
  writeFiles(dir, { '.env': `ANTHROPIC_API_KEY=${makeKey()}\n` });
  chmodSync(join(dir, '.env'), 0o600);
  await installHook({ cwd: dir });
  return dir;
}

const json = (stdout: string) => JSON.parse(stdout) as { version: number; checks: Array<Record<string, unknown>> };

describe('keyguard doctor', () => {
  it('a well-set-up repository passes every check (exit 0), in the JSON shape of DESIGN §5', async () => {
    const dir = await cleanRepo();
    const result = await cli(['doctor', '--format', 'json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const report = json(result.stdout);
    expect(report.version).toBe(1);
    expect(report.checks.map((c) => c.id)).toEqual(IDS);
    for (const check of report.checks) {
      expect(Object.keys(check)).toEqual(['id', 'status', 'message', 'paths', 'fix']);
      expect([check.id, check.status]).toEqual([check.id, 'pass']);
    }
    // --strict changes nothing when nothing warns
    expect((await cli(['doctor', '--strict'], { cwd: dir })).exitCode).toBe(0);
  });

  it('a failing check exits 1; warnings alone exit 0 unless --strict', async () => {
    const failing = gitdir({ '.env': 'A=1\n' });
    const text = await cli(['doctor'], { cwd: failing });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/✖ env-tracked\s+tracked by git: \.env/);
    expect(text.stdout).toContain('fix: git rm --cached -- .env');

    const warning = await cleanRepo();
    git(warning, 'config', 'core.hooksPath', 'nowhere');
    const relaxed = await cli(['doctor'], { cwd: warning });
    expect(relaxed.exitCode).toBe(0);
    expect(relaxed.stdout).toMatch(/! pre-commit-hook\s+no pre-commit hook/);
    expect((await cli(['doctor', '--strict'], { cwd: warning })).exitCode).toBe(1);
  });

  it('--fix repairs what it can, and a second run changes nothing', async () => {
    const dir = gitdir({ Dockerfile: 'FROM node:20\n', '.gitignore': 'node_modules/\n' });
    writeFiles(dir, { '.env': `ANTHROPIC_API_KEY=${makeKey()}\n` });
    chmodSync(join(dir, '.env'), 0o644);
    const before = json((await cli(['doctor', '--format', 'json'], { cwd: dir })).stdout);
    const status = (r: typeof before, id: string) => r.checks.find((c) => c.id === id)!.status;
    expect(status(before, 'gitignore-env')).toBe('fail');
    expect(status(before, 'env-permissions')).toBe('warn');
    expect(status(before, 'dockerignore-env')).toBe('warn');

    const fixed = await cli(['doctor', '--fix'], { cwd: dir });
    expect(fixed.stdout).toContain('fixed: .gitignore: added .env,');
    expect(fixed.stdout).toContain('fixed: .env: mode 600');
    expect(fixed.stdout).toContain('fixed: .dockerignore: added');
    const files = () => ({
      gitignore: readFileSync(join(dir, '.gitignore'), 'utf8'),
      dockerignore: readFileSync(join(dir, '.dockerignore'), 'utf8'),
    });
    const once = files();
    expect(once.gitignore.startsWith('node_modules/\n')).toBe(true);

    const again = await cli(['doctor', '--fix', '--format', 'json'], { cwd: dir });
    expect(files()).toEqual(once);
    const after = json(again.stdout);
    for (const id of ['gitignore-env', 'env-permissions', 'dockerignore-env']) expect(status(after, id)).toBe('pass');
    const third = await cli(['doctor', '--fix'], { cwd: dir });
    expect(third.stdout).not.toContain('fixed:');
  });

  it('outside a git repository, git-based checks skip with a reason and the rest still run', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.env.example': `ANTHROPIC_API_KEY=${makeKey()}\n` });
    const result = await cli(['doctor', '--format', 'json'], { cwd: dir });
    const report = json(result.stdout);
    const skipped = report.checks.filter((c) => c.status === 'skip').map((c) => c.id);
    expect(skipped).toEqual(['gitignore-env', 'env-tracked', 'env-in-history', 'pre-commit-hook']);
    expect(report.checks.find((c) => c.id === 'gitignore-env')!.message).toBe('not a git repository');
    expect(report.checks.find((c) => c.id === 'env-example-real-key')!.status).toBe('fail');
    expect(result.exitCode).toBe(1);
  });

  it('checks a given path, and a missing one is an error (exit 2)', async () => {
    const dir = await cleanRepo();
    expect((await cli(['doctor', dir], { cwd: tempDir() })).exitCode).toBe(0);
    const missing = await cli(['doctor', 'no-such-dir'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('keyguard: no-such-dir is not a directory.\n');
    expect((await cli(['doctor', '--format', 'sarif'], { cwd: dir })).exitCode).toBe(2);
  });

  it('never prints a key', async () => {
    const key = makeKey();
    const dir = gitdir({ '.env.example': `ANTHROPIC_API_KEY=${key}\n`, '.env.production': `A=${key}\n` });
    const text = await cli(['doctor'], { cwd: dir });
    const data = await cli(['doctor', '--format', 'json'], { cwd: dir });
    expect(text.stdout + data.stdout).not.toContain(key);
  });
});
