import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey, makeToken } from '../../src/key/keygen.js';
import { VERSION } from '../../src/shared/version.js';
import { GIT_ENV, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { maskedCli as cli, expectMasked } from '../helpers/masked.js';
import { scanJson } from '../helpers/scan.js';

const env = (key: string) => `ANTHROPIC_API_KEY=${key}\n`;

describe('--fail-on drives the exit code', () => {
  const table: Array<[string, string, Record<string, number>]> = [
    ['critical', makeKey('api03'), { critical: 1, high: 1, medium: 1, low: 1 }],
    ['high', makeKey('oat01'), { critical: 0, high: 1, medium: 1, low: 1 }],
    // anthropic-key-unrecognized: a truncated api03 key.
    ['medium', makeToken('api03', 60), { critical: 0, high: 0, medium: 1, low: 1 }],
  ];
  for (const [severity, key, exits] of table) {
    it(`a ${severity} finding`, async () => {
      const dir = tempDir();
      writeFiles(dir, { 'a.env': env(key) });
      const { report } = await scanJson([], { cwd: dir });
      expect(report.findings.map((f) => f.severity)).toEqual([severity]);
      for (const [failOn, code] of Object.entries(exits)) {
        const result = await cli(['scan', '--fail-on', failOn], { cwd: dir });
        expect(result.exitCode, `--fail-on ${failOn}`).toBe(code);
        expectMasked(result, key);
      }
      const byDefault = await cli(['scan'], { cwd: dir });
      expect(byDefault.exitCode, 'default --fail-on high').toBe(exits.high);
    });
  }

  it('the medium finding is anthropic-key-unrecognized', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.env': env(makeToken('api04', 95)) });
    const { report } = await scanJson(['--fail-on', 'medium'], { cwd: dir });
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['anthropic-key-unrecognized', 'medium']]);
  });

  it('scan.failOn from the config applies; --fail-on wins over it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.env': env(makeKey('oat01')), 'keyguard.config.json': '{"scan":{"failOn":"critical"}}' });
    expect((await cli(['scan'], { cwd: dir })).exitCode).toBe(0);
    expect((await cli(['scan', '--fail-on', 'high'], { cwd: dir })).exitCode).toBe(1);
  });

  it('a clean tree exits 0', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'README.md': '# nothing\n' });
    const result = await cli(['scan'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^✔ No Anthropic credentials found · scanned 1 file \(10 B\) in \d+ ms\n$/);
  });

  it('an unknown severity is exit 2', async () => {
    const result = await cli(['scan', '--fail-on', 'severe'], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("keyguard: option '--fail-on <severity>' argument 'severe' is invalid");
  });
});

