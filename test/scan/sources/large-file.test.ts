import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/key/fingerprint.js';
import { makeKey } from '../../../src/key/keygen.js';
import { ContentScanner } from '../../../src/scan/content.js';
import { MAX_ENCODED_RUN } from '../../../src/scan/detect/decoders.js';
import { CHUNK_SIZE } from '../../../src/scan/sources/files.js';
import { tempDir } from '../../helpers/git.js';
import { scanJson } from '../../helpers/scan.js';

/** 64-byte filler lines, so line numbers of what follows are easy to compute. */
const FILLER = `${'a'.repeat(40)} filler line of text ${'b'.repeat(2)}\n`;
const fillerLines = (n: number) => Buffer.from(FILLER.repeat(n));

describe('large files are streamed', () => {
  it('finds keys across chunk boundaries and near the end of a 40 MB file, with the right lines', async () => {
    expect(FILLER.length).toBe(64);
    expect(CHUNK_SIZE).toBe(4 * 1024 * 1024);
    const straddling = makeKey();
    const encoded = makeKey('admin01');
    const last = makeKey('sid01');
    // Line n1 + 1 holds `k=<key>`: the key starts 62 bytes before the 4 MiB boundary and ends after it.
    const n1 = Math.floor((CHUNK_SIZE - 60) / 64);
    const keyStart = n1 * 64 + 2;
    expect(keyStart < CHUNK_SIZE && keyStart + straddling.length > CHUNK_SIZE).toBe(true);
    const first = Buffer.concat([fillerLines(n1), Buffer.from(`k=${straddling}\n`)]);
    // A base64-encoded key whose encoded text straddles the 8 MiB boundary.
    const b64 = Buffer.from(`ANTHROPIC_ADMIN_KEY=${encoded}`).toString('base64');
    const n2 = Math.floor((2 * CHUNK_SIZE - first.length - 70) / 64);
    const second = Buffer.concat([fillerLines(n2), Buffer.from(`  data: ${b64}\n`)]);
    expect(first.length + second.length - b64.length - 1 < 2 * CHUNK_SIZE).toBe(true);
    expect(first.length + second.length > 2 * CHUNK_SIZE).toBe(true);
    const n3 = Math.floor((40 * 1024 * 1024 - first.length - second.length) / 64);
    const data = Buffer.concat([first, second, fillerLines(n3), Buffer.from(`tail ${last}`)]);
    const dir = tempDir();
    writeFileSync(join(dir, 'big.log'), data);

    const { report } = await scanJson(['big.log'], { cwd: dir });
    expect(report.summary.bytes).toBe(data.length);
    expect(report.findings.map((f) => [f.fingerprint, f.line, f.column])).toEqual([
      [fingerprint(straddling), n1 + 1, 3],
      [fingerprint(encoded), n1 + 1 + n2 + 1, 9],
      [fingerprint(last), n1 + 1 + n2 + 1 + n3 + 1, 6],
    ]);
  });

  it.each([
    ['plain', (key: string) => key],
    ['url-encoded', (key: string) => key.replaceAll('-', '%2D')],
    ['json escape', (key: string) => key.replaceAll('-', '\\u002d')],
    ['base64', (key: string) => Buffer.from(`K=${key}`).toString('base64')],
  ])('finds a %s key whose marker is cut by the 4 MiB boundary of the fast pass', async (_name, encode) => {
    const key = makeKey();
    const text = encode(key);
    const dir = tempDir();
    // The encoded text starts 3 to 9 bytes before the boundary: every marker's first bytes in one
    // chunk, the rest in the next.
    for (const before of [3, 5, 9]) {
      const head = Buffer.alloc(CHUNK_SIZE - before - 1, 'a');
      writeFileSync(join(dir, 'big.txt'), Buffer.concat([head, Buffer.from(` ${text}\n`), fillerLines(100)]));
      const { report } = await scanJson(['big.txt'], { cwd: dir });
      expect(
        report.findings.map((f) => f.fingerprint),
        `${before} bytes before`,
      ).toEqual([fingerprint(key)]);
    }
  });

  it('gives the same findings whatever the chunk size (down to one byte at a time near a key)', () => {
    const key = makeKey('oat01');
    const text = Buffer.from(`one\ntwo\r\nthree ${key}\nfour ${Buffer.from(key).toString('base64')}\n`);
    const expected = [
      [fingerprint(key), 3, 7],
      [fingerprint(key), 4, 6],
    ];
    for (const size of [1, 7, 64, 1000]) {
      const scanner = new ContentScanner({ path: 'x' });
      for (let at = 0; at < text.length; at += size) scanner.push(text.subarray(at, at + size));
      const { findings } = scanner.end();
      expect(
        findings.map((f) => [f.fingerprint, f.line, f.column]),
        `chunks of ${size}`,
      ).toEqual(expected);
    }
  });

  it('reports a base64 run holding two keys once when a window boundary falls between them', () => {
    const [a, b] = [makeKey(), makeKey()];
    const run = Buffer.from(`k1=${a} k2=${b}`).toString('base64');
    const pad = 'x\n'.repeat(500);
    const text = Buffer.from(`${pad}data: ${run}\n${'y\n'.repeat(30000)}`);
    // The first window's scanned part ends 80 bytes into the run: between the two keys' markers.
    const cut = pad.length + 6 + 80 + MAX_ENCODED_RUN + 1024;
    const scanner = new ContentScanner({ path: 'x' });
    scanner.push(text.subarray(0, cut));
    scanner.push(text.subarray(cut));
    expect(scanner.end().findings.map((f) => [f.line, f.column, f.fingerprint])).toEqual([
      [501, 7, fingerprint(a)],
      [501, 7, fingerprint(b)],
    ]);
  });
});
