import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, AnthropicApiError, verifyAdminKey, verifyApiKey } from '../../src/anthropic/client.js';
import { hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';

let fake: FakeAnthropic;
const options = () => ({ baseUrl: fake.url, timeoutMs: 2000, maxRetries: 0 });

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());

describe('verifyApiKey (real SDK against the fake API)', () => {
  it('reports an active key as active, sending the key as a bearer token', async () => {
    const key = makeKey();
    fake.addKey(key);
    const result = await verifyApiKey(key, options());
    expect(result).toMatchObject({ status: 'active', httpStatus: 200, transient: false });
    const last = fake.requests.at(-1)!;
    expect(last.path).toBe('/v1/models?limit=1');
    expect(last.auth).toBe('bearer');
    expect(last.keyHint).toBe(hint(key));
  });

  it('maps 401 to inactive, 403 to forbidden, 429/529/5xx to unknown and transient', async () => {
    const key = makeKey();
    expect((await verifyApiKey(key, options())).status).toBe('inactive');
    fake.addKey(key);
    const cases: Array<[number, string, boolean]> = [
      [403, 'forbidden', false],
      [429, 'unknown', true],
      [529, 'unknown', true],
      [500, 'unknown', true],
    ];
    for (const [status, expected, transient] of cases) {
      fake.failNext('/v1/models', status);
      const result = await verifyApiKey(key, options());
      expect(result, String(status)).toMatchObject({ status: expected, transient, httpStatus: status });
    }
  });

  it('reads retry-after and retries once when allowed', async () => {
    const key = makeKey();
    fake.addKey(key);
    fake.failNext('/v1/models', 429, { headers: { 'retry-after': '0' } });
    expect((await verifyApiKey(key, { ...options(), maxRetries: 1 })).status).toBe('active');
    fake.failNext('/v1/models', 429, { headers: { 'retry-after': '7', 'x-should-retry': 'false' } });
    expect(await verifyApiKey(key, options())).toMatchObject({ status: 'unknown', retryAfterSeconds: 7 });
  });

  it('gives unknown on a timeout and on a closed port', async () => {
    const key = makeKey();
    fake.addKey(key);
    fake.failNext('/v1/models', 200, { delayMs: 1500 });
    expect(await verifyApiKey(key, { ...options(), timeoutMs: 200 })).toMatchObject({
      status: 'unknown',
      transient: true,
    });
    expect(await verifyApiKey(key, { baseUrl: 'http://127.0.0.1:9', timeoutMs: 500, maxRetries: 0 })).toMatchObject({
      status: 'unknown',
      transient: true,
    });
  });

  it('honours ANTHROPIC_BASE_URL from the given environment', async () => {
    const key = makeKey();
    fake.addKey(key);
    expect((await verifyApiKey(key, { env: { ANTHROPIC_BASE_URL: fake.url }, maxRetries: 0 })).status).toBe('active');
  });
});

describe('AdminClient', () => {
  it('verifies admin keys, finds keys by hint and deactivates them', async () => {
    const admin = makeKey('admin01');
    fake.addKey(admin, { admin: true });
    expect((await verifyAdminKey(admin, options())).status).toBe('active');
    const leaked = makeKey();
    const id = fake.addKey(leaked, { name: 'ci key', workspaceId: 'wrkspc_ci' });
    const client = new AdminClient(admin, options());
    const [found, ...rest] = await client.findByHint(hint(leaked));
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ id, name: 'ci key', status: 'active', workspaceId: 'wrkspc_ci', hint: hint(leaked) });
    expect((await client.setStatus(id, 'inactive')).status).toBe('inactive');
    expect(fake.key(id)!.status).toBe('inactive');
    expect((await verifyApiKey(leaked, options())).status).toBe('inactive');
  });

  it('pages through long key lists', async () => {
    const admin = makeKey('admin01');
    fake.addKey(admin, { admin: true });
    for (let i = 0; i < 130; i++) fake.addKey(makeKey(), { workspaceId: 'wrkspc_big' });
    const keys = await new AdminClient(admin, options()).listKeys({ workspaceId: 'wrkspc_big' });
    expect(keys).toHaveLength(130);
  });

  it('throws AnthropicApiError without the key in the message', async () => {
    const admin = makeKey('admin01');
    const client = new AdminClient(admin, options());
    const error = await client.listKeys().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect((error as AnthropicApiError).status).toBe(401);
    expect((error as Error).message).not.toContain(admin);
  });
});
