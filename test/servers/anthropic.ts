import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hint } from '../../src/key/fingerprint.js';

/**
 * A fake Anthropic API on 127.0.0.1: GET /v1/models, and the Admin API's
 * GET/POST /v1/organizations/api_keys[/{id}]. Accepts the key as `x-api-key` (SDK 0.x, curl) or
 * `Authorization: Bearer` (SDK 1.x). Keeps state and can inject failures.
 */
export interface FakeKey {
  id: string;
  secret: string;
  name: string;
  status: 'active' | 'inactive' | 'archived' | 'expired';
  workspaceId: string | null;
  createdAt: string;
  createdBy: string | null;
  admin: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Which header carried the key. */
  auth: 'x-api-key' | 'bearer' | 'none';
  /** Fingerprint-free view: the hint of the key used, never the key. */
  keyHint?: string;
  body?: unknown;
}

interface Fault {
  pathPrefix: string;
  status: number;
  times: number;
  headers?: Record<string, string>;
  delayMs?: number;
  body?: unknown;
}

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  addKey(secret: string, options?: Partial<Omit<FakeKey, 'id' | 'secret'>>): string;
  key(id: string): FakeKey | undefined;
  keyBySecret(secret: string): FakeKey | undefined;
  failNext(
    pathPrefix: string,
    status: number,
    options?: { times?: number; headers?: Record<string, string>; delayMs?: number; body?: unknown },
  ): void;
  /**
   * Hold the next request under `pathPrefix`: `arrived` resolves when it comes in, and it is answered
   * normally once `release()` is called (to act, e.g. send a signal, while a call is in flight).
   */
  holdNext(pathPrefix: string): { arrived: Promise<void>; release: () => void };
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const requestId = `req_${randomBytes(8).toString('hex')}`;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  send(res, status, { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }, headers);
}

function publicKey(key: FakeKey) {
  return {
    id: key.id,
    type: 'api_key',
    name: key.name,
    status: key.status,
    created_at: key.createdAt,
    created_by: key.createdBy ? { id: key.createdBy, type: 'user' } : null,
    expires_at: null,
    partial_key_hint: hint(key.secret),
    principal: null,
    scope: key.workspaceId ? { type: 'workspace', workspace_id: key.workspaceId } : { type: 'organization' },
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const keys = new Map<string, FakeKey>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const holds: Array<{ pathPrefix: string; arrive: () => void; released: Promise<void> }> = [];
  let counter = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const xApiKey = req.headers['x-api-key'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const secret = (typeof xApiKey === 'string' ? xApiKey : undefined) ?? bearer;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      auth: xApiKey ? 'x-api-key' : bearer ? 'bearer' : 'none',
      keyHint: secret ? hint(secret) : undefined,
      body,
    });
    const held = holds.findIndex((h) => url.pathname.startsWith(h.pathPrefix));
    if (held >= 0) {
      const [hold] = holds.splice(held, 1);
      hold!.arrive();
      await hold!.released;
    }
    const fault = faults.find((f) => url.pathname.startsWith(f.pathPrefix) && f.times > 0);
    if (fault) {
      fault.times--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.body !== undefined) send(res, fault.status, fault.body, fault.headers);
      else sendError(res, fault.status, `injected ${fault.status}`, fault.headers);
      return;
    }
    const caller = secret ? [...keys.values()].find((k) => k.secret === secret) : undefined;
    if (caller?.status !== 'active') {
      sendError(res, 401, 'invalid x-api-key');
      return;
    }
    if (url.pathname === '/v1/models' && req.method === 'GET') {
      if (caller.admin) {
        sendError(res, 403, 'admin keys cannot call this endpoint');
        return;
      }
      send(res, 200, {
        data: [
          {
            id: 'claude-sonnet-4-5',
            type: 'model',
            display_name: 'Claude Sonnet 4.5',
            created_at: '2025-09-29T00:00:00Z',
          },
        ],
        has_more: false,
        first_id: 'claude-sonnet-4-5',
        last_id: 'claude-sonnet-4-5',
      });
      return;
    }
    if (url.pathname.startsWith('/v1/organizations/api_keys')) {
      if (!caller.admin) {
        sendError(res, 403, 'this endpoint needs an admin key');
        return;
      }
      const id = url.pathname.split('/')[4];
      if (!id && req.method === 'GET') {
        const status = url.searchParams.get('status');
        const workspace = url.searchParams.get('workspace_id');
        const limit = Number(url.searchParams.get('limit') ?? 20);
        const after = url.searchParams.get('after_id');
        let list = [...keys.values()].filter(
          (k) => !k.admin && (!status || k.status === status) && (!workspace || k.workspaceId === workspace),
        );
        if (after) list = list.slice(list.findIndex((k) => k.id === after) + 1);
        const page = list.slice(0, limit);
        send(res, 200, {
          data: page.map(publicKey),
          has_more: list.length > page.length,
          first_id: page[0]?.id ?? null,
          last_id: page.at(-1)?.id ?? null,
        });
        return;
      }
      const target = id ? keys.get(id) : undefined;
      if (!target || target.admin) {
        sendError(res, 404, 'api key not found');
        return;
      }
      if (req.method === 'GET') {
        send(res, 200, publicKey(target));
        return;
      }
      if (req.method === 'POST') {
        const update = (body ?? {}) as { status?: FakeKey['status']; name?: string };
        if (target.status === 'archived') {
          sendError(res, 400, 'archived keys cannot be changed');
          return;
        }
        if (update.status) target.status = update.status;
        if (update.name) target.name = update.name;
        send(res, 200, publicKey(target));
        return;
      }
    }
    sendError(res, 404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addKey(secret, options = {}) {
      const id = `apikey_${String(++counter).padStart(2, '0')}${randomBytes(6).toString('hex')}`;
      keys.set(id, {
        id,
        secret,
        name: options.name ?? `key ${counter}`,
        status: options.status ?? 'active',
        workspaceId: options.workspaceId === undefined ? 'wrkspc_default' : options.workspaceId,
        createdAt: options.createdAt ?? '2026-01-01T00:00:00Z',
        createdBy: options.createdBy === undefined ? 'user_01' : options.createdBy,
        admin: options.admin ?? false,
      });
      return id;
    },
    key: (id) => keys.get(id),
    keyBySecret: (secret) => [...keys.values()].find((k) => k.secret === secret),
    holdNext(pathPrefix) {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((r) => {
        arrive = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      holds.push({ pathPrefix, arrive, released });
      return { arrived, release };
    },
    failNext(pathPrefix, status, options = {}) {
      faults.push({
        pathPrefix,
        status,
        times: options.times ?? 1,
        headers: options.headers,
        delayMs: options.delayMs,
        body: options.body,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
