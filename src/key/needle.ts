import { BYTE_FREQUENCY } from './byte-rarity.js';

/**
 * A literal to find in raw bytes, searched through its rarest part. Buffer#indexOf runs at memchr
 * speed when the first byte of the pattern is rare and falls back to a much slower Horspool loop when
 * it is common (`s` of `sk-ant-` is one of the commonest bytes in text). Searching for the substring
 * that starts at the pattern's rarest byte (`-ant-`), then checking the whole literal at each hit,
 * finds exactly the same matches several times faster.
 */

/** Shortest part searched for: shorter anchors would stop too often on unrelated text. */
const MIN_ANCHOR = 4;

export class Needle {
  readonly literal: Buffer;
  private readonly anchor: Buffer;
  /** Where the anchor starts inside the literal. */
  private readonly offset: number;

  constructor(literal: string | Buffer) {
    this.literal = typeof literal === 'string' ? Buffer.from(literal, 'latin1') : literal;
    let best = 0;
    for (let i = 1; i + MIN_ANCHOR <= this.literal.length; i++) {
      if (BYTE_FREQUENCY[this.literal[i]!]! < BYTE_FREQUENCY[this.literal[best]!]!) best = i;
    }
    this.offset = best;
    this.anchor = this.literal.subarray(best);
  }

  /** Start of the first whole literal at or after `from`, or -1: the same answer as buf.indexOf(literal, from). */
  indexIn(buf: Buffer, from = 0): number {
    const length = this.literal.length;
    let at = buf.indexOf(this.anchor, Math.max(0, from) + this.offset);
    while (at !== -1) {
      const start = at - this.offset;
      if (start + length <= buf.length && this.matchesAt(buf, start)) return start;
      at = buf.indexOf(this.anchor, at + 1);
    }
    return -1;
  }

  private matchesAt(buf: Buffer, start: number): boolean {
    for (let i = 0; i < this.offset; i++) if (buf[start + i] !== this.literal[i]) return false;
    return true;
  }
}
