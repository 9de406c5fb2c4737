import type { JsonSchema } from '../../config/schema-parts.js';
import type { StoreConfig } from '../../config/types.js';

/**
 * The one small interface every secrets store implements (AWS, GCP, Azure, Vault, Doppler, dotenv,
 * a user's module). A store reads and writes the API key value only (it extracts and merges a JSON
 * `field` itself). It never logs or returns a key except from readCurrent/readVersion, and every
 * error it throws is a StoreError whose message holds no secret.
 */
export interface SecretVersion {
  /** The store's own version id (AWS VersionId, GCP version number, Vault version, file mtime…). */
  id: string;
  createdAt?: string;
  labels?: string[];
}

export interface CurrentSecret {
  value: string;
  version: SecretVersion;
}

export interface StoreCapabilities {
  /** stage() writes a version consumers do not read until promote() (AWS AWSPENDING). */
  staging: boolean;
  /** The store keeps old versions that rollback() can return to without rewriting the value. */
  versioned: boolean;
}

export interface StoreContext {
  /** Process environment (credentials, endpoints, tokens). */
  env: Record<string, string | undefined>;
  /** Directory relative paths in the config are resolved against. */
  configDir: string;
  /** Timeout of one call to the store, in milliseconds. */
  timeoutMs: number;
}

export interface SecretStore {
  readonly type: StoreConfig['type'];
  /** Where the secret lives, for output and audit (ARN, resource name, path); never a value. */
  readonly locator: string;
  readonly capabilities: StoreCapabilities;
  /**
   * Refuse to start when something else owns the secret's rotation (AWS RotationEnabled, stray AWSPENDING,
   * GCP managed rotation). Refusals are StoreErrors with exitCode 2 (nothing was touched).
   */
  preflight(rotationId: string): Promise<void>;
  readCurrent(): Promise<CurrentSecret>;
  readVersion(versionId: string): Promise<string>;
  /** Write the new value as a pending (staging stores) or new current version. Idempotent per rotationId. */
  stage(value: string, rotationId: string): Promise<SecretVersion>;
  /** Make the staged version the one consumers read (no-op for stores without staging). */
  promote(staged: SecretVersion, previous: SecretVersion): Promise<void>;
  /** Return to the previous value after a failed promotion; returns the version now current. */
  rollback(previous: SecretVersion, previousValue: string, staged: SecretVersion): Promise<SecretVersion>;
  /**
   * Drop a staged version that was never promoted. Without staging (capabilities.staging false) the staged
   * value is already live, so abandon puts the value before it back (GCP: re-adds the previous version;
   * azure, vault: write back the version the stage replaced; dotenv, doppler: only within the run that
   * staged it, else it throws and rollback() is the way back). It throws rather than overwrite a value
   * someone wrote after keyguard.
   */
  abandon(staged: SecretVersion): Promise<void>;
  /** Optional: disable the old version once the rotation is finished (GCP, Azure). */
  retire?(old: SecretVersion): Promise<void>;
}

export type StoreFactory<C extends StoreConfig = StoreConfig> = (
  config: C,
  context: StoreContext,
) => Promise<SecretStore>;

/**
 * What a store declares, in one place: the `type` a config names it by, the JSON-schema fragment of its
 * config (one branch of environments.*.store in keyguard.config.json), and how to open it. The registry
 * (config/stores/registry.ts) lists these and `scan` loads it with the config schema, so a declaration
 * stays light: `create` imports the adapter, and so its SDK, only when a store is opened.
 */
export interface StoreModule<C extends { type: string }> {
  readonly type: C['type'];
  readonly schema: JsonSchema;
  create(config: C, context: StoreContext): Promise<SecretStore>;
}
