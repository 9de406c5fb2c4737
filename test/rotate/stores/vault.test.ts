import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { openStore } from '../../../src/rotate/stores/index.js';
import type { SecretStore } from '../../../src/rotate/stores/store.js';
import { ConfigError } from '../../../src/shared/errors.js';
import { type FakeVault, startFakeVault } from '../../servers/vault.js';
import { failure, storeContext, storeFailure } from './store-test-kit.js';

let vault: FakeVault;
let oldKey: string;
let newKey: string;

beforeEach(async () => {
  vault = await startFakeVault();
  oldKey = makeKey();
  newKey = makeKey();
  vault.put('apps/prod', { ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' });
});
afterEach(() => vault.close());

async function open(options: { field?: string; path?: string } = {}, timeoutMs?: number): Promise<SecretStore> {
  const { config, env } = vault.storeFor({ path: options.path ?? 'apps/prod', ...options });
  return openStore(config, storeContext(env, timeoutMs));
}

describe('vault store (KV v2 over fetch)', () => {
  it('reads the current value and version of the default field', async () => {
    const store = await open();
    const current = await store.readCurrent();
    expect(current.value).toBe(oldKey);
    expect(current.version.id).toBe('1');
    expect(store.capabilities).toEqual({ staging: false, versioned: true });
    expect(store.locator).toBe('secret/apps/prod#ANTHROPIC_API_KEY');
    expect(vault.requests[0]!.path).toBe('/v1/secret/data/apps/prod');
    expect(vault.requests[0]!.headers['x-vault-token']).toBe(vault.state.token);
  });

  it('reads another field when configured', async () => {
    const other = makeKey();
    vault.put('apps/ci', { CLAUDE_KEY: other });
    const store = await open({ path: 'apps/ci', field: 'CLAUDE_KEY' });
    expect((await store.readCurrent()).value).toBe(other);
  });

  it('stages with check-and-set, keeps the other keys, and reads the version back', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    expect(staged.id).toBe('2');
    expect(vault.current('apps/prod')).toEqual({ ANTHROPIC_API_KEY: newKey, OTHER: 'kept' });
    const write = vault.requests.find((r) => r.route === 'write')!;
    expect(JSON.parse(write.body).options).toEqual({ cas: Number(before.version.id) });
    expect(await store.readVersion(staged.id)).toBe(newKey);
    expect(await store.readVersion(before.version.id)).toBe(oldKey);
    expect(vault.requests.find((r) => r.route === 'read' && r.query.get('version') === '1')).toBeDefined();
    const writes = vault.requests.length;
    await store.promote(staged, before.version);
    expect(vault.requests.length).toBe(writes);
  });

  it('rolls back by writing the previous version data again, once', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    const back = await store.rollback(before.version, oldKey, staged);
    expect(back.id).toBe('3');
    expect(vault.current('apps/prod')).toEqual({ ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' });
    const write = vault.requests.filter((r) => r.route === 'write').at(-1)!;
    expect(JSON.parse(write.body).options).toEqual({ cas: 2 });
    expect((await store.rollback(before.version, oldKey, staged)).id).toBe('3');
  });

  it('rollback refuses to overwrite a value someone wrote after keyguard', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    const third = makeKey();
    vault.put('apps/prod', { ANTHROPIC_API_KEY: third });
    const error = await storeFailure(store.rollback(before.version, oldKey, staged), false, [oldKey, newKey, third]);
    expect(error.message).toMatch(/check-and-set/);
    expect(vault.current('apps/prod')).toEqual({ ANTHROPIC_API_KEY: third });
  });

  it('detects a concurrent writer between read and stage (CAS 400, permanent)', async () => {
    const store = await open();
    await store.readCurrent();
    vault.put('apps/prod', { ANTHROPIC_API_KEY: oldKey, OTHER: 'changed' });
    const error = await storeFailure(store.stage(newKey, 'rot-1'), false, [oldKey, newKey]);
    expect(error.message).toMatch(/another writer/);
    expect(vault.current('apps/prod')!.ANTHROPIC_API_KEY).toBe(oldKey);
  });

  it('classifies a sealed vault (503) as transient', async () => {
    const store = await open();
    vault.state.sealed = true;
    const error = await storeFailure(store.readCurrent(), true, [oldKey]);
    expect(error.message).toMatch(/sealed/);
  });

  it('classifies permission denied (403) as permanent and says which capabilities are needed', async () => {
    const store = await open();
    vault.state.denied.add('write');
    await store.readCurrent();
    const error = await storeFailure(store.stage(newKey, 'rot-1'), false, [oldKey, newKey]);
    expect(error.message).toMatch(/permission denied.*create and update/);
    vault.state.token = 'hvs.other';
    await storeFailure(store.readCurrent(), false, [oldKey]);
  });

  it('a missing secret is a permanent error', async () => {
    const store = await open({ path: 'apps/missing' });
    const error = await storeFailure(store.readCurrent(), false, []);
    expect(error.message).toMatch(/404/);
  });

  it('sends the namespace header', async () => {
    await vault.close();
    vault = await startFakeVault({ namespace: 'team-a' });
    vault.put('apps/prod', { ANTHROPIC_API_KEY: oldKey });
    const store = await open();
    expect((await store.readCurrent()).value).toBe(oldKey);
    expect(vault.requests[0]!.headers['x-vault-namespace']).toBe('team-a');
  });

  it('takes the token from the token file, then ~/.vault-token, and explains a missing one', async () => {
    const { config } = vault.storeFor({ path: 'apps/prod' });
    const home = storeContext({}).configDir;
    writeFileSync(join(home, '.vault-token'), `${vault.state.token}\n`);
    const fromHome = await openStore(config, storeContext({ HOME: home }));
    expect((await fromHome.readCurrent()).value).toBe(oldKey);

    const context = storeContext({ HOME: '/nonexistent' });
    mkdirSync(join(context.configDir, 'secrets'));
    writeFileSync(join(context.configDir, 'secrets', 'token'), vault.state.token);
    const fromFile = await openStore({ ...config, tokenFile: 'secrets/token' }, context);
    expect((await fromFile.readCurrent()).value).toBe(oldKey);

    const none = await failure(openStore(config, storeContext({ HOME: '/nonexistent' })));
    expect(none).toBeInstanceOf(ConfigError);
    expect(none.message).toMatch(/VAULT_TOKEN/);
    const noAddress = await failure(openStore({ type: 'vault', path: 'p' }, storeContext({ VAULT_TOKEN: 't' })));
    expect(noAddress.message).toMatch(/VAULT_ADDR/);
  });

  it('a secret without the field is a clear permanent error', async () => {
    vault.put('apps/nofield', { SOMETHING: 'else' });
    const store = await open({ path: 'apps/nofield' });
    const error = await storeFailure(store.readCurrent(), false, []);
    expect(error.message).toMatch(/no string field ANTHROPIC_API_KEY/);
  });
});
