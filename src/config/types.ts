import type { Severity } from '../scan/finding.js';

export type StoreConfig =
  | { type: 'aws'; secretId: string; region?: string; field?: string; endpoint?: string; profile?: string }
  | { type: 'gcp'; secret: string; field?: string; apiEndpoint?: string }
  | { type: 'azure'; vaultUrl: string; name: string; field?: string; disableOldVersion?: boolean }
  | {
      type: 'vault';
      path: string;
      address?: string;
      namespace?: string;
      mount?: string;
      field?: string;
      tokenFile?: string;
    }
  | { type: 'doppler'; project: string; config: string; name?: string; apiUrl?: string }
  | { type: 'dotenv'; path: string; variable?: string }
  | { type: 'module'; path: string; options?: Record<string, unknown> };

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
