import { KEY_PREFIX, MAX_BODY } from './format.js';
import { Needle } from './needle.js';
import { isPlaceholderBody } from './placeholders.js';
import { classify, type Rule } from './rules.js';

/** A key found in plain bytes: where it starts and ends in the buffer, and what it is. */
export interface KeyMatch {
  start: number;
  end: number;
  secret: string;
  rule: Rule;
}

export const PREFIX = Buffer.from(KEY_PREFIX, 'latin1');
const PREFIX_NEEDLE = new Needle(PREFIX);

const TOKEN = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') TOKEN[ch.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DASH = 0x2d;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;

export function isTokenByte(byte: number): boolean {
  return TOKEN[byte] === 1;
}

function isHexRun(buf: Uint8Array, from: number, to: number): boolean {
  if (from < 0) return false;
  for (let i = from; i < to; i++) if (HEX[buf[i]!] !== 1) return false;
  return true;
}

/**
 * A key must not be glued to token characters on its left, except when those characters end an
 * escape sequence: `\n` inside a JSON string, `\u0022`, `\x22`, or URL-encoding such as `%3D`.
 */
function leftBoundaryOk(buf: Uint8Array, at: number, floor: number): boolean {
  if (at <= floor) return true;
  const prev = buf[at - 1]!;
  if (!isTokenByte(prev)) return true;
  if (at - 2 >= floor && buf[at - 2] === BACKSLASH && 'nrtbfv0'.includes(String.fromCharCode(prev))) return true;
  if (at - 3 >= floor && buf[at - 3] === PERCENT && isHexRun(buf, at - 2, at)) return true;
  if (at - 4 >= floor && buf[at - 4] === BACKSLASH && buf[at - 3] === 0x78 && isHexRun(buf, at - 2, at)) return true;
  if (at - 6 >= floor && buf[at - 6] === BACKSLASH && buf[at - 5] === 0x75 && isHexRun(buf, at - 4, at)) return true;
  return false;
}

/**
 * Cut the whole token starting at `at` (which holds `sk-ant-`) and classify it. Reads at most
 * MAX_BODY + a few bytes past the prefix, so the work per hit is bounded whatever the input.
 */
export function matchAt(buf: Uint8Array, at: number, floor = 0, limit = buf.length): KeyMatch | undefined {
  if (!leftBoundaryOk(buf, at, floor)) return undefined;
  let i = at + PREFIX.length;
  const kindStart = i;
  while (i < limit && i - kindStart < 12 && buf[i]! >= LOWER_A && buf[i]! <= LOWER_Z) i++;
  const letters = i - kindStart;
  if (letters < 2) return undefined;
  const digitsStart = i;
  while (i < limit && i - digitsStart < 2 && buf[i]! >= DIGIT_0 && buf[i]! <= DIGIT_9) i++;
  if (i - digitsStart !== 2 || i >= limit || buf[i] !== DASH) return undefined;
  const kindEnd = i;
  i++;
  const bodyStart = i;
  while (i < limit && isTokenByte(buf[i]!) && i - bodyStart <= MAX_BODY) i++;
  const bodyLength = i - bodyStart;
  // A token that runs on past the buffer's end, or past MAX_BODY, is not judged here.
  if (bodyLength > MAX_BODY) return undefined;
  const kind = Buffer.from(buf.buffer, buf.byteOffset + kindStart, kindEnd - kindStart).toString('latin1');
  const body = Buffer.from(buf.buffer, buf.byteOffset + bodyStart, bodyLength).toString('latin1');
  const rule = classify(kind, body);
  if (!rule || isPlaceholderBody(body)) return undefined;
  return { start: at, end: i, secret: `sk-ant-${kind}-${body}`, rule };
}

/** Every plain-text key in buf[from, to). Literal search first, then a bounded look at each hit. */
export function findKeys(buf: Buffer, from = 0, to = buf.length): KeyMatch[] {
  const matches: KeyMatch[] = [];
  let at = PREFIX_NEEDLE.indexIn(buf, from);
  while (at !== -1 && at < to) {
    const match = matchAt(buf, at, 0, buf.length);
    if (match) {
      matches.push(match);
      at = PREFIX_NEEDLE.indexIn(buf, match.end);
    } else {
      at = PREFIX_NEEDLE.indexIn(buf, at + 1);
    }
  }
  return matches;
}
