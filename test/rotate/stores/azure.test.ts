import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { openStore } from '../../../src/rotate/stores/index.js';
import type { SecretStore } from '../../../src/rotate/stores/store.js';
import { ConfigError } from '../../../src/shared/errors.js';
import { type FakeAzure, startFakeAzure } from '../../servers/azure.js';
import { failure, storeContext, storeFailure } from './store-test-kit.js';

let azure: FakeAzure;
let oldKey: string;
let newKey: string;

beforeEach(async () => {
  azure = await startFakeAzure();
  oldKey = makeKey();
  newKey = makeKey();
  azure.put('anthropic-key', oldKey, { owner: 'platform' });
});
afterEach(() => azure.close());

async function open(
  options: { name?: string; field?: string; disableOldVersion?: boolean } = {},
  timeoutMs?: number,
): Promise<SecretStore> {
  const { config, env } = azure.storeFor({ name: options.name ?? 'anthropic-key', ...options });
  return openStore(config, storeContext(env, timeoutMs));
}

const versionsOf = (name = 'anthropic-key') => azure.state.secrets.get(name) ?? [];

describe('azure store (real SecretClient against a fake Key Vault)', () => {
  it('answers the bearer challenge, then reads the current value and version', async () => {
    const store = await open();
    const current = await store.readCurrent();
    expect(current.value).toBe(oldKey);
    expect(current.version.id).toBe(versionsOf()[0]!.version);
    expect(store.capabilities).toEqual({ staging: false, versioned: true });
    const [challenge, authed] = azure.requests;
    expect(challenge!.headers.authorization).toBeUndefined();
    expect(authed!.headers.authorization).toBe(`Bearer ${azure.state.token}`);
    expect(authed!.query.get('api-version')).toBe('2025-07-01');
  });

  it('reads a JSON field and keeps the other keys when writing', async () => {
    azure.put('bundle', JSON.stringify({ ANTHROPIC_API_KEY: oldKey, region: 'eu' }));
    const store = await open({ name: 'bundle', field: 'ANTHROPIC_API_KEY' });
    expect((await store.readCurrent()).value).toBe(oldKey);
    await store.stage(newKey, 'rot-1');
    expect(JSON.parse(azure.current('bundle')!.value)).toEqual({ ANTHROPIC_API_KEY: newKey, region: 'eu' });
  });

  it('stages a new current version tagged with the rotation, and reads it back', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    expect(staged.id).not.toBe(before.version.id);
    expect(azure.current('anthropic-key')!.tags).toEqual({
      owner: 'platform',
      'keyguard-rotation-id': 'rot-1',
      'keyguard-previous-version': before.version.id,
    });
    expect(await store.readVersion(staged.id)).toBe(newKey);
    expect(await store.readVersion(before.version.id)).toBe(oldKey);
    const count = azure.requests.length;
    await store.promote(staged, before.version);
    expect(azure.requests.length).toBe(count);
  });

  it('another rotationId writes a new version even for the same value (the rotation tag tells them apart)', async () => {
    const store = await open();
    await store.stage(newKey, 'rot-1');
    expect(versionsOf()).toHaveLength(2);
    await store.stage(newKey, 'rot-2');
    expect(versionsOf()).toHaveLength(3);
  });

  it('rolls back by writing the previous value as a new version, once', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    const back = await store.rollback(before.version, oldKey, staged);
    expect(azure.current('anthropic-key')!.value).toBe(oldKey);
    expect(azure.current('anthropic-key')!.tags).toEqual({ owner: 'platform' });
    expect(back.id).toBe(azure.current('anthropic-key')!.version);
    expect((await store.rollback(before.version, oldKey, staged)).id).toBe(back.id);
    expect(versionsOf()).toHaveLength(3);
  });

  it('rollback leaves a later writer alone', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    const third = makeKey();
    azure.put('anthropic-key', third);
    await storeFailure(store.rollback(before.version, oldKey, staged), false, [oldKey, newKey, third]);
    expect(azure.current('anthropic-key')!.value).toBe(third);
  });

  it('retire disables the old version only when disableOldVersion is set', async () => {
    const plain = await open();
    const before = await plain.readCurrent();
    await plain.stage(newKey, 'rot-1');
    await plain.retire!(before.version);
    expect(versionsOf()[0]!.enabled).toBe(true);

    const store = await open({ disableOldVersion: true });
    await store.retire!(before.version);
    expect(versionsOf()[0]!.enabled).toBe(false);
    const patch = azure.requests.find((r) => r.route === 'update' && r.headers.authorization)!;
    expect(JSON.parse(patch.body)).toMatchObject({ attributes: { enabled: false } });
    const error = await storeFailure(store.readVersion(before.version.id), false, [oldKey]);
    expect(error.message).toMatch(/disabled/);
    const current = await store.readCurrent();
    await storeFailure(store.retire!(current.version), false, [newKey]);
    expect(azure.current('anthropic-key')!.enabled).toBe(true);
  });

  it('classifies 403 Forbidden and 404 SecretNotFound as permanent', async () => {
    const store = await open();
    azure.state.denied.add('set');
    const forbidden = await storeFailure(store.stage(newKey, 'rot-1'), false, [oldKey, newKey]);
    expect(forbidden.message).toMatch(/Key Vault Secrets Officer/);
    const missing = await storeFailure((await open({ name: 'nope' })).readCurrent(), false, []);
    expect(missing.message).toMatch(/SecretNotFound/);
  });

  it('the fake lists versions the way the real client pages them', async () => {
    const store = await open();
    await store.stage(newKey, 'rot-1');
    const { SecretClient } = await import('@azure/keyvault-secrets');
    const client = new SecretClient(
      azure.url,
      { getToken: async () => ({ token: azure.state.token, expiresOnTimestamp: Date.now() + 60_000 }) },
      { disableChallengeResourceVerification: true, allowInsecureConnection: true, retryOptions: { maxRetries: 0 } },
    );
    const versions: string[] = [];
    for await (const p of client.listPropertiesOfSecretVersions('anthropic-key')) versions.push(p.version!);
    expect(versions).toEqual(versionsOf().map((v) => v.version));
  });

  it('refuses the test token for a vault that is not on loopback', async () => {
    const error = await failure(
      openStore(
        { type: 'azure', vaultUrl: 'https://example.vault.azure.net', name: 'k' },
        storeContext({ KEYGUARD_AZURE_TEST_TOKEN: 't' }),
      ),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/KEYGUARD_AZURE_TEST_TOKEN/);
  });
});
