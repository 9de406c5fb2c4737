import { describe, expect, it } from 'vitest';
import { gitignoreEnv } from '../../../src/doctor/checks/gitignore-env.js';
import { gitdir, tempDir, writeFiles } from '../../helpers/git.js';
import { CLEAN_GITIGNORE, runCheck } from '../helpers.js';

describe('gitignore-env', () => {
  it('passes when git ignores every env file name', async () => {
    const dir = gitdir({ '.gitignore': CLEAN_GITIGNORE, '.env': 'A=1\n' });
    expect(await runCheck(gitignoreEnv, dir)).toMatchObject({ status: 'pass' });
  });

  it('fails when a present env file is not ignored, naming it and the pattern to add', async () => {
    const dir = gitdir({ '.gitignore': '.env\n' }, { commit: true });
    writeFiles(dir, { 'api/.env.production': 'A=1\n' });
    const result = await runCheck(gitignoreEnv, dir);
    expect(result.status).toBe('fail');
    expect(result.paths).toContain('api/.env.production');
    expect(result.message).toContain('api/.env.production');
    expect(result.fix).toContain('.env.production');
  });

  it('warns when usual names are not covered and no such file exists', async () => {
    const dir = gitdir({ '.gitignore': '.env\n' });
    const result = await runCheck(gitignoreEnv, dir);
    expect(result.status).toBe('warn');
    expect(result.paths).toEqual([
      '.env.local',
      '.env.development.local',
      '.env.production',
      '.env.staging',
      '.env.development',
      '.env.keyguard-tmp-0',
    ]);
  });

  it('follows git: a later negation re-includes, a nested .gitignore covers its folder', async () => {
    const dir = gitdir({ '.gitignore': `${CLEAN_GITIGNORE}!.env.staging\n`, 'svc/.gitignore': '.env.staging\n' });
    writeFiles(dir, { 'svc/.env.staging': 'A=1\n', '.env.staging': 'A=1\n' });
    const result = await runCheck(gitignoreEnv, dir);
    expect(result.status).toBe('fail');
    expect(result.paths).toContain('.env.staging');
    expect(result.paths).not.toContain('svc/.env.staging');
  });

  it('skips outside a git repository', async () => {
    const result = await runCheck(gitignoreEnv, tempDir());
    expect(result).toMatchObject({ status: 'skip', message: 'not a git repository' });
  });
});
