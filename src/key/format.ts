/**
 * The shape of an Anthropic credential, written once: `sk-ant-<kind>-<body>`. The detector's rules,
 * `keyguard check`'s diagnosis and the test-key generator all read it from here.
 */
export const KEY_PREFIX = 'sk-ant-';

/** Kinds with a published fixed shape: 93 base64url characters and the suffix `AA`. */
export const FIXED_KINDS = ['api03', 'admin01'] as const;
/** Kinds whose base64url body length is not published (OAuth access/refresh tokens, session keys). */
export const VARIABLE_KINDS = ['oat01', 'ort01', 'sid01'] as const;
export type KeyKind = (typeof FIXED_KINDS)[number] | (typeof VARIABLE_KINDS)[number];

export const FIXED_SUFFIX = 'AA';
/** Body length of a fixed kind, suffix included. */
export const FIXED_BODY = 95;
/** Shortest body of a variable kind taken as a credential (observed bodies are about 95). */
export const MIN_VARIABLE_BODY = 40;
/** Shortest body worth a look as an unrecognized or truncated credential. */
export const MIN_UNRECOGNIZED_BODY = 24;
/** Longer bodies are not credentials: the token is glued to something else. */
export const MAX_BODY = 256;
/** The body alphabet: base64url. */
export const BODY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function isFixedKind(kind: string): kind is (typeof FIXED_KINDS)[number] {
  return (FIXED_KINDS as readonly string[]).includes(kind);
}

/** Length of a whole key of a fixed kind (108 for api03, 110 for admin01). */
export function fixedKeyLength(kind: (typeof FIXED_KINDS)[number]): number {
  return KEY_PREFIX.length + kind.length + 1 + FIXED_BODY;
}
