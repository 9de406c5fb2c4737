import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { VERSION } from '../../src/shared/version.js';
import { BIN, spawnCli } from '../helpers/cli.js';
import { GIT_ENV, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { expectMasked } from '../helpers/masked.js';

const ROOT = join(import.meta.dirname, '..', '..');

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
});

describe('the real bin', () => {
  it('--version', async () => {
    expect(await spawnCli(['--version'])).toEqual({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('exit codes: 0 clean, 1 findings, 2 usage error', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'clean.txt': 'nothing\n' });
    expect((await spawnCli(['scan'], { cwd: dir })).exitCode).toBe(0);
    writeFiles(dir, { 'a.env': `ANTHROPIC_API_KEY=${makeKey()}\n` });
    const found = await spawnCli(['scan'], { cwd: dir });
    expect(found.exitCode).toBe(1);
    expectMasked(found);
    const bad = await spawnCli(['scan', '--nope'], { cwd: dir });
    expect(bad).toEqual({ exitCode: 2, stdout: '', stderr: "keyguard: unknown option '--nope'\n" });
    const missing = await spawnCli(['scan', 'missing-dir'], { cwd: dir });
    expect(missing).toEqual({ exitCode: 2, stdout: '', stderr: 'keyguard: path missing-dir does not exist.\n' });
  });

  it('runs through its shebang, and Node 20 does not take --env-file for its own flag', async () => {
    const dir = tempDir();
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(BIN, ['check', '--env-file', 'missing.env'], {
        cwd: dir,
        env: { ...GIT_ENV, NO_COLOR: '1' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: .*missing\.env/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('scans 5 MB of piped stdin with a key near the end', async () => {
    const key = makeKey('oat01');
    const line = `${'x'.repeat(99)}\n`;
    const lines = Math.ceil((5 * 1024 * 1024) / line.length);
    const input = Buffer.from(`${line.repeat(lines)}token=${key}\n`);
    const result = await spawnCli(['scan', '-', '--format', 'json'], { input });
    expect(result.exitCode).toBe(1);
    expectMasked(result, key);
    const report = JSON.parse(result.stdout);
    expect(report.summary.bytes).toBe(input.length);
    expect(report.findings.map((f: { line: number; fingerprint: string }) => [f.line, f.fingerprint])).toEqual([
      [lines + 1, fingerprint(key)],
    ]);
  });

  it('large trees are scanned in worker threads with the same findings as one thread', async () => {
    const dir = tempDir();
    const keys = [makeKey(), makeKey('sid01'), makeKey('admin01')];
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`d${i % 7}/f${i}.txt`] = `file ${i}\n`;
    keys.forEach((key, i) => {
      files[`d${i}/key${i}.env`] = `K=${key}\n`;
    });
    writeFiles(dir, files);
    const one = await spawnCli(['scan', '--format', 'json', '--show-secrets'], {
      cwd: dir,
      env: { KEYGUARD_THREADS: '1' },
    });
    const two = await spawnCli(['scan', '--format', 'json', '--show-secrets'], {
      cwd: dir,
      env: { KEYGUARD_THREADS: '2' },
    });
    expect(two.exitCode).toBe(1);
    const strip = (text: string) => ({ ...JSON.parse(text), summary: { ...JSON.parse(text).summary, durationMs: 0 } });
    expect(strip(two.stdout)).toEqual(strip(one.stdout));
    // The keys cross from the worker threads intact (only --show-secrets prints them).
    expect(
      JSON.parse(two.stdout)
        .findings.map((f: { secret: string }) => f.secret)
        .sort(),
    ).toEqual([...keys].sort());
    expect(JSON.parse(two.stdout).summary.files).toBe(403);
  });
});

describe('scan never loads a cloud SDK or @anthropic-ai/sdk', () => {
  const SDKS = /@anthropic-ai\/sdk|@aws-sdk|@google-cloud|@azure|@dopplerhq|@grpc|google-gax/;

  const importsOf = (argv: string[], cwd: string) => {
    const log = join(tempDir(), 'imports.log');
    return new Promise<string[]>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', join(ROOT, 'test', 'fixtures', 'record-imports.mjs'), BIN, ...argv],
        { cwd, env: { ...GIT_ENV, NO_COLOR: '1', CI: 'true', KEYGUARD_IMPORT_LOG: log }, stdio: 'ignore' },
      );
      child.on('error', reject);
      child.on('close', () => resolve(existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []));
    });
  };

  it('in a working-tree scan with findings, a staged scan and a stdin scan', async () => {
    const repo = gitdir({ 'a.env': `ANTHROPIC_API_KEY=${makeKey()}\n` });
    for (const argv of [['scan'], ['scan', '--staged'], ['scan', '--format', 'sarif', '-']]) {
      const imports = await importsOf(argv, repo);
      // The hook saw the CLI load (so an SDK import would have been seen too)...
      expect(
        imports.some((url) => url.endsWith('/dist/scan/scan.js')),
        argv.join(' '),
      ).toBe(true);
      expect(imports.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
      // ...and no SDK, nor the store adapters that would load one.
      expect(imports.filter((url) => SDKS.test(url))).toEqual([]);
      expect(imports.filter((url) => url.includes('/dist/rotate/'))).toEqual([]);
    }
  });
});
