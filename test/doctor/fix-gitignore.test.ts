import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMissingGitignoreEntries, gitignoreGaps } from '../../src/doctor/fix-gitignore.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';

describe('addMissingGitignoreEntries', () => {
  it('creates .gitignore with every env pattern, and a second run adds nothing', async () => {
    const dir = gitdir({ 'README.md': 'x\n' });
    const added = await addMissingGitignoreEntries(dir);
    expect(added).toEqual([
      '.env',
      '.env.local',
      '.env.*.local',
      '.env.production',
      '.env.staging',
      '.env.development',
      '*.keyguard-tmp-*',
    ]);
    const first = readFileSync(join(dir, '.gitignore'), 'utf8');
    expect(await addMissingGitignoreEntries(dir)).toEqual([]);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(first);
    expect(await gitignoreGaps(dir, [])).toEqual([]);
    // git itself now ignores them
    expect(git(dir, 'check-ignore', '--no-index', '.env', 'api/.env.test.local')).toBe('.env\napi/.env.test.local');
  });

  it('keeps existing lines in order, adds only what git does not already ignore, fixes a missing newline', async () => {
    const before = 'node_modules/\n.env*\n!.env.example\ndist';
    const dir = gitdir({ '.gitignore': before, 'config/prod.env': 'A=1\n', '.env.example': 'A=\n' });
    const added = await addMissingGitignoreEntries(dir);
    expect(added).toEqual(['prod.env']);
    const text = readFileSync(join(dir, '.gitignore'), 'utf8');
    expect(text.startsWith(`${before}\n`)).toBe(true);
    expect(text.endsWith('prod.env\n')).toBe(true);
  });

  it('counts rules from nested .gitignore files and info/exclude, as git does', async () => {
    const dir = gitdir({ 'README.md': 'x\n', 'api/.gitignore': '.env.staging\n', 'api/.env.staging': 'A=1\n' });
    writeFiles(dir, { '.git/info/exclude': '.env\n' });
    const gaps = await gitignoreGaps(dir, ['api/.env.staging']);
    expect(gaps.map((g) => g.path)).not.toContain('api/.env.staging');
    expect(gaps.map((g) => g.path)).not.toContain('.env');
    expect(gaps.map((g) => g.path)).toContain('.env.local');
  });

  it('a negation that re-includes .env is reported, and the fix does not duplicate the line', async () => {
    const dir = gitdir({ '.gitignore': '.env\n!.env\n' });
    const gaps = await gitignoreGaps(dir, []);
    expect(gaps.map((g) => g.path)).toContain('.env');
    const added = await addMissingGitignoreEntries(dir);
    expect(added).not.toContain('.env');
  });

  it('works outside a git repository by reading .gitignore', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.gitignore'), '.env\n');
    const added = await addMissingGitignoreEntries(dir);
    expect(added).not.toContain('.env');
    expect(added).toContain('.env.local');
    expect(await addMissingGitignoreEntries(dir)).toEqual([]);
  });
});
