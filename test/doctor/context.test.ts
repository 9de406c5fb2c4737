import { describe, expect, it } from 'vitest';
import { buildContext, withoutNestedRepositories } from '../../src/doctor/context.js';
import { git, gitdir, writeFiles } from '../helpers/git.js';

describe('doctor context', () => {
  it('finds env files and templates at any depth, ignored or not, but not in nested repositories', async () => {
    const dir = gitdir({ '.gitignore': '.env\nvendor-repo/\n', 'api/.env.example': 'A=\n', Dockerfile: 'FROM x\n' });
    writeFiles(dir, { '.env': 'A=1\n', 'api/.env.local': 'A=1\n', 'py/.env/pyvenv.cfg': 'home = /usr\n' });
    git(dir, 'init', '-q', 'vendor-repo');
    writeFiles(dir, { 'vendor-repo/.env': 'A=1\n', 'vendor-repo/Dockerfile': 'FROM y\n' });
    const ctx = await buildContext(dir, { config: {}, dir });
    expect(ctx.envFiles).toEqual(['.env', 'api/.env.local']);
    expect(ctx.templates).toEqual(['api/.env.example']);
    expect(ctx.dockerfiles).toEqual(['Dockerfile']);
    expect(ctx.git).toBe(true);
  });

  it('withoutNestedRepositories drops folders and what nested .git folders own', () => {
    expect(withoutNestedRepositories(['.git', '.env', 'a/.git/', 'a/.env', 'ab/.env', '.env/'])).toEqual([
      '.env',
      'ab/.env',
    ]);
  });
});
