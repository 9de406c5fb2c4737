import {
  FIXED_BODY,
  type FIXED_KINDS,
  FIXED_SUFFIX,
  MAX_BODY,
  MIN_UNRECOGNIZED_BODY,
  MIN_VARIABLE_BODY,
  type VARIABLE_KINDS,
} from './format.js';
import type { Severity } from './severity.js';

/**
 * The Anthropic credential rules (and keyguard-config-weakened, found by --range, not by the matcher). Classification happens after the matcher has cut a whole token
 * `sk-ant-<kind>-<body>` out of the input; rules only judge the kind and the body.
 */
export interface Rule {
  id: string;
  severity: Severity;
  title: string;
  description: string;
  /** What to do about a finding; shown in SARIF help and text reports. */
  remediation: string;
}

export const RULES = {
  apiKey: {
    id: 'anthropic-api-key',
    severity: 'critical',
    title: 'Anthropic API key',
    description: 'An Anthropic API key (sk-ant-api03-…): anyone holding it can call the API on your bill.',
    remediation:
      'Deactivate the key in the Claude Console (Settings → API Keys), create a new one, rotate it into your secrets store (keyguard rotate), and keep keys out of source files.',
  },
  adminKey: {
    id: 'anthropic-admin-key',
    severity: 'critical',
    title: 'Anthropic Admin API key',
    description:
      'An Anthropic Admin API key (sk-ant-admin01-…): it can manage the organization, its members, workspaces and API keys.',
    remediation:
      'Deactivate the admin key in the Claude Console immediately, review organization changes made with it, and issue a new one to the people who need it.',
  },
  oauthToken: {
    id: 'anthropic-oauth-token',
    severity: 'high',
    title: 'Anthropic OAuth access token',
    description:
      'An Anthropic OAuth access token (sk-ant-oat01-…), e.g. from `claude setup-token`; it acts as the account.',
    remediation:
      'Log out of the session that issued the token (or revoke it in the account settings) and issue a new one.',
  },
  oauthRefreshToken: {
    id: 'anthropic-oauth-refresh-token',
    severity: 'high',
    title: 'Anthropic OAuth refresh token',
    description: 'An Anthropic OAuth refresh token (sk-ant-ort01-…): it mints new access tokens for the account.',
    remediation: 'Log out of the session that issued the token so the refresh token is revoked, then sign in again.',
  },
  sessionKey: {
    id: 'anthropic-session-key',
    severity: 'high',
    title: 'claude.ai session key',
    description: 'A claude.ai session cookie (sk-ant-sid01-…): it signs the browser session in as the user.',
    remediation: 'Log out of claude.ai on every device (this ends the session) and remove the cookie from the file.',
  },
  unrecognized: {
    id: 'anthropic-key-unrecognized',
    severity: 'medium',
    title: 'Unrecognized Anthropic credential',
    description:
      'A token shaped like an Anthropic credential of an unknown kind or a truncated key (sk-ant-<kind><NN>-…).',
    remediation: 'Check whether this is a real credential; if it is, revoke it and remove it from the file.',
  },
  configWeakened: {
    id: 'keyguard-config-weakened',
    severity: 'medium',
    title: 'keyguard detection weakened',
    description:
      'A change in the scanned range edits keyguard.config.json, adds baseline entries or adds a keyguard:allow comment: it can hide findings from this very scan.',
    remediation:
      'Review the change: make sure the excluded paths, accepted fingerprints or allowed lines hold no real credential. Run CI with config-from-base so a pull request cannot change its own scan.',
  },
} as const satisfies Record<string, Rule>;

export const ALL_RULES: readonly Rule[] = Object.values(RULES);

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.id === id);
}

/** Which rule each known kind falls under (shapes in format.ts). */
const FIXED: Record<string, Rule> = {
  api03: RULES.apiKey,
  admin01: RULES.adminKey,
} satisfies Record<(typeof FIXED_KINDS)[number], Rule>;
const VARIABLE: Record<string, Rule> = {
  oat01: RULES.oauthToken,
  ort01: RULES.oauthRefreshToken,
  sid01: RULES.sessionKey,
} satisfies Record<(typeof VARIABLE_KINDS)[number], Rule>;

/**
 * Which rule a whole token `sk-ant-<kind>-<body>` falls under, or undefined when it is not a
 * credential. A fixed-length kind that is too long or has the wrong suffix is glued text, not a key;
 * one that is too short is a truncated key and still worth a look.
 */
export function classify(kind: string, body: string): Rule | undefined {
  if (body.length > MAX_BODY) return undefined;
  const fixed = FIXED[kind];
  if (fixed) {
    if (body.length === FIXED_BODY) return body.endsWith(FIXED_SUFFIX) ? fixed : undefined;
    return body.length >= MIN_UNRECOGNIZED_BODY && body.length < FIXED_BODY ? RULES.unrecognized : undefined;
  }
  const variable = VARIABLE[kind];
  if (variable) {
    if (body.length >= MIN_VARIABLE_BODY) return variable;
    return body.length >= MIN_UNRECOGNIZED_BODY ? RULES.unrecognized : undefined;
  }
  return body.length >= MIN_UNRECOGNIZED_BODY ? RULES.unrecognized : undefined;
}
