import type { TokenCredential } from '@azure/identity';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { ConfigError } from '../../shared/errors.js';
import { importOptional } from '../../shared/import-optional.js';
import type { StoreContext } from './store.js';

/**
 * TEST ONLY. When this variable is set, the azure store uses its value as a static bearer token
 * instead of DefaultAzureCredential, and relaxes the two checks a local fake Key Vault cannot pass
 * (the challenge resource must be vault.azure.net; the URL must be https). It is refused for any
 * vault URL that is not loopback, so it can never weaken a connection to a real vault.
 */
export const AZURE_TEST_TOKEN_ENV = 'KEYGUARD_AZURE_TEST_TOKEN';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A SecretClient for the vault: DefaultAzureCredential in real use, a static token for tests. */
export async function createSecretClient(vaultUrl: string, context: StoreContext): Promise<SecretClient> {
  const { SecretClient } = await importOptional<typeof import('@azure/keyvault-secrets')>(
    '@azure/keyvault-secrets',
    'azure',
  );
  // The rotation engine owns retries (one budget, each attempt audited), so the SDK makes one attempt.
  const options: SecretClientOptions = { retryOptions: { maxRetries: 0 } };
  const testToken = context.env[AZURE_TEST_TOKEN_ENV];
  if (testToken) {
    if (!isLoopback(vaultUrl)) {
      throw new ConfigError(
        `${AZURE_TEST_TOKEN_ENV} is for tests against a local fake vault; unset it for ${vaultUrl}.`,
      );
    }
    return new SecretClient(vaultUrl, staticCredential(testToken), {
      ...options,
      disableChallengeResourceVerification: true,
      allowInsecureConnection: true,
    });
  }
  const { DefaultAzureCredential } = await importOptional<typeof import('@azure/identity')>('@azure/identity', 'azure');
  return new SecretClient(vaultUrl, new DefaultAzureCredential(), options);
}

function staticCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

function isLoopback(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}
