import type { VerifyResult } from '../anthropic/client.js';
import type { KeyguardConfig } from '../config/types.js';
import { RULES } from '../key/rules.js';
import { mapPool } from '../shared/pool.js';
import { type Finding, secretOf, type Verification } from './finding.js';

export interface VerifyOptions {
  env: Record<string, string | undefined>;
  config: KeyguardConfig;
}

/** A few at a time: enough to be quick, few enough not to trip the API's rate limits. */
const CONCURRENCY = 4;

const NOT_SENT_ACCOUNT: Verification = {
  status: 'unknown',
  detail: 'never sent: not verifiable without using the account',
};
const NOT_SENT_UNRECOGNIZED: Verification = { status: 'unknown', detail: 'never sent: unrecognized key kind' };

/** Map the client's answer onto the finding's three states: a 403 or 402 still proves the key works. */
export function toVerification(result: VerifyResult): Verification {
  if (result.status === 'forbidden') return { status: 'active', detail: `key authenticates; ${result.detail}` };
  return { status: result.status, detail: result.detail };
}

/** Tokens that act as a person's account: sending one anywhere would be using it. */
const ACCOUNT_RULES = new Set<string>([RULES.oauthToken.id, RULES.oauthRefreshToken.id, RULES.sessionKey.id]);

type Verifier = (key: string) => Promise<VerifyResult>;

/**
 * Check each unique found key against the Anthropic API, once per fingerprint however many times
 * it was found. API keys call GET /v1/models?limit=1, admin keys GET /v1/organizations/api_keys?limit=1.
 * OAuth tokens and session keys are never sent: using them acts as the account. Only the configured
 * base URL is contacted (anthropic.baseUrl, then ANTHROPIC_BASE_URL, then api.anthropic.com).
 */
export async function verifyFindings(findings: Finding[], options: VerifyOptions): Promise<void> {
  const unique = new Map<string, { rule: string; secret: string | undefined }>();
  for (const finding of findings) {
    if (!unique.has(finding.fingerprint))
      unique.set(finding.fingerprint, { rule: finding.rule, secret: secretOf(finding) });
  }
  const sendable = [...unique.values()].some((u) => u.rule === RULES.apiKey.id || u.rule === RULES.adminKey.id);
  // The SDK is loaded only when there is something to send.
  const client = sendable ? await import('../anthropic/client.js') : undefined;
  const clientOptions = {
    baseUrl: options.config.anthropic?.baseUrl,
    timeoutMs: options.config.anthropic?.timeoutMs,
    env: options.env,
  };
  const verifiers: Record<string, Verifier | undefined> = client
    ? {
        [RULES.apiKey.id]: (key) => client.verifyApiKey(key, clientOptions),
        [RULES.adminKey.id]: (key) => client.verifyAdminKey(key, clientOptions),
      }
    : {};
  const results = new Map<string, Verification>();
  await mapPool([...unique], CONCURRENCY, async ([fp, { rule, secret }]) => {
    const verify = verifiers[rule];
    if (!verify) {
      results.set(fp, ACCOUNT_RULES.has(rule) ? NOT_SENT_ACCOUNT : NOT_SENT_UNRECOGNIZED);
      return;
    }
    if (secret === undefined) {
      results.set(fp, { status: 'unknown', detail: 'key not available to verify' });
      return;
    }
    results.set(fp, toVerification(await verify(secret)));
  });
  for (const finding of findings) finding.verification = results.get(finding.fingerprint) ?? null;
}
