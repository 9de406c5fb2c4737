import { describe, expect, it } from 'vitest';
import { sealEvent } from '../../src/audit/event.js';
import { fingerprint, hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { environmentStatus, formatStatusText, maxAgeFor } from '../../src/rotate/status.js';
import { MemoryStore } from './memory-store.js';
import { StubAnthropic } from './stub-anthropic.js';

const now = new Date('2026-03-01T00:00:00Z');
const actor = { user: 'ops', host: 'h', ci: null };
const env = { store: { type: 'module' as const, path: './x.js' } };

describe('rotate status', () => {
  it('policy defaults by name', () => {
    expect(maxAgeFor('prod', env)).toEqual({ days: 30, source: 'default' });
    expect(maxAgeFor('staging', env)).toEqual({ days: 60, source: 'default' });
    expect(maxAgeFor('dev', env)).toEqual({ days: 90, source: 'default' });
    expect(maxAgeFor('qa', env)).toEqual({ days: 90, source: 'default' });
    expect(maxAgeFor('prod', { ...env, maxAgeDays: 7 })).toEqual({ days: 7, source: 'config' });
  });

  it('prefers the Console created_at, then the last rotation of this very key, then the store date', async () => {
    const key = makeKey();
    const store = new MemoryStore(key); // version date 2026-01-01
    const anthropic = new StubAnthropic();
    anthropic.add(key); // created 2026-01-01
    anthropic.keys.values().next().value!.createdAt = '2026-02-20T00:00:00Z';
    const rotated = sealEvent(
      {
        action: 'RotationSucceeded',
        environment: 'prod',
        newKey: { hint: hint(key), fingerprint: fingerprint(key), apiKeyId: null },
      },
      undefined,
      actor,
      new Date('2026-02-10T00:00:00Z'),
    );
    const other = sealEvent(
      {
        action: 'RotationSucceeded',
        environment: 'prod',
        newKey: { hint: 'x', fingerprint: 'f'.repeat(64), apiKeyId: null },
      },
      rotated,
      actor,
      new Date('2026-02-25T00:00:00Z'),
    );
    const deps = { openStore: async () => store, events: [rotated, other], now };
    expect(await environmentStatus('prod', env, { ...deps, admin: anthropic })).toMatchObject({
      ageSource: 'admin-api',
      ageDays: 9,
      overdue: false,
    });
    expect(await environmentStatus('prod', env, deps)).toMatchObject({
      ageSource: 'audit-log',
      ageDays: 19,
      overdue: false,
    });
    const fromStore = await environmentStatus('prod', env, { ...deps, events: [] });
    expect(fromStore).toMatchObject({ ageSource: 'store-version', ageDays: 59, maxAgeDays: 30, overdue: true });
    const text = formatStatusText([fromStore]);
    expect(text).toMatch(/prod\s+sk-ant-api03-\S+\s+59d\s+30d\*\s+OVERDUE\s+store version date/);
    expect(text).not.toContain(key);
  });

  it('a store that cannot be read is reported, with no age', async () => {
    const store = new MemoryStore(makeKey()).fail('readCurrent');
    const row = await environmentStatus('prod', env, { openStore: async () => store, events: [], now });
    expect(row).toMatchObject({
      key: null,
      ageDays: null,
      overdue: false,
      error: expect.stringMatching(/readCurrent failed/),
    });
    expect(formatStatusText([row])).toMatch(/prod .* error/);
  });
});
