import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKey } from '../../src/key/keygen.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';

/**
 * A repository's own keyguard.config.json must not send the user's keys or tokens to another host,
 * nor load code, unless the user opted in (--trust-config, KEYGUARD_TRUST_CONFIG=1, --config, or
 * the user's own config directory).
 */
let user: FakeAnthropic;
let attacker: FakeAnthropic;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  user = await startFakeAnthropic();
  attacker = await startFakeAnthropic();
});
afterEach(async () => {
  await user.close();
  await attacker.close();
  while (closers.length) await closers.pop()!();
});

/** An HTTP endpoint that records what it is sent (a SIEM, or an attacker's collector). */
async function collector(): Promise<{ url: string; auth: (string | undefined)[] }> {
  const auth: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/c`, auth };
}

function repo(config: unknown, files: Record<string, string> = {}): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'keyguard.config.json'), JSON.stringify(config));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A config home with nothing in it, so a developer's own ~/.config never leaks into a test. */
const emptyHome = () => ({ XDG_CONFIG_HOME: tempDir() });

describe('check --live and a repository anthropic.baseUrl', () => {
  it('ignores the repository base URL with a warning saying how to opt in; the key goes to the user’s endpoint', async () => {
    const key = makeKey();
    user.addKey(key);
    const cwd = repo({ anthropic: { baseUrl: attacker.url } });
    const env = { ...emptyHome(), ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: user.url, NO_COLOR: '1' };
    const res = await cli(['check', '--live'], { cwd, env });
    expect(attacker.requests).toHaveLength(0);
    expect(user.requests.length).toBeGreaterThan(0);
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toMatch(/ignoring anthropic\.baseUrl .*--trust-config.*KEYGUARD_TRUST_CONFIG=1/);
  });

  it('honours it with --trust-config, KEYGUARD_TRUST_CONFIG=1, or --config', async () => {
    const key = makeKey();
    attacker.addKey(key);
    const cwd = repo({ anthropic: { baseUrl: attacker.url } });
    const env = { ...emptyHome(), ANTHROPIC_API_KEY: key, NO_COLOR: '1' };
    expect((await cli(['check', '--live', '--trust-config'], { cwd, env })).exitCode).toBe(0);
    expect((await cli(['check', '--live'], { cwd, env: { ...env, KEYGUARD_TRUST_CONFIG: '1' } })).exitCode).toBe(0);
    expect((await cli(['check', '--live', '--config', 'keyguard.config.json'], { cwd, env })).exitCode).toBe(0);
    expect(attacker.requests).toHaveLength(3);
  });

  it('honours a base URL from the user’s own config directory', async () => {
    const key = makeKey();
    user.addKey(key);
    const home = tempDir();
    mkdirSync(join(home, 'keyguard'));
    writeFileSync(join(home, 'keyguard', 'config.json'), JSON.stringify({ anthropic: { baseUrl: user.url } }));
    const cwd = repo({ anthropic: { baseUrl: attacker.url } });
    const res = await cli(['check', '--live'], { cwd, env: { XDG_CONFIG_HOME: home, ANTHROPIC_API_KEY: key } });
    expect(res.exitCode).toBe(0);
    expect(attacker.requests).toHaveLength(0);
    expect(user.requests.length).toBeGreaterThan(0);
  });

  it('refuses plain http to another host, even from ANTHROPIC_BASE_URL or a trusted config (exit 2, one line)', async () => {
    const key = makeKey();
    const cwd = tempDir();
    const viaEnv = await cli(['check', '--live'], {
      cwd,
      env: { ...emptyHome(), ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: 'http://api.example.invalid' },
    });
    expect(viaEnv.exitCode).toBe(2);
    expect(viaEnv.stderr).toMatch(/ANTHROPIC_BASE_URL must be an https:\/\/ URL/);
    expect(viaEnv.stderr.trim().split('\n')).toHaveLength(1);
    const trusted = repo({ anthropic: { baseUrl: 'http://api.example.invalid' } });
    const viaConfig = await cli(['check', '--live', '--trust-config'], {
      cwd: trusted,
      env: { ...emptyHome(), ANTHROPIC_API_KEY: key },
    });
    expect(viaConfig.exitCode).toBe(2);
    expect(viaConfig.stderr).toMatch(/anthropic\.baseUrl must be an https:\/\/ URL/);
    expect(`${viaEnv.stderr}${viaConfig.stderr}`).not.toContain(key);
  });
});

describe('scan --verify and a repository anthropic.baseUrl', () => {
  it('never sends found keys to the repository’s host', async () => {
    const key = makeKey();
    user.addKey(key);
    const cwd = repo({ anthropic: { baseUrl: attacker.url } }, { 'app.env': `KEY=${key}\n` });
    const res = await cli(['scan', '--verify', '--no-gitignore', '--format', 'json'], {
      cwd,
      env: { ...emptyHome(), ANTHROPIC_BASE_URL: user.url },
    });
    expect(attacker.requests).toHaveLength(0);
    expect(JSON.parse(res.stdout).findings[0].verification.status).toBe('active');
    expect(res.stderr).toMatch(/ignoring anthropic\.baseUrl/);
  });
});

describe('rotate and a repository config', () => {
  function project(config: Record<string, unknown>) {
    const oldKey = makeKey();
    const newKey = makeKey();
    user.addKey(oldKey);
    user.addKey(newKey);
    const cwd = repo(
      { environments: { dev: { store: { type: 'dotenv', path: '.env' } } }, ...config },
      { '.env': `ANTHROPIC_API_KEY=${oldKey}\n` },
    );
    const env = { ...emptyHome(), ANTHROPIC_BASE_URL: user.url, AWS_SECRET_ACCESS_KEY: 'aws-secret-value' };
    return { cwd, newKey, env };
  }

  it('sends no audit event and no token to a repository’s audit.http sink', async () => {
    const sink = await collector();
    const p = project({ audit: { http: { url: sink.url, tokenEnv: 'AWS_SECRET_ACCESS_KEY' } } });
    const res = await cli(['rotate', '--env', 'dev'], { cwd: p.cwd, env: p.env, stdinText: `${p.newKey}\n` });
    expect(res.exitCode).toBe(0);
    expect(sink.auth).toHaveLength(0);
    expect(res.stderr).toMatch(/ignoring audit\.http .*--trust-config/);
  });

  it('refuses a token variable not declared for the audit sink, even when trusted', async () => {
    const sink = await collector();
    const p = project({ audit: { http: { url: sink.url, tokenEnv: 'AWS_SECRET_ACCESS_KEY' } } });
    const res = await cli(['rotate', '--env', 'dev', '--trust-config'], {
      cwd: p.cwd,
      env: p.env,
      stdinText: `${p.newKey}\n`,
    });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/tokenEnv must name a variable starting with KEYGUARD_AUDIT_/);
    expect(sink.auth).toHaveLength(0);
  });

  it('sends KEYGUARD_AUDIT_TOKEN to a trusted sink', async () => {
    const sink = await collector();
    const p = project({ audit: { http: { url: sink.url, tokenEnv: 'KEYGUARD_AUDIT_TOKEN' } } });
    const res = await cli(['rotate', '--env', 'dev', '--trust-config'], {
      cwd: p.cwd,
      env: { ...p.env, KEYGUARD_AUDIT_TOKEN: 'tok-1' },
      stdinText: `${p.newKey}\n`,
    });
    expect(res.exitCode).toBe(0);
    expect(sink.auth.length).toBeGreaterThan(0);
    expect(sink.auth.every((a) => a === 'Bearer tok-1')).toBe(true);
  });

  it('never loads a module store named by the repository’s config (exit 2, nothing run)', async () => {
    const p = project({});
    const marker = join(p.cwd, 'ran');
    writeFileSync(
      join(p.cwd, 'evil.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport function createStore() { return {}; }\n`,
    );
    writeFileSync(
      join(p.cwd, 'keyguard.config.json'),
      JSON.stringify({ environments: { dev: { store: { type: 'module', path: './evil.mjs' } } } }),
    );
    const res = await cli(['rotate', '--env', 'dev'], { cwd: p.cwd, env: p.env, stdinText: `${p.newKey}\n` });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/environments\.dev\.store\.path .* not trusted.*--trust-config/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a store endpoint or token file chosen by the repository (exit 2) instead of ignoring it', async () => {
    const sink = await collector();
    const p = project({});
    for (const store of [
      { type: 'vault', path: 'anthropic', address: sink.url },
      { type: 'vault', path: 'anthropic', address: 'https://vault.example.invalid', tokenFile: '/etc/hostname' },
      { type: 'doppler', project: 'p', config: 'prd', apiUrl: sink.url },
    ]) {
      writeFileSync(join(p.cwd, 'keyguard.config.json'), JSON.stringify({ environments: { dev: { store } } }));
      const res = await cli(['rotate', '--env', 'dev'], {
        cwd: p.cwd,
        env: { ...p.env, VAULT_TOKEN: 'vault-token', DOPPLER_TOKEN: 'doppler-token' },
        stdinText: `${p.newKey}\n`,
      });
      expect(res.exitCode).toBe(2);
      expect(res.stderr).toMatch(/not trusted/);
    }
    expect(sink.auth).toHaveLength(0);
  });
});
