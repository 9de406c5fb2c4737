import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  type Clock,
  judgeError,
  parseRetryAfter,
  RetriesExhausted,
  withRetry,
} from '../../src/rotate/retry.js';
import { StoreError } from '../../src/shared/errors.js';

const policy = { attempts: 4, baseMs: 100, maxMs: 350, maxRetryAfterMs: 1000 };

function clock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => 0, random: () => 1, sleep: async (ms) => void slept.push(ms) };
}

describe('retry', () => {
  it('backs off exponentially with jitter up to the cap', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(policy, a, () => 1))).toEqual([100, 200, 350, 350]);
    expect([1, 2, 3].map((a) => backoffDelay(policy, a, () => 0))).toEqual([50, 100, 175]);
  });

  it('honours retry-after, capped', () => {
    expect(backoffDelay(policy, 1, () => 1, 700)).toBe(700);
    expect(backoffDelay(policy, 1, () => 1, 90_000)).toBe(1000);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('retries transient errors until success, and gives up after the attempts', async () => {
    const c = clock();
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw new StoreError('throttled', { transient: true });
        return 'ok';
      },
      judgeError,
      { policy, clock: c },
    );
    expect(value).toBe('ok');
    expect(c.slept).toEqual([100, 200]);
    const always = withRetry(
      async () => {
        throw new StoreError('down', { transient: true });
      },
      judgeError,
      { policy, clock: clock() },
    );
    await expect(always).rejects.toBeInstanceOf(RetriesExhausted);
    await expect(always).rejects.toMatchObject({ attempts: 4 });
  });

  it('never retries a non-transient error', async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new StoreError('denied');
      },
      judgeError,
      { policy, clock: clock() },
    );
    await expect(failing).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});
