import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../src/audit/chain.js';
import { currentActor } from '../../src/audit/event.js';
import { AuditTrail } from '../../src/audit/trail.js';
import { makeKey } from '../../src/key/keygen.js';
import { connectRotation } from '../../src/rotate/connect.js';
import { rotate } from '../../src/rotate/engine.js';
import { finishRotation } from '../../src/rotate/finish.js';
import type { Clock } from '../../src/rotate/retry.js';
import { RotationRun } from '../../src/rotate/run.js';
import type { RotationDeps, RotationRequest } from '../../src/rotate/run-types.js';
import { readState } from '../../src/rotate/state.js';
import { KeyguardError, StoreError } from '../../src/shared/errors.js';
import { tempDir } from '../helpers/git.js';
import { MemoryStore } from './memory-store.js';
import { StubAnthropic } from './stub-anthropic.js';

/**
 * RotationRun phase by phase, and what engine.test.ts does not reach through rotate(): the stop
 * signal at a safe point, rotate --finish from the state file, and connectRotation.
 */
const noWait: Clock = { now: () => 0, random: () => 0.5, sleep: async () => {} };

function setup() {
  const dir = tempDir();
  const oldKey = makeKey();
  const newKey = makeKey();
  const anthropic = new StubAnthropic();
  const oldId = anthropic.add(oldKey, { workspaceId: 'wrkspc_A', name: 'old' });
  anthropic.add(newKey, { workspaceId: 'wrkspc_A', name: 'new' });
  const store = new MemoryStore(oldKey);
  const auditFile = join(dir, 'audit.jsonl');
  const logs: string[] = [];
  const deps = (extra: Partial<RotationDeps> = {}): RotationDeps => ({
    store,
    verifier: anthropic,
    admin: anthropic,
    trail: new AuditTrail(auditFile, currentActor({ USER: 'ops' })),
    stateDir: join(dir, 'state'),
    clock: noWait,
    retry: { attempts: 3, baseMs: 1, maxMs: 4, maxRetryAfterMs: 50 },
    log: (line) => logs.push(line),
    ...extra,
  });
  const run = (request: Partial<RotationRequest> = {}, extra: Partial<RotationDeps> = {}) =>
    new RotationRun({ environment: 'prod', newKey, ...request }, deps(extra));
  const actions = async () => (await readEvents(auditFile)).map((e) => e.action);
  return { dir, oldKey, newKey, oldId, anthropic, store, logs, deps, run, actions };
}

async function failureOf(promise: Promise<unknown>): Promise<KeyguardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyguardError);
  return error as KeyguardError;
}

describe('RotationRun, one phase at a time', () => {
  it('each phase records itself and leaves the run holding what the next one needs', async () => {
    const t = setup();
    const run = t.run();
    const current = await run.preflight();
    expect(current.version.id).toBe('v1');
    expect(run.oldRef.apiKeyId).toBe(t.oldId);
    expect(run.oldValue).toBe(t.oldKey);
    expect(run.state?.phase).toBe('started');
    await run.verify();
    expect(run.newRef.workspaceId).toBe('wrkspc_A');
    await run.stage();
    expect(run.staged?.id).toBe(run.rotationId);
    expect(t.store.current.value).toBe(t.oldKey);
    await run.promote();
    expect(t.store.current.value).toBe(t.newKey);
    await run.verifyAgain();
    expect(run.state?.phase).toBe('succeeded');
    expect(await run.finish()).toBe('inactive');
    expect(t.anthropic.status(t.oldId)).toBe('inactive');
    expect(await t.actions()).toEqual([
      'RotationStarted',
      'NewKeyVerified',
      'PendingWritten',
      'Promoted',
      'RotationSucceeded',
      'OldKeyDeactivated',
    ]);
  });

  it('rollback() puts the old key back and records it; reject() changes nothing', async () => {
    const t = setup();
    const run = t.run();
    await run.preflight();
    await run.verify();
    await run.stage();
    await run.promote();
    const rolledBack = await failureOf(run.rollback('a consumer reported errors'));
    expect(rolledBack.exitCode).toBe(6);
    expect(t.store.current.value).toBe(t.oldKey);
    expect((await readState(join(t.dir, 'state'), 'prod'))?.phase).toBe('rolled-back');

    const other = setup();
    const fresh = other.run();
    await fresh.preflight();
    const rejected = await failureOf(fresh.reject(3, 'a reason'));
    expect(rejected.exitCode).toBe(3);
    expect(rejected.message).toMatch(/was rejected: a reason; nothing was changed/);
    expect(await other.actions()).toEqual(['RotationStarted', 'RotationFailed']);
  });

  it('settle(): a staged version that cannot be dropped is reported, and the old key still served is exit 5', async () => {
    const t = setup();
    t.store.fail('abandon');
    const run = t.run();
    await run.preflight();
    await run.verify();
    await run.stage();
    const settled = await failureOf(run.settle(new StoreError('boom'), 'a later check failed'));
    expect(settled.exitCode).toBe(5);
    expect(t.logs.join('\n')).toMatch(/could not drop the staged version/);
  });
});

