import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLog, RECORD } from '../../src/scan/history/raw-log.js';
import { cli } from '../helpers/cli.js';
import { git, gitdir } from '../helpers/git.js';
import { newKey } from '../scan/history/fixtures.js';

/**
 * Issue 11, item 6 (git half): file names are repository-controlled. A name with a newline once
 * aborted --history, --range and trace (paths went to `git hash-object --stdin-paths` one a line).
 */
const NAMES = [
  'new\nline.env',
  'carriage\rreturn.env',
  'tab\there.env',
  'quote"s\'.env',
  'back\\slash.env',
  '-leading-dash.env',
  'ctrl\x01a.env',
  ' spaced .env',
];

function repoWithNames() {
  const keys = NAMES.map((name) => ({ name, ...newKey() }));
  const dir = gitdir({ 'README.md': 'names\n' });
  for (const k of keys) writeFileSync(join(dir, k.name), `K=${k.key}\n`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'odd names');
  return { dir, keys };
}

type Json = { findings: Array<{ fingerprint: string; path: string; reachability: string[] }> };

describe('file names that are hard to pass to git', () => {
  it('--history and --range find every key at its exact path, in HEAD and the work tree', async () => {
    const { dir, keys } = repoWithNames();
    for (const argv of [['--history'], ['--range', 'HEAD~1..HEAD']]) {
      const result = await cli(['scan', ...argv, '--format', 'json'], { cwd: dir });
      expect(result.exitCode, `${argv.join(' ')}: ${result.stderr}`).toBe(1);
      const { findings } = JSON.parse(result.stdout) as Json;
      for (const k of keys) {
        const mine = findings.filter((f) => f.fingerprint === k.fp);
        expect(
          mine.map((f) => f.path),
          JSON.stringify(k.name),
        ).toEqual([k.name]);
        if (!argv.includes('--range')) expect(mine[0]?.reachability).toContain('worktree');
      }
    }
  });

  it('trace finds a key whose file name holds a newline', async () => {
    const { dir, keys } = repoWithNames();
    const k = keys[0]!;
    const result = await cli(['trace', '--fingerprint', k.fp, '--format', 'json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toContain(JSON.stringify(k.name));
  });

  it('a non-UTF-8 file name does not stop the scan', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'README.md': 'x\n' });
    writeFileSync(Buffer.from(join(dir, 'latin-\xe9.env'), 'latin1'), `K=${key}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'latin-1 name');
    for (const argv of [
      ['scan', '--history'],
      ['scan', '--range', 'HEAD~1..HEAD'],
      ['trace', '--fingerprint', fp],
    ]) {
      const result = await cli([...argv, '--format', 'json'], { cwd: dir });
      expect(result.exitCode, `${argv.join(' ')}: ${result.stderr}`).toBe(1);
    }
  });
});

describe('git log --raw -z parsing', () => {
  const C = 'c'.repeat(40);
  const D = 'd'.repeat(40);
  const B = 'b'.repeat(40);
  const Z = '0'.repeat(40);
  it('takes paths by count: a path that looks like a header or an entry is still a path', () => {
    const fake = `${RECORD}${D}\x02\x02x\x022026-01-01T00:00:00Z`;
    const log =
      `${RECORD}${C}\x02\x02Ev\x01il\x02Name <e@x>\x022026-01-02T03:04:05Z\0` +
      `\n:000000 100644 ${Z} ${B} A\0${fake}\0` +
      `:000000 100644 ${Z} ${B} A\0:000000 100644 ${Z} ${B} A\0` +
      `:100644 100644 ${B} ${B} R100\0from\nname\0to\rname\0`;
    const records = parseLog(log);
    expect(records).toHaveLength(1);
    expect(records[0]!.author).toBe('Ev\x01il\x02Name <e@x>');
    expect(records[0]!.date).toBe('2026-01-02T03:04:05Z');
    expect(records[0]!.entries.map((e) => [e.status, e.fromPath, e.path])).toEqual([
      ['A', undefined, fake],
      ['A', undefined, `:000000 100644 ${Z} ${B} A`],
      ['R100', 'from\nname', 'to\rname'],
    ]);
  });
});

describe('doctor env-in-history with odd names', () => {
  it('names an env file whose name starts with \\x01 or holds a newline', async () => {
    const dir = gitdir({ 'README.md': 'x\n' });
    writeFileSync(join(dir, '\x01odd.env'), 'K=v\n');
    writeFileSync(join(dir, 'new\nline.env'), 'K=v\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'env files');
    const result = await cli(['doctor', '--format', 'json'], { cwd: dir });
    const checks = JSON.parse(result.stdout).checks as Array<{ id: string; paths: string[] }>;
    const paths = checks.find((c) => c.id === 'env-in-history')?.paths ?? [];
    expect([...paths].sort()).toEqual(['\x01odd.env', 'new\nline.env']);
  });
});
