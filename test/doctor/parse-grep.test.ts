import { describe, expect, it } from 'vitest';
import { parseGrep } from '../../src/doctor/checks/client-exposed-key.js';
import { ALLOW_BROWSER, BROWSER_KEY_VAR } from './helpers.js';

describe('parseGrep (git grep -z -n output)', () => {
  it('applies the exact rules to the lines git grep narrowed down', () => {
    const output = [
      `src/a.ts\u00003\u0000const c = new Anthropic({ ${ALLOW_BROWSER} });`,
      `src/b.ts\u000010\u0000const k = import.meta.env.${BROWSER_KEY_VAR};`,
      `src/c.ts\u00001\u0000new Anthropic({ ${ALLOW_BROWSER} }); // keyguard:allow`,
      'src/d.ts\u00002\u0000const x = process.env.PUBLIC_URL; // ANTHROPIC docs',
      `src/e.ts\u00004\u0000const y = MY${BROWSER_KEY_VAR};`,
      '',
    ].join('\n');
    expect(parseGrep(output)).toEqual([
      { path: 'src/a.ts', what: 'src/a.ts:3: dangerouslyAllowBrowser' },
      { path: 'src/b.ts', what: `src/b.ts:10: ${BROWSER_KEY_VAR}` },
    ]);
  });

  it('an empty output has no problems', () => {
    expect(parseGrep('')).toEqual([]);
  });
});
