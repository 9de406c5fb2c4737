import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { GIT_ENV, tempDir, writeFiles } from '../helpers/git.js';
import { maskedCli as cli } from '../helpers/masked.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';

/** The test process's own environment, minus anything Anthropic: only what a test sets counts. */
function baseEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...GIT_ENV, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('ANTHROPIC_')) delete env[name];
  return { ...env, ...extra };
}

const check = (argv: string[], options: { cwd?: string; env?: Record<string, string> } = {}) =>
  cli(['check', ...argv], { cwd: options.cwd ?? tempDir(), env: baseEnv(options.env) });

describe('keyguard check: where the key comes from', () => {
  it('uses the environment first and says the .env value is ignored', async () => {
    const fromEnv = makeKey();
    const dir = tempDir();
    writeFiles(dir, { '.env': `ANTHROPIC_API_KEY=${makeKey()}\n` });
    const result = await check([], { cwd: dir, env: { ANTHROPIC_API_KEY: fromEnv } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('ANTHROPIC_API_KEY: from the environment (.env also sets it, to a different value');
    expect(result.stdout).toContain(hint(fromEnv));
    expect(result.stdout).toContain('✔ well-formed Anthropic API key');
  });

  it('falls back to the env file, and reads --env-file and --var', async () => {
    const key = makeKey();
    const dir = tempDir();
    writeFiles(dir, { '.env': `ANTHROPIC_API_KEY="${key}"\n`, 'config/prod.env': `MY_KEY=${key}\n` });
    const fromFile = await check([], { cwd: dir });
    expect(fromFile.stdout).toContain('ANTHROPIC_API_KEY: from .env\n');
    expect(fromFile.exitCode).toBe(0);
    const named = await check(['--var', 'MY_KEY', '--env-file', 'config/prod.env', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(named.stdout)).toMatchObject({
      variable: 'MY_KEY',
      source: 'file',
      file: 'config/prod.env',
      ok: true,
    });
  });

  it('a missing key exits 1; a missing --env-file is an error (exit 2)', async () => {
    const missing = await check([]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('ANTHROPIC_API_KEY is not set in the environment or in .env');
    const dir = tempDir();
    writeFiles(dir, { '.env.local': `ANTHROPIC_API_KEY=${makeKey()}\n`, '.env.example': 'ANTHROPIC_API_KEY=x\n' });
    const elsewhere = await check([], { cwd: dir });
    expect(elsewhere.stdout).toContain('(.env.local sets it: pass --env-file .env.local)');
    const noFile = await check(['--env-file', 'nope.env']);
    expect(noFile.exitCode).toBe(2);
    expect(noFile.stderr).toBe('keyguard: cannot read nope.env (ENOENT).\n');
  });

  it('names a copy-paste mistake, exits 1, and prints only the hint', async () => {
    const key = makeKey();
    const result = await check([], { env: { ANTHROPIC_API_KEY: `Bearer ${key}\n` } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('✖ the value ends with a line break');
    expect(result.stdout).toContain('✖ the value starts with "Bearer"');
    expect(result.stdout).toContain('the key inside looks right');
    expect(result.stdout).toContain(hint(key));
    expect(result.stdout).not.toContain(key);
  });

  it('an admin key in ANTHROPIC_API_KEY is flagged; in an ADMIN variable it is expected', async () => {
    const admin = makeKey('admin01');
    const wrong = await check([], { env: { ANTHROPIC_API_KEY: admin } });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toContain('Admin API key where an API key is expected');
    const right = await check(['--var', 'ANTHROPIC_ADMIN_API_KEY'], { env: { ANTHROPIC_ADMIN_API_KEY: admin } });
    expect(right.exitCode).toBe(0);
  });
});

describe('keyguard check --live (fake Anthropic API on 127.0.0.1)', () => {
  let api: FakeAnthropic;
  beforeAll(async () => {
    api = await startFakeAnthropic();
  });
  afterAll(async () => {
    await api.close();
  });

  const live = (key: string, argv: string[] = []) =>
    check(['--live', '--format', 'json', ...argv], { env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: api.url } });

  it('200: active, exit 0, one GET /v1/models?limit=1', async () => {
    const key = makeKey();
    api.addKey(key);
    const before = api.requests.length;
    const result = await live(key);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).live).toMatchObject({ status: 'active', httpStatus: 200 });
    expect(api.requests.slice(before).map((r) => r.path)).toEqual(['/v1/models?limit=1']);
    expect(result.stdout).not.toContain(key);
  });

  it('401: inactive, exit 1', async () => {
    const key = makeKey();
    api.addKey(key, { status: 'inactive' });
    const result = await live(key);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).live).toMatchObject({ status: 'inactive', httpStatus: 401 });
  });

  it('403: not permitted, exit 1', async () => {
    const key = makeKey();
    api.addKey(key);
    api.failNext('/v1/models', 403);
    const result = await live(key);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).live).toMatchObject({ status: 'forbidden', httpStatus: 403 });
  });

  it.each([429, 529])('%i (after one retry): unknown, exit 2', async (status) => {
    const key = makeKey();
    api.addKey(key);
    api.failNext('/v1/models', status, { times: 2, headers: { 'retry-after': '0' } });
    const result = await live(key);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout).live).toMatchObject({ status: 'unknown', httpStatus: status });
  });

  it('a timeout: unknown, exit 2', async () => {
    const key = makeKey();
    api.addKey(key);
    api.failNext('/v1/models', 200, { times: 2, delayMs: 3000 });
    const result = await live(key, ['--timeout', '1']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout).live).toMatchObject({ status: 'unknown', detail: 'timed out' });
  });

  it('a malformed key is never sent', async () => {
    const key = makeKey();
    api.addKey(key);
    const before = api.requests.length;
    const result = await check(['--live'], { env: { ANTHROPIC_API_KEY: `"${key}"`, ANTHROPIC_BASE_URL: api.url } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('live: skipped');
    expect(api.requests.length).toBe(before);
  });

  it('an admin key variable is checked against the Admin API', async () => {
    const admin = makeKey('admin01');
    api.addKey(admin, { admin: true });
    const before = api.requests.length;
    const result = await check(['--live', '--var', 'ANTHROPIC_ADMIN_API_KEY'], {
      env: { ANTHROPIC_ADMIN_API_KEY: admin, ANTHROPIC_BASE_URL: api.url },
    });
    expect(result.exitCode).toBe(0);
    expect(api.requests.slice(before)[0]!.path).toBe('/v1/organizations/api_keys?limit=1');
  });
});
