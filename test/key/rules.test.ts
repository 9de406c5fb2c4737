import { describe, expect, it } from 'vitest';
import { fingerprint, hint } from '../../src/key/fingerprint.js';
import { makeKey, makeToken, randomBody } from '../../src/key/keygen.js';
import { RULES } from '../../src/key/rules.js';
import { scanBuffer } from '../../src/scan/content.js';

const rulesIn = (text: string | Buffer) =>
  scanBuffer(Buffer.isBuffer(text) ? text : Buffer.from(text), { path: 't' }).findings.map((f) => f.rule);

/** Every context a real key must be found in (DESIGN §3), as functions of the key. */
const CONTEXTS: Array<[string, (k: string) => string]> = [
  ['bare', (k) => k],
  ['assignment', (k) => `ANTHROPIC_API_KEY=${k}\n`],
  ['double quotes', (k) => `key = "${k}"`],
  ['single quotes', (k) => `key = '${k}'`],
  ['backticks', (k) => `const key = \`${k}\`;`],
  ['angle brackets', (k) => `<secret>${k}</secret>`],
  ['parentheses', (k) => `f(${k})`],
  ['call with more args', (k) => `f(${k}, 1)`],
  ['comma', (k) => `${k},next`],
  ['sentence end', (k) => `The key is ${k}.`],
  ['query string', (k) => `https://x.test/?a=${k}&b=1`],
  ['braces', (k) => `{AQAAABAAA ${k}}`],
  ['JSON value', (k) => JSON.stringify({ key: k })],
  ['after literal \\n in JSON', (k) => `{"text":"line1\\n${k}"}`],
  ['after literal \\t', (k) => `"a\\t${k}"`],
  ['before literal \\n', (k) => `"${k}\\nnext"`],
  ['CRLF file', (k) => `a=1\r\nkey=${k}\r\nb=2\r\n`],
  ['end of file without newline', (k) => `first line\nkey=${k}`],
  ['yaml', (k) => `env:\n  - name: KEY\n    value: ${k}\n`],
  ['after %3D', (k) => `q%3D${k}`],
  ['after \\u0022', (k) => `\\u0022${k}\\u0022`],
  ['semicolon', (k) => `${k};`],
];

const KINDS = [
  ['api03', RULES.apiKey.id],
  ['admin01', RULES.adminKey.id],
  ['oat01', RULES.oauthToken.id],
  ['ort01', RULES.oauthRefreshToken.id],
  ['sid01', RULES.sessionKey.id],
] as const;

describe('rules: strings that must match', () => {
  for (const [kind, rule] of KINDS) {
    describe(rule, () => {
      for (const [name, wrap] of CONTEXTS) {
        it(`finds a ${kind} key: ${name}`, () => {
          expect(rulesIn(wrap(makeKey(kind)))).toEqual([rule]);
        });
      }
    });
  }

  it('anthropic-oauth-token accepts bodies of other lengths', () => {
    for (const length of [40, 80, 108, 200]) expect(rulesIn(makeToken('oat01', length))).toEqual([RULES.oauthToken.id]);
  });

  it('anthropic-key-unrecognized: future kinds and truncated keys', () => {
    expect(rulesIn(makeToken('api04', 95))).toEqual([RULES.unrecognized.id]);
    expect(rulesIn(makeToken('xyz01', 40))).toEqual([RULES.unrecognized.id]);
    expect(rulesIn(makeToken('api03', 60))).toEqual([RULES.unrecognized.id]);
    expect(rulesIn(makeToken('oat01', 30))).toEqual([RULES.unrecognized.id]);
  });
});

