import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { createAwsStore, tokenOf } from '../../../src/rotate/stores/aws.js';
import type { SecretStore } from '../../../src/rotate/stores/store.js';
import { ConfigError, StoreError } from '../../../src/shared/errors.js';
import { importOptional } from '../../../src/shared/import-optional.js';
import { type FakeAws, startFakeAws } from '../../servers/aws.js';
import { awsFixture, storeContext } from '../../servers/index.js';

let fake: FakeAws;
beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(() => fake.close());

let counter = 0;
/** A fresh secret holding `value` and a store pointed at it. */
async function setup(value: string, options: { field?: string; rotationEnabled?: boolean } = {}) {
  const name = `prod/anthropic-${++counter}`;
  const firstVersion = fake.createSecret(name, value, { rotationEnabled: options.rotationEnabled });
  const fixture = awsFixture(fake, name, options.field ? { field: options.field } : {});
  const store = await createAwsStore(fixture.config, fixture.context);
  return { name, firstVersion, store };
}

async function failure(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('aws store', () => {
  it('reads the current value and version of a plain secret', async () => {
    const oldKey = makeKey();
    const { store, firstVersion } = await setup(oldKey);
    const current = await store.readCurrent();
    expect(current.value).toBe(oldKey);
    expect(current.version.id).toBe(firstVersion);
    expect(current.version.labels).toContain('AWSCURRENT');
    expect(store.capabilities).toEqual({ staging: true, versioned: true });
  });

  it('reads and writes one field of a JSON secret, keeping the other fields', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const doc = JSON.stringify({ DATABASE_URL: 'postgres://db/app', ANTHROPIC_API_KEY: oldKey, N: 3 });
    const { name, store } = await setup(doc, { field: 'ANTHROPIC_API_KEY' });
    expect((await store.readCurrent()).value).toBe(oldKey);
    const staged = await store.stage(newKey, randomUUID());
    expect(await store.readVersion(staged.id)).toBe(newKey);
    expect(JSON.parse(fake.valueOf(name, 'AWSPENDING')!)).toEqual({
      DATABASE_URL: 'postgres://db/app',
      ANTHROPIC_API_KEY: newKey,
      N: 3,
    });
  });

  it('refuses a JSON secret without the field, naming the field and not the value', async () => {
    const { store } = await setup(JSON.stringify({ OTHER: makeKey() }), { field: 'ANTHROPIC_API_KEY' });
    const error = await failure(store.readCurrent());
    expect(error.message).toMatch(/has no field "ANTHROPIC_API_KEY"/);
    expect(error.message).not.toMatch(/sk-ant/);
  });

  it('stages as AWSPENDING with the rotation id as token, leaving AWSCURRENT alone', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const { name, store, firstVersion } = await setup(oldKey);
    const rotationId = randomUUID();
    const staged = await store.stage(newKey, rotationId);
    expect(staged.id).toBe(rotationId);
    expect(staged.labels).toEqual(['AWSPENDING']);
    expect(await store.readVersion(staged.id)).toBe(newKey);
    expect(fake.stagesOf(name)).toEqual({ [firstVersion]: ['AWSCURRENT'], [rotationId]: ['AWSPENDING'] });
    const put = fake.requests.filter((r) => r.operation === 'PutSecretValue').at(-1)!;
    expect(put.body).toMatchObject({ ClientRequestToken: rotationId, VersionStages: ['AWSPENDING'] });
  });

  it('refuses a different value under a rotation id that already staged one (ClientRequestToken)', async () => {
    const { store } = await setup(makeKey());
    const rotationId = randomUUID();
    await store.stage(makeKey(), rotationId);
    const error = await failure(store.stage(makeKey(), rotationId));
    expect(error.message).toMatch(/already staged a different value/);
  });

  it('maps a rotation id AWS would refuse as a token to a stable one, and re-attaches AWSPENDING on resume', async () => {
    const { name, store, firstVersion } = await setup(makeKey());
    const newKey = makeKey();
    const staged = await store.stage(newKey, 'rot-7');
    expect(staged.id).toBe(tokenOf('rot-7'));
    expect(staged.id).toMatch(/^keyguard-[0-9a-f]{40}$/);
    await store.preflight('rot-7');
    await store.abandon(staged);
    expect(fake.stagesOf(name)).toEqual({ [firstVersion]: ['AWSCURRENT'] });
    const resumed = await store.stage(newKey, 'rot-7'); // the version exists, without a label
    expect(resumed.id).toBe(staged.id);
    expect(fake.stagesOf(name)[staged.id]).toEqual(['AWSPENDING']);
  });

  it('promotes: AWSCURRENT moves to the new version, AWSPREVIOUS to the old, AWSPENDING is removed', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const { name, store, firstVersion } = await setup(oldKey);
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(newKey, randomUUID());
    await store.promote(staged, previous);
    expect(fake.stagesOf(name)).toEqual({ [firstVersion]: ['AWSPREVIOUS'], [staged.id]: ['AWSCURRENT'] });
    expect((await store.readCurrent()).value).toBe(newKey);
    await store.promote(staged, previous); // a re-run finds it done
    expect(fake.valueOf(name)).toBe(newKey);
  });

  it('refuses to promote when AWSCURRENT moved since the rotation started', async () => {
    const { name, store } = await setup(makeKey());
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(makeKey(), randomUUID());
    fake.secrets.get(name)!.versions.get(previous.id)!.stages = [];
    const other = fake.createSecret(`${name}-x`, 'x');
    fake.secrets.get(name)!.versions.set(other, { id: other, value: 'x', stages: ['AWSCURRENT'], created: 1 });
    const error = await failure(store.promote(staged, previous));
    expect(error.message).toMatch(/AWSCURRENT moved/);
  });

  it('rolls back by moving AWSCURRENT to the previous version', async () => {
    const oldKey = makeKey();
    const { name, store, firstVersion } = await setup(oldKey);
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(makeKey(), randomUUID());
    await store.promote(staged, previous);
    const now = await store.rollback(previous, oldKey, staged);
    expect(now.id).toBe(firstVersion);
    expect(fake.valueOf(name)).toBe(oldKey);
    expect(fake.stagesOf(name)[firstVersion]).toEqual(['AWSCURRENT']);
    expect(fake.stagesOf(name)[staged.id]).toEqual(['AWSPREVIOUS']);
  });

  it('abandons a staged version by removing AWSPENDING', async () => {
    const oldKey = makeKey();
    const { name, store, firstVersion } = await setup(oldKey);
    const staged = await store.stage(makeKey(), randomUUID());
    await store.abandon(staged);
    expect(fake.stagesOf(name)).toEqual({ [firstVersion]: ['AWSCURRENT'] });
    expect(fake.valueOf(name)).toBe(oldKey);
    await store.abandon(staged); // nothing left to do
  });

  it('preflight refuses a secret whose rotation a Lambda owns', async () => {
    const { store } = await setup(makeKey(), { rotationEnabled: true });
    const error = await failure(store.preflight(randomUUID()));
    expect(error.message).toMatch(/automatic rotation enabled/);
    expect(error.exitCode).toBe(2);
  });

  it('preflight refuses a stray AWSPENDING but accepts its own', async () => {
    const { store } = await setup(makeKey());
    const mine = randomUUID();
    await store.preflight(mine);
    const staged = await store.stage(makeKey(), mine);
    await store.preflight(mine); // resuming the same rotation
    const error = await failure(store.preflight(randomUUID()));
    expect(error.message).toContain(`AWSPENDING on version ${staged.id}`);
  });

  it('a ValidationException on write is permanent and shows no part of the key', async () => {
    const { store } = await setup(makeKey());
    const newKey = makeKey();
    fake.failNext('PutSecretValue', {
      status: 400,
      type: 'ValidationException',
      message: `bad ${newKey.slice(0, 40)}`,
    });
    const rejected = await failure(store.stage(newKey, randomUUID()));
    expect(rejected.transient).toBe(false);
    expect(rejected.message).not.toMatch(/sk-ant-/);
  });

  it('names the operation and the secret in its errors', async () => {
    const { name, store } = await setup(makeKey());
    fake.failNext('GetSecretValue', 'AccessDeniedException');
    const denied = await failure(store.readCurrent());
    expect(denied.message).toMatch(new RegExp(`^aws: GetSecretValue on ${name} failed.*AccessDeniedException`));
  });

  it('takes the endpoint from the config as well as the environment', async () => {
    const name = `prod/anthropic-${++counter}`;
    const key = makeKey();
    fake.createSecret(name, key);
    const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const config = { type: 'aws' as const, secretId: name, region: 'eu-west-1', endpoint: fake.endpoint };
    const store: SecretStore = await createAwsStore(config, storeContext(env));
    expect((await store.readCurrent()).value).toBe(key);
    expect(store.locator).toBe(name);
  });

  it('says which package to install when an optional SDK is missing', async () => {
    const error = await importOptional('@aws-sdk/client-not-installed-here', 'aws').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'the aws store needs the package @aws-sdk/client-not-installed-here: run npm install @aws-sdk/client-not-installed-here',
    );
  });
});
