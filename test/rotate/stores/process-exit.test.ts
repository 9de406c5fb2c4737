import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { type FakeAws, startFakeAws } from '../../servers/aws.js';
import { type FakeGcp, startFakeGcp } from '../../servers/gcp.js';
import { awsFixture, gcpFixture, type StoreFixture } from '../../servers/index.js';

/**
 * The CLI never calls process.exit(): after a rotation it must end on its own, so a store may not leave
 * a socket, gRPC channel or timer holding the event loop. Runs the built dist/ (npm test builds first).
 */
const STORES = join(import.meta.dirname, '..', '..', '..', 'dist', 'rotate', 'stores', 'index.js');
const SCRIPT = `
const { openStore } = await import(process.env.STORES);
const store = await openStore(JSON.parse(process.env.STORE_CONFIG), { env: process.env, configDir: process.cwd(), timeoutMs: 5000 });
const { value } = await store.readCurrent();
process.stdout.write(String(value.length));
`;

function runChild(
  fixture: StoreFixture,
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      env: {
        PATH: process.env.PATH,
        ...fixture.env,
        STORES,
        STORE_CONFIG: JSON.stringify(fixture.config),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

let aws: FakeAws;
let gcp: FakeGcp;
beforeAll(async () => {
  [aws, gcp] = await Promise.all([startFakeAws(), startFakeGcp()]);
});
afterAll(async () => {
  await Promise.all([aws.close(), gcp.close()]);
});

describe('a process that used a store', () => {
  it('ends on its own after the aws store', async () => {
    const key = makeKey();
    aws.createSecret('exit/aws', key);
    const result = await runChild(awsFixture(aws, 'exit/aws'));
    expect(result).toEqual({ code: 0, signal: null, out: String(key.length), err: '' });
  });

  // An empty stderr also shows google-auth-library never probed the metadata server (MetadataLookupWarning).
  it('ends on its own after the gcp store', async () => {
    const key = makeKey();
    const name = gcp.createSecret('exit-gcp', key);
    const result = await runChild(gcpFixture(gcp, name));
    expect(result).toEqual({ code: 0, signal: null, out: String(key.length), err: '' });
  });
});
