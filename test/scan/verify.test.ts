import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hint } from '../../src/key/fingerprint.js';
import { makeKey, makeToken } from '../../src/key/keygen.js';
import { GIT_ENV, tempDir, writeFiles } from '../helpers/git.js';
import { maskedCli as cli } from '../helpers/masked.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';

interface JsonFinding {
  hint: string;
  rule: string;
  path: string;
  verification: { status: string; detail: string } | null;
}

describe('keyguard scan --verify (fake Anthropic API on 127.0.0.1)', () => {
  let api: FakeAnthropic;
  beforeAll(async () => {
    api = await startFakeAnthropic();
  });
  afterAll(async () => {
    await api.close();
  });

  function env(): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = { ...GIT_ENV, NO_COLOR: '1', CI: 'true' };
    for (const name of Object.keys(out)) if (name.startsWith('ANTHROPIC_')) delete out[name];
    return { ...out, ANTHROPIC_BASE_URL: api.url };
  }

  it('checks each unique key once, never sends OAuth or session tokens, fills verification', async () => {
    const active = makeKey();
    const revoked = makeKey();
    const admin = makeKey('admin01');
    const oauth = makeKey('oat01');
    const session = makeKey('sid01');
    const truncated = makeToken('api03', 60);
    api.addKey(active);
    api.addKey(revoked, { status: 'inactive' });
    api.addKey(admin, { admin: true });
    const dir = tempDir();
    writeFiles(dir, {
      'a.env': `A=${active}\nB=${revoked}\nC=${admin}\n`,
      'b.ts': `const again = '${active}';\nconst alsoAgain = '${active}';\n`,
      'c.json': JSON.stringify({ oauth, session, truncated }),
    });
    const before = api.requests.length;
    const result = await cli(['scan', '--verify', '--format', 'json'], { cwd: dir, env: env() });
    expect(result.exitCode).toBe(1);
    const sent = api.requests.slice(before);
    expect(sent.map((r) => r.path).sort()).toEqual([
      '/v1/models?limit=1',
      '/v1/models?limit=1',
      '/v1/organizations/api_keys?limit=1',
    ]);
    const hints = sent.map((r) => r.keyHint);
    expect(hints).not.toContain(hint(oauth));
    expect(hints).not.toContain(hint(session));

    const findings = JSON.parse(result.stdout).findings as JsonFinding[];
    const status = (key: string) => findings.filter((f) => f.hint === hint(key)).map((f) => f.verification?.status);
    expect(status(active)).toEqual(['active', 'active', 'active']);
    expect(status(revoked)).toEqual(['inactive']);
    expect(status(admin)).toEqual(['active']);
    expect(status(oauth)).toEqual(['unknown']);
    expect(findings.find((f) => f.hint === hint(oauth))!.verification!.detail).toContain(
      'not verifiable without using the account',
    );
    expect(status(session)).toEqual(['unknown']);
    expect(findings.find((f) => f.rule === 'anthropic-key-unrecognized')!.verification!.status).toBe('unknown');
    expect(result.stdout).not.toContain(active);
  });

  it('--only-active: a revoked key alone does not fail the scan; the text report shows the verdict', async () => {
    const revoked = makeKey();
    api.addKey(revoked, { status: 'inactive' });
    const dir = tempDir();
    writeFiles(dir, { 'old.txt': `${revoked}\n` });
    const result = await cli(['scan', '--verify', '--only-active'], { cwd: dir, env: env() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('verification: inactive (invalid, inactive or revoked (401))');
    const strict = await cli(['scan', '--verify'], { cwd: dir, env: env() });
    expect(strict.exitCode).toBe(1);
  });

  it('rate limiting and outages leave the key unknown, not inactive', async () => {
    const key = makeKey();
    api.addKey(key);
    api.failNext('/v1/models', 529, { times: 2, headers: { 'retry-after': '0' } });
    const dir = tempDir();
    writeFiles(dir, { 'k.txt': `${key}\n` });
    const result = await cli(['scan', '--verify', '--format', 'json'], { cwd: dir, env: env() });
    expect(JSON.parse(result.stdout).findings[0].verification).toMatchObject({ status: 'unknown' });
  });

  it('a 403 still proves the key authenticates: active', async () => {
    const key = makeKey();
    api.addKey(key);
    api.failNext('/v1/models', 403);
    const dir = tempDir();
    writeFiles(dir, { 'k.txt': `${key}\n` });
    const result = await cli(['scan', '--verify', '--format', 'json'], { cwd: dir, env: env() });
    expect(JSON.parse(result.stdout).findings[0].verification).toMatchObject({
      status: 'active',
      detail: expect.stringContaining('403'),
    });
  });

  it('without sendable keys nothing is contacted', async () => {
    const dir = tempDir();
    writeFiles(dir, { 't.txt': `${makeKey('oat01')}\n` });
    const before = api.requests.length;
    const result = await cli(['scan', '--verify', '--format', 'json'], { cwd: dir, env: env() });
    expect(JSON.parse(result.stdout).findings[0].verification.status).toBe('unknown');
    expect(api.requests.length).toBe(before);
  });

  it('a trusted config anthropic.baseUrl wins over ANTHROPIC_BASE_URL', async () => {
    const key = makeKey();
    api.addKey(key);
    const dir = tempDir();
    writeFiles(dir, {
      'k.txt': `${key}\n`,
      'keyguard.config.json': JSON.stringify({ anthropic: { baseUrl: api.url } }),
    });
    const result = await cli(['scan', '--verify', '--format', 'json'], {
      cwd: dir,
      env: { ...env(), ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', KEYGUARD_TRUST_CONFIG: '1' },
    });
    expect(JSON.parse(result.stdout).findings[0].verification.status).toBe('active');
  });
});
