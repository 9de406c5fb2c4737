import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake AWS Secrets Manager on 127.0.0.1 speaking AWS JSON 1.1 (`POST /`, `X-Amz-Target:
 * secretsmanager.<Op>`, PascalCase bodies, epoch-second dates, `{"__type"}` errors) with the real
 * staging-label rules: one AWSCURRENT; moving it hands AWSPREVIOUS to the old current; a label lives on
 * one version; ClientRequestToken makes PutSecretValue idempotent. Signatures are not checked.
 */
export interface FakeAwsVersion {
  id: string;
  value: string;
  stages: string[];
  created: number;
}

export interface FakeAwsSecret {
  name: string;
  arn: string;
  rotationEnabled: boolean;
  versions: Map<string, FakeAwsVersion>;
}

export interface FakeAwsRequest {
  operation: string;
  body: Record<string, unknown>;
}

/**
 * A fault for the next matching call: an AWS error type (`'ThrottlingException'`,
 * `'AccessDeniedException'`…, 500 for `InternalServiceError`), an HTTP status with an optional type,
 * `{ wrongValue }` (GetSecretValue answers with another SecretString: a read-back that does not match),
 * or `'hang'` (no answer until the client times out).
 */
export type AwsFault = string | { status: number; type?: string; message?: string } | { wrongValue: string } | 'hang';

export interface FakeAws {
  endpoint: string;
  region: string;
  secrets: Map<string, FakeAwsSecret>;
  requests: FakeAwsRequest[];
  /** Fail the next `times` calls of `operation` (`'*'` for any). */
  failNext(operation: string, fault: AwsFault, times?: number): void;
  /** Seed a secret whose first version is AWSCURRENT; returns its VersionId. */
  createSecret(name: string, value: string, options?: { rotationEnabled?: boolean }): string;
  /** The SecretString of the version holding `stage` (default AWSCURRENT). */
  valueOf(name: string, stage?: string): string | undefined;
  /** VersionId → labels, for versions that have a label (DescribeSecret's VersionIdsToStages). */
  stagesOf(name: string): Record<string, string[]>;
  close(): Promise<void>;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const STATUS_OF: Record<string, number> = { InternalServiceError: 500, ServiceUnavailable: 503 };

export async function startFakeAws(region = 'us-east-1'): Promise<FakeAws> {
  const secrets = new Map<string, FakeAwsSecret>();
  const requests: FakeAwsRequest[] = [];
  const faults: { operation: string; fault: AwsFault; times: number }[] = [];
  const hanging = new Set<ServerResponse>();
  let clock = 1_767_225_600;

  const find = (id: unknown): FakeAwsSecret => {
    const secret = [...secrets.values()].find((s) => s.name === id || s.arn === id);
    if (!secret) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };
  const holder = (secret: FakeAwsSecret, stage: string) =>
    [...secret.versions.values()].find((v) => v.stages.includes(stage));
  const detach = (secret: FakeAwsSecret, stage: string) => {
    for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== stage);
  };
  /** Put `stage` on `version`; moving AWSCURRENT makes the old current AWSPREVIOUS, as AWS does. */
  const attach = (secret: FakeAwsSecret, version: FakeAwsVersion, stage: string) => {
    const old = holder(secret, stage);
    if (old === version) return;
    detach(secret, stage);
    version.stages.push(stage);
    if (stage === 'AWSCURRENT' && old) {
      detach(secret, 'AWSPREVIOUS');
      old.stages.push('AWSPREVIOUS');
    }
  };
  const addVersion = (secret: FakeAwsSecret, id: string, value: string, stages: string[]) => {
    const version: FakeAwsVersion = { id, value, stages: [], created: (clock += 60) };
    secret.versions.set(id, version);
    for (const stage of stages) attach(secret, version, stage);
    return version;
  };
  const checkToken = (token: unknown): string => {
    if (token === undefined) return randomUUID();
    if (typeof token !== 'string' || token.length < 32 || token.length > 64) {
      throw new AwsError('ValidationException', 'ClientRequestToken must be 32 to 64 characters.');
    }
    return token;
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateSecret(body) {
      const name = String(body.Name);
      if (secrets.has(name)) throw new AwsError('ResourceExistsException', 'The secret already exists.');
      const arn = `arn:aws:secretsmanager:${region}:123456789012:secret:${name}-AbCdEf`;
      const secret: FakeAwsSecret = { name, arn, rotationEnabled: false, versions: new Map() };
      secrets.set(name, secret);
      const version = addVersion(secret, checkToken(body.ClientRequestToken), String(body.SecretString), [
        'AWSCURRENT',
      ]);
      return { ARN: arn, Name: name, VersionId: version.id };
    },
    GetSecretValue(body) {
      const secret = find(body.SecretId);
      const stage = body.VersionStage as string | undefined;
      let version: FakeAwsVersion | undefined;
      if (body.VersionId !== undefined) {
        version = secret.versions.get(String(body.VersionId));
        if (version && stage && !version.stages.includes(stage)) version = undefined;
      } else version = holder(secret, stage ?? 'AWSCURRENT');
      if (!version) {
        throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        SecretString: version.value,
        VersionStages: [...version.stages],
        CreatedDate: version.created,
      };
    },
    PutSecretValue(body) {
      const secret = find(body.SecretId);
      const token = checkToken(body.ClientRequestToken);
      const value = String(body.SecretString);
      const stages = (body.VersionStages as string[] | undefined) ?? ['AWSCURRENT'];
      const existing = secret.versions.get(token);
      if (existing) {
        if (existing.value !== value) {
          throw new AwsError('ResourceExistsException', 'A version with this ClientRequestToken already exists.');
        }
        return { ARN: secret.arn, Name: secret.name, VersionId: existing.id, VersionStages: [...existing.stages] };
      }
      const version = addVersion(secret, token, value, stages);
      return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
    },
    DescribeSecret(body) {
      const secret = find(body.SecretId);
      return {
        ARN: secret.arn,
        Name: secret.name,
        RotationEnabled: secret.rotationEnabled,
        VersionIdsToStages: stagesOf(secret),
        LastChangedDate: clock,
      };
    },
    ListSecretVersionIds(body) {
      const secret = find(body.SecretId);
      // Versions without a label are deprecated: listed only on request, as AWS does.
      const listed = [...secret.versions.values()].filter((v) => v.stages.length || body.IncludeDeprecated);
      const Versions = listed.map((v) => ({
        VersionId: v.id,
        VersionStages: [...v.stages],
        CreatedDate: v.created,
      }));
      return { ARN: secret.arn, Name: secret.name, Versions };
    },
    UpdateSecretVersionStage(body) {
      const secret = find(body.SecretId);
      const stage = String(body.VersionStage);
      const moveTo = body.MoveToVersionId as string | undefined;
      const removeFrom = body.RemoveFromVersionId as string | undefined;
      const current = holder(secret, stage);
      const target = moveTo === undefined ? undefined : secret.versions.get(moveTo);
      if (moveTo !== undefined && !target) throw new AwsError('InvalidParameterException', 'Unknown MoveToVersionId.');
      if (removeFrom !== undefined && current?.id !== removeFrom) {
        throw new AwsError('InvalidParameterException', `The staging label ${stage} is not on ${removeFrom}.`);
      }
      if (target && current && current !== target && removeFrom === undefined) {
        throw new AwsError(
          'InvalidParameterException',
          `The staging label ${stage} is attached to ${current.id}: specify RemoveFromVersionId.`,
        );
      }
      if (target) attach(secret, target, stage);
      else if (removeFrom !== undefined) {
        if (stage === 'AWSCURRENT') throw new AwsError('InvalidParameterException', 'AWSCURRENT cannot be removed.');
        detach(secret, stage);
      }
      return { ARN: secret.arn, Name: secret.name };
    },
  };

