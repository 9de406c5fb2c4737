import { BYTE_FREQUENCY } from '../../key/byte-rarity.js';
import { MARKER_SEARCH_WASM } from './marker-search-wasm.js';
import { hasMarkerScalar, MARKERS, MAX_MARKER } from './markers.js';

/**
 * Is any marker in these bytes? Nearly every file is clean, so this decides most of a scan's time.
 * The search runs in WebAssembly with 128-bit SIMD (marker-search.wat: each marker is found through
 * a 3-byte window of it that starts at a rare anchor byte, 32 positions per step), then every
 * candidate is checked against the markers themselves here, so the answer is exact. Where
 * WebAssembly SIMD is missing, the scalar search runs.
 *
 * The searched bytes must be in the module's memory. Callers that read files can read them there
 * directly (`residentBuffers`); any other buffer is copied in, a piece at a time.
 */

const WINDOW = 3;
const BUCKETS = 8;
const TABLES = 128;
/** Readable bytes kept after every searched range: the loop reads up to 34 bytes past a position. */
const PAD = 64;
/** Where other buffers are copied to be searched, and how much at a time. */
const SCRATCH = TABLES;
const SCRATCH_SIZE = 256 * 1024;
const OVERLAP = MAX_MARKER - 1;
/**
 * Space for callers' read buffers (`residentBuffers`), after the scratch area: the file scan takes
 * four of a 4 MiB chunk and a few bytes each. Pages are only backed by memory once written.
 */
const ARENA = SCRATCH + SCRATCH_SIZE + PAD;
const ARENA_SIZE = 17 * 1024 * 1024;
const PAGE = 65536;

/**
 * How common each byte is (byte-rarity.ts), used only to choose windows and buckets that make few
 * false candidates: any choice finds every marker.
 */
const FREQUENCY = BYTE_FREQUENCY.slice();
// Digits come in runs (numbers, hashes, data files): commoner at any one place than their rank says.
// (Needle chooses its anchors by the table alone.)
for (let digit = 0x30; digit <= 0x39; digit++) FREQUENCY[digit] = 0.015;

interface Window {
  marker: Buffer;
  /** Where the window starts in the marker. */
  offset: number;
  bytes: Buffer;
  bucket: number;
}

/**
 * Each marker is found through a 3-byte window that starts at an anchor: a byte rare in text, such
 * that every marker holds one (a greedy weighted set cover). The anchors are the search's first test,
 * which fails on nearly every 32 bytes of ordinary text: each anchor gets a bucket of its own, or
 * shares one with anchors of the same low or high nibble (`Z` and `z`), where the nibble tables
 * still accept exactly those bytes. Undefined if that takes more than 8 buckets.
 */
function chooseWindows(): Window[] | undefined {
  // Which bytes each marker holds where a window can start.
  const holds = new Map(
    MARKERS.map((marker) => {
      const bytes = new Uint8Array(256);
      for (let i = 0; i + WINDOW <= marker.length; i++) bytes[marker[i]!] = 1;
      return [marker, bytes] as const;
    }),
  );
  const usable = (marker: Buffer, byte: number) => holds.get(marker)![byte] === 1;
  const uncovered = new Set(MARKERS);
  const anchors: number[] = [];
  while (uncovered.size > 0) {
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let byte = 0; byte < 256; byte++) {
      let covers = 0;
      for (const marker of uncovered) if (usable(marker, byte)) covers++;
      if (covers > 0 && FREQUENCY[byte]! / covers < bestScore) {
        bestScore = FREQUENCY[byte]! / covers;
        best = byte;
      }
    }
    anchors.push(best);
    for (const marker of [...uncovered]) if (usable(marker, best)) uncovered.delete(marker);
  }
  // A bucket of its own for each anchor while there are buckets enough (fewer false candidates in
  // the later tests), else anchors merged where the bucket stays exact.
  const buckets = anchors.map((anchor) => [anchor]);
  const exact = (bytes: number[]) =>
    bytes.every((b) => (b & 15) === (bytes[0]! & 15)) || bytes.every((b) => b >> 4 === bytes[0]! >> 4);
  for (let i = buckets.length - 1; i > 0 && buckets.length > BUCKETS; i--) {
    const into = buckets.findIndex((bucket, j) => j < i && exact([...bucket, ...buckets[i]!]));
    if (into !== -1) buckets[into]!.push(...buckets.splice(i, 1)[0]!);
  }
  if (buckets.length > BUCKETS) return undefined;
  const bucketOf = (anchor: number) => buckets.findIndex((bucket) => bucket.includes(anchor));
  return MARKERS.map((marker) => {
    // The marker's rarest anchor, at the place where the two bytes after it are rarest.
    let best: Window | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const anchor of anchors) {
      for (let offset = 0; offset + WINDOW <= marker.length; offset++) {
        if (marker[offset] !== anchor) continue;
        const score = FREQUENCY[anchor]! * FREQUENCY[marker[offset + 1]!]! * FREQUENCY[marker[offset + 2]!]!;
        if (score < bestScore) {
          bestScore = score;
          best = { marker, offset, bytes: marker.subarray(offset, offset + WINDOW), bucket: bucketOf(anchor) };
        }
      }
    }
    return best!;
  });
}

