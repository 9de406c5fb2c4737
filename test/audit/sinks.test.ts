import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/chain.js';
import { openAuditTrail } from '../../src/audit/open-trail.js';
import { tempDir } from '../helpers/git.js';

interface Received {
  auth: string | undefined;
  body: Record<string, unknown>;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!();
});

async function siem(respond: (req: IncomingMessage) => number | 'hang'): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString();
    });
    req.on('end', () => {
      got.push({ auth: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown> });
      const status = respond(req);
      if (status === 'hang') return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, got };
}

describe('audit sinks', () => {
  it('POSTs each event with the bearer token from the named variable', async () => {
    const { url, got } = await siem(() => 204);
    const dir = tempDir();
    const trail = openAuditTrail(
      { config: { audit: { http: { url, tokenEnv: 'KEYGUARD_AUDIT_TOKEN' } } }, dir },
      { env: { KEYGUARD_AUDIT_TOKEN: 'tok-123' } },
    );
    await trail.record({ action: 'RotationStarted', environment: 'prod', rotationId: 'r1' });
    expect(trail.warnings).toEqual([]);
    expect(got).toHaveLength(1);
    expect(got[0]!.auth).toBe('Bearer tok-123');
    expect(got[0]!.body).toMatchObject({ action: 'RotationStarted', environment: 'prod', seq: 1 });
  });

  it('keeps the event in the file and reports a failed or timed-out delivery', async () => {
    let calls = 0;
    const { url } = await siem(() => (++calls === 1 ? 503 : 'hang'));
    const dir = tempDir();
    const trail = openAuditTrail({ config: { audit: { http: { url, timeoutMs: 100 } } }, dir }, { env: {} });
    await trail.record({ action: 'RotationStarted' });
    await trail.record({ action: 'RotationFailed', outcome: 'failure' });
    expect(trail.warnings).toHaveLength(2);
    expect(trail.warnings[0]).toMatch(/event 1 \(RotationStarted\) was not delivered .*HTTP 503/);
    expect(trail.warnings[1]).toMatch(/timed out after 100 ms/);
    const text = readFileSync(join(dir, '.keyguard/audit.jsonl'), 'utf8');
    expect(verifyChain(text)).toMatchObject({ ok: true, events: 2 });
  });

  it('writes OCSF Entity Management Update events to stdout with --audit-format ocsf', async () => {
    const lines: string[] = [];
    const trail = openAuditTrail(
      { config: {}, dir: tempDir() },
      { env: {}, stdout: (l) => lines.push(l), format: 'ocsf' },
    );
    await trail.record({
      action: 'RotationSucceeded',
      environment: 'prod',
      rotationId: 'rot-1',
      oldKey: { hint: 'old-hint', fingerprint: 'a'.repeat(64), apiKeyId: 'apikey_old' },
      newKey: { hint: 'new-hint', fingerprint: 'b'.repeat(64), apiKeyId: 'apikey_new' },
    });
    const ocsf = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(ocsf).toMatchObject({
      class_uid: 3004,
      category_uid: 3,
      activity_id: 3,
      type_uid: 300403,
      status_id: 1,
      metadata: { version: '1.2.0', correlation_uid: 'rot-1', product: { name: 'keyguard' } },
      entity: { type: 'API Key', uid: 'apikey_old', name: 'old-hint' },
      entity_result: { type: 'API Key', uid: 'apikey_new' },
    });
    expect(typeof ocsf.time).toBe('number');
  });
});
