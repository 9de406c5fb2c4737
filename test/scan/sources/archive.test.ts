import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { archiveKind, expandArchive } from '../../../src/scan/sources/archive.js';
import { scanBytes } from '../../../src/scan/sources/files.js';
import { gzip, tar, zip } from '../../helpers/archives.js';
import { tempDir } from '../../helpers/git.js';
import { scanJson } from '../../helpers/scan.js';

const envFile = (key: string) => `# settings\nANTHROPIC_API_KEY=${key}\n`;

const found = (data: Buffer, name: string) =>
  scanBytes(data, { path: name }).findings.map((f) => [f.path, f.line, f.fingerprint]);

describe('archives are opened and their members scanned', () => {
  it('zip, stored and deflated, members reported as archive.zip!inner/path', () => {
    for (const deflate of [false, true]) {
      const key = makeKey();
      const data = zip(
        [
          { name: 'app/readme.md', data: 'nothing here\n' },
          { name: 'app/config/.env', data: envFile(key) },
        ],
        { deflate },
      );
      expect(archiveKind(data)).toBe('zip');
      expect(found(data, 'dist/bundle.zip'), deflate ? 'deflated' : 'stored').toEqual([
        ['dist/bundle.zip!app/config/.env', 2, fingerprint(key)],
      ]);
    }
  });

  it('tar, tar.gz and a plain .gz', () => {
    const [a, b, c] = [makeKey(), makeKey('oat01'), makeKey('admin01')];
    expect(found(tar([{ name: 'etc/app.env', data: envFile(a) }]), 'backup.tar')).toEqual([
      ['backup.tar!etc/app.env', 2, fingerprint(a)],
    ]);
    expect(found(gzip(tar([{ name: 'x/token.txt', data: `t=${b}` }])), 'site.tar.gz')).toEqual([
      ['site.tar.gz!x/token.txt', 1, fingerprint(b)],
    ]);
    expect(found(gzip(`line\n${c}\n`), 'logs/app.log.gz')).toEqual([['logs/app.log.gz!app.log', 2, fingerprint(c)]]);
  });

  it('a zip inside a tar.gz', () => {
    const key = makeKey();
    const inner = zip([{ name: 'secrets/.env', data: envFile(key) }], { deflate: true });
    const outer = gzip(tar([{ name: 'release/plugin.zip', data: inner }]));
    expect(found(outer, 'release.tgz')).toEqual([['release.tgz!release/plugin.zip!secrets/.env', 2, fingerprint(key)]]);
  });

  it('stops opening archives past the depth bound and scans the rest as bytes', () => {
    let data = zip([{ name: 'k.txt', data: `k=${makeKey()}` }]);
    for (let i = 0; i < 5; i++) data = zip([{ name: `level${i}.zip`, data }]);
    const members = expandArchive('deep.zip', data, { maxDepth: 3, maxTotalBytes: 1 << 20 });
    expect(members.map((m) => m.name)).toEqual(['deep.zip!level4.zip!level3.zip!level2.zip']);
    expect(archiveKind(members[0]!.data)).toBe('zip');
  });

  it('an archive bomb costs at most the size bound', () => {
    // 300 gzip members of 1 MiB of zeros each: 300 KB on disk, 300 MiB expanded.
    const member = gzipSync(Buffer.alloc(1 << 20));
    const bomb = Buffer.concat(Array.from({ length: 300 }, () => member));
    expect(() => expandArchive('bomb.gz', bomb, { maxDepth: 3, maxTotalBytes: 16 << 20 })).toThrow();
    // Through the scanner: the bomb is scanned as bytes (no crash, no finding), within the default bound.
    expect(scanBytes(bomb, { path: 'bomb.gz' })).toMatchObject({
      findings: [],
      bytes: bomb.length,
      warning: 'bomb.gz: archive not opened (expands past the size bound); scanned as raw bytes',
    });
    // A zip member that lies about its size cannot expand past what it declared.
    const liar = zip([{ name: 'zeros', data: Buffer.alloc(8 << 20) }], { deflate: true, lieAboutSize: 1024 });
    expect(() => expandArchive('liar.zip', liar)).toThrow();
    expect(scanBytes(liar, { path: 'liar.zip' }).findings).toEqual([]);
  });

  it('members of many entries share one budget', () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(1 << 20) }));
    const members = expandArchive('many.zip', zip(entries, { deflate: true }), { maxDepth: 3, maxTotalBytes: 5 << 20 });
    expect(members.length).toBe(5);
  });

  it('a damaged archive is scanned as bytes', () => {
    const key = makeKey();
    const damaged = Buffer.concat([zip([{ name: 'a', data: 'x' }]).subarray(0, 40), Buffer.from(`\n${key}\n`)]);
    expect(found(damaged, 'broken.zip')).toEqual([['broken.zip', 2, fingerprint(key)]]);
    expect(scanBytes(damaged, { path: 'broken.zip' }).warning).toBe(
      'broken.zip: archive not opened (damaged); scanned as raw bytes',
    );
  });

  it('through the CLI: nested paths in the report', async () => {
    const dir = tempDir();
    const key = makeKey();
    writeFileSync(join(dir, 'bundle.zip'), zip([{ name: 'inner/path.env', data: envFile(key) }], { deflate: true }));
    writeFileSync(join(dir, 'release.tar.gz'), gzip(tar([{ name: 'conf/app.env', data: envFile(key) }])));
    const { paths } = await scanJson([], { cwd: dir });
    expect(paths).toEqual(['bundle.zip!inner/path.env', 'release.tar.gz!conf/app.env']);
    writeFileSync(join(dir, 'broken.zip'), zip([{ name: 'a', data: 'x' }]).subarray(0, 40));
    const { maskedCli: cli } = await import('../../helpers/masked.js');
    const text = await cli(['scan'], { cwd: dir });
    expect(text.stdout).toContain('warning: broken.zip: archive not opened (damaged); scanned as raw bytes\n');
    const json = await cli(['scan', '--format', 'json'], { cwd: dir });
    expect(json.stderr).toBe('keyguard: warning: broken.zip: archive not opened (damaged); scanned as raw bytes\n');
  });
});
