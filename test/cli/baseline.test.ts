import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint, hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { tempDir, writeFiles } from '../helpers/git.js';
import { maskedCli as cli, expectMasked } from '../helpers/masked.js';
import { scanJson } from '../helpers/scan.js';

const env = (key: string) => `ANTHROPIC_API_KEY=${key}\n`;

describe('keyguard baseline', () => {
  it('create writes fingerprints (never keys); scans then skip them and say how many', async () => {
    const dir = tempDir();
    const [a, b] = [makeKey(), makeKey('oat01')];
    writeFiles(dir, { 'a.env': env(a), 'b/b.txt': `token ${b}\n`, 'c.txt': env(a) });
    const created = await cli(['baseline', 'create'], { cwd: dir });
    expect(created).toMatchObject({ exitCode: 0, stderr: '' });
    expect(created.stdout).toBe('.keyguard-baseline.json: 2 fingerprint(s) (2 new) from 3 finding(s)\n');
    const text = readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8');
    expectMasked(text, a, b);
    const baseline = JSON.parse(text);
    expect(baseline.version).toBe(1);
    expect(baseline.entries.map((e: { fingerprint: string; hint: string; path: string; rule: string }) => e)).toEqual([
      expect.objectContaining({ fingerprint: fingerprint(a), hint: hint(a), path: 'a.env', rule: 'anthropic-api-key' }),
      expect.objectContaining({ fingerprint: fingerprint(b), hint: hint(b), path: 'b/b.txt' }),
    ]);
    expect(baseline.entries[0].created).toMatch(/^\d{4}-\d\d-\d\dT/);

    const { result, report } = await scanJson([], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(report.summary).toMatchObject({ findings: 0, baselined: 3 });
    expect((await cli(['scan'], { cwd: dir })).stdout).toContain('3 in baseline');

    // A new key is still reported; --no-baseline reports everything.
    const c = makeKey();
    writeFiles(dir, { 'new.env': env(c) });
    expect((await scanJson([], { cwd: dir })).report.findings.map((f) => f.fingerprint)).toEqual([fingerprint(c)]);
    expect((await scanJson(['--no-baseline'], { cwd: dir })).report.summary.findings).toBe(4);

    // Creating again keeps the first entries' dates and adds the new one.
    const again = await cli(['baseline', 'create'], { cwd: dir });
    expect(again.stdout).toBe('.keyguard-baseline.json: 3 fingerprint(s) (1 new) from 4 finding(s)\n');
    const next = JSON.parse(readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8'));
    expect(next.entries.find((e: { fingerprint: string }) => e.fingerprint === fingerprint(a)).created).toBe(
      baseline.entries[0].created,
    );
  });

  it('prune removes stale entries and lists them by hint', async () => {
    const dir = tempDir();
    const [kept, gone] = [makeKey(), makeKey('admin01')];
    writeFiles(dir, { 'a.env': env(kept), 'b.env': env(gone) });
    await cli(['baseline', 'create'], { cwd: dir });
    writeFiles(dir, { 'b.env': 'ANTHROPIC_ADMIN_KEY=\n' });
    const pruned = await cli(['baseline', 'prune'], { cwd: dir });
    expect(pruned.exitCode).toBe(0);
    expectMasked(pruned, kept, gone);
    expect(pruned.stdout).toBe(
      `removed ${hint(gone)} (anthropic-admin-key, fingerprint ${fingerprint(gone).slice(0, 12)}, was in b.env)\n` +
        '.keyguard-baseline.json: 1 stale entry removed, 1 kept\n',
    );
    const entries = JSON.parse(readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8')).entries;
    expect(entries.map((e: { fingerprint: string }) => e.fingerprint)).toEqual([fingerprint(kept)]);
  });

  it('prune without a baseline, or with a damaged one, is exit 2', async () => {
    const dir = tempDir();
    expect((await cli(['baseline', 'prune'], { cwd: dir })).exitCode).toBe(2);
    writeFileSync(join(dir, '.keyguard-baseline.json'), '{"entries":[{"fingerprint":"abc"}]}');
    const result = await cli(['scan'], { cwd: dir });
    expect(result).toMatchObject({
      exitCode: 2,
      stderr: 'keyguard: baseline .keyguard-baseline.json: entries[0].fingerprint is not a SHA-256 hex fingerprint.\n',
    });
  });

  it('--baseline and scan.baseline choose the file', async () => {
    const dir = tempDir();
    const key = makeKey();
    writeFiles(dir, { 'a.env': env(key), 'keyguard.config.json': '{"scan":{"baseline":"ci/accepted.json"}}' });
    writeFiles(dir, { 'ci/.keep': '' });
    await cli(['baseline', 'create'], { cwd: dir });
    expect(JSON.parse(readFileSync(join(dir, 'ci/accepted.json'), 'utf8')).entries).toHaveLength(1);
    expect((await cli(['scan'], { cwd: dir })).exitCode).toBe(0);
    const missing = await cli(['scan', '--baseline', 'other.json'], { cwd: dir });
    expect(missing).toMatchObject({ exitCode: 2, stderr: 'keyguard: cannot read baseline other.json (ENOENT).\n' });
  });
});

describe('baseline location', () => {
  it('is the same file from a subfolder of the repository, with or without a config', async () => {
    const { gitdir } = await import('../helpers/git.js');
    const repo = gitdir({ 'src/a.env': env(makeKey()), 'src/deep/b.env': env(makeKey()) });
    expect((await cli(['baseline', 'create'], { cwd: join(repo, 'src') })).stdout).toMatch(
      /\/\.keyguard-baseline\.json: 2 fingerprint\(s\)/,
    );
    expect(JSON.parse(readFileSync(join(repo, '.keyguard-baseline.json'), 'utf8')).entries).toHaveLength(2);
    expect((await cli(['scan'], { cwd: join(repo, 'src', 'deep') })).exitCode).toBe(0);
    writeFiles(repo, { 'keyguard.config.json': '{"scan":{"baseline":"ci/baseline.json"}}', 'ci/.keep': '' });
    await cli(['baseline', 'create'], { cwd: join(repo, 'src') });
    expect(JSON.parse(readFileSync(join(repo, 'ci/baseline.json'), 'utf8')).entries).toHaveLength(2);
    expect((await cli(['scan'], { cwd: join(repo, 'src', 'deep') })).exitCode).toBe(0);
  });
});
