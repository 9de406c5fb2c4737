import { describe, expect, it } from 'vitest';
import { envInHistory } from '../../../src/doctor/checks/env-in-history.js';
import { parseNameLog } from '../../../src/doctor/git-facts.js';
import { git, gitdir, tempDir } from '../../helpers/git.js';
import { runCheck } from '../helpers.js';

describe('env-in-history', () => {
  it('warns with the commit that added an env file, even after it was deleted', async () => {
    const dir = gitdir({ '.env.production': 'A=1\n', 'README.md': 'x\n' });
    const added = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'rm', '-q', '--cached', '.env.production');
    git(dir, 'commit', '-q', '-m', 'untrack');
    const result = await runCheck(envInHistory, dir);
    expect(result.status).toBe('warn');
    expect(result.paths).toEqual(['.env.production']);
    expect(result.message).toContain(added.slice(0, 12));
    expect(result.message).not.toContain('remote');
  });

  it('says when the commit is reachable from a remote-tracking branch', async () => {
    const dir = gitdir({ 'svc/.env': 'A=1\n' });
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    const result = await runCheck(envInHistory, dir);
    expect(result.message).toContain('reachable from a remote');
  });

  it('finds env files on other branches too', async () => {
    const dir = gitdir({ 'README.md': 'x\n' });
    git(dir, 'checkout', '-q', '-b', 'feature');
    const { writeFiles } = await import('../../helpers/git.js');
    writeFiles(dir, { '.env.local': 'A=1\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'oops');
    git(dir, 'checkout', '-q', 'main');
    expect((await runCheck(envInHistory, dir)).paths).toEqual(['.env.local']);
  });

  it('passes when only templates were committed, and on a repository without commits', async () => {
    expect((await runCheck(envInHistory, gitdir({ '.env.example': 'A=\n' }))).status).toBe('pass');
    expect((await runCheck(envInHistory, gitdir({}))).status).toBe('pass');
    expect((await runCheck(envInHistory, tempDir())).status).toBe('skip');
  });

  it('parseNameLog reads git log -z --name-only records', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    expect(parseNameLog(`\0\x01${a}\0\n.env\0x/.env.prod\0\0\x01${b}\0\nprod.env\0`)).toEqual([
      { commit: a, path: '.env' },
      { commit: a, path: 'x/.env.prod' },
      { commit: b, path: 'prod.env' },
    ]);
    expect(parseNameLog('')).toEqual([]);
  });
});
