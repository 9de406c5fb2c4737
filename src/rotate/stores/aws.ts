import { createHash } from 'node:crypto';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type { AwsStoreConfig as AwsConfig } from '../../config/stores/aws.js';
import { ExitCode, StoreError } from '../../shared/errors.js';
import { importOptional } from '../../shared/import-optional.js';
import { type AwsSdk, createAwsClient, isTransient } from './aws-client.js';
import { readField, writeField } from './json-field.js';
import { storeError } from './scrub.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

/**
 * The ClientRequestToken (and so the VersionId) of a rotation: its id when AWS accepts it as a token
 * (32 to 64 characters; a UUID is), else a hash of it, so the same rotation always maps to one version.
 */
export function tokenOf(rotationId: string): string {
  if (/^[A-Za-z0-9_-]{32,64}$/.test(rotationId)) return rotationId;
  return `keyguard-${createHash('sha256').update(rotationId).digest('hex').slice(0, 40)}`;
}

/**
 * AWS Secrets Manager. The new key is staged as AWSPENDING with ClientRequestToken = rotation id (the
 * token becomes the VersionId, so a re-run finds its own version), promoted by moving AWSCURRENT (AWS
 * hands AWSPREVIOUS to the old version) and rolled back by moving AWSCURRENT back.
 */
export async function createAwsStore(config: AwsConfig, context: StoreContext): Promise<SecretStore> {
  const sdk = await importOptional<AwsSdk>('@aws-sdk/client-secrets-manager', 'aws');
  return new AwsStore(config, context, sdk);
}

type Described = SecretsManager.DescribeSecretResponse;

class AwsStore implements SecretStore {
  readonly type = 'aws' as const;
  readonly locator: string;
  readonly capabilities = { staging: true, versioned: true };
  private readonly client: SecretsManager.SecretsManagerClient;
  private readonly where: string;
  /** Values this store has seen, so no error message can echo one. */
  private readonly seen: string[] = [];

  constructor(
    private readonly config: AwsConfig,
    context: StoreContext,
    private readonly sdk: AwsSdk,
  ) {
    this.locator = config.secretId;
    this.where = `AWS secret ${config.secretId}`;
    this.client = createAwsClient(sdk, config, context);
  }

  private get secretId(): string {
    return this.config.secretId;
  }

  async preflight(rotationId: string): Promise<void> {
    const described = await this.describe();
    if (described.RotationEnabled) {
      throw new StoreError(
        `${this.where} has automatic rotation enabled, so a rotation Lambda owns it; rotate it through the Lambda, or turn that off first (aws secretsmanager cancel-rotate-secret --secret-id ${this.secretId}).`,
        { exitCode: ExitCode.usage },
      );
    }
    const pending = holderOf(described, PENDING);
    const current = holderOf(described, CURRENT);
    if (pending && pending !== tokenOf(rotationId) && pending !== current) {
      throw new StoreError(
        `${this.where} has AWSPENDING on version ${pending}, left by another rotation; resume that rotation, or clear it (aws secretsmanager update-secret-version-stage --secret-id ${this.secretId} --version-stage AWSPENDING --remove-from-version-id ${pending}).`,
        { exitCode: ExitCode.usage },
      );
    }
  }

  async readCurrent(): Promise<CurrentSecret> {
    const out = await this.getValue({ VersionStage: CURRENT });
    return { value: this.keyIn(out), version: versionOf(out) };
  }

  async readVersion(versionId: string): Promise<string> {
    return this.keyIn(await this.getValue({ VersionId: versionId }));
  }

