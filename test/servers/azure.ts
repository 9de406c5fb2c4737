import { randomUUID } from 'node:crypto';
import type { StoreConfig } from '../../src/config/types.js';
import { type FakeReply, type FakeServer, type RecordedRequest, startHttpFake } from './http-fake.js';

/**
 * A fake Azure Key Vault speaking the secrets REST API on plain HTTP at 127.0.0.1: the 401 bearer
 * challenge on an unauthenticated request, PUT/GET/PATCH `/secrets/{name}[/{version}]`, the versions
 * list, 404 SecretNotFound, 403 Forbidden (also for disabled versions), 429 with Retry-After.
 * The real SecretClient talks to it with a static token credential,
 * `disableChallengeResourceVerification` and `allowInsecureConnection` (see the azure store).
 */
export type AzureRoute = 'get' | 'set' | 'update' | 'versions';

export interface AzureVersion {
  version: string;
  value: string;
  enabled: boolean;
  created: number;
  updated: number;
  tags?: Record<string, string>;
  contentType?: string;
}

export interface FakeAzureState {
  /** The bearer token the fake accepts. */
  token: string;
  /** Versions of each secret, oldest first; the last one is current. */
  secrets: Map<string, AzureVersion[]>;
  /** Routes the caller's role does not allow (403 Forbidden, as with a missing RBAC role). */
  denied: Set<AzureRoute>;
}

export interface FakeAzure extends FakeServer<AzureRoute> {
  state: FakeAzureState;
  /** Add a version directly (as another writer would); returns its id. */
  put(name: string, value: string, tags?: Record<string, string>): string;
  /** The current version of a secret. */
  current(name: string): AzureVersion | undefined;
  /** The next write stores a different value than the one sent. */
  mangleNextWrite(): void;
  /** Config and env that open an azure store against this fake (test token credential). */
  storeFor(options: { name: string; field?: string; disableOldVersion?: boolean }): {
    config: Extract<StoreConfig, { type: 'azure' }>;
    env: Record<string, string>;
  };
}

