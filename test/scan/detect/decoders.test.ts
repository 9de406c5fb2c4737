import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { scanBuffer } from '../../../src/scan/content.js';

const scan = (text: string) => scanBuffer(Buffer.from(text), { path: 't' }).findings;
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('encoded keys', () => {
  it('finds keys in base64 at each of the three alignments', () => {
    for (const prefix of ['', '=', '==', ':::', 'ANTHROPIC_API_KEY=']) {
      const key = makeKey();
      const found = scan(`data: ${b64(prefix + key)}\n`);
      expect(
        found.map((f) => f.fingerprint),
        prefix,
      ).toEqual([fingerprint(key)]);
      expect(found[0]!.encoding).toBe('base64');
    }
  });

  it('finds keys in base64url', () => {
    const key = makeKey('oat01');
    const encoded = Buffer.from(`token:${key}`).toString('base64url');
    expect(scan(encoded).map((f) => f.fingerprint)).toEqual([fingerprint(key)]);
  });

  it('reports the location of the encoded text in a Kubernetes Secret', () => {
    const key = makeKey();
    const manifest = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: anthropic',
      'data:',
      `  ANTHROPIC_API_KEY: ${b64(key)}`,
      '',
    ].join('\n');
    const [finding] = scan(manifest);
    expect(finding).toMatchObject({ rule: 'anthropic-api-key', line: 6, column: 22, fingerprint: fingerprint(key) });
  });

  it('finds a key in a basic-auth header', () => {
    const key = makeKey();
    expect(scan(`Authorization: Basic ${b64(`user:${key}`)}`).map((f) => f.fingerprint)).toEqual([fingerprint(key)]);
  });

  it('finds a key in a base64 .env inside a base64 value (nested)', () => {
    const key = makeKey('admin01');
    expect(scan(`blob: ${b64(`ENV_FILE=${b64(`ANTHROPIC_ADMIN_KEY=${key}\n`)}`)}`).map((f) => f.rule)).toEqual([
      'anthropic-admin-key',
    ]);
  });

  it('finds URL-encoded keys', () => {
    const key = makeKey();
    const encoded = encodeURIComponent(`key=${key}`).replaceAll('-', '%2D');
    const [finding] = scan(`GET /x?q=${encoded} HTTP/1.1`);
    expect(finding).toMatchObject({ fingerprint: fingerprint(key), encoding: 'url' });
  });

  it('finds JSON-escaped keys', () => {
    const key = makeKey();
    const escaped = key.replaceAll('-', '\\u002d');
    expect(scan(`{"k":"${escaped}"}`).map((f) => f.fingerprint)).toEqual([fingerprint(key)]);
  });

  it('does not report a plain key twice when it is also inside base64-like text', () => {
    const key = makeKey();
    expect(scan(`x ${key} y`)).toHaveLength(1);
  });

  it('ignores encoded keys glued to text once decoded', () => {
    const key = makeKey();
    expect(scan(b64(`abc${key}`))).toHaveLength(0);
  });
});
