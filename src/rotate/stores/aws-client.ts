import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { AwsStoreConfig as AwsConfig } from '../../config/stores/aws.js';
import { isNetworkError } from './scrub.js';
import type { StoreContext } from './store.js';

export type AwsSdk = typeof SecretsManager;

/** The SDK retries throttling and 5xx itself; the engine retries on top, so keep this small. */
const DEFAULT_ATTEMPTS = 3;
const MAX_ATTEMPTS = 5;

/** Error names the SDK gives to conditions that may clear on their own. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServiceError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT_NAMES.has(e.name ?? '') || status >= 500 || status === 429 || isNetworkError(error);
}

function attempts(env: Record<string, string | undefined>): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_ATTEMPTS) : DEFAULT_ATTEMPTS;
}

/**
 * Explicit credentials from the environment keyguard was given (CI, tests), unless the config names a
 * profile; otherwise the SDK's default chain (profile files, SSO, container and instance roles).
 */
function credentialsFrom(config: AwsConfig, env: Record<string, string | undefined>) {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (config.profile || !accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN };
}

/** The Secrets Manager client of a store: bounded attempts and timeouts, credentials as above. */
export function createAwsClient(
  sdk: AwsSdk,
  config: AwsConfig,
  context: StoreContext,
): SecretsManager.SecretsManagerClient {
  const { env } = context;
  return new sdk.SecretsManagerClient({
    region: config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpoint: config.endpoint ?? env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL,
    credentials: credentialsFrom(config, env),
    profile: config.profile ?? env.AWS_PROFILE,
    maxAttempts: attempts(env),
    requestHandler: {
      requestTimeout: context.timeoutMs,
      connectionTimeout: Math.min(context.timeoutMs, 10_000),
      // Without this, this SDK version only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
}
