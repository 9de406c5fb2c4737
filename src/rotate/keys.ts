import { fingerprint, hint } from '../key/fingerprint.js';
import { findKeys } from '../key/matcher.js';
import { RULES } from '../key/rules.js';
import type { KeyRef } from './state.js';

export function keyRef(key: string, apiKeyId: string | null = null, workspaceId?: string | null): KeyRef {
  return {
    hint: hint(key),
    fingerprint: fingerprint(key),
    apiKeyId,
    ...(workspaceId !== undefined ? { workspaceId } : {}),
  };
}

/** The audit shape of a key reference (no workspace: it lives in the Console record). */
export function auditRef(
  ref: KeyRef | undefined,
): { hint: string; fingerprint: string; apiKeyId: string | null } | null {
  return ref ? { hint: ref.hint, fingerprint: ref.fingerprint, apiKeyId: ref.apiKeyId } : null;
}

/**
 * Why a value is not a usable API key (the detector's own rules: one whole sk-ant-api03- token), or
 * undefined when it is one.
 */
export function malformedReason(value: string): string | undefined {
  const matches = findKeys(Buffer.from(value, 'utf8'));
  const whole = matches.length === 1 && matches[0]!.start === 0 && matches[0]!.secret === value;
  if (whole && matches[0]!.rule.id === RULES.apiKey.id) return undefined;
  if (whole && matches[0]!.rule.id === RULES.adminKey.id) {
    return 'it is an Admin API key (sk-ant-admin01-…); applications need a normal API key (sk-ant-api03-…)';
  }
  if (whole && matches[0]!.rule.id !== RULES.unrecognized.id) {
    return `it is not an API key (sk-ant-api03-…) but another credential: ${matches[0]!.rule.title}`;
  }
  return 'it is not a well-formed Anthropic API key (sk-ant-api03- followed by 95 characters ending in AA)';
}
