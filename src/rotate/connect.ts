import type { KeyguardConfig, StoreConfig } from '../config/types.js';
import type { KeyAdmin, KeyVerifier } from './ports.js';
import type { RotationDeps } from './run-types.js';
import { openStore } from './stores/index.js';
import type { StoreContext } from './stores/store.js';

export const DEFAULT_ADMIN_KEY_ENV = 'ANTHROPIC_ADMIN_API_KEY';

/** The variable that holds the Admin API key (config anthropic.adminKeyEnv). */
export function adminKeyEnv(config: KeyguardConfig): string {
  return config.anthropic?.adminKeyEnv ?? DEFAULT_ADMIN_KEY_ENV;
}

/**
 * The live checker and, when an admin key is set, the Admin API client. The SDK loads here, only
 * for the commands that need it. Retries are left to the engine (retry.ts), which honours retry-after.
 */
export async function connectAnthropic(
  config: KeyguardConfig,
  env: Record<string, string | undefined>,
): Promise<{ verifier: KeyVerifier; admin?: KeyAdmin; adminKeyEnv: string }> {
  const { AdminClient, verifyApiKey } = await import('../anthropic/client.js');
  const options = {
    env,
    maxRetries: 0,
    ...(config.anthropic?.baseUrl ? { baseUrl: config.anthropic.baseUrl } : {}),
    ...(config.anthropic?.timeoutMs ? { timeoutMs: config.anthropic.timeoutMs } : {}),
  };
  const variable = adminKeyEnv(config);
  const adminKey = env[variable]?.trim();
  return {
    verifier: { verify: (key) => verifyApiKey(key, options) },
    ...(adminKey ? { admin: new AdminClient(adminKey, options) } : {}),
    adminKeyEnv: variable,
  };
}

/** What connectRotation builds: the parts of RotationDeps that reach outside, and where the admin key was looked for. */
export type RotationConnection = Pick<RotationDeps, 'store' | 'verifier' | 'admin'> & { adminKeyEnv: string };

/**
 * The one way `rotate` and `rotate --finish` reach the environment's store and the Anthropic API: the
 * store adapter (its SDK loaded now) and the clients of connectAnthropic. The command adds its trail,
 * state directory and progress log to make the RotationDeps.
 */
export async function connectRotation(
  loaded: { config: KeyguardConfig; dir: string },
  store: StoreConfig,
  context: Omit<StoreContext, 'configDir'>,
): Promise<RotationConnection> {
  const opened = await openStore(store, { env: context.env, configDir: loaded.dir, timeoutMs: context.timeoutMs });
  const anthropic = await connectAnthropic(loaded.config, context.env);
  return {
    store: opened,
    verifier: anthropic.verifier,
    ...(anthropic.admin ? { admin: anthropic.admin } : {}),
    adminKeyEnv: anthropic.adminKeyEnv,
  };
}
