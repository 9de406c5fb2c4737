import { createRequire } from 'node:module';
import type * as SecretManager from '@google-cloud/secret-manager';
import { ConfigError } from '../../shared/errors.js';
import { importOptional } from '../../shared/import-optional.js';

type Sdk = typeof SecretManager;
export type GcpClient = SecretManager.v1.SecretManagerServiceClient;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Build the Secret Manager client. `apiEndpoint` (config, or KEYGUARD_GCP_API_ENDPOINT) is
 * `host[:port]` for a TLS endpoint (private service connect, a regional endpoint), or
 * `http://127.0.0.1:PORT` for a local emulator or test fake: plaintext, with no credentials sent, and
 * only on a loopback address so a token can never cross a network in clear.
 */
export async function createGcpClient(
  apiEndpoint: string | undefined,
  env: Record<string, string | undefined>,
): Promise<GcpClient> {
  const sdk = await importOptional<Sdk & { default?: Sdk }>('@google-cloud/secret-manager', 'gcp');
  const Client = sdk.SecretManagerServiceClient ?? sdk.default!.SecretManagerServiceClient;
  const endpoint = apiEndpoint ?? env.KEYGUARD_GCP_API_ENDPOINT;
  if (!endpoint) return new Client();
  const plaintext = endpoint.startsWith('http://');
  const url = new URL(/^[a-z]+:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`);
  const port = url.port ? Number(url.port) : plaintext ? 80 : 443;
  if (!plaintext) return new Client({ apiEndpoint: url.hostname, port });
  if (!LOOPBACK.has(url.hostname)) {
    throw new ConfigError(
      `gcp: a plaintext apiEndpoint (${endpoint}) must be a loopback address; use host:port for TLS.`,
    );
  }
  // The client's own gRPC instance (google-gax's), so the channel credentials are of the kind it expects.
  const require = createRequire(createRequire(import.meta.url).resolve('@google-cloud/secret-manager'));
  const { grpc } = require('google-gax') as { grpc: typeof import('@grpc/grpc-js') };
  // No credentials for an emulator: and never the metadata-server probe google-auth-library makes without them.
  const authClient = { getRequestHeaders: async () => new Headers() };
  return new Client({
    apiEndpoint: url.hostname,
    port,
    sslCreds: grpc.credentials.createInsecure(),
    authClient: authClient as never,
  });
}
