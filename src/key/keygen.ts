import { randomBytes } from 'node:crypto';
import { BODY_ALPHABET, FIXED_BODY, FIXED_SUFFIX, isFixedKind, KEY_PREFIX, type KeyKind } from './format.js';
import { isPlaceholderBody } from './placeholders.js';

/**
 * Key-shaped strings built at run time, for tests, fixtures, the demo and the benchmark. The
 * repository never holds a literal key: hosting platforms block pushes that contain one, and the
 * project scans itself.
 */
export type { KeyKind } from './format.js';

/** Random base64url text of `length` characters (from a seed when given, for repeatable data). */
export function randomBody(length: number, seed?: () => number): string {
  let out = '';
  const bytes = seed ? undefined : randomBytes(length);
  for (let i = 0; i < length; i++) {
    const n = seed ? Math.floor(seed() * 64) : bytes![i]! & 63;
    out += BODY_ALPHABET[n];
  }
  return out;
}

/** A small deterministic PRNG (mulberry32) for reproducible fixtures and benchmarks. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A well-formed credential of the given kind (API and admin keys: 93 characters + `AA`). */
export function makeKey(kind: KeyKind = 'api03', seed?: () => number): string {
  for (;;) {
    const body = isFixedKind(kind)
      ? randomBody(FIXED_BODY - FIXED_SUFFIX.length, seed) + FIXED_SUFFIX
      : randomBody(FIXED_BODY, seed);
    if (!isPlaceholderBody(body)) return `${KEY_PREFIX}${kind}-${body}`;
  }
}

/** A token of any kind and body length, for negative cases (`makeToken('api03', 60)`). */
export function makeToken(kind: string, bodyLength: number, suffix = '', seed?: () => number): string {
  for (;;) {
    const body = randomBody(bodyLength, seed) + suffix;
    if (!isPlaceholderBody(body)) return `${KEY_PREFIX}${kind}-${body}`;
  }
}
