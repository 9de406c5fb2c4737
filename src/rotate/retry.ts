/**
 * Bounded retries with exponential backoff and full jitter, for transient errors only (429, 529,
 * 5xx, throttling, network). A `retry-after` the server sent wins over the computed delay, capped
 * so a hostile header cannot park the CLI. The clock is injectable so tests run with no waiting.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Longest retry-after honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8000, maxRetryAfterMs: 60_000 };

/** How a failure is judged: transient or not, and the server's retry-after when it gave one. */
export interface RetryVerdict {
  transient: boolean;
  retryAfterMs?: number;
}

export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly last: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${last instanceof Error ? last.message : String(last)}`);
  }
}

export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Run `fn` until it succeeds, fails with a non-transient error (rethrown as is), or the attempts
 * run out on transient errors (RetriesExhausted, carrying the last error).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  judge: (error: unknown) => RetryVerdict,
  options: {
    policy?: RetryPolicy;
    clock?: Clock;
    onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const clock = options.clock ?? realClock;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const verdict = judge(error);
      if (!verdict.transient) throw error;
      if (attempt >= policy.attempts) throw new RetriesExhausted(attempt, error);
      const delay = backoffDelay(policy, attempt, clock.random, verdict.retryAfterMs);
      options.onRetry?.(attempt, delay, error);
      await clock.sleep(delay);
    }
  }
}

/** Parse a retry-after header: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A transient error's verdict from the common shapes: StoreError/AnthropicApiError `transient`, `retryAfterMs`. */
export function judgeError(error: unknown): RetryVerdict {
  if (typeof error !== 'object' || error === null) return { transient: false };
  const e = error as { transient?: unknown; retryAfterMs?: unknown };
  return {
    transient: e.transient === true,
    ...(typeof e.retryAfterMs === 'number' ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}
