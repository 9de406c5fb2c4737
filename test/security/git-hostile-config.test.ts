import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { commitAll, newKey } from '../scan/history/fixtures.js';

/**
 * Issue 11, item 1: nothing in a scanned repository's git configuration may start a program.
 * Every key below points at a script that leaves a marker named after the key; a repository sets
 * all of them at once (and commits a key, stages one and signs a commit, so the hit paths run:
 * attribution, worktree hashing, ref containment, reachability), and every command is run on it.
 */

const HOOKS = [
  'pre-commit',
  'post-commit',
  'post-checkout',
  'post-index-change',
  'reference-transaction',
  'pre-push',
  'post-merge',
  'pre-auto-gc',
  'fsmonitor-watchman',
];

/** A folder of scripts, each appending to `<marks>/<name>` when run (then passing stdin through). */
class Traps {
  readonly marks = tempDir('keyguard-marks-');
  readonly bin = tempDir('keyguard-traps-');

  program(name: string): string {
    const path = join(this.bin, name);
    writeFileSync(path, `#!/bin/sh\necho "$0 $*" >> '${join(this.marks, name)}'\ncat\n`);
    chmodSync(path, 0o755);
    return path;
  }

  hooks(dir: string, prefix: string): void {
    mkdirSync(dir, { recursive: true });
    for (const hook of HOOKS) {
      writeFileSync(join(dir, hook), `#!/bin/sh\necho "$0" >> '${join(this.marks, `${prefix}-${hook}`)}'\n`);
      chmodSync(join(dir, hook), 0o755);
    }
  }

  /** Names of the markers left so far. */
  fired(): string[] {
    return readdirSync(this.marks).sort();
  }
}

/** Set every program-starting key of the table in reference/hostile-repositories.md. */
function arm(dir: string, traps: Traps): void {
  const set = (key: string, value: string) => git(dir, 'config', key, value);
  set('core.fsmonitor', traps.program('core.fsmonitor'));
  const hooks = join(dir, '.git', 'evil-hooks');
  traps.hooks(hooks, 'hooksPath');
  traps.hooks(join(dir, '.git', 'hooks'), 'git-hooks');
  set('core.hooksPath', hooks);
  set('core.pager', traps.program('core.pager'));
  for (const cmd of ['log', 'diff', 'grep', 'ls-files', 'rev-list', 'for-each-ref', 'cat-file', 'config'])
    set(`pager.${cmd}`, traps.program(`pager.${cmd}`));
  set('diff.external', traps.program('diff.external'));
  set('diff.evil.command', traps.program('diff.evil.command'));
  set('diff.evil.textconv', traps.program('diff.evil.textconv'));
  set('filter.evil.clean', traps.program('filter.evil.clean'));
  set('filter.evil.smudge', traps.program('filter.evil.smudge'));
  set('filter.evil.process', traps.program('filter.evil.process'));
  set('merge.evil.driver', traps.program('merge.evil.driver'));
  set('core.sshCommand', traps.program('core.sshCommand'));
  set('core.gitProxy', traps.program('core.gitProxy'));
  set('core.askPass', traps.program('core.askPass'));
  set('core.editor', traps.program('core.editor'));
  set('sequence.editor', traps.program('sequence.editor'));
  set('core.alternateRefsCommand', traps.program('core.alternateRefsCommand'));
  set('uploadpack.packObjectsHook', traps.program('uploadpack.packObjectsHook'));
  set('gpg.program', traps.program('gpg.program'));
  set('gpg.ssh.program', traps.program('gpg.ssh.program'));
  set('gpg.x509.program', traps.program('gpg.x509.program'));
  set('log.showSignature', 'true');
  set('credential.helper', traps.program('credential.helper'));
  set('remote.origin.url', 'ssh://keyguard.invalid/repo.git');
  set('remote.origin.uploadpack', traps.program('remote.origin.uploadpack'));
  set('remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*');
  set('alias.log', `!${traps.program('alias.log')}`);
  // An alternate object store, so that alternate-ref enumeration has something to run for.
  const other = gitdir({ 'other.txt': 'other\n' });
  writeFileSync(join(dir, '.git', 'objects', 'info', 'alternates'), `${join(other, '.git', 'objects')}\n`);
}

/** A commit carrying a (fake) signature, so that log.showSignature has something to verify. */
function signedCommit(dir: string): void {
  const tree = git(dir, 'rev-parse', 'HEAD^{tree}');
  const parent = git(dir, 'rev-parse', 'HEAD');
  const body = [
    `tree ${tree}`,
    `parent ${parent}`,
    'author Ada Lovelace <ada@example.com> 1767323045 +0000',
    'committer Ada Lovelace <ada@example.com> 1767323045 +0000',
    'gpgsig -----BEGIN PGP SIGNATURE-----',
    ' ',
    ' iQEzBAABCAAdFiEE',
    ' -----END PGP SIGNATURE-----',
    '',
    'signed',
    '',
  ].join('\n');
  const path = join(tempDir(), 'commit');
  writeFileSync(path, body);
  const oid = git(dir, 'hash-object', '-t', 'commit', '-w', path);
  git(dir, 'update-ref', 'refs/heads/main', oid);
}

