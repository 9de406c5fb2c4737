import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../../src/config/types.js';
import { makeKey } from '../../../src/key/keygen.js';
import { spawnCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/git.js';
import { type FakeAnthropic, startFakeAnthropic } from '../../servers/anthropic.js';
import { startFakeAzure } from '../../servers/azure.js';
import { startFakeDoppler } from '../../servers/doppler.js';
import { startFakeVault } from '../../servers/vault.js';

/**
 * One end-to-end run of the real bin per store: `keyguard rotate --env prod` with the new key on
 * stdin, against the store's fake server and the fake Anthropic API, then `keyguard audit verify`.
 * The store ends on the new key, and no output or file keyguard wrote holds a key or a token.
 */
let api: FakeAnthropic;
let adminKey: string;
let oldKey: string;
let newKey: string;

beforeEach(async () => {
  api = await startFakeAnthropic();
  adminKey = makeKey('admin01');
  api.addKey(adminKey, { admin: true });
  oldKey = makeKey();
  newKey = makeKey();
  api.addKey(oldKey, { name: 'prod old', workspaceId: 'wrkspc_prod' });
  api.addKey(newKey, { name: 'prod new', workspaceId: 'wrkspc_prod', createdAt: new Date().toISOString() });
});
afterEach(() => api.close());

async function rotate(store: StoreConfig, storeEnv: Record<string, string>, secrets: string[]) {
  const dir = tempDir();
  writeFileSync(join(dir, 'keyguard.config.json'), JSON.stringify({ environments: { prod: { store } } }));
  const env = {
    NO_COLOR: '1',
    CI: 'true',
    HOME: dir,
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_ADMIN_API_KEY: adminKey,
    VAULT_TOKEN: '',
    VAULT_ADDR: '',
    DOPPLER_TOKEN: '',
    // The project's own config points the stores at the fakes: the user trusts it.
    KEYGUARD_TRUST_CONFIG: '1',
    ...storeEnv,
  };
  const run = await spawnCli(['rotate', '--env', 'prod'], { cwd: dir, env, input: `${newKey}\n` });
  const verify = await spawnCli(['audit', 'verify'], { cwd: dir, env });
  const keyguardDir = join(dir, '.keyguard');
  const files = listFiles(keyguardDir).map((f) => readFileSync(f, 'utf8'));
  const everything = [run.stdout, run.stderr, verify.stdout, verify.stderr, ...files].join('\n');
  for (const secret of [oldKey, newKey, adminKey, ...secrets]) expect(everything).not.toContain(secret);
  return { run, verify };
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('keyguard rotate (real bin) with the azure, vault and doppler stores', () => {
  it('azure: the vault ends on a new version holding the new key', async () => {
    const azure = await startFakeAzure();
    try {
      const first = azure.put('anthropic-key', oldKey);
      const { config, env } = azure.storeFor({ name: 'anthropic-key' });
      const { run, verify } = await rotate(config, env, [azure.state.token]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(azure.current('anthropic-key')!.value).toBe(newKey);
      expect(azure.current('anthropic-key')!.version).not.toBe(first);
      expect(verify.exitCode).toBe(0);
    } finally {
      await azure.close();
    }
  });

  it('vault: the secret ends on the new key, other fields kept, written with check-and-set', async () => {
    const vault = await startFakeVault();
    try {
      vault.put('apps/prod', { ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' });
      const { config, env } = vault.storeFor({ path: 'apps/prod' });
      const { run, verify } = await rotate(config, env, [vault.state.token]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(vault.current('apps/prod')).toEqual({ ANTHROPIC_API_KEY: newKey, OTHER: 'kept' });
      const write = vault.requests.find((r) => r.route === 'write')!;
      expect(JSON.parse(write.body).options).toEqual({ cas: 1 });
      expect(verify.exitCode).toBe(0);
    } finally {
      await vault.close();
    }
  });

  it('vault: a denied write exits 5 with one line, and the secret keeps the old key', async () => {
    const vault = await startFakeVault();
    try {
      vault.put('apps/prod', { ANTHROPIC_API_KEY: oldKey });
      vault.state.denied.add('write');
      const { config, env } = vault.storeFor({ path: 'apps/prod' });
      const { run } = await rotate(config, env, [vault.state.token]);
      expect(run.exitCode).toBe(5);
      expect(run.stderr).toMatch(/^keyguard: .*permission denied.*nothing changed/m);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(vault.current('apps/prod')).toEqual({ ANTHROPIC_API_KEY: oldKey });
    } finally {
      await vault.close();
    }
  });

  it('vault: a read-back that differs is rolled back to the old data (exit 6)', async () => {
    const vault = await startFakeVault();
    try {
      vault.put('apps/prod', { ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' });
      vault.mangleNextWrite();
      const { config, env } = vault.storeFor({ path: 'apps/prod' });
      const { run, verify } = await rotate(config, env, [vault.state.token]);
      expect(run.exitCode, run.stderr).toBe(6);
      expect(vault.current('apps/prod')).toEqual({ ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' });
      expect(vault.state.secrets.get('secret/apps/prod')!.current).toBe(3);
      expect(verify.exitCode).toBe(0);
    } finally {
      await vault.close();
    }
  });

  it('doppler: the config ends on the new key', async () => {
    const doppler = await startFakeDoppler();
    try {
      doppler.put('backend', 'prd', 'ANTHROPIC_API_KEY', oldKey);
      const { config, env } = doppler.storeFor({ project: 'backend', config: 'prd' });
      const { run, verify } = await rotate(config, env, [doppler.state.token]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(doppler.raw('backend', 'prd', 'ANTHROPIC_API_KEY')).toBe(newKey);
      expect(verify.exitCode).toBe(0);
    } finally {
      await doppler.close();
    }
  });
});