/** The nibble tables: each window sets its bucket's bit for its bytes' nibbles at each position. */
function fillTables(windows: Window[], tables: Uint8Array): void {
  tables.fill(0, 0, TABLES);
  for (const { bytes, bucket } of windows) {
    for (let k = 0; k < WINDOW; k++) {
      tables[32 * k + (bytes[k]! & 15)]! |= 1 << bucket;
      tables[32 * k + 16 + (bytes[k]! >> 4)]! |= 1 << bucket;
    }
  }
}

interface Engine {
  memory: Uint8Array;
  find: (from: number, to: number) => number;
  windows: Window[];
  arenaUsed: number;
}

/** The little of the WebAssembly API used here (Node's types leave it out; TypeScript has it in "DOM"). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

let engine: Engine | null | undefined;

function load(): Engine | null {
  if (engine !== undefined) return engine;
  try {
    const bytes = Buffer.from(MARKER_SEARCH_WASM, 'base64');
    if (!WebAssembly.validate(bytes)) return (engine = null);
    const memory = new WebAssembly.Memory({ initial: Math.ceil((ARENA + ARENA_SIZE) / PAGE) });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const view = new Uint8Array(memory.buffer);
    const windows = chooseWindows();
    if (!windows) return (engine = null);
    fillTables(windows, view);
    engine = { memory: view, find: instance.exports.find as Engine['find'], windows, arenaUsed: 0 };
  } catch {
    engine = null;
  }
  return engine;
}

/** Candidates in memory[from, to) checked against the markers; true at the first real one. */
function searchResident(e: Engine, from: number, to: number): boolean {
  const { memory, windows, find } = e;
  for (let at = from; ; ) {
    const hit = find(at, to);
    if (hit < 0) return false;
    for (const { marker, offset } of windows) {
      const start = hit - offset;
      if (start < from || start + marker.length > to) continue;
      let k = 0;
      while (k < marker.length && memory[start + k] === marker[k]) k++;
      if (k === marker.length) return true;
    }
    at = hit + 1;
  }
}

/** True when a whole marker lies in buf[from, to). */
export function hasMarkerIn(buf: Uint8Array, from = 0, to = buf.length): boolean {
  if (to - from < 1) return false;
  const e = load();
  if (!e) return hasMarkerScalar(buf, from, to);
  if (buf.buffer === e.memory.buffer) return searchResident(e, buf.byteOffset + from, buf.byteOffset + to);
  // Copied in pieces that overlap by a marker's length less one, so no marker is cut.
  for (let start = from; ; start += SCRATCH_SIZE - OVERLAP) {
    const end = Math.min(to, start + SCRATCH_SIZE);
    e.memory.set(buf.subarray(start, end), SCRATCH);
    if (searchResident(e, SCRATCH, SCRATCH + (end - start))) return true;
    if (end === to) return false;
  }
}

/**
 * `count` buffers of `size` bytes inside the search's memory, so bytes read into them are searched
 * without a copy (each keeps readable padding after it). Ordinary buffers when the space is taken or
 * WebAssembly is unavailable; searching works the same either way.
 */
export function residentBuffers(count: number, size: number): Buffer[] {
  const e = load();
  const buffers: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (e && e.arenaUsed + size + PAD <= ARENA_SIZE) {
      const start = ARENA + e.arenaUsed;
      e.arenaUsed += size + PAD;
      buffers.push(Buffer.from(e.memory.buffer, start, size));
    } else {
      buffers.push(Buffer.allocUnsafe(size));
    }
  }
  return buffers;
}

/** True when `buf` lies in the search's memory (searched without a copy). */
export function isResident(buf: Uint8Array): boolean {
  const e = load();
  return e !== null && buf.buffer === e.memory.buffer;
}

/** Which search runs here (for tests and benchmarks). */
export function markerSearchEngine(): 'wasm-simd' | 'scalar' {
  return load() ? 'wasm-simd' : 'scalar';
}
