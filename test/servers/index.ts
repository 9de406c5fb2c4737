import type { StoreConfig } from '../../src/config/types.js';
import type { StoreContext } from '../../src/rotate/stores/store.js';
import type { FakeAws } from './aws.js';
import type { FakeAzure } from './azure.js';
import type { FakeDoppler } from './doppler.js';
import type { FakeGcp } from './gcp.js';
import type { FakeVault } from './vault.js';

/**
 * How to point keyguard at a fake store: the StoreConfig to put in keyguard.config.json, the
 * environment (in-process: StoreContext.env; a spawned bin: its env), and a ready StoreContext.
 */
export interface StoreFixture<C extends StoreConfig = StoreConfig> {
  config: C;
  env: Record<string, string>;
  context: StoreContext;
}

export const TEST_TIMEOUT_MS = 5_000;

export function storeContext(env: Record<string, string>, configDir = process.cwd()): StoreContext {
  return { env, configDir, timeoutMs: TEST_TIMEOUT_MS };
}

/**
 * The aws store against startFakeAws(). The endpoint goes through AWS_ENDPOINT_URL_SECRETS_MANAGER, as a
 * user's CI would set it; AWS_MAX_ATTEMPTS=1 so each injected fault fails exactly one store call. A spawned
 * bin reads the SDK's "Node 22 needed after January 2027" switch from this env too: off, so stderr stays
 * what keyguard itself prints (in-process, the SDK reads process.env and warns once).
 */
export function awsFixture(
  fake: FakeAws,
  secretId: string,
  extra: Partial<Extract<StoreConfig, { type: 'aws' }>> = {},
): StoreFixture<Extract<StoreConfig, { type: 'aws' }>> {
  const env = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: fake.region,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint,
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const config = { type: 'aws' as const, secretId, ...extra };
  return { config, env, context: storeContext(env) };
}

/**
 * The gcp store against startFakeGcp(): KEYGUARD_GCP_API_ENDPOINT=http://127.0.0.1:PORT selects a
 * plaintext channel with no credentials (never the metadata-server probe).
 */
export function gcpFixture(
  fake: FakeGcp,
  secret: string,
  extra: Partial<Extract<StoreConfig, { type: 'gcp' }>> = {},
): StoreFixture<Extract<StoreConfig, { type: 'gcp' }>> {
  const env = { KEYGUARD_GCP_API_ENDPOINT: fake.endpoint };
  const config = { type: 'gcp' as const, secret, ...extra };
  return { config, env, context: storeContext(env) };
}

export { type AwsFault, type FakeAws, startFakeAws } from './aws.js';
export { type FakeGcp, type GcpFault, startFakeGcp } from './gcp.js';

/** The azure store against startFakeAzure(): a static test token (KEYGUARD_AZURE_TEST_TOKEN), loopback only. */
export function azureFixture(
  fake: FakeAzure,
  name: string,
  extra: { field?: string; disableOldVersion?: boolean } = {},
): StoreFixture<Extract<StoreConfig, { type: 'azure' }>> {
  const { config, env } = fake.storeFor({ name, ...extra });
  return { config, env, context: storeContext(env) };
}

/** The vault store against startFakeVault(): address in the config, VAULT_TOKEN in the env. */
export function vaultFixture(
  fake: FakeVault,
  path: string,
  extra: { field?: string; mount?: string } = {},
): StoreFixture<Extract<StoreConfig, { type: 'vault' }>> {
  const { config, env } = fake.storeFor({ path, ...extra });
  return { config, env, context: storeContext(env) };
}

/** The doppler store against startFakeDoppler(): apiUrl in the config, DOPPLER_TOKEN in the env. */
export function dopplerFixture(
  fake: FakeDoppler,
  project: string,
  config: string,
  name?: string,
): StoreFixture<Extract<StoreConfig, { type: 'doppler' }>> {
  const fixture = fake.storeFor({ project, config, ...(name ? { name } : {}) });
  return { ...fixture, context: storeContext(fixture.env) };
}

export { type AzureRoute, type FakeAzure, startFakeAzure } from './azure.js';
export { type DopplerRoute, type FakeDoppler, startFakeDoppler } from './doppler.js';
export { type FakeVault, startFakeVault, type VaultRoute } from './vault.js';
