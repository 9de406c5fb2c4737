import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { commitAll, newKey } from '../scan/history/fixtures.js';

/**
 * Issue 11, item 9: a blob-less clone once made `--range` exit 0 with only a warning when the
 * range's blobs were not on the machine, so a pull request's key went unseen. Partial clones are
 * built from a local repository over file:// with uploadpack.allowFilter (no network).
 */
function blobless() {
  const first = newKey();
  const second = newKey();
  const source = gitdir({ 'README.md': 'readme\n' });
  writeFiles(source, { 'a.env': `K=${first.key}\n` });
  commitAll(source, 'add a key');
  writeFiles(source, { 'a.env': `K=${second.key}\n` });
  commitAll(source, 'change the key');
  git(source, 'config', 'uploadpack.allowFilter', 'true');
  const dir = join(tempDir(), 'blobless');
  git(tempDir(), 'clone', '-q', '--filter=blob:none', `file://${source}`, dir);
  // Any fetch from now on runs this script instead of upload-pack, and leaves a mark.
  const marker = join(tempDir(), 'fetched');
  const script = join(tempDir(), 'upload-pack');
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(script, 0o755);
  git(dir, 'config', 'remote.origin.uploadpack', script);
  return { dir, first, second, marker };
}

describe('--range in a blob-less clone', () => {
  it('blobs of the range that are not here are an error (exit 2), never fetched', async () => {
    const { dir, marker } = blobless();
    const result = await cli(['scan', '--range', 'HEAD~2..HEAD~1'], { cwd: dir });
    expect(existsSync(marker)).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/1 blob\(s\) it introduced are not on this machine \(partial clone\)/);
    expect(result.stderr).toMatch(/--allow-missing/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--allow-missing turns it into a warning; what is here is still scanned', async () => {
    const { dir, second, marker } = blobless();
    const gap = await cli(['scan', '--range', 'HEAD~2..HEAD~1', '--allow-missing', '--format', 'json'], { cwd: dir });
    expect(existsSync(marker)).toBe(false);
    expect(gap.exitCode, gap.stderr).toBe(0);
    expect(gap.stderr).toMatch(/not on this machine/);
    const whole = await cli(['scan', '--range', 'HEAD~2..HEAD', '--allow-missing', '--format', 'json'], { cwd: dir });
    expect(whole.exitCode, whole.stderr).toBe(1);
    const findings = JSON.parse(whole.stdout).findings as Array<{ fingerprint: string }>;
    expect(findings.map((f) => f.fingerprint)).toEqual([second.fp]);
  });

  it('a range whose blobs are all here needs no flag', async () => {
    const { dir, second } = blobless();
    const result = await cli(['scan', '--range', 'HEAD~1..HEAD', '--format', 'json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout).findings[0].fingerprint).toBe(second.fp);
  });

  it('--allow-missing is in scan --help', async () => {
    const help = await cli(['scan', '--help']);
    expect(help.stdout).toMatch(/--allow-missing/);
  });
});
