import { encodedMarkers } from '../detect/decoders.js';
import { PREFIX } from '../detect/matcher.js';

/**
 * The detector makes one literal search per marker (`sk-ant-` and ~20 encoded forms of it), about
 * 100 MB/s on source code. History scans a gigabyte, and almost every blob is clean, so each blob
 * first goes through this single-pass multi-literal search (Wu-Manber: a shift table over byte
 * pairs), several times faster. Only blobs where a marker occurs are handed to the detector; no
 * detection is possible without one, so the prefilter never loses a finding.
 */
const MARKERS: Buffer[] = [PREFIX, ...encodedMarkers()];
const MIN = Math.min(...MARKERS.map((m) => m.length));
export const MAX_MARKER = Math.max(...MARKERS.map((m) => m.length));

const SHIFT = new Uint8Array(65536).fill(MIN - 1);
for (const marker of MARKERS) {
  for (let j = 0; j < MIN - 1; j++) {
    const pair = (marker[j]! << 8) | marker[j + 1]!;
    SHIFT[pair] = Math.min(SHIFT[pair]!, MIN - 2 - j);
  }
}

function markerAt(buf: Uint8Array, start: number): boolean {
  for (const marker of MARKERS) {
    if (start + marker.length > buf.length) continue;
    let k = 0;
    while (k < marker.length && buf[start + k] === marker[k]) k++;
    if (k === marker.length) return true;
  }
  return false;
}

/** True when any detector marker occurs in buf. */
export function hasMarker(buf: Uint8Array): boolean {
  const n = buf.length;
  let i = MIN - 1;
  while (i < n) {
    const shift = SHIFT[(buf[i - 1]! << 8) | buf[i]!]!;
    if (shift !== 0) {
      i += shift;
      continue;
    }
    if (markerAt(buf, i - MIN + 1)) return true;
    i++;
  }
  return false;
}

/** hasMarker over a stream of chunks: keeps the last bytes of each chunk so no marker is cut. */
export class MarkerFilter {
  private tail: Buffer = Buffer.alloc(0);
  hit = false;

  push(chunk: Buffer): void {
    if (this.hit) return;
    if (this.tail.length > 0) {
      const seam = Buffer.concat([this.tail, chunk.subarray(0, MAX_MARKER - 1)]);
      if (hasMarker(seam)) {
        this.hit = true;
        return;
      }
    }
    if (hasMarker(chunk)) {
      this.hit = true;
      return;
    }
    const keep = Math.min(chunk.length, MAX_MARKER - 1);
    const tail = Buffer.concat([this.tail, chunk.subarray(chunk.length - keep)]);
    this.tail = Buffer.from(tail.subarray(Math.max(0, tail.length - (MAX_MARKER - 1))));
  }
}
