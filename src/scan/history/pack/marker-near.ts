import { hasMarkerIn } from '../../detect/marker-search.js';
import { MAX_MARKER } from '../prefilter.js';

/** Whether a marker overlaps any fresh range: the only places a delta of a marker-free base can have one. */
export function markerNear(content: Buffer, ranges: number[]): boolean {
  const reach = MAX_MARKER - 1;
  let i = 0;
  while (i < ranges.length) {
    const start = Math.max(0, ranges[i]! - reach);
    let end = Math.min(content.length, ranges[i + 1]! + reach);
    i += 2;
    while (i < ranges.length && ranges[i]! - reach <= end) {
      end = Math.min(content.length, ranges[i + 1]! + reach);
      i += 2;
    }
    if (hasMarkerIn(content, start, end)) return true;
  }
  return false;
}
