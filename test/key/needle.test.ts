import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/key/keygen.js';
import { Needle } from '../../src/key/needle.js';
import { MARKERS } from '../../src/scan/detect/markers.js';

describe('Needle', () => {
  it('finds what indexOf finds, for every marker, in text full of near misses', () => {
    const random = seededRandom(7);
    for (const literal of [...MARKERS, Buffer.from('plain'), Buffer.from('\u00e9t\u00e9 ~^', 'latin1')]) {
      const needle = new Needle(literal);
      const parts: Buffer[] = [];
      for (let k = 0; k < 200; k++) {
        const cut = Math.floor(random() * literal.length);
        // Whole literals, literals cut short, and their tails: anchors that match where the literal does not.
        if (random() < 0.2) parts.push(literal);
        else if (random() < 0.5) parts.push(literal.subarray(cut));
        else parts.push(literal.subarray(0, cut));
        parts.push(Buffer.from('some text '.slice(0, Math.floor(random() * 10))));
      }
      const buf = Buffer.concat(parts);
      for (let from = 0; from <= buf.length; from += 7) {
        expect(needle.indexIn(buf, from), `${literal} from ${from}`).toBe(buf.indexOf(literal, from));
      }
    }
  });
});
