import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/chain.js';
import type { StoreConfig } from '../../src/config/types.js';
import { makeKey } from '../../src/key/keygen.js';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';
import {
  awsFixture,
  azureFixture,
  dopplerFixture,
  gcpFixture,
  startFakeAws,
  startFakeAzure,
  startFakeDoppler,
  startFakeGcp,
  startFakeVault,
  vaultFixture,
} from '../servers/index.js';

/**
 * One end-to-end rotation per store: the real bin, the store's real client against its fake server,
 * the fake Anthropic API; the new key on stdin; --deactivate-old in the same run.
 */
let api: FakeAnthropic;
let adminKey: string;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  api = await startFakeAnthropic();
  adminKey = makeKey('admin01');
  api.addKey(adminKey, { admin: true });
});
afterEach(async () => {
  await api.close();
  while (closers.length) await closers.pop()!();
});

interface Rotated {
  dir: string;
  oldKey: string;
  newKey: string;
  oldId: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function rotateThrough(
  store: StoreConfig,
  storeEnv: Record<string, string>,
  seed: (oldKey: string, dir: string) => void | Promise<void>,
  extraArgs: string[] = ['--deactivate-old'],
): Promise<Rotated> {
  const dir = tempDir();
  const oldKey = makeKey();
  const newKey = makeKey();
  const oldId = api.addKey(oldKey, { workspaceId: 'wrkspc_prod' });
  api.addKey(newKey, { workspaceId: 'wrkspc_prod' });
  await seed(oldKey, dir);
  writeFileSync(join(dir, 'keyguard.config.json'), JSON.stringify({ environments: { prod: { store } } }));
  const res = await spawnCli(['rotate', '--env', 'prod', ...extraArgs], {
    cwd: dir,
    input: `${newKey}\n`,
    // The project's own config points the stores at the fakes: the user trusts it.
    env: { ...storeEnv, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_ADMIN_API_KEY: adminKey, KEYGUARD_TRUST_CONFIG: '1' },
  });
  return { dir, oldKey, newKey, oldId, ...res };
}

/** The audit chain verifies, and no output or file keyguard wrote holds either key. */
function checkTrail(r: Rotated, actions: string[]): void {
  const log = readFileSync(join(r.dir, '.keyguard', 'audit.jsonl'), 'utf8');
  expect(verifyChain(log).ok).toBe(true);
  expect(
    log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).action),
  ).toEqual(actions);
  const stateDir = join(r.dir, '.keyguard', 'state');
  const texts = [r.stdout, r.stderr, log, ...readdirSync(stateDir).map((f) => readFileSync(join(stateDir, f), 'utf8'))];
  for (const text of texts) {
    expect(text).not.toContain(r.oldKey);
    expect(text).not.toContain(r.newKey);
  }
}

const SUCCESS = [
  'RotationStarted',
  'NewKeyVerified',
  'PendingWritten',
  'Promoted',
  'RotationSucceeded',
  'OldKeyDeactivated',
];

