import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreConfig } from '../../../src/config/types.js';
import { openStore } from '../../../src/rotate/stores/index.js';
import type { SecretStore, SecretVersion, StoreContext } from '../../../src/rotate/stores/store.js';
import { tempDir } from '../../helpers/git.js';
import {
  awsFixture,
  type FakeAws,
  type FakeAzure,
  type FakeDoppler,
  type FakeGcp,
  type FakeVault,
  gcpFixture,
  startFakeAws,
  startFakeAzure,
  startFakeDoppler,
  startFakeGcp,
  startFakeVault,
} from '../../servers/index.js';

/**
 * How the store contract suite (contract.test.ts) drives one store through its fake: seed a secret,
 * look at what consumers read without going through the store, write behind keyguard's back, inject
 * faults. Every store is opened with openStore(), so the real SDK (or fetch) is the client.
 */
export interface ContractSubject {
  type: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh secret holding `value`, and a store opened on it. */
  seed(value: string, timeoutMs?: number): Promise<SeededSecret>;
  /** Stage so that what lands differs from what was sent (or changes right after), as a broken store would. */
  stageMangled(secret: SeededSecret, stage: () => Promise<SecretVersion>, other: string): Promise<SecretVersion>;
  /** The network promises; absent for a store with no server (the reason is given instead). */
  network: NetworkFaults | { skip: string };
  /** retire() promises; absent when the store has no retire() (the reason is given instead). */
  retire?: { skip: string };
}

export interface SeededSecret {
  /** The store's config, to open it again with other credentials. */
  config: StoreConfig;
  store: SecretStore;
  /** The value consumers read now, straight from the fake. */
  live(): string | undefined;
  /** Changes whenever a write lands on the secret (a count, a version number, an inode…). */
  writeMark(): string;
  /** Another writer makes `value` current. */
  writeBehind(value: string): void;
  /** The same secret opened again, as a resumed or later run would. */
  reopen(): Promise<SecretStore>;
}

/** Faults by what they mean, each store mapping them to its protocol's own way of saying it. */
export type Fault = 'throttled' | 'unavailable' | 'unauthenticated' | 'forbidden';

export interface NetworkFaults {
  /** A store on `secret` whose next readCurrent() fails with `fault`; `echo` goes in the error text where the protocol carries one. */
  failRead(secret: SeededSecret, fault: Fault, echo: string): Promise<SecretStore>;
  /** The next write to `secret` answers a server error. */
  failWrite(secret: SeededSecret): void;
  /** The next readCurrent() of `secret` gets no answer. */
  hangRead(secret: SeededSecret): Promise<void>;
  /** A store holding `value` whose server has gone away. */
  gone(value: string): Promise<SecretStore>;
}

const context = (env: Record<string, string>, timeoutMs = 5_000, configDir = process.cwd()): StoreContext => ({
  env,
  configDir,
  timeoutMs,
});

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

export function awsSubject(): ContractSubject {
  let fake: FakeAws;
  const calls = (name: string, ...operations: string[]) =>
    fake.requests.filter((r) => operations.includes(r.operation) && r.body.SecretId === name).length;
  return {
    type: 'aws',
    start: async () => void (fake = await startFakeAws()),
    stop: () => fake.close(),
    async seed(value, timeoutMs) {
      const name = unique('contract/aws');
      fake.createSecret(name, value);
      const fixture = awsFixture(fake, name);
      const open = () => openStore(fixture.config, { ...fixture.context, timeoutMs: timeoutMs ?? 5_000 });
      return {
        config: fixture.config,
        store: await open(),
        live: () => fake.valueOf(name),
        writeMark: () => String(calls(name, 'PutSecretValue', 'UpdateSecretVersionStage')),
        writeBehind(other) {
          const secret = fake.secrets.get(name)!;
          for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== 'AWSCURRENT');
          const id = randomUUID();
          secret.versions.set(id, { id, value: other, stages: ['AWSCURRENT'], created: Date.now() });
        },
        reopen: open,
      };
    },
    async stageMangled(_secret, stage, other) {
      const staged = await stage();
      fake.failNext('GetSecretValue', { wrongValue: other });
      return staged;
    },
    network: {
      async failRead(secret, fault, echo) {
        // AWS says all four with an error type; throttling and denials travel as HTTP 400.
        const faults = {
          throttled: { status: 400, type: 'ThrottlingException', message: `Rate exceeded ${echo}` },
          unavailable: { status: 503, type: 'ServiceUnavailable', message: `unavailable ${echo}` },
          unauthenticated: { status: 400, type: 'UnrecognizedClientException', message: `bad token ${echo}` },
          forbidden: { status: 400, type: 'AccessDeniedException', message: `denied for ${echo}` },
        } as const;
        fake.failNext('GetSecretValue', faults[fault]);
        return secret.store;
      },
      failWrite: () => fake.failNext('PutSecretValue', 'InternalServiceError'),
      hangRead: async () => fake.failNext('GetSecretValue', 'hang'),
      async gone(value) {
        const gone = await startFakeAws();
        gone.createSecret('contract/gone', value);
        const fixture = awsFixture(gone, 'contract/gone');
        await gone.close();
        return openStore(fixture.config, fixture.context);
      },
    },
    retire: { skip: 'AWS keeps AWSPREVIOUS for a later rollback and has no per-version disable' },
  };
}

