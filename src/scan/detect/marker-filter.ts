import { hasMarkerIn } from './marker-search.js';
import { MAX_MARKER } from './markers.js';

export { MAX_MARKER };

/** True when any detector marker occurs in buf. */
export function hasMarker(buf: Uint8Array): boolean {
  return hasMarkerIn(buf, 0, buf.length);
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
