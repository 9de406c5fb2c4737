import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import {
  awsSubject,
  azureSubject,
  type ContractSubject,
  dopplerSubject,
  dotenvSubject,
  type Fault,
  gcpSubject,
  type NetworkFaults,
  vaultSubject,
} from './contract-subjects.js';
import { storeFailure } from './store-test-kit.js';

/**
 * The promises every SecretStore makes (rotate/stores/store.ts), run against each store's fake server
 * with the real client. A store's own test file keeps only what is particular to it. A store that
 * cannot make a promise says why in its subject (`skip`), and the test shows as skipped.
 */
const SUBJECTS: ContractSubject[] = [
  awsSubject(),
  gcpSubject(),
  azureSubject(),
  vaultSubject(),
  dopplerSubject(),
  dotenvSubject(),
];

const TRANSIENT: Fault[] = ['throttled', 'unavailable'];
const PERMANENT: Fault[] = ['unauthenticated', 'forbidden'];

describe.each(SUBJECTS.map((s) => [s.type, s] as const))('%s store keeps the store contract', (_type, subject) => {
  beforeAll(() => subject.start());
  afterAll(() => subject.stop());

  const network = 'skip' in subject.network ? undefined : (subject.network as NetworkFaults);
  const noNetwork = 'skip' in subject.network ? subject.network.skip : undefined;

  it('reads the current value and a version id', async () => {
    const oldKey = makeKey();
    const { store, live } = await subject.seed(oldKey);
    const current = await store.readCurrent();
    expect(current.value).toBe(oldKey);
    expect(current.version.id).toMatch(/\S/);
    expect(current.version.id).not.toContain(oldKey.slice(20, 40));
    expect(live()).toBe(oldKey);
    expect(store.type).toBe(subject.type);
    expect(store.locator).not.toMatch(/sk-ant-/);
  });

  it('reads back what it staged', async () => {
    const { store } = await subject.seed(makeKey());
    const newKey = makeKey();
    await store.preflight('rot-1');
    const staged = await store.stage(newKey, 'rot-1');
    expect(await store.readVersion(staged.id)).toBe(newKey);
  });

  it('stages idempotently per rotationId, in the same run and in a resumed one', async () => {
    const secret = await subject.seed(makeKey());
    const newKey = makeKey();
    const rotationId = randomUUID();
    const first = await secret.store.stage(newKey, rotationId);
    const mark = secret.writeMark();
    expect((await secret.store.stage(newKey, rotationId)).id).toBe(first.id);
    expect((await (await secret.reopen()).stage(newKey, rotationId)).id).toBe(first.id);
    expect(secret.writeMark()).toBe(mark);
  });

  it('promotes: consumers read the new key, and a re-run is a no-op', async () => {
    const oldKey = makeKey();
    const { store, live } = await subject.seed(oldKey);
    const newKey = makeKey();
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(newKey, randomUUID());
    if (store.capabilities.staging) expect(live()).toBe(oldKey);
    await store.promote(staged, previous);
    expect(live()).toBe(newKey);
    expect((await store.readCurrent()).value).toBe(newKey);
    await store.promote(staged, previous);
    expect(live()).toBe(newKey);
  });

  it('rolls back to the previous key after a promotion, once', async () => {
    const oldKey = makeKey();
    const secret = await subject.seed(oldKey);
    const { store } = secret;
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(makeKey(), randomUUID());
    await store.promote(staged, previous);
    const back = await store.rollback(previous, oldKey, staged);
    expect(secret.live()).toBe(oldKey);
    expect((await store.readCurrent()).value).toBe(oldKey);
    const mark = secret.writeMark();
    expect((await store.rollback(previous, oldKey, staged)).id).toBe(back.id);
    expect(secret.writeMark()).toBe(mark);
  });

  it('abandons a staged key: consumers read the old key again, and a re-run is a no-op', async () => {
    const oldKey = makeKey();
    const secret = await subject.seed(oldKey);
    await secret.store.readCurrent();
    const staged = await secret.store.stage(makeKey(), randomUUID());
    await secret.store.abandon(staged);
    expect(secret.live()).toBe(oldKey);
    expect((await secret.store.readCurrent()).value).toBe(oldKey);
    const mark = secret.writeMark();
    await secret.store.abandon(staged);
    expect(secret.writeMark()).toBe(mark);
    expect(secret.live()).toBe(oldKey);
  });

  it('abandon never overwrites a key someone wrote after it', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const later = makeKey();
    const secret = await subject.seed(oldKey);
    await secret.store.readCurrent();
    const staged = await secret.store.stage(newKey, randomUUID());
    secret.writeBehind(later);
    // Refusing (a permanent StoreError) and leaving it alone are both kept promises; overwriting is not.
    await secret.store
      .abandon(staged)
      .catch((error: unknown) => storeFailure(Promise.reject(error), false, [oldKey, newKey, later]));
    expect(secret.live()).toBe(later);
  });

  it('reports a read-back that differs from what it staged, never the staged key in its place', async () => {
    const secret = await subject.seed(makeKey());
    const newKey = makeKey();
    const other = makeKey();
    const staged = await subject.stageMangled(secret, () => secret.store.stage(newKey, randomUUID()), other);
    const readBack = await secret.store.readVersion(staged.id).catch((error: unknown) => {
      expect((error as Error).message).not.toMatch(/sk-ant-/);
      return undefined;
    });
    expect(readBack).not.toBe(newKey);
  });

  it.skipIf(Boolean(subject.retire))(
    'retires the old version after a promotion, and refuses to retire the current one',
    async () => {
      const oldKey = makeKey();
      const newKey = makeKey();
      const { store, live } = await subject.seed(oldKey);
      const previous = (await store.readCurrent()).version;
      const staged = await store.stage(newKey, randomUUID());
      await store.promote(staged, previous);
      await store.retire!(previous);
      await storeFailure(store.readVersion(previous.id), false, [oldKey, newKey]);
      await store.retire!(previous); // already retired: nothing to do
      const current = (await store.readCurrent()).version;
      await storeFailure(store.retire!(current), false, [oldKey, newKey]);
      expect(live()).toBe(newKey);
    },
  );

  it.skipIf(noNetwork).each(TRANSIENT)('a %s answer is a transient StoreError that echoes no key', async (fault) => {
    const oldKey = makeKey();
    const secret = await subject.seed(oldKey);
    const store = await network!.failRead(secret, fault, oldKey);
    await storeFailure(store.readCurrent(), true, [oldKey]);
  });

  it.skipIf(noNetwork).each(PERMANENT)('an %s answer is a permanent StoreError that echoes no key', async (fault) => {
    const oldKey = makeKey();
    const secret = await subject.seed(oldKey);
    const store = await network!.failRead(secret, fault, oldKey);
    await storeFailure(store.readCurrent(), false, [oldKey]);
  });

  it.skipIf(noNetwork)('a call that never answers times out as a transient StoreError', async () => {
    const oldKey = makeKey();
    const secret = await subject.seed(oldKey, 300);
    await network!.hangRead(secret);
    await storeFailure(secret.store.readCurrent(), true, [oldKey]);
  });

  it.skipIf(noNetwork)('a server that is gone is a transient StoreError', async () => {
    const oldKey = makeKey();
    const store = await network!.gone(oldKey);
    await storeFailure(store.readCurrent(), true, [oldKey]);
  });

  it.skipIf(noNetwork)('a failed write is transient, echoes no key and changes nothing', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const secret = await subject.seed(oldKey);
    await secret.store.readCurrent();
    network!.failWrite(secret);
    await storeFailure(secret.store.stage(newKey, randomUUID()), true, [oldKey, newKey]);
    expect(secret.live()).toBe(oldKey);
  });
});
