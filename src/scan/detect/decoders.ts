import { Needle } from '../../key/needle.js';

/**
 * Encoded keys are still keys. Each decoder has literal markers to search for in raw bytes (the
 * encoded forms of `sk-ant-`), a way to cut the encoded run around a marker, and a decoding of it.
 * The detector decodes only the runs around markers, so clean input costs a few literal searches.
 */

export interface EncodedRun {
  encoding: 'base64' | 'url' | 'json-escape';
  /** Byte offsets of the encoded run in the buffer. */
  start: number;
  end: number;
  decoded: Buffer;
}

const B64 = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') B64[ch.charCodeAt(0)] = 1;
const EQUALS = 0x3d;
/** Bound on how far a run is followed from its marker, so one hit costs bounded work. */
const MAX_RUN = 16 * 1024;

/**
 * The part of base64(`pad` bytes + literal) that does not depend on the unknown bytes around the
 * literal: the characters whose 6 bits all fall inside it.
 */
function stableBase64(literal: string, pad: number): string {
  const bytes = Buffer.from(literal, 'latin1');
  const encoded = Buffer.concat([Buffer.alloc(pad), bytes, Buffer.alloc(3)]).toString('base64');
  const first = pad * 8;
  const last = (pad + bytes.length) * 8;
  let out = '';
  for (let c = 0; c < encoded.length; c++) {
    const bitStart = c * 6;
    if (bitStart >= first && bitStart + 6 <= last) out += encoded[c];
    else if (out) break;
  }
  return out;
}

/** Markers for `sk-ant-` in base64 (three alignments), and in base64 of base64 (a Secret of a .env). */
const BASE64_MARKERS: Needle[] = (() => {
  const single = new Set<string>();
  for (const pad of [0, 1, 2]) single.add(stableBase64('sk-ant-', pad));
  const all = new Set<string>(single);
  for (const inner of single) {
    for (const pad of [0, 1, 2]) {
      const outer = stableBase64(inner, pad);
      if (outer.length >= 6) all.add(outer);
    }
  }
  for (const marker of [...all]) all.add(marker.replaceAll('+', '-').replaceAll('/', '_'));
  return [...all].map((marker) => new Needle(marker));
})();

function base64Runs(buf: Buffer, from: number, to: number): EncodedRun[] {
  const runs: EncodedRun[] = [];
  const seen = new Set<number>();
  for (const marker of BASE64_MARKERS) {
    let at = marker.indexIn(buf, from);
    while (at !== -1 && at < to) {
      let start = at;
      while (start > 0 && at - start < MAX_RUN && B64[buf[start - 1]!] === 1) start--;
      let end = at + marker.literal.length;
      while (end < buf.length && end - at < MAX_RUN && B64[buf[end]!] === 1) end++;
      while (end < buf.length && buf[end] === EQUALS && end - at < MAX_RUN) end++;
      if (!seen.has(start)) {
        seen.add(start);
        const text = buf.toString('latin1', start, end).replace(/=+$/, '');
        // The run may start with glued characters that are not part of the encoding: try each
        // alignment, keeping the location of the encoded text as the run's start.
        for (let shift = 0; shift < 4 && shift < text.length; shift++) {
          runs.push({ encoding: 'base64', start, end, decoded: Buffer.from(text.slice(shift), 'base64') });
        }
      }
      at = marker.indexIn(buf, end);
    }
  }
  return runs;
}

const PERCENT_RUN = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~%+') {
  PERCENT_RUN[ch.charCodeAt(0)] = 1;
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(ch & 0xff);
    }
  }
  return Buffer.from(bytes);
}

const JSON_RUN = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-\\/') JSON_RUN[ch.charCodeAt(0)] = 1;

function jsonUnescape(text: string): Buffer {
  const out = text.replace(/\\u([0-9a-fA-F]{4})|\\(["\\/])/g, (_, hex: string | undefined, ch: string | undefined) =>
    hex ? String.fromCharCode(Number.parseInt(hex, 16)) : ch!,
  );
  return Buffer.from(out, 'utf8');
}

interface TextDecoder {
  encoding: EncodedRun['encoding'];
  markers: Needle[];
  charset: Uint8Array;
  decode: (text: string) => Buffer;
}

/** `sk-ant-` with its dashes escaped: `sk%2Dant%2D…` and `sk\u002dant\u002d…`, in either hex case. */
const TEXT_DECODERS: TextDecoder[] = [
  {
    encoding: 'url',
    markers: ['sk%2Dant%2D', 'sk%2dant%2d'].map((m) => new Needle(m)),
    charset: PERCENT_RUN,
    decode: percentDecode,
  },
  {
    encoding: 'json-escape',
    markers: ['sk\\u002dant\\u002d', 'sk\\u002Dant\\u002D'].map((m) => new Needle(m)),
    charset: JSON_RUN,
    decode: jsonUnescape,
  },
];

function textRuns(buf: Buffer, from: number, to: number, decoder: TextDecoder): EncodedRun[] {
  const runs: EncodedRun[] = [];
  for (const marker of decoder.markers) {
    let at = marker.indexIn(buf, from);
    while (at !== -1 && at < to) {
      let end = at + marker.literal.length;
      while (end < buf.length && end - at < MAX_RUN && decoder.charset[buf[end]!] === 1) end++;
      // Decode a few bytes before the marker too, so the key's left boundary is judged on decoded
      // text (`%3Dsk%2Dant…` is `=sk-ant…`, a boundary; `xsk%2Dant…` is glued).
      const start = at;
      let lead = at;
      while (lead > 0 && at - lead < 6 && decoder.charset[buf[lead - 1]!] === 1) lead--;
      const decoded = decoder.decode(buf.toString('latin1', lead, end));
      runs.push({ encoding: decoder.encoding, start, end, decoded });
      at = marker.indexIn(buf, end);
    }
  }
  return runs;
}

/** Every literal whose presence lets findEncodedRuns return a run (history's prefilter needs them). */
export function encodedMarkers(): Buffer[] {
  return [...BASE64_MARKERS, ...TEXT_DECODERS.flatMap((decoder) => decoder.markers)].map((needle) => needle.literal);
}

/** Every encoded run in buf[from, to) that may hold a key. */
export function findEncodedRuns(buf: Buffer, from = 0, to = buf.length): EncodedRun[] {
  const runs = base64Runs(buf, from, to);
  for (const decoder of TEXT_DECODERS) runs.push(...textRuns(buf, from, to, decoder));
  return runs;
}

/** Longest stretch of input one encoded run can span; streaming keeps this much overlap. */
export const MAX_ENCODED_RUN = MAX_RUN * 2;
