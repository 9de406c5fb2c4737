import { describe, expect, it } from 'vitest';
import { makeKey, seededRandom } from '../../../src/key/keygen.js';
import { detect } from '../../../src/scan/detect/detector.js';
import { hasMarker, MarkerFilter } from '../../../src/scan/history/prefilter.js';

const rnd = seededRandom(7);
const key = makeKey('api03', rnd);
const admin = makeKey('admin01', rnd);
const filler = 'const value = compute(index, 42); // plain source text\n'.repeat(200);

const shapes: Array<[string, string]> = [
  ['plain', `API_KEY=${key}\n`],
  ['base64', `data:\n  key: ${Buffer.from(key).toString('base64')}\n`],
  ['base64 offset 1', Buffer.from(`K=${admin}\n`).toString('base64')],
  ['base64 offset 2', Buffer.from(`k=${key}`).toString('base64')],
  ['base64 of base64', Buffer.from(Buffer.from(`K=${key}`).toString('base64')).toString('base64')],
  ['url-encoded', `?key=${key.replace('sk-ant-', 'sk%2Dant%2D')}&x=1`],
  ['json escape', JSON.stringify(key).replaceAll('-', '\\u002d')],
];

describe('prefilter', () => {
  it.each(shapes)('flags every input the detector finds a key in: %s', (_name, text) => {
    const buf = Buffer.from(filler + text + filler);
    expect(detect(buf).length).toBeGreaterThan(0);
    expect(hasMarker(buf)).toBe(true);
  });

  it('passes clean text', () => {
    expect(hasMarker(Buffer.from(filler))).toBe(false);
    expect(hasMarker(Buffer.from('sk-ant'))).toBe(false);
  });

  it.each([1, 2, 3, 5, 7, 64])('finds a marker cut across chunks of %i bytes', (size) => {
    const buf = Buffer.from(`${filler.slice(0, 301)}${key}${filler.slice(0, 99)}`);
    const filter = new MarkerFilter();
    for (let at = 0; at < buf.length; at += size) filter.push(buf.subarray(at, at + size));
    expect(filter.hit).toBe(true);
    const clean = new MarkerFilter();
    const text = Buffer.from(filler);
    for (let at = 0; at < text.length; at += size) clean.push(text.subarray(at, at + size));
    expect(clean.hit).toBe(false);
  });
});
