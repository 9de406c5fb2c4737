import { describe, expect, it } from 'vitest';
import { BYTE_FREQUENCY } from '../../src/key/byte-rarity.js';

const f = (ch: string) => BYTE_FREQUENCY[ch.charCodeAt(0)]!;

describe('byte rarity', () => {
  it('ranks the bytes of text from commonest to rarest', () => {
    expect(f(' ')).toBeGreaterThan(f('e'));
    expect(f('e')).toBeGreaterThan(f('-'));
    expect(f('s')).toBeGreaterThan(f('k'));
    expect(f('-')).toBeGreaterThan(f('%'));
    expect(f('a')).toBeGreaterThan(f('Z'));
  });

  it('counts bytes not in the table as rarer than every byte in it', () => {
    const listed = [...BYTE_FREQUENCY].filter((x) => x > BYTE_FREQUENCY[0]!);
    expect(listed.length).toBeGreaterThan(90);
    for (const byte of [0x00, 0x7e, 0x80, 0xff]) expect(BYTE_FREQUENCY[byte]).toBeLessThan(Math.min(...listed));
  });

  it('gives shares of text: positive, at most 15% for the commonest byte', () => {
    for (const x of BYTE_FREQUENCY) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThanOrEqual(0.15);
    }
  });
});
