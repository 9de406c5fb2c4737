import { StoreError } from '../../shared/errors.js';

/** Anything that looks like an Anthropic credential, whether or not this run knows it. */
const KEY_SHAPED = /sk-ant-[A-Za-z0-9_-]{6,}/g;
const MAX_DETAIL = 300;

/**
 * Remove secrets from text that came from outside keyguard (SDK and server messages, a user's module).
 * Known values are cut out wherever they appear; unknown key-shaped tokens are cut too, because a
 * server may echo a request body keyguard never saw as a "secret" (a JSON document with a field).
 */
export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  out = out.replace(KEY_SHAPED, '[redacted]').replace(/\s+/g, ' ').trim();
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL)}…` : out;
}

/** The one-line StoreError every adapter throws: `<store>: <what> failed (<why>)`, scrubbed. */
export function storeError(
  store: string,
  what: string,
  detail: string,
  options: { transient: boolean; secrets?: readonly (string | undefined)[]; exitCode?: number },
): StoreError {
  const why = scrub(detail, options.secrets);
  return new StoreError(`${store}: ${what} failed${why ? ` (${why})` : ''}.`, {
    transient: options.transient,
    exitCode: options.exitCode,
  });
}

/** Node and undici network error codes: the request may not have reached the store, so retry is safe to try. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