  function stagesOf(secret: FakeAwsSecret): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const v of secret.versions.values()) if (v.stages.length) out[v.id] = [...v.stages];
    return out;
  }

  function takeFault(operation: string): AwsFault | undefined {
    const index = faults.findIndex((f) => f.operation === operation || f.operation === '*');
    if (index < 0) return undefined;
    const entry = faults[index]!;
    if (--entry.times <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^secretsmanager\./, '');
    const auth = String(req.headers.authorization ?? '');
    if (req.method !== 'POST' || !target.startsWith('secretsmanager.') || !auth.startsWith('AWS4-HMAC-SHA256')) {
      return send(res, 400, { __type: 'InvalidSignatureException', message: 'Bad request shape.' });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    requests.push({ operation, body });
    const fault = takeFault(operation);
    if (fault === 'hang') {
      hanging.add(res);
      return;
    }
    if (typeof fault === 'string') {
      return send(res, STATUS_OF[fault] ?? 400, { __type: fault, message: `Injected ${fault}.` });
    }
    if (fault && 'status' in fault) {
      return send(res, fault.status, { __type: fault.type ?? 'InternalServiceError', message: fault.message ?? '' });
    }
    const handler = operations[operation];
    if (!handler) return send(res, 400, { __type: 'UnknownOperationException', message: operation });
    try {
      const result = handler(body) as Record<string, unknown>;
      if (fault && 'wrongValue' in fault) result.SecretString = fault.wrongValue;
      send(res, 200, result);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      send(res, error.status, { __type: error.type, message: error.message });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) =>
      send(res, 500, { __type: 'InternalServiceError', message: error.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    secrets,
    requests,
    failNext(operation, fault, times = 1) {
      faults.push({ operation, fault, times });
    },
    createSecret(name, value, options = {}) {
      const result = operations.CreateSecret!({ Name: name, SecretString: value }) as { VersionId: string };
      find(name).rotationEnabled = options.rotationEnabled ?? false;
      return result.VersionId;
    },
    valueOf(name, stage = 'AWSCURRENT') {
      const secret = secrets.get(name);
      return secret && holder(secret, stage)?.value;
    },
    stagesOf(name) {
      return stagesOf(find(name));
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
