import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvents, verifyChain } from '../../src/audit/chain.js';
import { currentActor } from '../../src/audit/event.js';
import { AuditTrail } from '../../src/audit/trail.js';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey, makeToken } from '../../src/key/keygen.js';
import { Interrupted, type RotationDeps, type RotationRequest, rotate } from '../../src/rotate/engine.js';
import type { Clock } from '../../src/rotate/retry.js';
import { readState } from '../../src/rotate/state.js';
import { KeyguardError } from '../../src/shared/errors.js';
import { tempDir } from '../helpers/git.js';
import { MemoryStore } from './memory-store.js';
import { StubAnthropic } from './stub-anthropic.js';

const noWait: Clock & { slept: number[] } = {
  slept: [],
  now: () => 0,
  random: () => 0.5,
  async sleep(ms) {
    noWait.slept.push(ms);
  },
};

function setup(options: { staging?: boolean; admin?: boolean; newWorkspace?: string | null } = {}) {
  const dir = tempDir();
  const oldKey = makeKey();
  const newKey = makeKey();
  const anthropic = new StubAnthropic();
  const oldId = anthropic.add(oldKey, { workspaceId: 'wrkspc_A', name: 'prod old' });
  const newId = anthropic.add(newKey, {
    workspaceId: options.newWorkspace === undefined ? 'wrkspc_A' : options.newWorkspace,
    name: 'prod new',
  });
  const store = new MemoryStore(oldKey, { staging: options.staging ?? true });
  const auditFile = join(dir, 'audit.jsonl');
  const stateDir = join(dir, 'state');
  const logs: string[] = [];
  const trail = () => new AuditTrail(auditFile, currentActor({ USER: 'ops' }));
  const deps = (extra: Partial<RotationDeps> = {}): RotationDeps => ({
    store,
    verifier: anthropic,
    ...(options.admin === false ? {} : { admin: anthropic }),
    trail: trail(),
    stateDir,
    clock: noWait,
    retry: { attempts: 3, baseMs: 1, maxMs: 4, maxRetryAfterMs: 50 },
    log: (l) => logs.push(l),
    ...extra,
  });
  const go = async (req: Partial<RotationRequest> = {}, extra: Partial<RotationDeps> = {}) => {
    try {
      const result = await rotate({ environment: 'prod', newKey, ...req }, deps(extra));
      return { code: 0, result, message: '' };
    } catch (error) {
      if (error instanceof Interrupted) return { code: -1, message: 'interrupted' };
      if (!(error instanceof KeyguardError)) throw error;
      return { code: error.exitCode, message: [error.message, ...error.details].join('\n') };
    }
  };
  const actions = async () => (await readEvents(auditFile)).map((e) => e.action);
  /** The invariants every run keeps: a verifying chain, and no key in any file or line it wrote. */
  const invariants = (message = '') => {
    const files = [auditFile, ...readdirSafe(stateDir).map((f) => join(stateDir, f))];
    const texts = [...files.map((f) => readFileSafe(f)), logs.join('\n'), message];
    for (const text of texts) {
      expect(text).not.toContain(oldKey);
      expect(text).not.toContain(newKey);
    }
    expect(verifyChain(readFileSafe(auditFile)).ok).toBe(true);
  };
  return { dir, oldKey, newKey, oldId, newId, anthropic, store, stateDir, auditFile, logs, go, actions, invariants };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('rotate: happy path', () => {
  it('stages, reads back, promotes, verifies; old key stays active until --deactivate-old', async () => {
    const t = setup();
    const run = await t.go();
    expect(run.code).toBe(0);
    expect(t.store.current.value).toBe(t.newKey);
    expect(t.anthropic.status(t.oldId)).toBe('active');
    expect(await t.actions()).toEqual([
      'RotationStarted',
      'NewKeyVerified',
      'PendingWritten',
      'Promoted',
      'RotationSucceeded',
    ]);
    const events = await readEvents(t.auditFile);
    expect(events.at(-1)).toMatchObject({
      environment: 'prod',
      oldKey: { apiKeyId: t.oldId, fingerprint: fingerprint(t.oldKey) },
      newKey: { apiKeyId: t.newId, fingerprint: fingerprint(t.newKey) },
      store: { type: 'module', locator: 'memory://prod/anthropic' },
    });
    const state = await readState(t.stateDir, 'prod');
    expect(state).toMatchObject({ phase: 'succeeded', previousVersion: { id: 'v1' }, oldKey: { apiKeyId: t.oldId } });
    expect(statSync(join(t.stateDir, 'prod.json')).mode & 0o777).toBe(0o600);
    expect(readdirSafe(t.stateDir)).toEqual(['prod.json']);
    t.invariants();
  });

  it('--deactivate-old sets the old key inactive, never archived', async () => {
    const t = setup();
    const run = await t.go({ deactivateOld: true });
    expect(run.code).toBe(0);
    expect(t.anthropic.status(t.oldId)).toBe('inactive');
    expect((await t.actions()).at(-1)).toBe('OldKeyDeactivated');
    expect((await readState(t.stateDir, 'prod'))?.phase).toBe('finished');
    expect(t.store.versions.find((v) => v.id === 'v1')!.labels).toContain('DISABLED');
    t.invariants();
  });

  it('a store that cannot retire the old version does not undo the finished rotation', async () => {
    const t = setup();
    t.store.fail('retire');
    const run = await t.go({ deactivateOld: true });
    expect(run.code).toBe(0);
    expect(t.anthropic.status(t.oldId)).toBe('inactive');
    expect(t.logs.join('\n')).toMatch(/could not retire old version v1/);
    t.invariants();
  });

  it('--deactivate-old without an admin key is refused before anything changes; an Admin API failure after success says so', async () => {
    const noAdmin = setup({ admin: false });
    const refused = await noAdmin.go({ deactivateOld: true });
    expect(refused).toMatchObject({ code: 2, message: expect.stringMatching(/needs an Admin API key/) });
    expect(noAdmin.store.calls).toEqual([]);
    const t = setup();
    t.anthropic.setStatus = async () => {
      throw new Error('Admin API update failed: API error (500)');
    };
    const run = await t.go({ deactivateOld: true });
    expect(run.code).toBe(2);
    expect(run.message).toMatch(/prod was rotated .* but the old key was not deactivated: .*--finish/);
    expect(t.store.current.value).toBe(t.newKey);
    expect(t.anthropic.status(t.oldId)).toBe('active');
    t.invariants(run.message);
  });

  it('an audit log that cannot be written stops the rotation before any change', async () => {
    const t = setup();
    mkdirSync(t.auditFile);
    const run = await t.go({}, { trail: new AuditTrail(t.auditFile, currentActor({})) });
    expect(run.code).toBe(2);
    expect(run.message).toMatch(/cannot write the audit log/);
    expect(t.store.calls).not.toContain('stage');
    expect(t.store.current.value).toBe(t.oldKey);
  });

  it('--dry-run reads and verifies but writes nothing (no store write, state or audit)', async () => {
    const t = setup();
    const run = await t.go({ dryRun: true });
    expect(run).toMatchObject({ code: 0, result: { phase: 'verified', dryRun: true } });
    expect(t.store.calls).not.toContain('stage');
    expect(t.store.current.value).toBe(t.oldKey);
    expect(readdirSafe(t.stateDir)).toEqual([]);
    expect(readFileSafe(t.auditFile)).toBe('');
  });
});

describe('rotate: the new key is rejected (exit 3), nothing changes', () => {
  it.each([
    [
      '401 from the API',
      (t: ReturnType<typeof setup>) => t.anthropic.answer({ status: 'inactive', httpStatus: 401 }),
      /refused/,
    ],
    [
      '403 from the API',
      (t: ReturnType<typeof setup>) => t.anthropic.answer({ status: 'forbidden', httpStatus: 403 }),
      /not allowed/,
    ],
  ])('%s', async (_name, arrange, pattern) => {
    const t = setup();
    arrange(t);
    const run = await t.go();
    expect(run.code).toBe(3);
    expect(run.message).toMatch(pattern);
    expect(t.store.calls).not.toContain('stage');
    expect(t.store.current.value).toBe(t.oldKey);
    expect(t.anthropic.status(t.oldId)).toBe('active');
    expect(await t.actions()).toEqual(['RotationStarted', 'RotationFailed']);
    t.invariants(run.message);
  });

  it('a malformed key, an admin key, or the same key', async () => {
    for (const [key, pattern] of [
      [makeToken('api03', 40), /not a well-formed/],
      [makeKey('admin01'), /Admin API key/],
    ] as const) {
      const t = setup();
      const run = await t.go({ newKey: key });
      expect(run.code).toBe(3);
      expect(run.message).toMatch(pattern);
      expect(run.message).not.toContain(key);
    }
    const t = setup();
    const run = await t.go({ newKey: t.oldKey });
    expect(run).toMatchObject({ code: 3, message: expect.stringMatching(/already holds/) });
    t.invariants(run.message);
  });

  it('a key of another workspace', async () => {
    const t = setup({ newWorkspace: 'wrkspc_B' });
    const run = await t.go();
    expect(run.code).toBe(3);
    expect(run.message).toMatch(/workspace wrkspc_B, the old key to wrkspc_A/);
    expect(t.store.current.value).toBe(t.oldKey);
  });
});

describe('rotate: transient errors', () => {
  it('429 with retry-after, then success: waits as told and succeeds', async () => {
    const t = setup();
    noWait.slept.length = 0;
    t.anthropic.answer({ status: 'unknown', httpStatus: 429, transient: true, retryAfterSeconds: 0.007 });
    const run = await t.go();
    expect(run.code).toBe(0);
    expect(noWait.slept).toEqual([7]);
    expect(t.store.current.value).toBe(t.newKey);
    t.invariants();
  });

  it('529 until the retries run out: exit 4, nothing changed', async () => {
    const t = setup();
    const overloaded = { status: 'unknown' as const, httpStatus: 529, transient: true, detail: 'overloaded' };
    t.anthropic.answer(overloaded, overloaded, overloaded, overloaded);
    const run = await t.go();
    expect(run.code).toBe(4);
    expect(t.anthropic.verifyCalls).toBe(3);
    expect(t.store.calls).not.toContain('stage');
    expect(t.store.current.value).toBe(t.oldKey);
    expect(await t.actions()).toEqual(['RotationStarted', 'RotationFailed']);
    t.invariants(run.message);
  });

  it('a throttled store write is retried', async () => {
    const t = setup();
    t.store.fail('stage', { transient: true, times: 2 });
    const run = await t.go();
    expect(run.code).toBe(0);
    expect(t.store.calls.filter((c) => c === 'stage')).toHaveLength(3);
  });
});

describe('rotate: store failures', () => {
  it('the write fails: exit 5, the store still serves the old key', async () => {
    const t = setup();
    t.store.fail('stage');
    const run = await t.go();
    expect(run.code).toBe(5);
    expect(t.store.current.value).toBe(t.oldKey);
    expect(await t.actions()).toEqual(['RotationStarted', 'NewKeyVerified', 'RotationFailed']);
    t.invariants(run.message);
  });

  it('the read-back differs: the pending version is dropped, exit 5', async () => {
    const t = setup();
    t.store.corruptReadBack = true;
    const run = await t.go();
    expect(run.code).toBe(5);
    expect(run.message).toMatch(/read-back/);
    expect(t.store.calls).toContain('abandon');
    expect(t.store.versions.some((v) => v.labels.includes('PENDING'))).toBe(false);
    expect(t.store.current.value).toBe(t.oldKey);
    t.invariants(run.message);
  });

  it('promote fails before taking effect: exit 5, nothing changed', async () => {
    const t = setup();
    t.store.fail('promote');
    const run = await t.go();
    expect(run.code).toBe(5);
    expect(t.store.current.value).toBe(t.oldKey);
    expect(t.anthropic.status(t.oldId)).toBe('active');
    t.invariants(run.message);
  });

  it('promote took effect but answered an error: rolled back, exit 6', async () => {
    const t = setup();
    t.store.fail('promote', { afterEffect: true });
    const run = await t.go();
    expect(run.code).toBe(6);
    expect(t.store.current.value).toBe(t.oldKey);
    expect((await t.actions()).at(-1)).toBe('RotationRolledBack');
    t.invariants(run.message);
  });

  it('a store without staging whose read-back differs is rolled back (exit 6)', async () => {
    const t = setup({ staging: false });
    t.store.fail('readVersion', { times: 1 });
    const run = await t.go();
    expect(run.code).toBe(6);
    expect(t.store.current.value).toBe(t.oldKey);
    t.invariants(run.message);
  });
});

describe('rotate: after promotion', () => {
  it('the post-verify live check fails: rolled back to the old key, exit 6', async () => {
    const t = setup();
    t.anthropic.answer({ status: 'active' }, { status: 'inactive', httpStatus: 401 });
    const run = await t.go();
    expect(run.code).toBe(6);
    expect(t.store.current.value).toBe(t.oldKey);
    expect(t.anthropic.status(t.oldId)).toBe('active');
    expect(await t.actions()).toEqual([
      'RotationStarted',
      'NewKeyVerified',
      'PendingWritten',
      'Promoted',
      'RotationRolledBack',
    ]);
    expect((await readState(t.stateDir, 'prod'))?.phase).toBe('rolled-back');
    t.invariants(run.message);
  });

  it('the store serves something else after promotion: rolled back, exit 6', async () => {
    const t = setup();
    t.store.servedAfterPromote = makeKey();
    const run = await t.go();
    expect(run.code).toBe(6);
    expect(run.message).toMatch(/not the new key/);
    expect(t.store.current.id).toBe('v1');
  });

  it('the rollback fails too: exit 7 with manual steps', async () => {
    const t = setup();
    t.anthropic.answer({ status: 'active' }, { status: 'inactive', httpStatus: 401 });
    t.store.fail('rollback');
    const run = await t.go();
    expect(run.code).toBe(7);
    expect(run.message).toMatch(/Manual steps/);
    expect(run.message).toMatch(/1\. Put the old key/);
    expect((await t.actions()).at(-1)).toBe('RollbackFailed');
    expect(t.anthropic.status(t.oldId)).toBe('active');
    t.invariants(run.message);
  });
});

describe('rotate: interruption and concurrency', () => {
  it('killed between stage and promote, then --resume finishes without staging twice', async () => {
    const t = setup();
    const first = await t.go(
      {},
      {
        afterPhase: (phase) => {
          if (phase === 'staged') throw new Interrupted();
        },
      },
    );
    expect(first.code).toBe(-1);
    expect(t.store.current.value).toBe(t.oldKey);
    expect((await readState(t.stateDir, 'prod'))?.phase).toBe('staged');

    const refused = await t.go();
    expect(refused.code).toBe(2);
    expect(refused.message).toMatch(/--resume/);

    const wrongKey = await t.go({ resume: true, newKey: makeKey() });
    expect(wrongKey.code).toBe(2);

    t.store.calls.length = 0;
    const resumed = await t.go({ resume: true });
    expect(resumed.code).toBe(0);
    expect(t.store.calls).not.toContain('stage');
    expect(t.store.current.value).toBe(t.newKey);
    expect(await t.actions()).toEqual([
      'RotationStarted',
      'NewKeyVerified',
      'PendingWritten',
      'Promoted',
      'RotationSucceeded',
    ]);
    t.invariants();
  });

  it('killed after promotion on a store without staging: --resume still verifies and can roll back', async () => {
    const t = setup({ staging: false });
    await t.go(
      {},
      {
        afterPhase: (phase) => {
          if (phase === 'promoted') throw new Interrupted();
        },
      },
    );
    t.anthropic.answer({ status: 'inactive', httpStatus: 401 });
    const resumed = await t.go({ resume: true });
    expect(resumed.code).toBe(6);
    expect(t.store.current.value).toBe(t.oldKey);
    t.invariants(resumed.message);
  });

  it('a second rotation while one runs is refused (exit 2) naming the holder', async () => {
    const t = setup();
    let second: Awaited<ReturnType<typeof t.go>> | undefined;
    const first = await t.go(
      {},
      {
        afterPhase: async (phase) => {
          if (phase === 'verified') second = await t.go();
        },
      },
    );
    expect(first.code).toBe(0);
    expect(second?.code).toBe(2);
    expect(second?.message).toMatch(new RegExp(`pid ${process.pid} on .* \\(rotate prod\\)`));
    expect(t.store.current.value).toBe(t.newKey);
    t.invariants();
  });
});
