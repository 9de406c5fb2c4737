import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey, seededRandom } from '../../../src/key/keygen.js';
import { scanBuffer } from '../../../src/scan/content.js';
import { isResident } from '../../../src/scan/detect/marker-search.js';
import { CHUNK_SIZE, PIECE, readBuffer } from '../../../src/scan/sources/files.js';
import { tempDir, writeFiles } from '../../helpers/git.js';
import { scanJson } from '../../helpers/scan.js';

const random = seededRandom(42);
const filler = (size: number) => Buffer.alloc(size, 'lorem ipsum dolor sit amet 12345;\n');

/** `size` bytes of filler with `text` placed so that it starts at `at`. */
function fileWith(size: number, at: number, text: string): Buffer {
  const data = filler(size);
  Buffer.from(`\n${text}\n`).copy(data, at - 1);
  return data;
}

describe('scanning with the thread pool reading large files ahead', () => {
  it('finds what the detector finds in each file, at every seam of the reads, in order', async () => {
    const dir = tempDir();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 60; i++) files[`small/f${i}.txt`] = filler(1000 + i * 37);
    const b64 = (key: string) => Buffer.from(`K=${key}`).toString('base64');
    const cases: Array<[string, number, number, string]> = [
      ['first-piece.txt', PIECE + 10, 100, makeKey('api03', random)],
      ['piece-seam.txt', 3 * PIECE, PIECE - 5, makeKey('oat01', random)],
      ['async-seam.txt', 4 * PIECE, PIECE + 512 * 1024 - 3, b64(makeKey('sid01', random))],
      ['exact-piece.txt', PIECE, PIECE - 200, makeKey('admin01', random)],
      ['exact-chunk.txt', CHUNK_SIZE, CHUNK_SIZE - 200, makeKey('api03', random)],
      ['chunk-seam.txt', CHUNK_SIZE + 1000, CHUNK_SIZE - 4, makeKey('api03', random).replaceAll('-', '%2D')],
      ['second-chunk.txt', 2 * CHUNK_SIZE + 77, CHUNK_SIZE + 3000, makeKey('ort01', random)],
      ['last-bytes.txt', CHUNK_SIZE + PIECE, CHUNK_SIZE + PIECE - 150, makeKey('api03', random)],
    ];
    for (const [name, size, at, text] of cases) files[`big/${name}`] = fileWith(size, at, text);
    files['big/clean.txt'] = filler(CHUNK_SIZE * 2 + 5);
    files['big/clean-medium.txt'] = filler(PIECE * 3 + 1);
    writeFiles(dir, files);

    const { report } = await scanJson(['.'], { cwd: dir });
    const expected = Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([path, data]) => scanBuffer(data, { path }).findings)
      .map((f) => [f.path, f.line, f.column, f.fingerprint]);
    expect(expected.length).toBe(cases.length);
    const found = report.findings.map((f) => [f.path, f.line, f.column, f.fingerprint]);
    expect([...found].sort()).toEqual([...expected].sort());
    expect(report.summary.files).toBe(Object.keys(files).length);
    expect(report.summary.bytes).toBe(Object.values(files).reduce((n, d) => n + d.length, 0));
    // Every read buffer fits in the search's memory: files are searched where they are read.
    expect(isResident(readBuffer())).toBe(true);
  });

  it('reports a large file that cannot be read as skipped, and goes on', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), fileWith(PIECE * 2, 10, makeKey('api03', random)));
    writeFileSync(join(dir, 'b.txt'), filler(10));
    const { report } = await scanJson(['.'], { cwd: dir });
    expect(report.findings.map((f) => f.path)).toEqual(['a.txt']);
    expect(report.summary.files).toBe(2);
  });
});