export function gcpSubject(): ContractSubject {
  let fake: FakeGcp;
  return {
    type: 'gcp',
    start: async () => void (fake = await startFakeGcp()),
    stop: () => fake.close(),
    async seed(value, timeoutMs) {
      const name = fake.createSecret(unique('contract-gcp'), value);
      const fixture = gcpFixture(fake, name);
      const open = () => openStore(fixture.config, { ...fixture.context, timeoutMs: timeoutMs ?? 5_000 });
      return {
        config: fixture.config,
        store: await open(),
        live: () => fake.valueOf(name),
        writeMark: () =>
          fake.secrets
            .get(name)!
            .versions.map((v) => `${v.state}`)
            .join(','),
        writeBehind: (other) => void fake.addVersion(name, other),
        reopen: open,
      };
    },
    async stageMangled(_secret, stage, other) {
      const staged = await stage();
      fake.failNext('AccessSecretVersion', { wrongValue: other });
      return staged;
    },
    network: {
      async failRead(secret, fault, echo) {
        const codes = { throttled: 8, unavailable: 14, unauthenticated: 16, forbidden: 7 } as const;
        fake.failNext('AccessSecretVersion', { code: codes[fault], details: `refused ${echo}` });
        return secret.store;
      },
      failWrite: () => fake.failNext('AddSecretVersion', 14),
      hangRead: async () => fake.failNext('AccessSecretVersion', 'hang'),
      async gone(value) {
        const gone = await startFakeGcp();
        const name = gone.createSecret('contract-gone', value);
        await gone.close();
        const fixture = gcpFixture(gone, name);
        return openStore(fixture.config, fixture.context);
      },
    },
  };
}

export function azureSubject(): ContractSubject {
  let fake: FakeAzure;
  return {
    type: 'azure',
    start: async () => void (fake = await startFakeAzure()),
    stop: () => fake.close(),
    async seed(value, timeoutMs) {
      const name = unique('contract-azure');
      fake.put(name, value);
      // disableOldVersion: retire() is a no-op without it, and the contract checks what retire does.
      const { config, env } = fake.storeFor({ name, disableOldVersion: true });
      const open = () => openStore(config, context(env, timeoutMs));
      return {
        config,
        store: await open(),
        live: () => fake.current(name)?.value,
        writeMark: () => String(fake.state.secrets.get(name)?.length ?? 0),
        writeBehind: (other) => void fake.put(name, other),
        reopen: open,
      };
    },
    async stageMangled(_secret, stage) {
      fake.mangleNextWrite();
      return stage();
    },
    network: {
      async failRead(secret, fault) {
        if (fault === 'unauthenticated') {
          return openStore(secret.config, context({ KEYGUARD_AZURE_TEST_TOKEN: 'a-token-the-vault-rejects' }));
        }
        await secret.store.readCurrent(); // the bearer challenge is done: the fault hits the read itself
        fake.failNext('get', { throttled: 429, unavailable: 503, forbidden: 403 }[fault]);
        return secret.store;
      },
      failWrite: () => fake.failNext('set', 500),
      async hangRead(secret) {
        await secret.store.readCurrent(); // the bearer challenge is done: the next read goes straight out
        fake.hangNext('get');
      },
      async gone(value) {
        const gone = await startFakeAzure();
        gone.put('contract-gone', value);
        const { config, env } = gone.storeFor({ name: 'contract-gone' });
        await gone.close();
        return openStore(config, context(env));
      },
    },
  };
}

