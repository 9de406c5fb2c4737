import { PREFIX } from '../../key/matcher.js';
import { encodedMarkers } from './decoders.js';

/**
 * Every literal the detector starts from: `sk-ant-` and its encoded forms. No detection is possible
 * in a stretch of bytes where none of them occurs, so a search for all of them at once decides
 * exactly whether the detector needs to run.
 */
export const MARKERS: readonly Buffer[] = [PREFIX, ...encodedMarkers()];
export const MIN_MARKER = Math.min(...MARKERS.map((m) => m.length));
export const MAX_MARKER = Math.max(...MARKERS.map((m) => m.length));

/**
 * The scalar search, used where WebAssembly SIMD is not available: Wu-Manber, a shift table over byte
 * pairs, one pass over the bytes (several times faster than one Buffer#indexOf per marker).
 */
const SHIFT = new Uint8Array(65536).fill(MIN_MARKER - 1);
for (const marker of MARKERS) {
  for (let j = 0; j < MIN_MARKER - 1; j++) {
    const pair = (marker[j]! << 8) | marker[j + 1]!;
    SHIFT[pair] = Math.min(SHIFT[pair]!, MIN_MARKER - 2 - j);
  }
}

/** True when a whole marker starts at buf[start] and ends by buf[end]. */
export function markerAt(buf: Uint8Array, start: number, end: number): boolean {
  for (const marker of MARKERS) {
    if (start + marker.length > end) continue;
    let k = 0;
    while (k < marker.length && buf[start + k] === marker[k]) k++;
    if (k === marker.length) return true;
  }
  return false;
}

/** True when a whole marker lies in buf[from, to). */
export function hasMarkerScalar(buf: Uint8Array, from = 0, to = buf.length): boolean {
  let i = from + MIN_MARKER - 1;
  while (i < to) {
    const shift = SHIFT[(buf[i - 1]! << 8) | buf[i]!]!;
    if (shift !== 0) {
      i += shift;
      continue;
    }
    if (markerAt(buf, i - MIN_MARKER + 1, to)) return true;
    i++;
  }
  return false;
}
