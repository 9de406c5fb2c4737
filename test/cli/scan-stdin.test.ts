import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { tempDir } from '../helpers/git.js';
import { maskedCli as cli, expectMasked } from '../helpers/masked.js';
import { scanJson } from '../helpers/scan.js';

describe('scan standard input', () => {
  it('reads stdin with "-" and reports it as (stdin)', async () => {
    const key = makeKey();
    const { result, report } = await scanJson(['-'], { stdinText: `log line\ncurl -H "x-api-key: ${key}"\n` });
    expect(result.exitCode).toBe(1);
    expect(report.findings.map((f) => [f.path, f.line, f.column, f.fingerprint])).toEqual([
      ['(stdin)', 2, 21, fingerprint(key)],
    ]);
    expect(report.summary).toMatchObject({ files: 1, findings: 1 });
  });

  it('--stdin with --stdin-name names the input', async () => {
    const { report } = await scanJson(['--stdin', '--stdin-name', 'build.log'], { stdinText: makeKey('sid01') });
    expect(report.findings.map((f) => [f.path, f.rule])).toEqual([['build.log', 'anthropic-session-key']]);
  });

  it('empty stdin, or none, is a clean scan', async () => {
    for (const stdinText of ['', undefined]) {
      const { result, report } = await scanJson(['-'], { stdinText });
      expect(result.exitCode).toBe(0);
      expect(report.summary.findings).toBe(0);
    }
  });

  it('stdin cannot be mixed with paths or other sources', async () => {
    const dir = tempDir();
    for (const argv of [
      ['scan', '-', 'src'],
      ['scan', '--stdin', '--staged'],
    ]) {
      const result = await cli(argv, { cwd: dir, stdinText: 'x' });
      expect(result.exitCode, argv.join(' ')).toBe(2);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expectMasked(result);
    }
  });
});