describe('keyguard rotate through each store (real bin, fake servers)', () => {
  it('aws: AWSPENDING, then AWSCURRENT; the old version becomes AWSPREVIOUS', async () => {
    const aws = await startFakeAws();
    closers.push(() => aws.close());
    const fixture = awsFixture(aws, 'prod/anthropic', { field: 'ANTHROPIC_API_KEY' });
    const r = await rotateThrough(fixture.config, fixture.env, (oldKey) => {
      aws.createSecret('prod/anthropic', JSON.stringify({ ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' }));
    });
    expect(r.stderr).toMatch(/promoted/);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(aws.valueOf('prod/anthropic')!)).toEqual({ ANTHROPIC_API_KEY: r.newKey, OTHER: 'kept' });
    expect(JSON.parse(aws.valueOf('prod/anthropic', 'AWSPREVIOUS')!).ANTHROPIC_API_KEY).toBe(r.oldKey);
    expect(Object.values(aws.stagesOf('prod/anthropic')).flat()).not.toContain('AWSPENDING');
    expect(api.key(r.oldId)?.status).toBe('inactive');
    checkTrail(r, SUCCESS);
  });

  it('aws: a refused write is exit 5, AWSCURRENT untouched, the old key still active', async () => {
    const aws = await startFakeAws();
    closers.push(() => aws.close());
    const fixture = awsFixture(aws, 'prod/anthropic');
    aws.failNext('PutSecretValue', { status: 400, type: 'InvalidRequestException', message: 'denied by policy' });
    const r = await rotateThrough(fixture.config, fixture.env, (oldKey) => {
      aws.createSecret('prod/anthropic', oldKey);
    });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/still serves the old key, nothing changed/);
    expect(aws.valueOf('prod/anthropic')).toBe(r.oldKey);
    expect(api.key(r.oldId)?.status).toBe('active');
    checkTrail(r, ['RotationStarted', 'NewKeyVerified', 'RotationFailed']);
  });

  it('aws: killed between stage and promote, then --resume promotes the same AWSPENDING version', async () => {
    const aws = await startFakeAws();
    closers.push(() => aws.close());
    const fixture = awsFixture(aws, 'prod/anthropic');
    const dir = tempDir();
    const oldKey = makeKey();
    const newKey = makeKey();
    const oldId = api.addKey(oldKey);
    api.addKey(newKey);
    aws.createSecret('prod/anthropic', oldKey);
    writeFileSync(
      join(dir, 'keyguard.config.json'),
      JSON.stringify({ environments: { prod: { store: fixture.config } } }),
    );
    const { openStore } = await import('../../src/rotate/stores/index.js');
    const { connectAnthropic } = await import('../../src/rotate/connect.js');
    const { openAuditTrail } = await import('../../src/audit/open-trail.js');
    const { Interrupted, rotate } = await import('../../src/rotate/engine.js');
    const env = { ...fixture.env, ANTHROPIC_BASE_URL: api.url, ANTHROPIC_ADMIN_API_KEY: adminKey };
    const anthropic = await connectAnthropic({}, env);
    const killed = rotate(
      { environment: 'prod', newKey },
      {
        store: await openStore(fixture.config, { ...fixture.context, configDir: dir }),
        verifier: anthropic.verifier,
        ...(anthropic.admin ? { admin: anthropic.admin } : {}),
        trail: openAuditTrail({ config: {}, dir }, { env: {} }),
        stateDir: join(dir, '.keyguard', 'state'),
        afterPhase: (phase) => {
          if (phase === 'staged') throw new Interrupted();
        },
      },
    );
    await expect(killed).rejects.toBeInstanceOf(Interrupted);
    expect(aws.valueOf('prod/anthropic')).toBe(oldKey);
    expect(aws.valueOf('prod/anthropic', 'AWSPENDING')).toBe(newKey);
    const puts = () => aws.requests.filter((q) => q.operation === 'PutSecretValue').length;
    expect(puts()).toBe(1);
    const resumed = await spawnCli(['rotate', '--env', 'prod', '--resume'], { cwd: dir, env, input: newKey });
    expect(resumed.stderr).toMatch(/resuming rotation/);
    expect(resumed.exitCode).toBe(0);
    expect(puts()).toBe(1);
    expect(aws.valueOf('prod/anthropic')).toBe(newKey);
    expect(Object.values(aws.stagesOf('prod/anthropic')).flat()).not.toContain('AWSPENDING');
    expect(api.key(oldId)?.status).toBe('active');
    checkTrail({ dir, oldKey, newKey, oldId, ...resumed }, SUCCESS.slice(0, -1));
  });

  it('gcp: a new version over gRPC, read back, served as latest', async () => {
    const gcp = await startFakeGcp();
    closers.push(() => gcp.close());
    let name = '';
    const r = await rotateThrough(
      { type: 'gcp', secret: `projects/${gcp.project}/secrets/anthropic` },
      gcpFixture(gcp, `projects/${gcp.project}/secrets/anthropic`).env,
      (oldKey) => {
        name = gcp.createSecret('anthropic', oldKey);
      },
    );
    expect(r.stderr).toMatch(/promoted/);
    expect(r.exitCode).toBe(0);
    expect(gcp.valueOf(name)).toBe(r.newKey);
    expect(api.key(r.oldId)?.status).toBe('inactive');
    checkTrail(r, SUCCESS);
  });

  it("module: the user's own adapter (the shipped example JSON-file store)", async () => {
    const example = join(import.meta.dirname, '..', '..', 'examples', 'stores', 'json-file-store.js');
    let secrets = '';
    const r = await rotateThrough(
      { type: 'module', path: './json-file-store.js', options: { file: 'secrets.json' } },
      {},
      (oldKey, dir) => {
        copyFileSync(example, join(dir, 'json-file-store.js'));
        secrets = join(dir, 'secrets.json');
        writeFileSync(secrets, JSON.stringify({ versions: { v1: oldKey }, labels: { current: 'v1' } }), {
          mode: 0o600,
        });
      },
    );
    expect(r.stderr).toMatch(/promoted/);
    expect(r.exitCode).toBe(0);
    const data = JSON.parse(readFileSync(secrets, 'utf8'));
    expect(data.versions[data.labels.current]).toBe(r.newKey);
    expect(api.key(r.oldId)?.status).toBe('inactive');
    checkTrail(r, SUCCESS);
  });

  it('azure: a new Key Vault secret version through the real SDK (bearer challenge)', async () => {
    const azure = await startFakeAzure();
    closers.push(() => azure.close());
    const fixture = azureFixture(azure, 'anthropic-api-key');
    const r = await rotateThrough(fixture.config, fixture.env, (oldKey) => {
      azure.put('anthropic-api-key', oldKey);
    });
    expect(r.stderr).toMatch(/promoted/);
    expect(r.exitCode).toBe(0);
    expect(azure.current('anthropic-api-key')?.value).toBe(r.newKey);
    expect(api.key(r.oldId)?.status).toBe('inactive');
    checkTrail(r, SUCCESS);
  });

  it('vault: a new KV v2 version', async () => {
    const vault = await startFakeVault();
    closers.push(() => vault.close());
    const fixture = vaultFixture(vault, 'prod/anthropic');
    const r = await rotateThrough(fixture.config, fixture.env, (oldKey) => {
      vault.put('prod/anthropic', { ANTHROPIC_API_KEY: oldKey, OTHER: 'kept' });
    });
    expect(r.stderr).toMatch(/promoted/);
    expect(r.exitCode).toBe(0);
    expect(vault.current('prod/anthropic')).toEqual({ ANTHROPIC_API_KEY: r.newKey, OTHER: 'kept' });
    expect(api.key(r.oldId)?.status).toBe('inactive');
    checkTrail(r, SUCCESS);
  });

  it('doppler: the secret of a config, updated over REST', async () => {
    const doppler = await startFakeDoppler();
    closers.push(() => doppler.close());
    const fixture = dopplerFixture(doppler, 'backend', 'prd');
    const r = await rotateThrough(fixture.config, fixture.env, (oldKey) => {
      doppler.put('backend', 'prd', 'ANTHROPIC_API_KEY', oldKey);
    });
    expect(r.stderr).toMatch(/promoted/);
    expect(r.exitCode).toBe(0);
    expect(doppler.raw('backend', 'prd', 'ANTHROPIC_API_KEY')).toBe(r.newKey);
    expect(api.key(r.oldId)?.status).toBe('inactive');
    checkTrail(r, SUCCESS);
  });
});
