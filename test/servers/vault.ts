import type { StoreConfig } from '../../src/config/types.js';
import { type FakeReply, type FakeServer, type RecordedRequest, startHttpFake } from './http-fake.js';

/**
 * A fake HashiCorp Vault speaking the KV v2 HTTP API (`/v1/{mount}/data|metadata|delete/{path}`)
 * on 127.0.0.1: X-Vault-Token check, check-and-set, soft delete, 403, 400 CAS mismatch, 503 sealed.
 */
export type VaultRoute = 'read' | 'write' | 'metadata' | 'delete';

export interface VaultVersion {
  data: Record<string, unknown> | null;
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

export interface VaultSecret {
  versions: Map<number, VaultVersion>;
  current: number;
}

export interface FakeVaultState {
  token: string;
  /** When set, every request must carry this X-Vault-Namespace. */
  namespace?: string;
  mounts: Set<string>;
  /** Secrets by `mount/path`. */
  secrets: Map<string, VaultSecret>;
  sealed: boolean;
  /** Routes the token's policy does not allow (answer 403 permission denied). */
  denied: Set<VaultRoute>;
  casRequired: boolean;
}

export interface FakeVault extends FakeServer<VaultRoute> {
  state: FakeVaultState;
  /** Store a new version of `mount/path` directly (as another writer would). */
  put(path: string, data: Record<string, unknown>, mount?: string): number;
  /** The data of the current version of `mount/path`. */
  current(path: string, mount?: string): Record<string, unknown> | null | undefined;
  /** The next write stores every string value altered, so a read-back differs from what was sent. */
  mangleNextWrite(): void;
  /** Config and env that open a vault store against this fake. */
  storeFor(options: { path: string; field?: string; mount?: string }): {
    config: Extract<StoreConfig, { type: 'vault' }>;
    env: Record<string, string>;
  };
}

const ERRORS: Record<number, string[]> = {
  400: ['check-and-set parameter did not match the current version'],
  403: ['permission denied'],
  404: [],
  429: ['request path "secret/data": rate limit quota exceeded'],
  500: ['internal error'],
  503: ['Vault is sealed'],
};

export async function startFakeVault(options: { token?: string; namespace?: string } = {}): Promise<FakeVault> {
  const state: FakeVaultState = {
    token: options.token ?? 'hvs.fake-vault-token',
    ...(options.namespace ? { namespace: options.namespace } : {}),
    mounts: new Set(['secret']),
    secrets: new Map(),
    sealed: false,
    denied: new Set(),
    casRequired: false,
  };
  let mangle = false;
  const now = () => new Date().toISOString();

  function split(path: string): { mount: string; op: string; rest: string } | undefined {
    const m = /^\/v1\/(.+?)\/(data|metadata|delete)\/(.+)$/.exec(path);
    return m
      ? { mount: decodeURIComponent(m[1]!), op: m[2]!, rest: m[3]!.split('/').map(decodeURIComponent).join('/') }
      : undefined;
  }

  function routeOf(method: string, path: string): VaultRoute | 'unknown' {
    const p = split(path);
    if (!p) return 'unknown';
    if (p.op === 'data') return method === 'GET' ? 'read' : method === 'POST' || method === 'PUT' ? 'write' : 'unknown';
    if (p.op === 'metadata') return method === 'GET' ? 'metadata' : 'unknown';
    return method === 'POST' ? 'delete' : 'unknown';
  }

  function metadataOf(version: number, v: VaultVersion) {
    return {
      created_time: v.created_time,
      custom_metadata: null,
      deletion_time: v.deletion_time,
      destroyed: v.destroyed,
      version,
    };
  }

  const envelope = (data: unknown) => ({
    request_id: crypto.randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
  });
  const fail = (status: number, errors = ERRORS[status] ?? []): FakeReply => ({ status, body: { errors } });

  function handle(req: RecordedRequest): FakeReply {
    if (state.sealed) return fail(503);
    if (req.headers['x-vault-token'] !== state.token) return fail(403);
    if (state.namespace !== undefined && req.headers['x-vault-namespace'] !== state.namespace) return fail(403);
    const route = req.route as VaultRoute;
    if (state.denied.has(route)) return fail(403);
    const p = split(req.path)!;
    if (!state.mounts.has(p.mount)) return fail(403, ['permission denied']);
    const key = `${p.mount}/${p.rest}`;
    const secret = state.secrets.get(key);
    switch (route) {
      case 'read': {
        if (!secret) return fail(404);
        const n = req.query.has('version') ? Number(req.query.get('version')) : secret.current;
        const v = secret.versions.get(n === 0 ? secret.current : n);
        if (!v) return fail(404);
        const body = envelope({ data: v.data, metadata: metadataOf(n === 0 ? secret.current : n, v) });
        return { status: v.data === null ? 404 : 200, body };
      }
      case 'write': {
        let parsed: { options?: { cas?: number }; data?: Record<string, unknown> };
        try {
          parsed = JSON.parse(req.body);
        } catch {
          return fail(400, ['failed to parse JSON input']);
        }
        if (!parsed.data || typeof parsed.data !== 'object') return fail(400, ['no data provided']);
        const cas = parsed.options?.cas;
        if (cas === undefined && state.casRequired)
          return fail(400, ['check-and-set parameter required for this call']);
        if (cas !== undefined && cas !== (secret?.current ?? 0)) return fail(400);
        let data = parsed.data;
        if (mangle) {
          mangle = false;
          data = Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? `${v}-mangled` : v]),
          );
        }
        const version = storeVersion(key, data);
        const v = state.secrets.get(key)!.versions.get(version)!;
        return { status: 200, body: envelope(metadataOf(version, v)) };
      }
      case 'metadata': {
        if (!secret) return fail(404);
        const versions = Object.fromEntries(
          [...secret.versions].map(([n, v]) => [
            String(n),
            { created_time: v.created_time, deletion_time: v.deletion_time, destroyed: v.destroyed },
          ]),
        );
        return {
          status: 200,
          body: envelope({
            cas_required: state.casRequired,
            current_version: secret.current,
            max_versions: 0,
            oldest_version: 0,
            versions,
          }),
        };
      }
      case 'delete': {
        if (!secret) return fail(404);
        const parsed = JSON.parse(req.body || '{}') as { versions?: number[] };
        for (const n of parsed.versions ?? []) {
          const v = secret.versions.get(n);
          if (v) v.deletion_time = now();
        }
        return { status: 204 };
      }
    }
  }

  function storeVersion(key: string, data: Record<string, unknown>): number {
    const secret = state.secrets.get(key) ?? { versions: new Map(), current: 0 };
    state.secrets.set(key, secret);
    secret.current += 1;
    secret.versions.set(secret.current, { data, created_time: now(), deletion_time: '', destroyed: false });
    return secret.current;
  }

  const server = await startHttpFake<VaultRoute>(routeOf, handle, (_route, status) => fail(status));
  return {
    ...server,
    state,
    put: (path, data, mount = 'secret') => storeVersion(`${mount}/${path}`, data),
    current(path, mount = 'secret') {
      const secret = state.secrets.get(`${mount}/${path}`);
      return secret?.versions.get(secret.current)?.data;
    },
    mangleNextWrite() {
      mangle = true;
    },
    storeFor({ path, field, mount }) {
      return {
        config: {
          type: 'vault',
          address: server.url,
          path,
          ...(field ? { field } : {}),
          ...(mount ? { mount } : {}),
          ...(state.namespace ? { namespace: state.namespace } : {}),
        },
        env: { VAULT_TOKEN: state.token },
      };
    },
  };
}