export function vaultSubject(): ContractSubject {
  let fake: FakeVault;
  return {
    type: 'vault',
    start: async () => void (fake = await startFakeVault()),
    stop: () => fake.close(),
    async seed(value, timeoutMs) {
      const path = unique('contract/vault');
      fake.put(path, { ANTHROPIC_API_KEY: value, OTHER: 'kept' });
      const { config, env } = fake.storeFor({ path });
      const open = () => openStore(config, context(env, timeoutMs));
      return {
        config,
        store: await open(),
        live: () => fake.current(path)?.ANTHROPIC_API_KEY as string | undefined,
        writeMark: () => String(fake.state.secrets.get(`secret/${path}`)!.current),
        writeBehind: (other) => void fake.put(path, { ANTHROPIC_API_KEY: other }),
        reopen: open,
      };
    },
    async stageMangled(_secret, stage) {
      fake.mangleNextWrite();
      return stage();
    },
    network: {
      async failRead(secret, fault) {
        if (fault === 'unauthenticated') {
          // Vault answers a token it does not know with 403 permission denied, as for a missing policy.
          return openStore(secret.config, context({ VAULT_TOKEN: 'hvs.a-token-vault-does-not-know' }));
        }
        fake.failNext('read', { throttled: 429, unavailable: 500, forbidden: 403 }[fault]);
        return secret.store;
      },
      failWrite: () => fake.failNext('write', 500),
      hangRead: async () => fake.hangNext('read'),
      async gone(value) {
        const gone = await startFakeVault();
        gone.put('contract/gone', { ANTHROPIC_API_KEY: value });
        const { config, env } = gone.storeFor({ path: 'contract/gone' });
        await gone.close();
        return openStore(config, context(env));
      },
    },
    retire: { skip: 'KV v2 keeps every version readable; keyguard never deletes or destroys one' },
  };
}

export function dopplerSubject(): ContractSubject {
  let fake: FakeDoppler;
  return {
    type: 'doppler',
    start: async () => void (fake = await startFakeDoppler()),
    stop: () => fake.close(),
    async seed(value, timeoutMs) {
      const config = unique('contract');
      fake.put('backend', config, 'ANTHROPIC_API_KEY', value);
      fake.put('backend', config, 'OTHER', 'kept');
      const fixture = fake.storeFor({ project: 'backend', config });
      const open = () => openStore(fixture.config, context(fixture.env, timeoutMs));
      return {
        config: fixture.config,
        store: await open(),
        live: () => fake.raw('backend', config, 'ANTHROPIC_API_KEY'),
        writeMark: () => String(fake.state.writes.get(`backend/${config}`) ?? 0),
        writeBehind: (other) => fake.put('backend', config, 'ANTHROPIC_API_KEY', other),
        reopen: open,
      };
    },
    async stageMangled(_secret, stage) {
      fake.mangleNextWrite();
      return stage();
    },
    network: {
      async failRead(secret, fault) {
        if (fault === 'unauthenticated') {
          return openStore(secret.config, context({ DOPPLER_TOKEN: 'dp.st.prd.a-token-doppler-rejects' }));
        }
        fake.failNext('get', { throttled: 429, unavailable: 503, forbidden: 403 }[fault]);
        return secret.store;
      },
      failWrite: () => fake.failNext('update', 500),
      hangRead: async () => fake.hangNext('get'),
      async gone(value) {
        const gone = await startFakeDoppler();
        gone.put('backend', 'gone', 'ANTHROPIC_API_KEY', value);
        const fixture = gone.storeFor({ project: 'backend', config: 'gone' });
        await gone.close();
        return openStore(fixture.config, context(fixture.env));
      },
    },
    retire: { skip: 'Doppler keeps no per-secret versions to disable' },
  };
}

export function dotenvSubject(): ContractSubject {
  return {
    type: 'dotenv',
    start: async () => undefined,
    stop: async () => undefined,
    async seed(value) {
      const dir = tempDir('keyguard-contract-');
      const file = join(dir, '.env');
      writeFileSync(file, `# app\nANTHROPIC_API_KEY=${value}\nOTHER=kept\n`, { mode: 0o600 });
      const config = { type: 'dotenv' as const, path: '.env' };
      const open = () => openStore(config, context({}, 5_000, dir));
      return {
        config,
        store: await open(),
        live: () => /^ANTHROPIC_API_KEY=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1],
        writeMark: () => {
          const info = statSync(file);
          return `${info.ino}:${info.mtimeMs}`; // every write renames a new file over the old one
        },
        writeBehind: (other) => writeFileSync(file, `ANTHROPIC_API_KEY=${other}\n`),
        reopen: open,
      };
    },
    async stageMangled(secret, stage, other) {
      const staged = await stage();
      secret.writeBehind(other); // the file changed under the write: the read-back must not pass
      return staged;
    },
    network: { skip: 'a local file: no server, so no timeouts, 429, 5xx, 401 or 403' },
    retire: { skip: 'an env file keeps no old versions' },
  };
}
