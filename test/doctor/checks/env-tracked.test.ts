import { describe, expect, it } from 'vitest';
import { envTracked, hasValues } from '../../../src/doctor/checks/env-tracked.js';
import { gitdir, tempDir } from '../../helpers/git.js';
import { runCheck } from '../helpers.js';

describe('env-tracked', () => {
  it('fails on a tracked env file with values and gives the git rm --cached command', async () => {
    const dir = gitdir({ '.env': 'ANTHROPIC_API_KEY=abc\n', 'config/prod.env': 'A=1\n' });
    const result = await runCheck(envTracked, dir);
    expect(result.status).toBe('fail');
    expect(result.paths).toEqual(['.env', 'config/prod.env']);
    expect(result.fix).toContain('git rm --cached -- .env config/prod.env');
  });

  it('passes for templates and for env files without values', async () => {
    const dir = gitdir({
      '.env.example': 'ANTHROPIC_API_KEY=abc\n',
      '.env': '# set ANTHROPIC_API_KEY here\nANTHROPIC_API_KEY=\n',
    });
    expect(await runCheck(envTracked, dir)).toMatchObject({ status: 'pass' });
  });

  it('an untracked env file is not this check’s business', async () => {
    const dir = gitdir({ 'README.md': 'x\n' });
    const { writeFiles } = await import('../../helpers/git.js');
    writeFiles(dir, { '.env': 'A=1\n' });
    expect(await runCheck(envTracked, dir)).toMatchObject({ status: 'pass' });
  });

  it('hasValues reads dotenv syntax', () => {
    expect(hasValues('A=\nB=""\n# C=1\n')).toBe(false);
    expect(hasValues('export A="x"\n')).toBe(true);
  });

  it('skips outside git', async () => {
    expect((await runCheck(envTracked, tempDir())).status).toBe('skip');
  });
});
