import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The common part of the fake HTTP servers (Azure Key Vault, Vault, Doppler): bind 127.0.0.1:0,
 * record every request, and let a test inject failures per route. Each fake maps a request to a
 * route name and answers it from its own in-memory state.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  route: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface InjectedFailure {
  status: number;
  times: number;
}

export interface FakeServer<R extends string> {
  url: string;
  requests: RecordedRequest[];
  /** The next `times` requests to `route` answer `status` (a body and headers fitting the protocol when omitted). */
  failNext(route: R, status: number, times?: number): void;
  /** The next request that reaches `route` gets no answer at all until the server closes (a hang). */
  hangNext(route: R): void;
  close(): Promise<void>;
}

export async function startHttpFake<R extends string>(
  routeOf: (method: string, path: string, query: URLSearchParams) => R | 'unknown',
  handle: (request: RecordedRequest) => FakeReply,
  failureReply: (route: R, status: number) => FakeReply,
  /** Runs before failure injection: an auth handshake (Azure's 401 challenge) is not a failure. */
  gate?: (request: RecordedRequest) => FakeReply | undefined,
): Promise<FakeServer<R>> {
  const failures = new Map<R, InjectedFailure>();
  const hangs = new Set<R>();
  const hanging: ServerResponse[] = [];
  const requests: RecordedRequest[] = [];

  function answer(request: RecordedRequest): FakeReply {
    const gated = gate?.(request);
    if (gated) return gated;
    if (request.route === 'unknown') {
      return { status: 404, body: { error: `no route ${request.method} ${request.path}` } };
    }
    const route = request.route as R;
    const failure = failures.get(route);
    if (!failure) return handle(request);
    if (--failure.times <= 0) failures.delete(route);
    return { ...failureReply(route, failure.status), status: failure.status };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const route = routeOf(method, url.pathname, url.searchParams);
      const request: RecordedRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        route,
      };
      requests.push(request);
      if (route !== 'unknown' && hangs.has(route) && !gate?.(request)) {
        hangs.delete(route);
        hanging.push(res);
        return;
      }
      const reply = answer(request);
      const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        ...(text ? { 'content-type': 'application/json' } : {}),
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(route, status, times = 1) {
      failures.set(route, { status, times });
    },
    hangNext(route) {
      hangs.add(route);
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