/** A repository with a key in an old commit, one in HEAD, one staged, an env file and a signed tip. */
function hostileRepo(traps: Traps) {
  const old = newKey();
  const head = newKey();
  const staged = newKey();
  const dir = gitdir({ '.gitattributes': '* filter=evil diff=evil merge=evil\n', 'old.env': `K=${old.key}\n` });
  git(dir, 'rm', '-q', 'old.env');
  commitAll(dir, 'remove old');
  writeFiles(dir, { 'config/app.ts': `export const key = '${head.key}';\n` });
  commitAll(dir, 'add app');
  signedCommit(dir);
  git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
  git(dir, 'reset', '-q', '--hard');
  writeFiles(dir, { 'staged.ts': `const k = '${staged.key}';\n`, '.env': `ANTHROPIC_API_KEY=${head.key}\n` });
  git(dir, 'add', 'staged.ts');
  arm(dir, traps);
  return { dir, old, head, staged };
}

describe('a repository whose git config names programs', () => {
  it('no command runs any of them', { timeout: 120_000 }, async () => {
    const traps = new Traps();
    const repo = hostileRepo(traps);
    expect(traps.fired()).toEqual([]);
    const commands: Array<[string[], number[]]> = [
      [['scan'], [1]],
      [['scan', '--staged'], [1]],
      [['scan', '--history'], [1]],
      [['scan', '--range', 'HEAD~2..HEAD'], [1]],
      [['trace', '--fingerprint', repo.old.fp], [1]],
      [['trace', '--fingerprint', repo.head.fp], [1]],
      [['doctor'], [0, 1]],
      [['baseline', 'create'], [0]],
      [
        ['doctor', '--fix'],
        [0, 1],
      ],
      [['hook', 'install'], [0]],
      [['init', '--yes'], [0]],
    ];
    const fresh = tempDir();
    for (const [argv, codes] of commands) {
      // Each command on its own copy: doctor --fix, init and hook install change the repository.
      const dir = join(fresh, argv.join('_').replace(/[^a-z_]/g, ''));
      cpSync(repo.dir, dir, { recursive: true });
      const result = await spawnCli(argv, { cwd: dir, env: { TERM: 'dumb' } });
      expect({ argv, fired: traps.fired() }).toEqual({ argv, fired: [] });
      expect(codes, `${argv.join(' ')}: ${result.stderr}`).toContain(result.exitCode);
    }
  });

  it('scan --history still attributes the keys in such a repository', async () => {
    const traps = new Traps();
    const repo = hostileRepo(traps);
    const result = await spawnCli(['scan', '--history', '--format', 'json'], { cwd: repo.dir });
    expect(traps.fired()).toEqual([]);
    const findings = JSON.parse(result.stdout).findings as Array<{ fingerprint: string; path: string }>;
    expect(findings.filter((f) => f.fingerprint === repo.old.fp).map((f) => f.path)).toEqual(['old.env']);
    expect(findings.filter((f) => f.fingerprint === repo.head.fp).map((f) => f.path)).toEqual(['config/app.ts']);
  });
});

describe('a tree-less clone whose remote would run a program on fetch', () => {
  function treeless(traps: Traps) {
    const old = newKey();
    const source = gitdir({ 'old.env': `K=${old.key}\n`, 'a.txt': 'a\n' });
    git(source, 'rm', '-q', 'old.env');
    commitAll(source, 'remove old');
    git(source, 'config', 'uploadpack.allowFilter', 'true');
    const dir = join(tempDir(), 'treeless');
    git(tempDir(), 'clone', '-q', '--filter=tree:0', `file://${source}`, dir);
    git(dir, 'config', 'remote.origin.url', 'ssh://keyguard.invalid/repo.git');
    git(dir, 'config', 'core.sshCommand', traps.program('core.sshCommand'));
    git(dir, 'config', 'remote.extra.url', `ext::${traps.program('ext-transport')} %S`);
    git(dir, 'config', 'remote.extra.promisor', 'true');
    git(dir, 'config', 'protocol.ext.allow', 'always');
    git(dir, 'config', 'protocol.allow', 'always');
    return { dir, old };
  }

  it('no fetch is attempted, and the tree-less clone is named with what to run', { timeout: 60_000 }, async () => {
    const traps = new Traps();
    const { dir, old } = treeless(traps);
    for (const argv of [
      ['scan', '--history'],
      ['scan', '--range', 'HEAD~1..HEAD'],
      ['trace', '--fingerprint', old.fp],
    ]) {
      const result = await spawnCli(argv, { cwd: dir });
      expect({ argv, fired: traps.fired() }).toEqual({ argv, fired: [] });
      expect(result.exitCode, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/tree-less partial clone/);
      expect(result.stderr).toMatch(/git fetch --refetch/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const doctor = await spawnCli(['doctor', '--format', 'json'], { cwd: dir });
    expect(traps.fired()).toEqual([]);
    const checks = JSON.parse(doctor.stdout).checks as Array<{ id: string; status: string; message: string }>;
    const history = checks.find((c) => c.id === 'env-in-history');
    expect(history?.status).toBe('skip');
    expect(history?.message).toMatch(/tree-less partial clone/);
    expect(existsSync(join(traps.marks, 'core.sshCommand'))).toBe(false);
  });
});
