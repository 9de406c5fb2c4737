import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { crc32c } from '../../src/rotate/stores/crc32c.js';

/**
 * A fake Google Secret Manager: a gRPC server built from the .proto files that
 * @google-cloud/secret-manager ships (imports resolved from google-gax's protos), on 127.0.0.1.
 * Versions are numbered 1, 2, 3…; `latest` is the newest whatever its state; disable/enable honour
 * etags (ABORTED on a mismatch); names come back with the project number, as the real service does.
 */
export interface FakeGcpVersion {
  number: number;
  data: Buffer;
  state: 'ENABLED' | 'DISABLED' | 'DESTROYED';
  created: number;
  etag: string;
}

export interface FakeGcpSecret {
  /** projects/<project id>/secrets/<id>, as tests name it. */
  name: string;
  versions: FakeGcpVersion[];
  etag: string;
  /** Managed rotation (Cloud SQL typed secrets) owns the secret. */
  managedRotation: boolean;
}

export interface FakeGcpRequest {
  method: string;
  request: Record<string, unknown>;
}

/** A gRPC status code (with optional details), `{ wrongValue }` for AccessSecretVersion, or `'hang'`. */
export type GcpFault = number | { code: number; details?: string } | { wrongValue: string } | 'hang';

export interface FakeGcp {
  /** `http://127.0.0.1:<port>`: the apiEndpoint form keyguard reads as "plaintext, no credentials". */
  endpoint: string;
  port: number;
  project: string;
  secrets: Map<string, FakeGcpSecret>;
  requests: FakeGcpRequest[];
  failNext(method: string, fault: GcpFault, times?: number): void;
  /** Seed a secret (with a first version holding `value` when given); returns its name. */
  createSecret(id: string, value?: string, options?: { managedRotation?: boolean }): string;
  addVersion(name: string, value: string): number;
  /** The payload of a version (default: latest), whatever its state. */
  valueOf(name: string, version?: number | 'latest'): string | undefined;
  close(): Promise<void>;
}

const PROJECT_NUMBER = '123456789012';

