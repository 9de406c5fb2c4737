import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { crc32c } from '../../../src/rotate/stores/crc32c.js';
import { createGcpStore } from '../../../src/rotate/stores/gcp.js';
import { createGcpClient } from '../../../src/rotate/stores/gcp-client.js';
import { ConfigError, StoreError } from '../../../src/shared/errors.js';
import { type FakeGcp, startFakeGcp } from '../../servers/gcp.js';
import { gcpFixture, storeContext } from '../../servers/index.js';

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.close());

let counter = 0;
async function setup(value: string, options: { field?: string; managedRotation?: boolean } = {}) {
  const name = fake.createSecret(`anthropic-${++counter}`, value, { managedRotation: options.managedRotation });
  const fixture = gcpFixture(fake, name, options.field ? { field: options.field } : {});
  return { name, store: await createGcpStore(fixture.config, fixture.context) };
}

async function failure(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

const states = (name: string) => fake.secrets.get(name)!.versions.map((v) => v.state);

describe('gcp store', () => {
  it('computes CRC32C like the service (RFC 3720 check value)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('reads latest with its version number and creation time', async () => {
    const key = makeKey();
    const { store, name } = await setup(key);
    const current = await store.readCurrent();
    expect(current.value).toBe(key);
    expect(current.version).toEqual({ id: '1', createdAt: expect.any(String), labels: ['latest'] });
    expect(store.locator).toBe(name);
    expect(store.capabilities).toEqual({ staging: false, versioned: true });
  });

  it('stages a new version (with its checksum), reads it back, and promote checks it is still latest', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const { store, name } = await setup(oldKey);
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(newKey, 'rot-1');
    expect(staged.id).toBe('2');
    expect(await store.readVersion(staged.id)).toBe(newKey);
    expect(fake.valueOf(name)).toBe(newKey);
    const add = fake.requests.filter((r) => r.method === 'AddSecretVersion').at(-1)!;
    expect((add.request.payload as { dataCrc32c: string }).dataCrc32c).toBe(String(crc32c(Buffer.from(newKey))));
    await store.promote(staged, previous);
    fake.addVersion(name, 'someone else');
    const error = await failure(store.promote(staged, previous));
    expect(error.message).toMatch(/version 3 was added after the new key's version 2/);
  });

  it('reads and writes one field of a JSON secret, keeping the other fields', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const doc = JSON.stringify({ ANTHROPIC_API_KEY: oldKey, REGION: 'eu' }, null, 2);
    const { store, name } = await setup(doc, { field: 'ANTHROPIC_API_KEY' });
    expect((await store.readCurrent()).value).toBe(oldKey);
    await store.stage(newKey, 'r');
    expect(fake.valueOf(name)).toBe(JSON.stringify({ ANTHROPIC_API_KEY: newKey, REGION: 'eu' }, null, 2));
  });

  it('rolls back by adding the previous value again as the newest version', async () => {
    const oldKey = makeKey();
    const { store, name } = await setup(oldKey);
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(makeKey(), 'r');
    const now = await store.rollback(previous, oldKey, staged);
    expect(now.id).toBe('3');
    expect(fake.valueOf(name)).toBe(oldKey);
    expect((await store.rollback(previous, oldKey, staged)).id).toBe('3'); // a re-run adds nothing
    expect(states(name)).toEqual(['ENABLED', 'ENABLED', 'ENABLED']);
  });

  it('abandons: the value before comes back on top and the staged version is disabled with its etag', async () => {
    const oldKey = makeKey();
    const { store, name } = await setup(oldKey);
    const staged = await store.stage(makeKey(), 'r');
    await store.abandon(staged);
    expect(fake.valueOf(name)).toBe(oldKey);
    expect(states(name)).toEqual(['ENABLED', 'DISABLED', 'ENABLED']);
    const disable = fake.requests.filter((r) => r.method === 'DisableSecretVersion').at(-1)!;
    expect(disable.request.etag).toMatch(/^"[0-9a-f]+"$/);
  });

  it('abandons without the secretVersionManager role: the value before is back on top, the version stays enabled', async () => {
    const oldKey = makeKey();
    const { store, name } = await setup(oldKey);
    const staged = await store.stage(makeKey(), 'r');
    fake.failNext('DisableSecretVersion', 7);
    await store.abandon(staged);
    expect(fake.valueOf(name)).toBe(oldKey);
    expect(states(name)).toEqual(['ENABLED', 'ENABLED', 'ENABLED']);
    fake.failNext('DisableSecretVersion', 14);
    expect((await failure(store.abandon(staged))).transient).toBe(true); // other failures are reported
  });

  it('retires an old version with its etag, and refuses to disable latest', async () => {
    const { store, name } = await setup(makeKey());
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(makeKey(), 'r');
    const refused = await failure(store.retire!(staged));
    expect(refused.message).toMatch(/still latest/);
    fake.failNext('DisableSecretVersion', { code: 10, details: 'The etag provided does not match.' });
    expect((await failure(store.retire!(previous))).transient).toBe(true); // ABORTED: re-read and retry
    await store.retire!(previous);
    expect(states(name)).toEqual(['DISABLED', 'ENABLED']);
    await store.retire!(previous); // already disabled: nothing to do
  });

  it('the fake refuses a stale etag with ABORTED, as the service does', async () => {
    const name = fake.createSecret(`anthropic-${++counter}`, makeKey());
    const client = await createGcpClient(fake.endpoint, {});
    const [version] = await client.getSecretVersion({ name: `${name}/versions/1` });
    fake.secrets.get(name)!.versions[0]!.etag = '"changed-by-someone-else"';
    const error = await client.disableSecretVersion({ name: version.name!, etag: version.etag! }).catch((e) => e);
    expect((error as { code: number }).code).toBe(10);
    expect(states(name)).toEqual(['ENABLED']);
    await client.close();
  });

  it('preflight refuses managed rotation and a disabled latest version', async () => {
    const managed = await setup(makeKey(), { managedRotation: true });
    const error = await failure(managed.store.preflight('r'));
    expect(error.message).toMatch(/managed rotation active/);
    expect(error.exitCode).toBe(2);

    const { store, name } = await setup(makeKey());
    await store.preflight('r');
    fake.secrets.get(name)!.versions[0]!.state = 'DISABLED';
    expect((await failure(store.preflight('r'))).message).toMatch(/latest version 1 is DISABLED/);
  });

  it('names the method and the secret in its errors; a DISABLED latest version (FAILED_PRECONDITION) is permanent', async () => {
    const key = makeKey();
    const { store, name } = await setup(key);
    fake.failNext('AccessSecretVersion', { code: 7, details: `Permission denied on ${key}` });
    const denied = await failure(store.readCurrent());
    expect(denied.transient).toBe(false);
    expect(denied.message).toMatch(/^gcp: AccessSecretVersion on projects\/test-proj\/secrets\/anthropic-\d+ failed/);
    expect(denied.message).not.toContain(key);
    fake.secrets.get(name)!.versions[0]!.state = 'DISABLED';
    const disabled = await failure(store.readCurrent());
    expect(disabled.transient).toBe(false);
    expect(disabled.message).toMatch(/is in DISABLED state/);
  });

  it('takes the endpoint from the config, and refuses a plaintext endpoint off loopback', async () => {
    const key = makeKey();
    const name = fake.createSecret(`anthropic-${++counter}`, key);
    const store = await createGcpStore({ type: 'gcp', secret: name, apiEndpoint: fake.endpoint }, storeContext({}));
    expect((await store.readCurrent()).value).toBe(key);
    const refused = await createGcpStore(
      { type: 'gcp', secret: name, apiEndpoint: 'http://10.0.0.8:8080' },
      storeContext({}),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/must be a loopback address/);
  });
});
