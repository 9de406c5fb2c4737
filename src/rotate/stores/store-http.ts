import { StoreError } from '../../shared/errors.js';

/**
 * Shared pieces of the stores that speak HTTP (Vault, Doppler) or wrap an HTTP SDK (Azure): which
 * statuses are worth a retry, and fetch with a deadline. (Server text is made safe by scrub.ts.)
 */

/** 408, 429 and 5xx are worth a retry later; every other failure is permanent. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * fetch with an explicit timeout; a network failure or timeout becomes a transient StoreError that
 * names the store and the operation (the error text of undici holds no request body).
 */
export async function fetchWithTimeout(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  what: string,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new StoreError(`${what} timed out after ${timeoutMs} ms.`, { transient: true });
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new StoreError(`${what} failed: cannot reach the server${cause ? ` (${cause})` : ''}.`, {
      transient: true,
    });
  }
}