describe('RotationRun: a stop request lands at the next safe point', () => {
  it('before anything starts: nothing was changed, no state, exit 130 for SIGINT', async () => {
    const t = setup();
    const stop = new AbortController();
    stop.abort('SIGINT');
    const error = await failureOf(rotate({ environment: 'prod', newKey: t.newKey }, t.deps({ stop: stop.signal })));
    expect(error.exitCode).toBe(130);
    expect(error.message).toMatch(/before rotating prod; nothing was changed/);
    expect(t.store.calls).toEqual([]);
  });

  it('after a recorded phase: says where, and --resume continues (SIGTERM, exit 143)', async () => {
    const t = setup();
    const stop = new AbortController();
    const afterPhase = (phase: string) => {
      if (phase === 'staged') stop.abort('SIGTERM');
    };
    const error = await failureOf(
      rotate({ environment: 'prod', newKey: t.newKey }, t.deps({ stop: stop.signal, afterPhase })),
    );
    expect(error.exitCode).toBe(143);
    expect(error.message).toMatch(
      /after phase staged of rotation .* \(the store holds the new key .*\); run .* --resume/,
    );
    expect(t.store.current.value).toBe(t.oldKey);
    const resumed = await rotate({ environment: 'prod', newKey: t.newKey, resume: true }, t.deps());
    expect(resumed.phase).toBe('succeeded');
    expect(t.store.current.value).toBe(t.newKey);
  });
});

describe('finishRotation (rotate --finish) takes the same deps as a rotation', () => {
  it('refuses when nothing succeeded; after a success sets the old key inactive, retrying like a run', async () => {
    const t = setup();
    const nothing = await failureOf(finishRotation({ environment: 'prod', archive: false }, t.deps()));
    expect(nothing.message).toMatch(/nothing to finish for prod: it has no recorded rotation/);
    await rotate({ environment: 'prod', newKey: t.newKey }, t.deps());
    t.store.fail('readCurrent', { transient: true, times: 1 });
    const { state, status } = await finishRotation({ environment: 'prod', archive: false }, t.deps());
    expect(status).toBe('inactive');
    expect(state.oldKey.apiKeyId).toBe(t.oldId);
    expect(t.anthropic.status(t.oldId)).toBe('inactive');
    expect(t.logs.join('\n')).toMatch(/read the current secret: .*throttled.*; retry 1/);
    expect((await readState(join(t.dir, 'state'), 'prod'))?.phase).toBe('finished');
    expect((await t.actions()).at(-1)).toBe('OldKeyDeactivated');
  });
});

describe('connectRotation', () => {
  it('opens the environment store and the Anthropic clients; the admin client only with its variable', async () => {
    const dir = tempDir();
    const loaded = { config: { anthropic: { adminKeyEnv: 'MY_ADMIN' } }, dir };
    const store = { type: 'dotenv' as const, path: '.env' };
    const without = await connectRotation(loaded, store, { env: {}, timeoutMs: 1000 });
    expect(without).toMatchObject({ adminKeyEnv: 'MY_ADMIN', store: { type: 'dotenv', locator: '.env' } });
    expect(without.admin).toBeUndefined();
    const withAdmin = await connectRotation(loaded, store, { env: { MY_ADMIN: makeKey('admin01') }, timeoutMs: 1000 });
    expect(withAdmin.admin).toBeDefined();
    expect(typeof withAdmin.verifier.verify).toBe('function');
  });
});