describe('rules: strings that must not match', () => {
  const key = makeKey('api03');
  const cases: Array<[string, string]> = [
    ['glued to a letter on the left', `x${key}`],
    ['glued to a digit on the left', `9${key}`],
    ['glued to an underscore on the left', `_${key}`],
    ['glued to a letter on the right', `${key}x`],
    ['glued to a dash on the right', `${key}-prod`],
    ['glued on both sides', `ab${key}cd`],
    ['api03 body one too long', makeToken('api03', 94, 'AA')],
    ['api03 wrong suffix', makeToken('api03', 93, 'BB')],
    ['admin01 wrong suffix', makeToken('admin01', 93, 'Ab')],
    ['too short to be anything', makeToken('api03', 10)],
    ['placeholder your-key-here', ['sk-ant-api03', 'your-key-here'].join('-')],
    ['placeholder YOUR_API_KEY', `${['sk', 'ant', 'api03'].join('-')}-YOUR_API_KEY_${randomBody(80)}AA`],
    ['ellipsis', ['sk', 'ant', '...'].join('-')],
    ['Console partial hint', hint(key)],
    ['runs of x', `${['sk', 'ant', 'api03'].join('-')}-${'x'.repeat(93)}AA`],
    ['runs of X in a long body', `${['sk', 'ant', 'oat01'].join('-')}-${'X'.repeat(95)}`],
    ['low entropy body', `${['sk', 'ant', 'api03'].join('-')}-${'abab'.repeat(23)}aAA`],
    ['no kind', `${['sk', 'ant'].join('-')}-${randomBody(95)}`],
    ['secretlint ok fixture api02', `${['sk', 'ant', 'api02'].join('-')}-notarealkey`],
    ['an example with the word example', `${['sk', 'ant', 'api03'].join('-')}-EXAMPLE${randomBody(86)}AA`],
    ['body longer than any credential', makeToken('sid01', 300)],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      expect(rulesIn(text)).toEqual([]);
    });
  }
});

describe('findings', () => {
  it('carry fingerprint, hint, line and column, never the key', () => {
    const key = makeKey();
    const [finding] = scanBuffer(Buffer.from(`one\r\ntwo\r\n  x = "${key}"\r\n`), { path: 'a.env' }).findings;
    expect(finding).toMatchObject({
      rule: 'anthropic-api-key',
      severity: 'critical',
      fingerprint: fingerprint(key),
      hint: `${key.slice(0, 16)}...${key.slice(-4)}`,
      path: 'a.env',
      line: 3,
      column: 8,
    });
    expect(JSON.stringify(finding)).not.toContain(key);
  });

  it('counts columns in characters on lines with multi-byte text', () => {
    const key = makeKey();
    const [finding] = scanBuffer(Buffer.from(`é€😀 ${key}`), { path: 'u' }).findings;
    expect(finding!.column).toBe('é€😀 '.length + 1);
  });

  it('reports the same key twice in one file as two findings', () => {
    const key = makeKey();
    const found = scanBuffer(Buffer.from(`${key}\n${key}\n`), { path: 'x' }).findings;
    expect(found.map((f) => f.line)).toEqual([1, 2]);
  });

  it('drops a finding on a line marked keyguard:allow and counts it', () => {
    const result = scanBuffer(Buffer.from(`a=${makeKey()} # keyguard:allow\nb=${makeKey()}\n`), { path: 'x' });
    expect(result.findings.map((f) => f.line)).toEqual([2]);
    expect(result.allowed).toBe(1);
  });

  it('scans invalid UTF-8 and binary bytes without failing', () => {
    const key = makeKey();
    const data = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3]), Buffer.from(`\0${key}\0`), Buffer.from([0x80])]);
    expect(rulesIn(data)).toEqual(['anthropic-api-key']);
  });

  it('finishes on 20 MB of repeated sk-ant- fragments (linear time)', () => {
    const fragment = Buffer.from(`${['sk', 'ant', 'api03'].join('-')}-${randomBody(40)}-`);
    const data = Buffer.alloc(20 * 1024 * 1024);
    for (let at = 0; at < data.length; at += fragment.length) fragment.copy(data, at);
    expect(rulesIn(data)).toEqual([]);
  });

  it('finishes on 20 MB of prefix-only and base64-like input', () => {
    const data = Buffer.from(`${'sk-ant-'.repeat(1_000_000)}${'c2stYW50L'.repeat(1_000_000)}`);
    expect(rulesIn(data)).toEqual([]);
  });
});
