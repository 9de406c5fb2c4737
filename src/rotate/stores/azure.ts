import type { KeyVaultSecret, SecretClient } from '@azure/keyvault-secrets';
import type { AzureStoreConfig as AzureConfig } from '../../config/stores/azure.js';
import { KeyguardError, StoreError } from '../../shared/errors.js';
import { createSecretClient } from './azure-client.js';
import { readField, writeField } from './json-field.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';
import { isTransientStatus } from './store-http.js';

/** Tags keyguard puts on the versions it writes: the run that wrote it, and the version it replaced. */
const ROTATION_TAG = 'keyguard-rotation-id';
const PREVIOUS_TAG = 'keyguard-previous-version';

/**
 * Azure Key Vault. Every setSecret creates a new version that is current at once: there is no
 * staging, so stage() writes the new current version, rollback() and abandon() write the old value
 * again, and retire() disables the old version when `disableOldVersion` is set.
 */
export async function createAzureStore(config: AzureConfig, context: StoreContext): Promise<SecretStore> {
  return new AzureStore(config, context, await createSecretClient(config.vaultUrl, context));
}

class AzureStore implements SecretStore {
  readonly type = 'azure' as const;
  readonly locator: string;
  readonly capabilities = { staging: false, versioned: true };

  constructor(
    private readonly config: AzureConfig,
    private readonly context: StoreContext,
    private readonly client: SecretClient,
  ) {
    const { vaultUrl, name, field } = config;
    this.locator = `${vaultUrl.replace(/\/+$/, '')}/secrets/${name}${field ? `#${field}` : ''}`;
  }

  async preflight(): Promise<void> {}

  async readCurrent(): Promise<CurrentSecret> {
    const secret = await this.get();
    return { value: this.keyOf(secret), version: versionOf(secret) };
  }

  async readVersion(versionId: string): Promise<string> {
    return this.keyOf(await this.get(versionId));
  }

  async stage(value: string, rotationId: string): Promise<SecretVersion> {
    const current = await this.get();
    // Idempotent re-run: this rotation already wrote this value and it is still current.
    if (current.properties.tags?.[ROTATION_TAG] === rotationId && this.keyOf(current) === value) {
      return versionOf(current);
    }
    return this.set(writeField(current.value, this.config.field, value, this.locator), current, {
      ...userTags(current),
      [ROTATION_TAG]: rotationId,
      [PREVIOUS_TAG]: current.properties.version ?? '',
    });
  }

  async promote(): Promise<void> {}

  async rollback(_previous: SecretVersion, previousValue: string, staged: SecretVersion): Promise<SecretVersion> {
    const current = await this.get();
    if (this.keyOf(current) === previousValue) return versionOf(current);
    if (current.properties.version !== staged.id) throw this.changedSince(staged.id);
    // Key Vault cannot make an old version current again: write its value as a new version.
    return this.set(
      writeField(current.value, this.config.field, previousValue, this.locator),
      current,
      userTags(current),
    );
  }

  /**
   * The staged version is already current, so abandoning it means writing back the version it
   * replaced (named by its keyguard-previous-version tag), unless someone wrote after keyguard.
   */
  async abandon(staged: SecretVersion): Promise<void> {
    const stagedSecret = await this.get(staged.id);
    const baseVersion = stagedSecret.properties.tags?.[PREVIOUS_TAG];
    if (!baseVersion) return; // not written by keyguard's stage: nothing of ours to undo
    const base = await this.get(baseVersion);
    const current = await this.get();
    if (this.keyOf(current) === this.keyOf(base)) return;
    if (current.properties.version !== staged.id) throw this.changedSince(staged.id);
    await this.set(base.value ?? '', base, userTags(base));
  }

  async retire(old: SecretVersion): Promise<void> {
    if (!this.config.disableOldVersion) return;
    const current = await this.get();
    if (current.properties.version === old.id) {
      throw new StoreError(`version ${old.id} of ${this.locator} is still current; keyguard does not disable it.`);
    }
    await this.call(`disable of version ${old.id}`, (c) =>
      c.updateSecretProperties(this.config.name, old.id, { ...this.options(), enabled: false }),
    );
  }

  private options() {
    return { abortSignal: AbortSignal.timeout(this.context.timeoutMs) };
  }

  private async call<T>(what: string, fn: (c: SecretClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (error) {
      throw azureError(error, `Key Vault ${what} of ${this.locator}`, this.context.timeoutMs);
    }
  }

  private get(version?: string): Promise<KeyVaultSecret> {
    return this.call(version ? `read of version ${version}` : 'read', (c) =>
      c.getSecret(this.config.name, { ...this.options(), ...(version ? { version } : {}) }),
    );
  }

  private keyOf(secret: KeyVaultSecret): string {
    if (secret.value === undefined) throw new StoreError(`Key Vault returned no value for ${this.locator}.`);
    return readField(secret.value, this.config.field, this.locator);
  }

  private async set(text: string, from: KeyVaultSecret, tags: Record<string, string>): Promise<SecretVersion> {
    const contentType = from.properties.contentType;
    const written = await this.call('write', (c) =>
      c.setSecret(this.config.name, text, { ...this.options(), tags, ...(contentType ? { contentType } : {}) }),
    );
    return versionOf(written);
  }

  private changedSince(version: string): StoreError {
    return new StoreError(`${this.locator} changed after keyguard wrote version ${version}; not overwriting it.`);
  }
}

function versionOf(secret: KeyVaultSecret): SecretVersion {
  const { version, createdOn } = secret.properties;
  if (!version) throw new StoreError(`Key Vault returned a secret without a version id.`);
  return { id: version, ...(createdOn ? { createdAt: createdOn.toISOString() } : {}) };
}

/** The user's own tags of a version (keyguard's bookkeeping tags belong to one version only). */
function userTags(secret: KeyVaultSecret): Record<string, string> {
  const { [ROTATION_TAG]: _r, [PREVIOUS_TAG]: _p, ...rest } = secret.properties.tags ?? {};
  return rest;
}

const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AuthenticationRequiredError']);

/** Map an SDK error to a StoreError whose message is ours (the SDK's may quote the request). */
function azureError(error: unknown, what: string, timeoutMs: number): KeyguardError {
  if (error instanceof KeyguardError) return error;
  const e = error as { name?: string; statusCode?: number; code?: string; message?: string };
  if (e.name === 'AbortError') return new StoreError(`${what} timed out after ${timeoutMs} ms.`, { transient: true });
  if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
    return new StoreError(
      `${what} failed: no usable Azure credential (${e.name}); sign in with az login or set a managed identity or AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET.`,
    );
  }
  const status = e.statusCode;
  const code = e.code && /^[A-Za-z_]+$/.test(e.code) ? e.code : undefined;
  if (status === undefined) {
    return new StoreError(`${what} failed: cannot reach the vault${code ? ` (${code})` : ''}.`, { transient: true });
  }
  if (status === 401) return new StoreError(`${what} failed: the credential was not accepted (401).`);
  if (status === 403) {
    const disabled = /disabled/i.test(e.message ?? '');
    return new StoreError(
      disabled
        ? `${what} failed: that version is disabled (403).`
        : `${what} failed: forbidden (403); the identity needs the Key Vault Secrets Officer role or an access policy with get, set and list on secrets.`,
    );
  }
  if (status === 404) return new StoreError(`${what} failed: no such secret or version (404 ${code ?? 'NotFound'}).`);
  return new StoreError(`${what} failed with HTTP ${status}${code ? ` ${code}` : ''}.`, {
    transient: isTransientStatus(status),
  });
}