function protoDirs(): string[] {
  const require = createRequire(import.meta.url);
  const sm = require.resolve('@google-cloud/secret-manager');
  const gax = createRequire(sm).resolve('google-gax');
  return [join(dirname(sm), '../protos'), join(dirname(gax), '../protos')];
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeGcp(project = 'test-proj'): Promise<FakeGcp> {
  const definition = protoLoader.loadSync('google/cloud/secretmanager/v1/service.proto', {
    includeDirs: protoDirs(),
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { secretmanager: { v1: { SecretManagerService: { service: grpc.ServiceDefinition } } } } };
  };
  const secrets = new Map<string, FakeGcpSecret>();
  const requests: FakeGcpRequest[] = [];
  const faults: { method: string; fault: GcpFault; times: number }[] = [];
  const hanging: (() => void)[] = [];
  let clock = 1_767_225_600;
  let etags = 0;
  const nextEtag = () => `"${(++etags).toString(16).padStart(12, '0')}"`;

  /** Accept the project id or number, as the service does; answer with the number. */
  const canonical = (name: string) => name.replace(/^projects\/[^/]+/, `projects/${project}`);
  const shown = (name: string) => name.replace(/^projects\/[^/]+/, `projects/${PROJECT_NUMBER}`);
  const findSecret = (name: unknown): FakeGcpSecret => {
    const secret = secrets.get(canonical(String(name)));
    if (!secret) throw new RpcError(grpc.status.NOT_FOUND, `Secret [${String(name)}] not found.`);
    return secret;
  };
  const findVersion = (name: unknown): { secret: FakeGcpSecret; version: FakeGcpVersion } => {
    const match = /^(.*)\/versions\/([^/]+)$/.exec(String(name));
    if (!match) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Bad version name.');
    const secret = findSecret(match[1]);
    const version = match[2] === 'latest' ? secret.versions.at(-1) : secret.versions[Number(match[2]) - 1];
    if (!version) throw new RpcError(grpc.status.NOT_FOUND, `Secret Version [${String(name)}] not found.`);
    return { secret, version };
  };
  const stamp = (seconds: number) => ({ seconds: String(seconds), nanos: 0 });
  const versionMessage = (secret: FakeGcpSecret, v: FakeGcpVersion) => ({
    name: shown(`${secret.name}/versions/${v.number}`),
    createTime: stamp(v.created),
    state: v.state,
    etag: v.etag,
    clientSpecifiedPayloadChecksum: true,
  });
  const addVersion = (secret: FakeGcpSecret, data: Buffer): FakeGcpVersion => {
    const version: FakeGcpVersion = {
      number: secret.versions.length + 1,
      data,
      state: 'ENABLED',
      created: (clock += 60),
      etag: nextEtag(),
    };
    secret.versions.push(version);
    return version;
  };
  const setState = (request: Record<string, unknown>, state: 'ENABLED' | 'DISABLED') => {
    const { secret, version } = findVersion(request.name);
    if (request.etag && request.etag !== version.etag) {
      throw new RpcError(grpc.status.ABORTED, 'The etag provided does not match the current SecretVersion.');
    }
    if (version.state === 'DESTROYED') throw new RpcError(grpc.status.FAILED_PRECONDITION, 'Version is destroyed.');
    if (version.state !== state) {
      version.state = state;
      version.etag = nextEtag();
    }
    return versionMessage(secret, version);
  };

  const methods: Record<string, (request: Record<string, unknown>) => unknown> = {
    GetSecret(request) {
      const secret = findSecret(request.name);
      return {
        name: shown(secret.name),
        etag: secret.etag,
        createTime: stamp(1_767_225_600),
        rotation: secret.managedRotation ? { managedRotationStatus: { state: 'ACTIVE' } } : null,
      };
    },
    AddSecretVersion(request) {
      const secret = findSecret(request.parent);
      const payload = request.payload as { data: Buffer; dataCrc32c?: string };
      if (payload.dataCrc32c !== undefined && Number(payload.dataCrc32c) !== crc32c(payload.data)) {
        throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Checksum mismatch: the payload was damaged.');
      }
      return versionMessage(secret, addVersion(secret, Buffer.from(payload.data)));
    },
    AccessSecretVersion(request) {
      const { secret, version } = findVersion(request.name);
      if (version.state !== 'ENABLED') {
        throw new RpcError(
          grpc.status.FAILED_PRECONDITION,
          `Secret Version [${shown(`${secret.name}/versions/${version.number}`)}] is in ${version.state} state.`,
        );
      }
      return {
        name: shown(`${secret.name}/versions/${version.number}`),
        payload: { data: version.data, dataCrc32c: String(crc32c(version.data)) },
      };
    },
    GetSecretVersion(request) {
      const { secret, version } = findVersion(request.name);
      return versionMessage(secret, version);
    },
    ListSecretVersions(request) {
      const secret = findSecret(request.parent);
      const versions = [...secret.versions].reverse().map((v) => versionMessage(secret, v));
      return { versions, nextPageToken: '', totalSize: versions.length };
    },
    DisableSecretVersion: (request) => setState(request, 'DISABLED'),
    EnableSecretVersion: (request) => setState(request, 'ENABLED'),
  };

  function takeFault(method: string): GcpFault | undefined {
    const index = faults.findIndex((f) => f.method === method || f.method === '*');
    if (index < 0) return undefined;
    const entry = faults[index]!;
    if (--entry.times <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, run] of Object.entries(methods)) {
    const key = method[0]!.toLowerCase() + method.slice(1);
    implementation[key] = (
      call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      requests.push({ method, request: call.request });
      const fault = takeFault(method);
      if (fault === 'hang') {
        hanging.push(() => callback({ code: grpc.status.CANCELLED, details: 'server closed' }));
        return;
      }
      if (typeof fault === 'number') return callback({ code: fault, details: `Injected ${grpc.status[fault]}.` });
      if (fault && 'code' in fault) return callback({ code: fault.code, details: fault.details ?? 'Injected.' });
      try {
        const response = run(call.request) as { payload?: { data: Buffer; dataCrc32c: string } };
        if (fault && 'wrongValue' in fault && response.payload) {
          const data = Buffer.from(fault.wrongValue);
          response.payload = { data, dataCrc32c: String(crc32c(data)) };
        }
        callback(null, response);
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        callback({ code: error.code, details: error.message });
      }
    };
  }

  const server = new grpc.Server();
  server.addService(loaded.google.cloud.secretmanager.v1.SecretManagerService.service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    project,
    secrets,
    requests,
    failNext(method, fault, times = 1) {
      faults.push({ method, fault, times });
    },
    createSecret(id, value, options = {}) {
      const name = `projects/${project}/secrets/${id}`;
      const secret: FakeGcpSecret = {
        name,
        versions: [],
        etag: nextEtag(),
        managedRotation: options.managedRotation ?? false,
      };
      secrets.set(name, secret);
      if (value !== undefined) addVersion(secret, Buffer.from(value));
      return name;
    },
    addVersion(name, value) {
      return addVersion(findSecret(name), Buffer.from(value)).number;
    },
    valueOf(name, version = 'latest') {
      const secret = secrets.get(canonical(name));
      const v = version === 'latest' ? secret?.versions.at(-1) : secret?.versions[version - 1];
      return v?.data.toString('utf8');
    },
    async close() {
      for (const release of hanging) release();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
}
