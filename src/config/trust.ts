import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import type { EnvironmentConfig, KeyguardConfig, LoadedConfig, StoreConfig } from './types.js';

/**
 * The trust model of settings that move secrets. A keyguard.config.json found in the scanned
 * directory or repository is the repository's, and a repository is not trusted: a pull request or a
 * tarball handed to a responder writes it. Settings that choose where a credential is sent or which
 * code runs are honoured only from a config the user chose: `--config FILE`, `--trust-config`,
 * KEYGUARD_TRUST_CONFIG=1, or the user's own `$XDG_CONFIG_HOME/keyguard/config.json`.
 */
export const TRUST_ENV = 'KEYGUARD_TRUST_CONFIG';
export const AUDIT_TOKEN_PREFIX = 'KEYGUARD_AUDIT_';
export const OPT_IN = `pass --trust-config or set ${TRUST_ENV}=1 if this repository is yours, or put the setting in ~/.config/keyguard/config.json`;

/** Anthropic and audit fields that send a key or token somewhere: stripped from an untrusted config. */
const GATED_SECTIONS = { anthropic: ['baseUrl', 'adminKeyEnv'], audit: ['http'] } as const;

/**
 * Store fields that choose the host credentials go to, a file sent as a token, or code to run.
 * A store is kept (ignoring its endpoint would write the key to another place than the config
 * says, which is worse than stopping), and rotate refuses it: see checkEnvironment.
 */
const GATED_STORE_FIELDS: Record<StoreConfig['type'], string[]> = {
  aws: ['endpoint'],
  gcp: ['apiEndpoint'],
  azure: ['vaultUrl'],
  vault: ['address', 'tokenFile'],
  doppler: ['apiUrl'],
  dotenv: [],
  module: ['path'],
};

/** Azure's own Key Vault domains: the token goes to Azure whoever wrote the URL. */
const AZURE_VAULT_HOST = /\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)$/i;

export function trustedByEnv(env: Record<string, string | undefined>): boolean {
  return /^(1|true|yes)$/i.test(env[TRUST_ENV] ?? '');
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A URL with its credentials and query left out, safe to print. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** https anywhere, plain http only to this machine (the test fakes, a local proxy). Throws ConfigError. */
export function checkEndpoint(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${what} is not a URL.`);
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopback(parsed.hostname))) return url;
  throw new ConfigError(
    `${what} must be an https:// URL (plain http:// only to 127.0.0.1, ::1 or localhost), got ${shownUrl(url)}.`,
  );
}

/** The audit sink's token variable must be declared for it, so a config cannot name AWS_SECRET_ACCESS_KEY. */
export function checkAuditTokenEnv(name: string): void {
  if (!name.startsWith(AUDIT_TOKEN_PREFIX) || !/^[A-Z0-9_]+$/.test(name)) {
    throw new ConfigError(
      `audit.http.tokenEnv must name a variable starting with ${AUDIT_TOKEN_PREFIX} (e.g. KEYGUARD_AUDIT_TOKEN), got ${name}: keyguard sends only variables meant for the audit sink.`,
    );
  }
}

/** Remove the gated anthropic/audit fields of an untrusted config; returns what was removed. */
export function stripUntrusted(config: KeyguardConfig): { config: KeyguardConfig; ignored: string[] } {
  const ignored: string[] = [];
  const out: KeyguardConfig = { ...config };
  for (const [section, fields] of Object.entries(GATED_SECTIONS) as [
    keyof typeof GATED_SECTIONS,
    readonly string[],
  ][]) {
    const value = config[section] as Record<string, unknown> | undefined;
    if (!value) continue;
    const kept = { ...value };
    for (const field of fields) {
      if (kept[field] === undefined) continue;
      ignored.push(`${section}.${field}`);
      delete kept[field];
    }
    (out as Record<string, unknown>)[section] = kept;
  }
  return { config: out, ignored };
}

/** Gated fields a store sets, as `environments.<name>.store.<field>` paths. */
export function gatedStoreFields(name: string, env: EnvironmentConfig): string[] {
  const store = env.store as Record<string, unknown> & StoreConfig;
  return (GATED_STORE_FIELDS[store.type] ?? [])
    .filter((field) => store[field] !== undefined)
    .filter((field) => !(field === 'vaultUrl' && isAzureVault(String(store.vaultUrl))))
    .map((field) => `environments.${name}.store.${field}`);
}

function isAzureVault(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && AZURE_VAULT_HOST.test(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * Before rotate, finish or status opens an environment's store: refuse (exit 2) an untrusted store
 * that picks a host, a token file or code, and any plain-http endpoint even from a trusted config.
 */
export function checkEnvironment(loaded: LoadedConfig, name: string, env: EnvironmentConfig): void {
  if (!loaded.trusted && !loaded.userEnvironments?.includes(name)) {
    const gated = gatedStoreFields(name, env);
    if (gated.length) {
      throw new ConfigError(
        `${gated[0]} in the repository's ${loaded.file ?? 'config'} is not trusted (it decides where credentials go or what code runs): ${OPT_IN}.`,
      );
    }
  }
  const store = env.store as Record<string, unknown>;
  for (const field of ['endpoint', 'vaultUrl', 'address', 'apiUrl']) {
    if (typeof store[field] === 'string') checkEndpoint(store[field], `environments.${name}.store.${field}`);
  }
  const api = store.apiEndpoint;
  if (typeof api === 'string' && /^[a-z]+:\/\//i.test(api))
    checkEndpoint(api, `environments.${name}.store.apiEndpoint`);
}

/** The one-line warning for gated settings a command would have used and ignored instead. */
export function ignoredWarning(loaded: LoadedConfig, sections: readonly string[]): string | undefined {
  const hit = (loaded.ignored ?? []).filter((path) => sections.some((s) => path.startsWith(`${s}.`)));
  if (!hit.length) return undefined;
  return `ignoring ${hit.join(', ')} from the repository's ${loaded.file ?? 'config'} (settings that send keys or tokens elsewhere are not taken from a repository): ${OPT_IN}.`;
}

/** Relative paths in the user's own config resolve against its directory, never against the repository. */
export function anchorUserPaths(config: KeyguardConfig, dir: string): KeyguardConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const environments: Record<string, EnvironmentConfig> = {};
  for (const [name, env] of Object.entries(config.environments ?? {})) {
    const store = { ...env.store } as Record<string, unknown>;
    for (const field of ['path', 'tokenFile']) if (typeof store[field] === 'string') store[field] = abs(store[field]);
    environments[name] = { ...env, store: store as unknown as StoreConfig };
  }
  return {
    ...config,
    ...(config.environments ? { environments } : {}),
    ...(config.audit?.file ? { audit: { ...config.audit, file: abs(config.audit.file) } } : {}),
  };
}
