import type { StoreConfig } from '../../src/config/types.js';
import { type FakeReply, type FakeServer, type RecordedRequest, startHttpFake } from './http-fake.js';

/**
 * A fake Doppler API on 127.0.0.1 with the two routes the doppler store uses: read one secret
 * (`GET /v3/configs/config/secret`) and update secrets (`POST /v3/configs/config/secrets`). Bearer
 * token check, 401, 403 (read-only token), 404, 429 and 500 in Doppler's `{messages, success}` shape.
 */
export type DopplerRoute = 'get' | 'update';

export interface FakeDopplerState {
  token: string;
  /** A token that may read but not write (403 on update). */
  readOnlyToken: string;
  /** Secrets by `project/config`, then by name: the raw value (may hold ${REFERENCES}). */
  configs: Map<string, Map<string, string>>;
  /** Number of writes each config received (Doppler logs one change per write). */
  writes: Map<string, number>;
}

export interface FakeDoppler extends FakeServer<DopplerRoute> {
  state: FakeDopplerState;
  /** Set a secret's raw value directly (as another writer would). */
  put(project: string, config: string, name: string, raw: string): void;
  /** A secret's raw value. */
  raw(project: string, config: string, name: string): string | undefined;
  /** The next write stores a different value than the one sent. */
  mangleNextWrite(): void;
  /** Config and env that open a doppler store against this fake. */
  storeFor(options: { project: string; config: string; name?: string }): {
    config: Extract<StoreConfig, { type: 'doppler' }>;
    env: Record<string, string>;
  };
}

const MESSAGES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Invalid Auth token',
  403: 'This token does not have access to requested resource',
  404: 'Could not find requested secret',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export async function startFakeDoppler(options: { token?: string } = {}): Promise<FakeDoppler> {
  const state: FakeDopplerState = {
    token: options.token ?? 'dp.st.prd.fake-doppler-token',
    readOnlyToken: 'dp.st.prd.fake-read-only',
    configs: new Map(),
    writes: new Map(),
  };
  let mangle = false;

  const routeOf = (method: string, path: string): DopplerRoute | 'unknown' =>
    method === 'GET' && path === '/v3/configs/config/secret'
      ? 'get'
      : method === 'POST' && path === '/v3/configs/config/secrets'
        ? 'update'
        : 'unknown';

  const fail = (status: number, message = MESSAGES[status] ?? 'Error'): FakeReply => ({
    status,
    body: { messages: [message], success: false },
    ...(status === 429 ? { headers: { 'retry-after': '1' } } : {}),
  });

  function computed(secrets: Map<string, string>, raw: string): string {
    return raw.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => secrets.get(name) ?? '');
  }

  function handle(req: RecordedRequest): FakeReply {
    const auth = req.headers.authorization;
    const readOnly = auth === `Bearer ${state.readOnlyToken}`;
    if (auth !== `Bearer ${state.token}` && !readOnly) return fail(401);
    if (req.route === 'get') {
      const key = `${req.query.get('project')}/${req.query.get('config')}`;
      const secrets = state.configs.get(key);
      const name = req.query.get('name') ?? '';
      const raw = secrets?.get(name);
      if (!secrets || raw === undefined) return fail(404);
      return {
        status: 200,
        body: { name, value: { raw, computed: computed(secrets, raw), note: '' }, success: true },
      };
    }
    if (readOnly) return fail(403);
    let body: { project?: string; config?: string; secrets?: Record<string, unknown> };
    try {
      body = JSON.parse(req.body);
    } catch {
      return fail(400);
    }
    const key = `${body.project}/${body.config}`;
    const secrets = state.configs.get(key);
    if (!secrets) return fail(404, 'Could not find requested config');
    if (!body.secrets || Object.values(body.secrets).some((v) => typeof v !== 'string')) return fail(400);
    for (const [name, value] of Object.entries(body.secrets as Record<string, string>)) {
      secrets.set(name, mangle ? `${value}-mangled` : value);
    }
    mangle = false;
    state.writes.set(key, (state.writes.get(key) ?? 0) + 1);
    const all = Object.fromEntries(
      [...secrets].map(([name, raw]) => [name, { raw, computed: computed(secrets, raw), note: '' }]),
    );
    return { status: 200, body: { secrets: all, success: true } };
  }

  const server = await startHttpFake<DopplerRoute>(routeOf, handle, (_route, status) => fail(status));
  const configOf = (project: string, config: string) => {
    const key = `${project}/${config}`;
    const secrets = state.configs.get(key) ?? new Map<string, string>();
    state.configs.set(key, secrets);
    return secrets;
  };
  return {
    ...server,
    state,
    put: (project, config, name, raw) => void configOf(project, config).set(name, raw),
    raw: (project, config, name) => state.configs.get(`${project}/${config}`)?.get(name),
    mangleNextWrite() {
      mangle = true;
    },
    storeFor({ project, config, name }) {
      return {
        config: { type: 'doppler', project, config, apiUrl: server.url, ...(name ? { name } : {}) },
        env: { DOPPLER_TOKEN: state.token },
      };
    },
  };
}
