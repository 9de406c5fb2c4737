import type { Severity } from '../key/severity.js';
import type { ConfigOf, STORE_MODULES } from './stores/registry.js';

/** The config of one store: the union of what each store in the registry declares. */
export type StoreConfig = ConfigOf<(typeof STORE_MODULES)[number]>;

export type StoreType = StoreConfig['type'];

export interface EnvironmentConfig {
  store: StoreConfig;
  maxAgeDays?: number;
  workspaceId?: string;
  description?: string;
}

export interface KeyguardConfig {
  scan?: { exclude?: string[]; failOn?: Severity; baseline?: string; maxFileSizeMB?: number };
  environments?: Record<string, EnvironmentConfig>;
  anthropic?: { baseUrl?: string; adminKeyEnv?: string; timeoutMs?: number };
  audit?: {
    file?: string;
    format?: 'keyguard' | 'ocsf';
    http?: { url: string; tokenEnv?: string; timeoutMs?: number };
  };
}

/** A loaded config and where it came from (paths in it are relative to `dir`). */
export interface LoadedConfig {
  config: KeyguardConfig;
  /** The config file, or undefined when none was found and defaults apply. */
  file?: string;
  /** Directory that relative paths in the config are resolved against. */
  dir: string;
  /** The user chose this config (--config, --trust-config, KEYGUARD_TRUST_CONFIG): see trust.ts. */
  trusted?: boolean;
  /** Settings that move secrets, dropped because the repository's config set them untrusted. */
  ignored?: string[];
  /** Environments defined by the user's own config file (trusted wherever the repository's config is not). */
  userEnvironments?: string[];
  /** The user's own config file, when one was read. */
  userFile?: string;
}
