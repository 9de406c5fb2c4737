import { describe, expect, it } from 'vitest';
import { scanHistory } from '../../src/scan/history/scan-history.js';
import { cli } from '../helpers/cli.js';
import { git, gitdir } from '../helpers/git.js';
import { newKey } from '../scan/history/fixtures.js';

describe('keyguard scan --history / --range (CLI)', () => {
  it('exits 1 with findings, masks keys, and prints history details', async () => {
    const { key, fp } = newKey();
    const dir = gitdir({ 'k.env': `K=${key}\n` });
    git(dir, 'rm', '-q', 'k.env');
    git(dir, 'commit', '-q', '-m', 'rm');
    const result = await cli(['scan', '--history'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).toContain(`fingerprint ${fp.slice(0, 12)}`);
    expect(result.stdout).toMatch(/reachable from branch:main/);
  });

  it('a baseline fingerprint is left out', async () => {
    const { key, fp } = newKey();
    const baseline = { version: 1, entries: [{ fingerprint: fp, rule: 'anthropic-api-key', path: 'k.env' }] };
    const dir = gitdir({ 'k.env': `K=${key}\n`, '.keyguard-baseline.json': JSON.stringify(baseline) });
    const result = await cli(['scan', '--history', '--format', 'json'], { cwd: dir });
    const doc = JSON.parse(result.stdout);
    expect(doc.findings).toEqual([]);
    expect(doc.summary.baselined).toBe(1);
    expect(result.exitCode).toBe(0);
  });

  it('a bad range exits 2 with one sentence', async () => {
    const dir = gitdir({ 'a.txt': 'a\n' });
    const result = await cli(['scan', '--range', 'nope..HEAD'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('keyguard: --range nope..HEAD is not a valid commit range in this repository.\n');
  });

  it('progress goes to the callback only when one is given, and is cleared at the end', async () => {
    const dir = gitdir({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const lines: string[] = [];
    await scanHistory({ cwd: dir, paths: [], progress: (text) => lines.push(text) });
    expect(lines.some((l) => /history: \d+\/2 blobs/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('\r\x1b[2K');
    const quiet = await cli(['scan', '--history'], { cwd: dir, progress: (text) => lines.push(`cli:${text}`) });
    expect(quiet.exitCode).toBe(0);
    expect(lines.filter((l) => l.startsWith('cli:'))).toEqual([]);
  });
});
