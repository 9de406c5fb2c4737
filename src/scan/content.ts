import { fingerprint, hint } from '../key/fingerprint.js';
import { MAX_ENCODED_RUN } from './detect/decoders.js';
import { detect } from './detect/detector.js';
import { hasMarkerIn } from './detect/marker-search.js';
import { MAX_MARKER } from './detect/markers.js';
import { attachSecret, type Finding } from './finding.js';

export const ALLOW_MARKER = 'keyguard:allow';
const NEWLINE = 0x0a;
/** Bytes kept after the scanned part of a window, so a key or encoded run is never cut. */
const AHEAD = MAX_ENCODED_RUN + 1024;
/** Bytes kept before it, for left boundaries, base64 runs and the start of the line. */
const BEHIND = MAX_ENCODED_RUN + 1024;

/** Where findings from one piece of content are reported. */
export interface ContentLocation {
  path: string;
  commit?: string | null;
  author?: string | null;
  date?: string | null;
  reachability?: string[];
}

export interface ContentResult {
  findings: Finding[];
  /** Findings dropped by an inline `keyguard:allow`. */
  allowed: number;
  bytes: number;
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let count = 0;
  let at = buf.indexOf(NEWLINE, from);
  while (at !== -1 && at < to) {
    count++;
    at = buf.indexOf(NEWLINE, at + 1);
  }
  return count;
}

/**
 * Scans one piece of content fed in chunks of any size, with memory bounded by the chunk size
 * plus a fixed window: large files and blobs are streamed through this, small ones pushed whole.
 */
export class ContentScanner {
  private window: Buffer = Buffer.alloc(0);
  /** Absolute offset of window[0], and the number of newlines before it. */
  private base = 0;
  private linesBefore = 0;
  /** Absolute offset up to which key starts have been looked at. */
  private done = 0;
  private bytes = 0;
  private readonly findings: Finding[] = [];
  /**
   * Absolute start and fingerprint of everything reported: an encoded run that crosses a window
   * boundary is seen again from its next marker, and must not be reported twice.
   */
  private readonly reported = new Set<string>();
  private allowed = 0;

  constructor(private readonly location: ContentLocation) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.window = this.window.length ? Buffer.concat([this.window, chunk]) : chunk;
    this.scan(false);
  }

  /** The last chunk (or the whole content): scanned in one pass, without keeping a window. */
  pushLast(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.window = this.window.length ? Buffer.concat([this.window, chunk]) : chunk;
  }

  end(): ContentResult {
    this.scan(true);
    this.window = Buffer.alloc(0);
    return { findings: this.findings, allowed: this.allowed, bytes: this.bytes };
  }

  private scan(final: boolean): void {
    const window = this.window;
    const end = final ? window.length : window.length - AHEAD;
    const from = this.done - this.base;
    if (end <= from) return;
    // The detector finds keys only from a marker starting in [from, end): one search for all the
    // markers at once skips it on clean bytes, which are nearly all bytes.
    if (hasMarkerIn(window, from, Math.min(window.length, end + MAX_MARKER - 1))) this.detect(window, from, end);
    this.done = this.base + end;
    if (final) return;
    const keep = Math.max(0, end - BEHIND);
    this.linesBefore += countNewlines(window, 0, keep);
    this.base += keep;
    this.window = Buffer.from(window.subarray(keep));
  }

  private detect(window: Buffer, from: number, end: number): void {
    let cursor = 0;
    let line = this.linesBefore;
    for (const d of detect(window, from, end)) {
      const id = `${this.base + d.start}:${fingerprint(d.secret)}`;
      if (this.reported.has(id)) continue;
      this.reported.add(id);
      line += countNewlines(window, cursor, d.start);
      cursor = d.start;
      // (lastIndexOf with a negative offset counts from the end: a key at offset 0 starts its line.)
      const lineStart = d.start === 0 ? 0 : window.lastIndexOf(NEWLINE, d.start - 1) + 1;
      const lineEndAt = window.indexOf(NEWLINE, d.start);
      const lineEnd = lineEndAt === -1 ? window.length : lineEndAt;
      if (window.toString('latin1', lineStart, lineEnd).includes(ALLOW_MARKER)) {
        this.allowed++;
        continue;
      }
      const column = window.toString('utf8', lineStart, d.start).length + 1;
      const finding: Finding = {
        rule: d.rule.id,
        severity: d.rule.severity,
        fingerprint: id.slice(id.indexOf(':') + 1),
        hint: hint(d.secret),
        path: this.location.path,
        line: line + 1,
        column,
        commit: this.location.commit ?? null,
        author: this.location.author ?? null,
        date: this.location.date ?? null,
        reachability: this.location.reachability ?? [],
        verification: null,
      };
      if (d.encoding) finding.encoding = d.encoding;
      this.findings.push(attachSecret(finding, d.secret));
    }
  }
}

/** Scan a whole buffer at once. */
export function scanBuffer(buf: Buffer, location: ContentLocation): ContentResult {
  const scanner = new ContentScanner(location);
  scanner.pushLast(buf);
  return scanner.end();
}

/** Scan a stream of chunks (a file, a blob from git, stdin). */
export async function scanChunks(chunks: AsyncIterable<Buffer>, location: ContentLocation): Promise<ContentResult> {
  const scanner = new ContentScanner(location);
  for await (const chunk of chunks) scanner.push(chunk);
  return scanner.end();
}