  async stage(value: string, rotationId: string): Promise<SecretVersion> {
    this.seen.push(value);
    const token = tokenOf(rotationId);
    // Already staged by this rotation (a re-run)? The token is the VersionId.
    let existing: SecretsManager.GetSecretValueResponse | undefined;
    try {
      existing = await this.getValue({ VersionId: token });
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    if (existing) return this.restage(existing, value, rotationId);
    const { field } = this.config;
    const raw = field === undefined ? undefined : (await this.getValue({ VersionStage: CURRENT })).SecretString;
    const out = await this.call('PutSecretValue', () =>
      this.client.send(
        new this.sdk.PutSecretValueCommand({
          SecretId: this.secretId,
          ClientRequestToken: token,
          SecretString: writeField(raw, field, value, this.where),
          VersionStages: [PENDING],
        }),
      ),
    );
    return versionOf(out);
  }

  async promote(staged: SecretVersion, previous: SecretVersion): Promise<void> {
    const described = await this.describe();
    const current = holderOf(described, CURRENT);
    if (current !== staged.id) {
      if (current !== previous.id) {
        throw new StoreError(
          `${this.where}: AWSCURRENT moved to version ${current} since the rotation started; nothing was promoted.`,
          { exitCode: ExitCode.storeWriteFailed },
        );
      }
      await this.moveLabel(CURRENT, staged.id, current);
    }
    if (holderOf(described, PENDING) === staged.id) await this.moveLabel(PENDING, undefined, staged.id);
  }

  async rollback(previous: SecretVersion, _previousValue: string, staged: SecretVersion): Promise<SecretVersion> {
    const described = await this.describe();
    const current = holderOf(described, CURRENT);
    if (current !== previous.id) await this.moveLabel(CURRENT, previous.id, current);
    if (holderOf(described, PENDING) === staged.id) await this.moveLabel(PENDING, undefined, staged.id);
    return { id: previous.id, labels: [CURRENT], createdAt: previous.createdAt };
  }

  async abandon(staged: SecretVersion): Promise<void> {
    const described = await this.describe();
    if (holderOf(described, CURRENT) === staged.id) {
      throw new StoreError(
        `${this.where}: version ${staged.id} is already AWSCURRENT; roll back instead of abandoning.`,
      );
    }
    if (holderOf(described, PENDING) === staged.id) await this.moveLabel(PENDING, undefined, staged.id);
  }

  /** A re-run of stage(): the version this rotation wrote must hold the same value, and be AWSPENDING again. */
  private async restage(
    existing: SecretsManager.GetSecretValueResponse,
    value: string,
    rotationId: string,
  ): Promise<SecretVersion> {
    if (this.keyIn(existing) !== value) {
      throw new StoreError(`${this.where}: rotation ${rotationId} already staged a different value.`, {
        exitCode: ExitCode.usage,
      });
    }
    if (!existing.VersionStages?.includes(PENDING) && !existing.VersionStages?.includes(CURRENT)) {
      await this.moveLabel(PENDING, tokenOf(rotationId), holderOf(await this.describe(), PENDING));
      return { ...versionOf(existing), labels: [...(existing.VersionStages ?? []), PENDING] };
    }
    return versionOf(existing);
  }

  private keyIn(out: SecretsManager.GetSecretValueResponse): string {
    return readField(out.SecretString!, this.config.field, this.where);
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const e = error as Error;
      const transient = isTransient(error);
      const detail = `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
      const failure = storeError('aws', `${what} on ${this.secretId}`, detail, { transient, secrets: this.seen });
      throw Object.assign(failure, { awsError: e.name });
    }
  }

  private describe(): Promise<Described> {
    return this.call('DescribeSecret', () =>
      this.client.send(new this.sdk.DescribeSecretCommand({ SecretId: this.secretId })),
    );
  }

  private async getValue(
    input: Omit<SecretsManager.GetSecretValueRequest, 'SecretId'>,
  ): Promise<SecretsManager.GetSecretValueResponse> {
    const out = await this.call('GetSecretValue', () =>
      this.client.send(new this.sdk.GetSecretValueCommand({ SecretId: this.secretId, ...input })),
    );
    if (out.SecretString === undefined) {
      throw new StoreError(`${this.where} holds binary data; keyguard rotates text secrets only.`, {
        exitCode: ExitCode.usage,
      });
    }
    this.seen.push(out.SecretString);
    return out;
  }

  private async moveLabel(stage: string, moveTo: string | undefined, removeFrom: string | undefined): Promise<void> {
    await this.call('UpdateSecretVersionStage', () =>
      this.client.send(
        new this.sdk.UpdateSecretVersionStageCommand({
          SecretId: this.secretId,
          VersionStage: stage,
          MoveToVersionId: moveTo,
          RemoveFromVersionId: removeFrom,
        }),
      ),
    );
  }
}

const notFound = (error: unknown) => (error as { awsError?: string }).awsError === 'ResourceNotFoundException';

/** The version holding `stage`, from DescribeSecret's VersionIdsToStages. */
function holderOf(described: Described, stage: string): string | undefined {
  const entries = Object.entries(described.VersionIdsToStages ?? {});
  return entries.find(([, stages]) => stages.includes(stage))?.[0];
}

function versionOf(out: { VersionId?: string; VersionStages?: string[]; CreatedDate?: Date }): SecretVersion {
  return { id: out.VersionId ?? '', labels: out.VersionStages, createdAt: out.CreatedDate?.toISOString() };
}
