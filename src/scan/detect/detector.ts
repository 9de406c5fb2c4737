import { findKeys, PREFIX } from '../../key/matcher.js';
import type { Rule } from '../../key/rules.js';
import { findEncodedRuns } from './decoders.js';

/** A key in a buffer: the byte range to report (the encoded text when it was encoded). */
export interface Detection {
  start: number;
  end: number;
  secret: string;
  rule: Rule;
  encoding?: string;
}

/** Encodings inside encodings (a base64 .env file inside a base64 Secret) are followed this deep. */
const MAX_DEPTH = 3;

function detectDecoded(decoded: Buffer, depth: number): Array<Omit<Detection, 'start' | 'end'>> {
  const found: Array<Omit<Detection, 'start' | 'end'>> = findKeys(decoded).map(({ secret, rule }) => ({
    secret,
    rule,
  }));
  if (depth < MAX_DEPTH) {
    for (const run of findEncodedRuns(decoded)) {
      for (const inner of detectDecoded(run.decoded, depth + 1)) found.push(inner);
    }
  }
  return found;
}

/**
 * Every key in buf whose text starts in [from, to): plain keys first, then keys inside encoded runs
 * (base64, URL-encoding, JSON escapes). A key that is both plain and encoded in the same place is
 * reported once.
 */
export function detect(buf: Buffer, from = 0, to = buf.length): Detection[] {
  const detections: Detection[] = findKeys(buf, from, to);
  for (const run of findEncodedRuns(buf, from, to)) {
    for (const inner of detectDecoded(run.decoded, 1)) {
      const duplicate = detections.some((d) => d.secret === inner.secret && d.start >= run.start && d.start < run.end);
      if (!duplicate) detections.push({ ...inner, start: run.start, end: run.end, encoding: run.encoding });
    }
  }
  // The same key can surface through several alignments of one base64 run.
  const unique = new Map<string, Detection>();
  for (const d of detections) {
    const id = `${d.start}:${d.secret}`;
    if (!unique.has(id)) unique.set(id, d);
  }
  return [...unique.values()].sort((a, b) => a.start - b.start);
}

/** Cheap test: could this buffer hold a key at all? Used to skip work on clean input. */
export function mayContainKey(buf: Buffer): boolean {
  return buf.indexOf(PREFIX) !== -1 || findEncodedRuns(buf).length > 0;
}
