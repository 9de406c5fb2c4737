import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../src/key/keygen.js';
import { cli, spawnCli } from '../helpers/cli.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { expectMasked } from '../helpers/masked.js';

/**
 * Issue 11, item 7: a key that is part of a name the repository controls (a file, a directory, a
 * branch, a tag, an author, a commit message) or that is echoed in an error is printed only as its
 * hint, in every format, unless --show-secrets asked for the report's keys.
 */
interface HostileRepo {
  dir: string;
  /** The key the files hold (the finding itself). */
  content: string;
  /** Keys hidden in names. */
  names: string[];
}

function hostileRepo(): HostileRepo {
  const content = makeKey();
  const [file, folder, branch, tag, author, email, message] = Array.from({ length: 7 }, () => makeKey());
  const dir = gitdir({
    [`${file}.env`]: `K=${content}\n`,
    [`${folder}/app.env`]: `K=${content}\n`,
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', `--author=${author} <${email}@example.com>`, '-m', `oops ${message}`);
  git(dir, 'branch', branch!);
  git(dir, 'tag', tag!);
  return { dir, content, names: [file!, folder!, branch!, tag!, author!, email!, message!] };
}

describe('no whole key reaches output without --show-secrets', () => {
  let repo: HostileRepo;
  beforeAll(() => {
    repo = hostileRepo();
  });

  for (const format of ['text', 'json', 'sarif', 'github']) {
    it(`scan (working tree), ${format}: keys in file and directory names`, async () => {
      const result = await cli(['scan', '--format', format], { cwd: repo.dir });
      expect(result.exitCode).toBe(1);
      expectMasked(result, repo.content, ...repo.names);
    });

    it(`scan --history, ${format}: keys in names, branches, tags, authors`, async () => {
      const result = await cli(['scan', '--history', '--format', format], { cwd: repo.dir });
      expect(result.exitCode).toBe(1);
      expectMasked(result, repo.content, ...repo.names);
    });
  }

  for (const format of ['text', 'json', 'markdown']) {
    it(`trace, ${format}: keys in names, refs, authors and messages`, async () => {
      const result = await cli(['trace', '--format', format], { cwd: repo.dir, stdinText: `${repo.content}\n` });
      expect(result.exitCode).toBe(1);
      expectMasked(result, repo.content, ...repo.names);
    });
  }

  it('scan -o FILE: the report file is scrubbed too', async () => {
    const out = join(tempDir(), 'report.json');
    const result = await cli(['scan', '--history', '--format', 'json', '-o', out], { cwd: repo.dir });
    expect(result.exitCode).toBe(1);
    const { readFileSync } = await import('node:fs');
    expectMasked(readFileSync(out, 'utf8'), repo.content, ...repo.names);
  });

  it('--show-secrets prints the report keys, but an error still never carries one', async () => {
    const shown = await cli(['scan', '--show-secrets', '--format', 'json'], { cwd: repo.dir });
    expect(shown.stdout).toContain(repo.content);
    const key = makeKey();
    const failed = await cli(['scan', '--show-secrets', join(repo.dir, `${key}.missing`)], { cwd: repo.dir });
    expect(failed.exitCode).toBe(2);
    expectMasked(failed.stderr, key);
  });
});

describe('no whole key in an error message', () => {
  it('check --var <key>, text and json', async () => {
    const key = makeKey();
    for (const format of ['text', 'json']) {
      const result = await cli(['check', '--var', key, '--format', format], { cwd: tempDir() });
      expectMasked(result, key);
    }
  });

  it('rotate --env <key>, without and with environments in the config', async () => {
    const key = makeKey();
    const bare = await cli(['rotate', '--env', key], { cwd: tempDir() });
    expect(bare.exitCode).toBe(2);
    expectMasked(bare, key);
    const dir = tempDir();
    const config = { environments: { dev: { store: { type: 'dotenv', path: '.env', variable: 'K' } } } };
    writeFileSync(join(dir, 'keyguard.config.json'), JSON.stringify(config));
    const named = await cli(['rotate', '--env', key, '--dry-run'], { cwd: dir, stdinText: makeKey() });
    expect(named.exitCode).toBe(2);
    expectMasked(named, key);
  });

  it('a committed config whose scan.failOn holds a key, every format', async () => {
    const key = makeKey();
    const dir = gitdir({ 'keyguard.config.json': JSON.stringify({ scan: { failOn: key } }), 'a.txt': 'a\n' });
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const result = await cli(['scan', '--format', format], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expectMasked(result, key);
    }
    const doctor = await cli(['doctor', '--format', 'json'], { cwd: dir });
    expectMasked(doctor, key);
  });

  it('git quoting a revision or a path that holds a key', async () => {
    const key = makeKey();
    const dir = gitdir({ 'a.txt': 'a\n' });
    const range = await cli(['scan', '--range', `${key}..HEAD`], { cwd: dir });
    expect(range.exitCode).toBe(2);
    expectMasked(range, key);
    const staged = await cli(['scan', '--staged', `${key}/x`], { cwd: dir });
    expectMasked(staged, key);
    const missing = await cli(['scan', `${key}.txt`], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expectMasked(missing, key);
  });

  it('the built CLI: a key named on the command line is not echoed on stderr', async () => {
    const key = makeKey();
    const dir = tempDir();
    writeFiles(dir, { 'a.txt': 'a\n' });
    const result = await spawnCli(['check', '--var', key], { cwd: dir });
    expectMasked(result, key);
    const bad = await spawnCli(['scan', '--fail-on', key], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expectMasked(bad, key);
  });
});
