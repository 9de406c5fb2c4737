import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { packError, parsePackList } from '../../../src/scan/sources/npm-pack.js';
import { cli } from '../../helpers/cli.js';
import { gitdir, tempDir, writeFiles } from '../../helpers/git.js';

const packJson = (paths: string[]) => JSON.stringify([{ id: 'p@1.0.0', files: paths.map((path) => ({ path })) }]);

describe('parsePackList', () => {
  it.each([
    ['npm output', packJson(['package.json', 'lib/index.js']), ['package.json', 'lib/index.js']],
    ['notices before the JSON', `> p@1.0.0 prepack\n${packJson(['a.js'])}`, ['a.js']],
    ['entries without a path', JSON.stringify([{ files: [{ path: 'a.js' }, { size: 1 }, { path: '' }] }]), ['a.js']],
  ])('reads the file paths from %s', (_name, stdout, expected) => {
    expect(parsePackList(stdout)).toEqual(expected);
  });

  it.each([
    ['text that is not JSON', 'npm warn something'],
    ['a document without files', '[{"id":"p@1.0.0"}]'],
    ['an empty list', '[]'],
  ])('rejects %s with exit 2', (_name, stdout) => {
    expect(() => parsePackList(stdout)).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('packError', () => {
  it("uses the summary of npm's JSON error", () => {
    const stdout = JSON.stringify({ error: { code: 'ENOENT', summary: 'Could not read package.json.\nmore' } });
    expect(packError(stdout, 'npm error code ENOENT')).toBe('Could not read package.json');
  });
  it('falls back to the first npm error line', () => {
    expect(packError('', 'npm warn x\nnpm error code E404\nnpm error A complete log of this run')).toBe('code E404');
  });
});

describe('keyguard scan --npm-pack', () => {
  it('scans exactly the files npm would publish, ignored by git or not', async () => {
    const shipped = makeKey('api03');
    const unshipped = makeKey('api03');
    const dir = gitdir({
      'package.json': JSON.stringify({ name: 'leaky', version: '1.0.0', files: ['lib/'] }),
      '.gitignore': 'lib/\n',
      'src/dev-only.js': `export const key = '${unshipped}';\n`,
    });
    // lib/ is built output: ignored by git, shipped by npm.
    writeFiles(dir, { 'lib/index.js': `module.exports = { key: '${shipped}' };\n` });
    const result = await cli(['scan', '--npm-pack', '--format', 'json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ path: string; fingerprint: string }> };
    expect(report.findings.map((f) => [f.path, f.fingerprint])).toEqual([['lib/index.js', fingerprint(shipped)]]);
    // npm ships package.json and what `files` names, nothing else here.
    expect((JSON.parse(result.stdout) as { summary: { files: number } }).summary.files).toBe(2);
  });

  it('exits 0 when what ships is clean, even if the repository is not', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'package.json': JSON.stringify({ name: 'tidy', version: '1.0.0', files: ['index.js'] }),
      'index.js': 'export const key = process.env.ANTHROPIC_API_KEY;\n',
      'notes.txt': `${makeKey('admin01')}\n`,
    });
    const result = await cli(['scan', '--npm-pack'], { cwd: dir });
    expect(result.exitCode).toBe(0);
  });

  it('fails with one line and exit 2 where there is no package', async () => {
    const result = await cli(['scan', '--npm-pack'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: npm pack failed in .*package\.json/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('cannot be combined with another source', async () => {
    const result = await cli(['scan', '--npm-pack', '--staged'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
  });
});
