import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { openStore } from '../../../src/rotate/stores/index.js';
import type { SecretStore } from '../../../src/rotate/stores/store.js';
import { ConfigError } from '../../../src/shared/errors.js';
import { type FakeDoppler, startFakeDoppler } from '../../servers/doppler.js';
import { failure, storeContext, storeFailure } from './store-test-kit.js';

let doppler: FakeDoppler;
let oldKey: string;
let newKey: string;
const raw = () => doppler.raw('backend', 'prd', 'ANTHROPIC_API_KEY');

beforeEach(async () => {
  doppler = await startFakeDoppler();
  oldKey = makeKey();
  newKey = makeKey();
  doppler.put('backend', 'prd', 'ANTHROPIC_API_KEY', oldKey);
  doppler.put('backend', 'prd', 'OTHER', 'kept');
});
afterEach(() => doppler.close());

async function open(options: { name?: string } = {}, timeoutMs?: number): Promise<SecretStore> {
  const { config, env } = doppler.storeFor({ project: 'backend', config: 'prd', ...options });
  return openStore(config, storeContext(env, timeoutMs));
}

describe('doppler store (REST over fetch against a fake Doppler)', () => {
  it('reads the current value with the bearer token; the version is a hash of the value', async () => {
    const store = await open();
    const current = await store.readCurrent();
    expect(current.value).toBe(oldKey);
    expect(current.version.id).toMatch(/^sha256-[0-9a-f]{16}$/);
    expect(current.version.id).not.toContain(oldKey.slice(14, 30));
    expect(store.capabilities).toEqual({ staging: false, versioned: false });
    const [req] = doppler.requests;
    expect(req!.headers.authorization).toBe(`Bearer ${doppler.state.token}`);
    expect(Object.fromEntries(req!.query)).toEqual({ project: 'backend', config: 'prd', name: 'ANTHROPIC_API_KEY' });
  });

  it('reads another secret name when configured', async () => {
    const other = makeKey();
    doppler.put('backend', 'prd', 'CLAUDE_KEY', other);
    expect((await (await open({ name: 'CLAUDE_KEY' })).readCurrent()).value).toBe(other);
  });

  it('stages the new value (only that secret) and reads it back', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    expect(staged.id).not.toBe(before.version.id);
    expect(raw()).toBe(newKey);
    expect(doppler.raw('backend', 'prd', 'OTHER')).toBe('kept');
    const write = doppler.requests.find((r) => r.route === 'update')!;
    expect(JSON.parse(write.body)).toEqual({
      project: 'backend',
      config: 'prd',
      secrets: { ANTHROPIC_API_KEY: newKey },
    });
    expect(await store.readVersion(staged.id)).toBe(newKey);
    await storeFailure(store.readVersion(before.version.id), false, [oldKey, newKey]);
    const count = doppler.requests.length;
    await store.promote(staged, before.version);
    expect(doppler.requests.length).toBe(count);
  });

  it('rollback leaves a later writer alone', async () => {
    const store = await open();
    const again = await store.stage(newKey, 'rot-2');
    const third = makeKey();
    doppler.put('backend', 'prd', 'ANTHROPIC_API_KEY', third);
    await storeFailure(store.rollback({ id: 'x' }, oldKey, again), false, [oldKey, newKey, third]);
    expect(raw()).toBe(third);
  });

  it('abandon from another process explains that it cannot undo', async () => {
    const staged = await (await open()).stage(newKey, 'rot-1');
    const error = await storeFailure((await open()).abandon(staged), false, [oldKey, newKey]);
    expect(error.message).toMatch(/another process/);
    expect(raw()).toBe(newKey);
  });

  it('refuses to overwrite a secret that references another one', async () => {
    const reference = ['$', '{SHARED_KEY}'].join('');
    doppler.put('backend', 'prd', 'SHARED_KEY', oldKey);
    doppler.put('backend', 'prd', 'ANTHROPIC_API_KEY', reference);
    const store = await open();
    expect((await store.readCurrent()).value).toBe(oldKey);
    const error = await storeFailure(store.stage(newKey, 'rot-1'), false, [oldKey, newKey]);
    expect(error.message).toMatch(/references another secret/);
    expect(raw()).toBe(reference);
  });

  it('a read-only token (403 on write) and a missing secret (404) are permanent, and say so', async () => {
    const { config } = doppler.storeFor({ project: 'backend', config: 'prd' });
    const readOnly = await openStore(config, storeContext({ DOPPLER_TOKEN: doppler.state.readOnlyToken }));
    const denied = await storeFailure(readOnly.stage(newKey, 'rot-1'), false, [oldKey, newKey]);
    expect(denied.message).toMatch(/read\/write access/);
    expect(raw()).toBe(oldKey);
    await storeFailure((await open({ name: 'MISSING' })).readCurrent(), false, []);
  });

  it('needs DOPPLER_TOKEN', async () => {
    const error = await failure(openStore({ type: 'doppler', project: 'p', config: 'c' }, storeContext({})));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/DOPPLER_TOKEN/);
  });
});
