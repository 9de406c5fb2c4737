import { describe, expect, it } from 'vitest';
import { diagnoseKey } from '../../src/check/diagnose.js';
import { makeKey, makeToken } from '../../src/key/keygen.js';

const codes = (raw: string, expected: 'api' | 'admin' = 'api') =>
  diagnoseKey(raw, expected).problems.map((p) => p.code);

describe('diagnoseKey', () => {
  const key = makeKey('api03');

  it('a well-formed key has no problems', () => {
    expect(diagnoseKey(key)).toMatchObject({ problems: [], kind: 'api03', coreWellFormed: true, core: key });
    expect(codes(makeKey('admin01'), 'admin')).toEqual([]);
  });

  it.each([
    ['surrounding double quotes', `"${key}"`, ['quotes']],
    ['surrounding single quotes', `'${key}'`, ['quotes']],
    ['a trailing newline', `${key}\n`, ['newline']],
    ['a trailing CRLF', `${key}\r\n`, ['newline']],
    ['trailing spaces', `${key}  `, ['whitespace']],
    ['a leading tab', `\t${key}`, ['whitespace']],
    ['a Bearer prefix', `Bearer ${key}`, ['bearer']],
    ['an x-api-key header', `x-api-key: ${key}`, ['bearer']],
    ['the whole assignment line', `ANTHROPIC_API_KEY=${key}`, ['assignment']],
  ])('names %s, and says the key inside looks right', (_name, raw, expected) => {
    const diagnosis = diagnoseKey(raw);
    expect(diagnosis.problems.map((p) => p.code)).toEqual(expected);
    expect(diagnosis.coreWellFormed).toBe(true);
    expect(diagnosis.core).toBe(key);
  });

  it.each([
    ['truncated', key.slice(0, 80), 'truncated'],
    ['too long', `${key}x`, 'too-long'],
    ['wrong suffix', `${key.slice(0, -2)}Ab`, 'bad-suffix'],
    ['a space inside', `${key.slice(0, 50)} ${key.slice(51)}`, 'bad-characters'],
    ['base64 characters', `${key.slice(0, 50)}+${key.slice(51)}`, 'bad-characters'],
    ['an admin key where an API key is expected', makeKey('admin01'), 'admin-key'],
    ['an OAuth token', makeKey('oat01'), 'oauth-token'],
    ['a session key', makeKey('sid01'), 'session-key'],
    ['a shortened hint', `${key.slice(0, 16)}...${key.slice(-4)}`, 'hint'],
    ['a placeholder', ['sk', 'ant', 'api03', 'your-key-here'].join('-'), 'placeholder'],
    ['a bare placeholder', '<your-api-key>', 'placeholder'],
    ['an OpenAI key', `sk-proj-${makeToken('x', 40).slice(-40)}`, 'other-provider'],
    ['something else', 'hello-world-1234', 'wrong-prefix'],
    ['an empty value', '', 'empty'],
    ['an unknown kind', makeToken('api04', 95), 'unknown-kind'],
  ])('finds %s', (_name, raw, code) => {
    expect(codes(raw)).toContain(code);
  });

  it('an API key where an admin key is expected', () => {
    expect(codes(key, 'admin')).toEqual(['api-key']);
  });

  it('a problem message never contains the value', () => {
    for (const raw of [`"${key}"`, key.slice(0, 80), `${key.slice(0, 50)}+${key.slice(51)}`]) {
      for (const p of diagnoseKey(raw).problems) expect(p.message).not.toContain(key.slice(20, 40));
    }
  });
});