const API_VERSIONS = new Set(['7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-07-01']);
const ERROR_CODES: Record<number, string> = {
  400: 'BadParameter',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'SecretNotFound',
  409: 'Conflict',
  429: 'Throttled',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

export async function startFakeAzure(options: { token?: string } = {}): Promise<FakeAzure> {
  const state: FakeAzureState = { token: options.token ?? 'fake-azure-token', secrets: new Map(), denied: new Set() };
  let mangle = false;
  let url = '';
  const seconds = () => Math.floor(Date.now() / 1000);

  function parts(path: string): { name: string; version?: string } | undefined {
    const m = /^\/secrets\/([^/]+)(?:\/([^/]*))?$/.exec(path);
    if (!m) return undefined;
    return { name: decodeURIComponent(m[1]!), ...(m[2] ? { version: decodeURIComponent(m[2]) } : {}) };
  }

  function routeOf(method: string, path: string): AzureRoute | 'unknown' {
    const p = parts(path);
    if (!p) return 'unknown';
    if (method === 'GET') return p.version === 'versions' ? 'versions' : 'get';
    if (method === 'PUT' && p.version === undefined) return 'set';
    if (method === 'PATCH' && p.version) return 'update';
    return 'unknown';
  }

  const error = (status: number, message: string, code = ERROR_CODES[status] ?? 'Error'): FakeReply => ({
    status,
    body: { error: { code, message } },
    ...(status === 429 ? { headers: { 'retry-after': '0' } } : {}),
  });

  function bundle(name: string, v: AzureVersion, withValue: boolean) {
    return {
      ...(withValue ? { value: v.value } : {}),
      id: `${url}/secrets/${name}/${v.version}`,
      attributes: {
        enabled: v.enabled,
        created: v.created,
        updated: v.updated,
        recoveryLevel: 'Recoverable+Purgeable',
        recoverableDays: 90,
      },
      tags: v.tags ?? {},
      ...(v.contentType ? { contentType: v.contentType } : {}),
    };
  }

  /** The 401 challenge on a request without a bearer token, then the token check. */
  function gate(req: RecordedRequest): FakeReply | undefined {
    const auth = req.headers.authorization;
    if (!auth || auth !== `Bearer ${state.token}`) {
      return {
        status: 401,
        headers: {
          'www-authenticate':
            'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
        },
        body: auth ? { error: { code: 'Unauthorized', message: 'AKV10032: Invalid issuer.' } } : undefined,
      };
    }
    if (!API_VERSIONS.has(req.query.get('api-version') ?? '')) {
      return error(400, 'The api-version query parameter is missing or not supported.', 'BadParameter');
    }
    return undefined;
  }

  function handle(req: RecordedRequest): FakeReply {
    const route = req.route as AzureRoute;
    if (state.denied.has(route)) {
      return error(403, `The user, group or application does not have secrets ${route} permission on key vault.`);
    }
    const p = parts(req.path)!;
    const versions = state.secrets.get(p.name);
    const notFound = () => error(404, `A secret with (name/id) ${p.name} was not found in this key vault.`);
    switch (route) {
      case 'get': {
        if (!versions?.length) return notFound();
        const v = p.version ? versions.find((x) => x.version === p.version) : versions.at(-1);
        if (!v) return notFound();
        if (!v.enabled) return error(403, 'Operation get is not allowed on a disabled secret.');
        return { status: 200, body: bundle(p.name, v, true) };
      }
      case 'set': {
        const body = JSON.parse(req.body || '{}') as {
          value?: string;
          tags?: Record<string, string>;
          contentType?: string;
        };
        if (typeof body.value !== 'string') return error(400, 'Property value is required.', 'BadParameter');
        const value = mangle ? `${body.value}-mangled` : body.value;
        mangle = false;
        const v = addVersion(p.name, value, body.tags, body.contentType);
        return { status: 200, body: bundle(p.name, v, true) };
      }
      case 'update': {
        const v = versions?.find((x) => x.version === p.version);
        if (!v) return notFound();
        const body = JSON.parse(req.body || '{}') as {
          attributes?: { enabled?: boolean };
          tags?: Record<string, string>;
        };
        if (typeof body.attributes?.enabled === 'boolean') v.enabled = body.attributes.enabled;
        if (body.tags) v.tags = body.tags;
        v.updated = seconds();
        return { status: 200, body: bundle(p.name, v, false) };
      }
      case 'versions': {
        if (!versions?.length) return notFound();
        return { status: 200, body: { value: versions.map((v) => bundle(p.name, v, false)), nextLink: null } };
      }
    }
  }

  function addVersion(name: string, value: string, tags?: Record<string, string>, contentType?: string): AzureVersion {
    const list = state.secrets.get(name) ?? [];
    state.secrets.set(name, list);
    const v: AzureVersion = {
      version: randomUUID().replaceAll('-', ''),
      value,
      enabled: true,
      created: seconds(),
      updated: seconds(),
      ...(tags ? { tags } : {}),
      ...(contentType ? { contentType } : {}),
    };
    list.push(v);
    return v;
  }

  const server = await startHttpFake<AzureRoute>(
    routeOf,
    handle,
    (_route, status) => error(status, `injected failure ${status}`),
    gate,
  );
  url = server.url;
  return {
    ...server,
    state,
    put: (name, value, tags) => addVersion(name, value, tags).version,
    current: (name) => state.secrets.get(name)?.at(-1),
    mangleNextWrite() {
      mangle = true;
    },
    storeFor({ name, field, disableOldVersion }) {
      return {
        config: {
          type: 'azure',
          vaultUrl: server.url,
          name,
          ...(field ? { field } : {}),
          ...(disableOldVersion !== undefined ? { disableOldVersion } : {}),
        },
        env: { KEYGUARD_AZURE_TEST_TOKEN: state.token },
      };
    },
  };
}
