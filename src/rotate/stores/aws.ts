import { createHash } from 'node:crypto';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { AwsStoreConfig as AwsConfig } from '../../config/stores/aws.js';
import { ExitCode, StoreError } from '../../shared/errors.js';
import { importOptional } from '../../shared/import-optional.js';
import { readField, writeField } from './json-field.js';
import { isNetworkError, storeError } from './scrub.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';

type Sdk = typeof SecretsManager;

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';
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

function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT_NAMES.has(e.name ?? '') || status >= 500 || status === 429 || isNetworkError(error);
}

function attempts(env: Record<string, string | undefined>): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_ATTEMPTS) : DEFAULT_ATTEMPTS;
}

/**
 * The ClientRequestToken (and so the VersionId) of a rotation: its id when AWS accepts it as a token
 * (32 to 64 characters; a UUID is), else a hash of it, so the same rotation always maps to one version.
 */
export function tokenOf(rotationId: string): string {
  if (/^[A-Za-z0-9_-]{32,64}$/.test(rotationId)) return rotationId;
  return `keyguard-${createHash('sha256').update(rotationId).digest('hex').slice(0, 40)}`;
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

/**
 * AWS Secrets Manager. The new key is staged as AWSPENDING with ClientRequestToken = rotation id (the
 * token becomes the VersionId, so a re-run finds its own version), promoted by moving AWSCURRENT (AWS
 * hands AWSPREVIOUS to the old version) and rolled back by moving AWSCURRENT back.
 */
export async function createAwsStore(config: AwsConfig, context: StoreContext): Promise<SecretStore> {
  const sdk = await importOptional<Sdk>('@aws-sdk/client-secrets-manager', 'aws');
  const { env } = context;
  const secretId = config.secretId;
  const where = `AWS secret ${secretId}`;
  const client = new sdk.SecretsManagerClient({
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
  /** Values this store has seen, so no error message can echo one. */
  const seen: string[] = [];

  async function call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const e = error as Error;
      const transient = isTransient(error);
      const detail = `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
      const failure = storeError('aws', `${what} on ${secretId}`, detail, { transient, secrets: seen });
      throw Object.assign(failure, { awsError: e.name });
    }
  }

  const notFound = (error: unknown) => (error as { awsError?: string }).awsError === 'ResourceNotFoundException';

  async function describe(): Promise<SecretsManager.DescribeSecretResponse> {
    return call('DescribeSecret', () => client.send(new sdk.DescribeSecretCommand({ SecretId: secretId })));
  }

  /** The version holding `stage`, from DescribeSecret's VersionIdsToStages. */
  function holderOf(described: SecretsManager.DescribeSecretResponse, stage: string): string | undefined {
    const entries = Object.entries(described.VersionIdsToStages ?? {});
    return entries.find(([, stages]) => stages.includes(stage))?.[0];
  }

  async function getValue(
    input: Omit<SecretsManager.GetSecretValueRequest, 'SecretId'>,
  ): Promise<SecretsManager.GetSecretValueResponse> {
    const out = await call('GetSecretValue', () =>
      client.send(new sdk.GetSecretValueCommand({ SecretId: secretId, ...input })),
    );
    if (out.SecretString === undefined) {
      throw new StoreError(`${where} holds binary data; keyguard rotates text secrets only.`, {
        exitCode: ExitCode.usage,
      });
    }
    seen.push(out.SecretString);
    return out;
  }

  const versionOf = (out: { VersionId?: string; VersionStages?: string[]; CreatedDate?: Date }): SecretVersion => ({
    id: out.VersionId ?? '',
    labels: out.VersionStages,
    createdAt: out.CreatedDate?.toISOString(),
  });

  async function moveLabel(stage: string, moveTo: string | undefined, removeFrom: string | undefined): Promise<void> {
    await call('UpdateSecretVersionStage', () =>
      client.send(
        new sdk.UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          MoveToVersionId: moveTo,
          RemoveFromVersionId: removeFrom,
        }),
      ),
    );
  }

  return {
    type: 'aws',
    locator: secretId,
    capabilities: { staging: true, versioned: true },

    async preflight(rotationId) {
      const described = await describe();
      if (described.RotationEnabled) {
        throw new StoreError(
          `${where} has automatic rotation enabled, so a rotation Lambda owns it; rotate it through the Lambda, or turn that off first (aws secretsmanager cancel-rotate-secret --secret-id ${secretId}).`,
          { exitCode: ExitCode.usage },
        );
      }
      const pending = holderOf(described, PENDING);
      const current = holderOf(described, CURRENT);
      if (pending && pending !== tokenOf(rotationId) && pending !== current) {
        throw new StoreError(
          `${where} has AWSPENDING on version ${pending}, left by another rotation; resume that rotation, or clear it (aws secretsmanager update-secret-version-stage --secret-id ${secretId} --version-stage AWSPENDING --remove-from-version-id ${pending}).`,
          { exitCode: ExitCode.usage },
        );
      }
    },

    async readCurrent(): Promise<CurrentSecret> {
      const out = await getValue({ VersionStage: CURRENT });
      return { value: readField(out.SecretString!, config.field, where), version: versionOf(out) };
    },

    async readVersion(versionId) {
      const out = await getValue({ VersionId: versionId });
      return readField(out.SecretString!, config.field, where);
    },

    async stage(value, rotationId) {
      seen.push(value);
      const token = tokenOf(rotationId);
      // Already staged by this rotation (a re-run)? The token is the VersionId.
      let existing: SecretsManager.GetSecretValueResponse | undefined;
      try {
        existing = await getValue({ VersionId: token });
      } catch (error) {
        if (!notFound(error)) throw error;
      }
      if (existing) {
        if (readField(existing.SecretString!, config.field, where) !== value) {
          throw new StoreError(`${where}: rotation ${rotationId} already staged a different value.`, {
            exitCode: ExitCode.usage,
          });
        }
        if (!existing.VersionStages?.includes(PENDING) && !existing.VersionStages?.includes(CURRENT)) {
          await moveLabel(PENDING, token, holderOf(await describe(), PENDING));
          return { ...versionOf(existing), labels: [...(existing.VersionStages ?? []), PENDING] };
        }
        return versionOf(existing);
      }
      const raw = config.field === undefined ? undefined : (await getValue({ VersionStage: CURRENT })).SecretString;
      const out = await call('PutSecretValue', () =>
        client.send(
          new sdk.PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: token,
            SecretString: writeField(raw, config.field, value, where),
            VersionStages: [PENDING],
          }),
        ),
      );
      return versionOf(out);
    },

    async promote(staged, previous) {
      const described = await describe();
      const current = holderOf(described, CURRENT);
      if (current !== staged.id) {
        if (current !== previous.id) {
          throw new StoreError(
            `${where}: AWSCURRENT moved to version ${current} since the rotation started; nothing was promoted.`,
            { exitCode: ExitCode.storeWriteFailed },
          );
        }
        await moveLabel(CURRENT, staged.id, current);
      }
      if (holderOf(described, PENDING) === staged.id) await moveLabel(PENDING, undefined, staged.id);
    },

    async rollback(previous, _previousValue, staged) {
      const described = await describe();
      const current = holderOf(described, CURRENT);
      if (current !== previous.id) await moveLabel(CURRENT, previous.id, current);
      if (holderOf(described, PENDING) === staged.id) await moveLabel(PENDING, undefined, staged.id);
      return { id: previous.id, labels: [CURRENT], createdAt: previous.createdAt };
    },

    async abandon(staged) {
      const described = await describe();
      if (holderOf(described, CURRENT) === staged.id) {
        throw new StoreError(`${where}: version ${staged.id} is already AWSCURRENT; roll back instead of abandoning.`);
      }
      if (holderOf(described, PENDING) === staged.id) await moveLabel(PENDING, undefined, staged.id);
    },
  };
}
