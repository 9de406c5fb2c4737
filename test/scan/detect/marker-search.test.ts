import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, OUT } from '../../../scripts/build-wasm.js';
import { makeKey, seededRandom } from '../../../src/key/keygen.js';
import { hasMarkerIn, markerSearchEngine, residentBuffers } from '../../../src/scan/detect/marker-search.js';
import { hasMarkerScalar, MARKERS, MAX_MARKER } from '../../../src/scan/detect/markers.js';

const filler = Buffer.from('const value = compute(index, 42); // plain source text 2024-01-01\n'.repeat(40));

/** Both ways a buffer is searched: read into the search's memory, or copied in. */
const [resident] = residentBuffers(1, 1024 * 1024);
const places: Array<[string, (bytes: Buffer) => Buffer]> = [
  ['resident', (bytes) => resident!.subarray(0, bytes.copy(resident!))],
  ['copied in', (bytes) => Buffer.from(bytes)],
];

describe('marker search', () => {
  it('runs on WebAssembly SIMD in Node 20', () => {
    expect(markerSearchEngine()).toBe('wasm-simd');
  });

  it('runs the committed WebAssembly module, assembled from marker-search.wat', async () => {
    expect(readFileSync(OUT, 'utf8')).toBe(await assemble());
  });

  it.each(places)('finds every marker at every offset near both ends (%s)', (_name, place) => {
    for (const marker of MARKERS) {
      for (const at of [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, filler.length - marker.length]) {
        const bytes = Buffer.from(filler);
        marker.copy(bytes, at);
        const buf = place(bytes);
        expect(hasMarkerIn(buf), `${marker} at ${at}`).toBe(true);
        // Cut by the range: not a whole marker inside it.
        expect(hasMarkerIn(buf, at + 1), `${marker} after ${at}`).toBe(false);
        expect(hasMarkerIn(buf, 0, at + marker.length - 1), `${marker} before ${at}`).toBe(false);
        expect(hasMarkerIn(buf, at, at + marker.length)).toBe(true);
        // One byte off anywhere in it: no marker.
        for (let k = 0; k < marker.length; k++) {
          const broken = Buffer.from(bytes);
          broken[at + k] = 0x7e;
          expect(hasMarkerIn(place(broken)), `${marker} broken at ${k}`).toBe(false);
        }
      }
    }
  });

  it('passes clean text, and empty or tiny ranges', () => {
    expect(hasMarkerIn(filler)).toBe(false);
    expect(hasMarkerIn(Buffer.alloc(0))).toBe(false);
    expect(hasMarkerIn(Buffer.from('sk-ant'))).toBe(false);
    expect(hasMarkerIn(Buffer.from('sk-ant-'), 3, 3)).toBe(false);
  });

  it('agrees with the scalar search on text made of marker fragments (near misses everywhere)', () => {
    const random = seededRandom(11);
    const pieces = MARKERS.flatMap((m) => [m.subarray(0, 3), m.subarray(2, 6), m.subarray(m.length - 4)]);
    for (let round = 0; round < 300; round++) {
      const parts: Buffer[] = [];
      for (let n = 0; n < 40; n++) parts.push(pieces[Math.floor(random() * pieces.length)]!);
      if (round % 3 === 0) parts.splice(20, 0, MARKERS[round % MARKERS.length]!);
      const bytes = Buffer.concat(parts);
      for (const [name, place] of places) {
        expect(hasMarkerIn(place(bytes)), `${name} round ${round}`).toBe(hasMarkerScalar(bytes));
      }
    }
  });

  it('finds a marker across the pieces a large buffer is copied in', () => {
    const big = Buffer.alloc(1024 * 1024 + 5, 'x');
    for (const marker of [MARKERS[0]!, MARKERS[MARKERS.length - 1]!]) {
      for (const at of [
        256 * 1024 - 8,
        256 * 1024 - MAX_MARKER + 1,
        512 * 1024 - 2 * MAX_MARKER,
        big.length - marker.length,
      ]) {
        const bytes = Buffer.from(big);
        marker.copy(bytes, at);
        expect(hasMarkerIn(bytes), `${marker} at ${at}`).toBe(true);
      }
    }
    expect(hasMarkerIn(big)).toBe(false);
  });

  it('finds a generated key in the middle of a resident buffer of source text', () => {
    const key = Buffer.from(`\nKEY=${makeKey('admin01', seededRandom(3))}\n`);
    const bytes = Buffer.concat([filler, key, filler]);
    expect(hasMarkerIn(places[0]![1](bytes))).toBe(true);
  });
});
