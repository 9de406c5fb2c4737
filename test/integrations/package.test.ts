import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeKey } from '../../src/key/keygen.js';
import { VERSION } from '../../src/shared/version.js';
import { GIT_ENV, tempDir, writeFiles } from '../helpers/git.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MAX_INSTALLED_BYTES = 15 * 1024 * 1024;

/** Apparent size of every file under `dir` (symbolic links counted as links, not followed). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(full) : lstatSync(full).size;
  }
  return total;
}

const npm = (args: string[], cwd: string) =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...GIT_ENV, npm_config_update_notifier: 'false' } });

let packed: { filename: string; files: Array<{ path: string }> };
let consumer: string;

beforeAll(() => {
  // The suite runs after `npm run build`: pack what was built, without running prepare again.
  const out = tempDir('keyguard-pack-');
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout) as Array<typeof packed>)[0]!;
  consumer = tempDir('keyguard-consumer-');
  writeFiles(consumer, { 'package.json': JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }) });
  const args = ['install', join(out, packed.filename), '--omit=peer', '--no-audit', '--no-fund'];
  // Offline first: the dependencies are in npm's cache after the project's own install.
  let install = npm([...args, '--offline'], consumer);
  if (install.status !== 0) install = npm([...args, '--prefer-offline'], consumer);
  expect(install.status, install.stderr).toBe(0);
}, 300_000);

describe('the published package', () => {
  it('ships the CLI, the schema, the action and the hook definition, and no tests, sources or maps', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/keyguard.js',
        'dist/cli/main.js',
        'dist/index.js',
        'schema/keyguard.config.schema.json',
        'action.yml',
        '.pre-commit-hooks.yaml',
      ]),
    );
    const unwanted = paths.filter((p) => /^(src|test|scripts|fixtures)\//.test(p) || p.endsWith('.map'));
    expect(unwanted).toEqual([]);
  });

  it('ships a pre-commit framework hook running the staged scan', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;
    expect(hooks.find((h) => h.id === 'keyguard')).toMatchObject({
      entry: 'keyguard scan --staged',
      language: 'node',
      pass_filenames: false,
    });
  });

  it('installs without any cloud SDK and stays small', () => {
    const modules = join(consumer, 'node_modules');
    for (const sdk of ['@anthropic-ai', '@aws-sdk', '@google-cloud', '@azure', '@dopplerhq', '@grpc']) {
      expect(existsSync(join(modules, sdk)), sdk).toBe(false);
    }
    const bytes = treeBytes(modules);
    console.info(`keyguard installed size without optional peers: ${(bytes / 1048576).toFixed(2)} MB`);
    expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  });

  it('runs with npx: --version, then a scan that finds a key and one that does not', () => {
    const npx = (args: string[]) =>
      spawnSync('npx', ['--no-install', 'keyguard', ...args], {
        cwd: consumer,
        encoding: 'utf8',
        env: { ...GIT_ENV, NO_COLOR: '1', CI: 'true', npm_config_offline: 'true' },
      });
    const version = npx(['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);

    writeFiles(consumer, { 'src/app.js': 'export const key = process.env.ANTHROPIC_API_KEY;\n' });
    const clean = npx(['scan', 'src']);
    expect(clean.status, clean.stderr).toBe(0);

    writeFileSync(join(consumer, 'src', 'leak.js'), `export const key = '${makeKey('api03')}';\n`);
    const dirty = npx(['scan', 'src', '--format', 'json']);
    expect(dirty.status, dirty.stderr).toBe(1);
    const report = JSON.parse(dirty.stdout) as { findings: Array<{ path: string; rule: string }> };
    expect(report.findings.map((f) => [f.path, f.rule])).toEqual([['src/leak.js', 'anthropic-api-key']]);
  });

  it('exports the engine from its main entry', () => {
    const script = `import('keyguard').then((m) => console.log(Object.keys(m).sort().join(',')))`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8' });
    expect(out.trim().split(',')).toEqual(expect.arrayContaining(['run', 'scanWorktree', 'parseConfig', 'VERSION']));
  });
});
