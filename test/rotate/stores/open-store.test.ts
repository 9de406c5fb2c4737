import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { openStore } from '../../../src/rotate/stores/index.js';
import { ConfigError } from '../../../src/shared/errors.js';
import { importOptional } from '../../../src/shared/import-optional.js';
import { tempDir } from '../../helpers/git.js';
import {
  awsFixture,
  type FakeAws,
  type FakeGcp,
  gcpFixture,
  startFakeAws,
  startFakeGcp,
  storeContext,
} from '../../servers/index.js';

let aws: FakeAws;
let gcp: FakeGcp;
beforeAll(async () => {
  [aws, gcp] = await Promise.all([startFakeAws(), startFakeGcp()]);
});
afterAll(async () => {
  await Promise.all([aws.close(), gcp.close()]);
});

describe('openStore', () => {
  it('opens each store built here from its config, as the rotation engine will', async () => {
    const key = makeKey();
    aws.createSecret('open/aws', key);
    const gcpName = gcp.createSecret('open-gcp', key);
    const dir = tempDir('keyguard-open-');
    writeFileSync(join(dir, '.env'), `ANTHROPIC_API_KEY=${key}\n`);
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ versions: { v1: key }, labels: { current: 'v1' } }));
    const a = awsFixture(aws, 'open/aws');
    const g = gcpFixture(gcp, gcpName);
    const opened = [
      await openStore(a.config, a.context),
      await openStore(g.config, g.context),
      await openStore({ type: 'dotenv', path: '.env' }, storeContext({}, dir)),
      await openStore(
        { type: 'module', path: resolve('examples/stores/json-file-store.js'), options: { file: 'secrets.json' } },
        storeContext({}, dir),
      ),
    ];
    expect(opened.map((s) => s.type)).toEqual(['aws', 'gcp', 'dotenv', 'module']);
    for (const store of opened) expect((await store.readCurrent()).value).toBe(key);
  });

  it('names the package to install when a store SDK is missing', async () => {
    const error = await importOptional('@google-cloud/not-installed-here', 'gcp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'the gcp store needs the package @google-cloud/not-installed-here: run npm install @google-cloud/not-installed-here',
    );
  });
});