describe('masking', () => {
  it('--show-secrets prints the key, in text and json; nothing else ever does', async () => {
    const key = makeKey();
    const dir = tempDir();
    writeFiles(dir, { 'a.env': env(key) });
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const masked = await cli(['scan', '--format', format], { cwd: dir });
      expect(masked.exitCode).toBe(1);
      expectMasked(masked, key);
      expect(masked.stdout, format).toContain(`${key.slice(0, 16)}...${key.slice(-4)}`);
    }
    const text = await cli(['scan', '--show-secrets'], { cwd: dir });
    expect(text.stdout).toContain(key);
    const json = JSON.parse((await cli(['scan', '--show-secrets', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.findings[0].secret).toBe(key);
  });
});

describe('allowing', () => {
  it('inline keyguard:allow drops the finding and the summary counts it', async () => {
    const dir = tempDir();
    const kept = makeKey();
    writeFiles(dir, {
      'a.ts': `const test = '${makeKey()}'; // keyguard:allow (test fixture)\nconst real = '${kept}';\n`,
    });
    const { report } = await scanJson([], { cwd: dir });
    expect(report.findings.map((f) => [f.line, f.fingerprint])).toEqual([[2, fingerprint(kept)]]);
    expect(report.summary.allowed).toBe(1);
    expect((await cli(['scan'], { cwd: dir })).stdout).toContain('1 allowed inline');
  });

  it('keyguard:allow also works for a key at the very start of a file', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.txt': `${makeKey()} # keyguard:allow\nmore text\n` });
    const { report } = await scanJson([], { cwd: dir });
    expect(report.findings).toEqual([]);
    expect(report.summary.allowed).toBe(1);
  });

  it('scan.exclude globs from keyguard.config.json and --exclude', async () => {
    const repo = gitdir({
      'keyguard.config.json': JSON.stringify({ scan: { exclude: ['fixtures/**', '*.snap'] } }),
      'fixtures/a.env': env(makeKey()),
      'test/__snapshots__/x.snap': env(makeKey()),
      'docs/example.md': env(makeKey()),
      'src/real.ts': env(makeKey()),
    });
    expect((await scanJson([], { cwd: repo })).paths).toEqual(['docs/example.md', 'src/real.ts']);
    expect((await scanJson(['--exclude', 'docs/**'], { cwd: repo })).paths).toEqual(['src/real.ts']);
    expect((await scanJson(['--exclude', 'docs/**', '--exclude', 'src/*.ts'], { cwd: repo })).paths).toEqual([]);
    // Paths are matched from the repository root, wherever keyguard runs.
    expect((await scanJson([], { cwd: join(repo, 'src') })).paths).toEqual(['src/real.ts']);
  });
});

describe('config errors are exit 2, naming the file, the field and what was expected', () => {
  const cases: Array<[string, string, string]> = [
    [
      'bad JSON',
      '{\n  "scan": {\n    "failOn": "high",\n  }\n}\n',
      'keyguard.config.json: not valid JSON at line 4, column 3.',
    ],
    [
      'unknown field',
      '{"scan":{"exclud":["x"]}}',
      'keyguard.config.json: scan.exclud is not a known field (expected one of:',
    ],
    [
      'wrong type',
      '{"scan":{"exclude":"fixtures/**"}}',
      'keyguard.config.json: scan.exclude expected an array, got "fixtures/**".',
    ],
    [
      'wrong enum',
      '{"scan":{"failOn":"severe"}}',
      'keyguard.config.json: scan.failOn expected one of critical, high, medium, low, got "severe".',
    ],
    [
      'bad store type',
      '{"environments":{"prod":{"store":{"type":"s3"}}}}',
      'keyguard.config.json: environments.prod.store.type expected one of aws, gcp, azure, vault, doppler, dotenv, module, got "s3".',
    ],
    [
      'missing field',
      '{"environments":{"prod":{"store":{"type":"aws"}}}}',
      'keyguard.config.json: environments.prod.store.secretId is required.',
    ],
  ];
  for (const [name, text, message] of cases) {
    it(name, async () => {
      const dir = tempDir();
      writeFiles(dir, { 'keyguard.config.json': text });
      const result = await cli(['scan'], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(`keyguard: ${message}`), result.stderr).toBe(true);
      expect(result.stderr).not.toContain('    at ');
    });
  }

  it('--config names a file that must exist', async () => {
    const result = await cli(['scan', '--config', 'nope.json'], { cwd: tempDir() });
    expect(result).toMatchObject({ exitCode: 2, stderr: 'keyguard: config file nope.json does not exist.\n' });
  });
});

describe('output', () => {
  it('--output FILE writes the report there and says so on stderr', async () => {
    const dir = tempDir();
    const key = makeKey();
    writeFiles(dir, { 'a.env': env(key) });
    const result = await cli(['scan', '--format', 'sarif', '--output', 'out.sarif'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('keyguard: 1 finding(s); report written to out.sarif\n');
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].partialFingerprints['keyguardFingerprint/v1']).toBe(fingerprint(key));
    expectMasked(readFileSync(join(dir, 'out.sarif'), 'utf8'), key);
  });

  it('an --output that cannot be written is exit 2', async () => {
    const result = await cli(['scan', '--output', 'no/such/dir/out.txt'], { cwd: tempDir() });
    expect(result).toMatchObject({ exitCode: 2, stderr: 'keyguard: cannot write no/such/dir/out.txt (ENOENT).\n' });
  });

  describe('colour', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.env': env(makeKey()) });
    const { NO_COLOR: _n, FORCE_COLOR: _f, ...base } = GIT_ENV;
    const ANSI = /\x1b\[\d+m/;

    it('on a terminal', async () => {
      const result = await cli(['scan'], { cwd: dir, env: { ...base }, stdoutIsTTY: true });
      expect(result.stdout).toMatch(ANSI);
    });
    it('never with NO_COLOR, --no-color, --output or when stdout is not a terminal', async () => {
      expect(
        (await cli(['scan'], { cwd: dir, env: { ...base, NO_COLOR: '1' }, stdoutIsTTY: true })).stdout,
      ).not.toMatch(ANSI);
      expect((await cli(['scan', '--no-color'], { cwd: dir, env: { ...base }, stdoutIsTTY: true })).stdout).not.toMatch(
        ANSI,
      );
      expect((await cli(['scan'], { cwd: dir, env: { ...base }, stdoutIsTTY: false })).stdout).not.toMatch(ANSI);
      await cli(['scan', '-o', 'r.txt'], { cwd: dir, env: { ...base }, stdoutIsTTY: true });
      expect(readFileSync(join(dir, 'r.txt'), 'utf8')).not.toMatch(ANSI);
    });
    it('FORCE_COLOR colours a pipe, but never beats NO_COLOR or --no-color', async () => {
      const forced = { ...base, FORCE_COLOR: '1' };
      expect((await cli(['scan'], { cwd: dir, env: forced, stdoutIsTTY: false })).stdout).toMatch(ANSI);
      expect((await cli(['scan'], { cwd: dir, env: { ...forced, NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
      expect((await cli(['scan', '--no-color'], { cwd: dir, env: forced })).stdout).not.toMatch(ANSI);
    });
    it('never in json, even on a terminal', async () => {
      const result = await cli(['scan', '--format', 'json'], { cwd: dir, env: { ...base }, stdoutIsTTY: true });
      expect(result.stdout).not.toMatch(ANSI);
    });
  });
});

describe('the program', () => {
  it('--version prints the version', async () => {
    expect(await cli(['--version'])).toEqual({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('the version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });

  it('an unknown flag is exit 2 with one line', async () => {
    const result = await cli(['scan', '--frobnicate']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("keyguard: unknown option '--frobnicate'\n");
  });

  it('an unknown format is exit 2', async () => {
    const result = await cli(['scan', '--format', 'xml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: option '-f, --format <format>' argument 'xml' is invalid/);
  });

  it('two sources at once is exit 2', async () => {
    const result = await cli(['scan', '--staged', '--history'], { cwd: tempDir() });
    expect(result).toMatchObject({
      exitCode: 2,
      stderr: 'keyguard: choose one of --staged, --history, --range, --npm-pack and stdin.\n',
    });
  });
});

describe('scan.maxFileSizeMB', () => {
  it('skips and counts larger files; 0 means no limit', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'big.log': Buffer.concat([Buffer.alloc(2 * 1024 * 1024, 0x61), Buffer.from(`\n${makeKey()}\n`)]),
      'small.env': env(makeKey()),
      'keyguard.config.json': '{"scan":{"maxFileSizeMB":1}}',
    });
    const { report, paths } = await scanJson([], { cwd: dir });
    expect(paths).toEqual(['small.env']);
    expect(report.summary.skipped).toBe(1);
    writeFiles(dir, { 'keyguard.config.json': '{"scan":{"maxFileSizeMB":0}}' });
    expect((await scanJson([], { cwd: dir })).paths).toEqual(['big.log', 'small.env']);
  });
});

describe('progress', () => {
  const dir = tempDir();
  writeFiles(dir, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  const { CI: _ci, ...noCi } = GIT_ENV;
  const run = async (argv: string[], env: NodeJS.ProcessEnv, stderrIsTTY: boolean) => {
    const lines: string[] = [];
    await cli(['scan', ...argv], { cwd: dir, env, stderrIsTTY, progress: (text) => lines.push(text) });
    return lines.join('');
  };

  it('is drawn on a terminal stderr, and never in CI, with --quiet or when stderr is not a terminal', async () => {
    expect(await run([], noCi, true)).toContain('scanning 2/2 files');
    expect(await run([], { ...noCi, CI: 'true' }, true)).toBe('');
    expect(await run(['--quiet'], noCi, true)).toBe('');
    expect(await run([], noCi, false)).toBe('');
  });
});
