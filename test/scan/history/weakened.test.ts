import { describe, expect, it } from 'vitest';
import { parsePatchLog } from '../../../src/scan/history/weakened.js';

const commit = (hash: string) => `\x01${hash}\x02Ada <ada@example.com>\x022026-01-02T03:04:05Z`;

describe('parsePatchLog', () => {
  it('reads hunks with their new-file line numbers, per commit and path', () => {
    const text = [
      commit('a'.repeat(40)),
      '',
      'diff --git a/keyguard.config.json b/keyguard.config.json',
      '--- a/keyguard.config.json',
      '+++ b/keyguard.config.json',
      '@@ -1 +1,3 @@',
      '-{}',
      '+{',
      '+  "scan": { "exclude": ["**"] }',
      '+}',
      '@@ -9,2 +11,0 @@',
      '-  "failOn": "low"',
    ].join('\n');
    const [first, second] = parsePatchLog(text);
    expect(first).toMatchObject({ commit: 'a'.repeat(40), path: 'keyguard.config.json', start: 1 });
    expect(first!.added.map((a) => a.line)).toEqual([1, 2, 3]);
    expect(second).toMatchObject({ start: 12, added: [] });
  });

  it('unquotes C-quoted paths (newlines, quotes) and takes a deleted file’s old path', () => {
    const text = [
      commit('b'.repeat(40)),
      '--- /dev/null',
      '+++ "b/odd\\nname\\"x.ts"',
      '@@ -0,0 +1 @@',
      '+x // keyguard:allow',
      '--- a/.keyguard-baseline.json',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    const hunks = parsePatchLog(text);
    expect(hunks.map((h) => h.path)).toEqual(['odd\nname"x.ts', '.keyguard-baseline.json']);
  });
});
