import type { KeyguardConfig } from '../config/types.js';
import type { KeyAdmin, KeyVerifier } from './ports.js';

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
