import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { commitAll, newKey } from '../scan/history/fixtures.js';

/** A key committed on main, pushed to a local bare remote, then removed; another never pushed. */
function incidentRepo() {
  const leaked = newKey();
  const local = newKey();
  const remote = tempDir();
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  const dir = gitdir({ 'README.md': 'app\n', 'src/client.ts': `const key = "${leaked.key}";\n` });
  const first = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'remote', 'add', 'origin', remote);
  git(dir, 'push', '-q', 'origin', 'main');
  writeFiles(dir, { 'src/client.ts': 'const key = process.env.ANTHROPIC_API_KEY;\n' });
  commitAll(dir, 'read the key from the environment');
  git(dir, 'checkout', '-q', '-b', 'wip');
  writeFiles(dir, { 'wip.env': `K=${local.key}\n` });
  commitAll(dir, 'wip');
  git(dir, 'checkout', '-q', 'main');
  return { dir, leaked, local, first };
}

describe('keyguard trace', () => {
  it('json: every location, first exposure, pushed', async () => {
    const { dir, leaked, first } = incidentRepo();
    const result = await cli(['trace', '--format', 'json'], { cwd: dir, stdinText: `${leaked.key}\n` });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain(leaked.key);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({
      version: 1,
      fingerprint: leaked.fp,
      found: true,
      pushed: true,
      firstExposure: { commit: first, path: 'src/client.ts', author: 'Ada Lovelace <ada@example.com>' },
    });
    expect(doc.locations).toEqual([
      {
        path: 'src/client.ts',
        line: 1,
        column: 14,
        commit: first,
        author: 'Ada Lovelace <ada@example.com>',
        date: '2026-01-02T03:04:05+00:00',
        reachability: ['branch:main', 'branch:wip', 'remote:origin/main'],
      },
    ]);
  });

  it('text: a local-only key, read from --key-file', async () => {
    const { dir, local } = incidentRepo();
    const file = join(tempDir(), 'leaked.txt');
    writeFileSync(file, `the key was ${local.key} (from the chat log)\n`);
    const result = await cli(['trace', '--key-file', file], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain(local.key);
    expect(result.stdout).toContain(`fingerprint ${local.fp}`);
    expect(result.stdout).toMatch(/pushed: no remote-tracking ref holds it/);
    expect(result.stdout).toMatch(/branches: wip/);
    expect(result.stdout).toMatch(/^wip\.env:1:3$/m);
  });

  it('markdown: the incident report with summary, locations and checklist', async () => {
    const { dir, leaked, first } = incidentRepo();
    const result = await cli(['trace', '--fingerprint', leaked.fp, '--format', 'markdown'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    const md = result.stdout;
    expect(md).toMatch(/^# Incident: exposed Anthropic credential sk-ant-api03-.{3}\.\.\..{4}$/m);
    expect(md).toContain(`| First exposure | 2026-01-02T03:04:05+00:00, commit \`${first.slice(0, 12)}\``);
    expect(md).toMatch(/\| Pushed \| \*\*yes\*\*: remote:origin\/main \|/);
    expect(md).toContain(`| \`src/client.ts\` | 1 | \`${first.slice(0, 12)}\` |`);
    expect(md).toContain('- [ ] Revoke the key in the Anthropic Console');
    expect(md).toContain('keyguard rotate --env');
    expect(md).toContain('Do not rely on rewriting history: the key was pushed');
    expect(md).not.toContain(leaked.key);
  });

  it('a key found nowhere exits 0', async () => {
    const { dir } = incidentRepo();
    const other = newKey();
    const result = await cli(['trace'], { cwd: dir, stdinText: other.key });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/not found in this repository/);
  });

  it('finds a key in an untracked working-tree file', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'a.txt': 'a\n' });
    writeFiles(dir, { 'notes.txt': `K=${key}\n` });
    const result = await cli(['trace', '--fingerprint', fp, '--format', 'json'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).locations).toMatchObject([
      { path: 'notes.txt', commit: null, reachability: ['worktree'] },
    ]);
  });

  it.each([
    [['trace'], undefined, /give the key on stdin/],
    [['trace'], 'no key here', /no Anthropic key found in stdin/],
    [['trace', '--fingerprint', 'abc'], undefined, /--fingerprint takes the 64-character hex SHA-256/],
    [['trace', 'positional-argument'], undefined, /too many arguments/],
  ])('%j exits 2', async (argv, stdinText, message) => {
    const dir = gitdir({ 'a.txt': 'a\n' });
    const result = await cli(argv, { cwd: dir, stdinText });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('two different keys on stdin are refused', async () => {
    const dir = gitdir({ 'a.txt': 'a\n' });
    const result = await cli(['trace'], { cwd: dir, stdinText: `${newKey().key}\n${newKey().key}\n` });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/holds 2 different keys/);
  });
});
