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

  it('a re-run of the same stage writes nothing', async () => {
    const store = await open();
    const first = await store.stage(newKey, 'rot-1');
    const again = await (await open()).stage(newKey, 'rot-1');
    expect(again.id).toBe(first.id);
    expect(doppler.state.writes.get('backend/prd')).toBe(1);
  });

  it('rolls back by writing the previous value, once', async () => {
    const store = await open();
    const before = await store.readCurrent();
    const staged = await store.stage(newKey, 'rot-1');
    const back = await store.rollback(before.version, oldKey, staged);
    expect(back.id).toBe(before.version.id);
    expect(raw()).toBe(oldKey);
    await store.rollback(before.version, oldKey, staged);
    expect(doppler.state.writes.get('backend/prd')).toBe(2);
  });

  it('abandon writes back the replaced value, is idempotent, and leaves later writers alone', async () => {
    const store = await open();
    const staged = await store.stage(newKey, 'rot-1');
    await store.abandon(staged);
    expect(raw()).toBe(oldKey);
    await store.abandon(staged);
    expect(doppler.state.writes.get('backend/prd')).toBe(2);

    const again = await store.stage(newKey, 'rot-2');
    const third = makeKey();
    doppler.put('backend', 'prd', 'ANTHROPIC_API_KEY', third);
    await storeFailure(store.abandon(again), false, [oldKey, newKey, third]);
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

  it('a failed write leaves the secret unchanged', async () => {
    const store = await open();
    doppler.failNext('update', 500);
    await storeFailure(store.stage(newKey, 'rot-1'), true, [oldKey, newKey]);
    expect(raw()).toBe(oldKey);
  });

  it('returns what Doppler holds when a read-back differs', async () => {
    const store = await open();
    doppler.mangleNextWrite();
    await store.stage(newKey, 'rot-1');
    expect((await store.readCurrent()).value).not.toBe(newKey);
  });

  it.each([429, 500, 503])('classifies HTTP %i as transient', async (status) => {
    const store = await open();
    doppler.failNext('get', status);
    await storeFailure(store.readCurrent(), true, [oldKey]);
  });

  it('classifies 401 (bad token), 403 (read-only token) and 404 as permanent', async () => {
    const { config } = doppler.storeFor({ project: 'backend', config: 'prd' });
    const bad = await openStore(config, storeContext({ DOPPLER_TOKEN: 'dp.st.prd.wrong' }));
    expect((await storeFailure(bad.readCurrent(), false, [oldKey])).message).toMatch(/401/);
    const readOnly = await openStore(config, storeContext({ DOPPLER_TOKEN: doppler.state.readOnlyToken }));
    const denied = await storeFailure(readOnly.stage(newKey, 'rot-1'), false, [oldKey, newKey]);
    expect(denied.message).toMatch(/read\/write access/);
    expect(raw()).toBe(oldKey);
    await storeFailure((await open({ name: 'MISSING' })).readCurrent(), false, []);
  });

  it('times out on a hung API, fails transiently when it is gone, and needs DOPPLER_TOKEN', async () => {
    const store = await open({}, 300);
    doppler.hangNext('get');
    expect((await storeFailure(store.readCurrent(), true, [])).message).toMatch(/timed out/);
    await doppler.close();
    await storeFailure(store.readCurrent(), true, []);
    const error = await failure(openStore({ type: 'doppler', project: 'p', config: 'c' }, storeContext({})));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/DOPPLER_TOKEN/);
  });
});
