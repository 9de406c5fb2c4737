import { describe, expect, it } from 'vitest';
import { hint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { scrubSecrets } from '../../src/key/scrub.js';
import { escapeMarkdown, escapeTerminal, markdownCode, neutraliseOutput } from '../../src/shared/escape.js';

const ESC = '\u001b';

describe('escapeTerminal', () => {
  it.each([
    ['a\nb', 'a\\nb'],
    ['a\rb\tc', 'a\\rb\\tc'],
    [`${ESC}[2J`, '\\u001b[2J'],
    ['\u009b31m', '\\u009b31m'],
    ['exe.\u202etxt', 'exe.\\u202etxt'],
    ['\u2066x\u2069', '\\u2066x\\u2069'],
    ['plain/path-ü.ts', 'plain/path-ü.ts'],
  ])('%j → %j', (input, shown) => {
    expect(escapeTerminal(input)).toBe(shown);
  });
});

describe('neutraliseOutput', () => {
  it('keeps the output’s own newlines and tabs, escapes the rest', () => {
    expect(neutraliseOutput(`a\tb\nc${ESC}]8;;x${ESC}\\\r`, false)).toBe('a\tb\nc\\u001b]8;;x\\u001b\\\\r');
  });

  it('keeps colour sequences only when colour is on', () => {
    const red = `${ESC}[31mred${ESC}[39m`;
    expect(neutraliseOutput(red, true)).toBe(red);
    expect(neutraliseOutput(red, false)).toBe('\\u001b[31mred\\u001b[39m');
    expect(neutraliseOutput(`${ESC}[2J`, true)).toBe('\\u001b[2J');
  });

  it('means the same inside JSON strings', () => {
    const doc = JSON.stringify({ path: `x\u202e\u0085${ESC}\n` });
    expect(JSON.parse(neutraliseOutput(doc, false))).toEqual(JSON.parse(doc));
  });
});

describe('markdown', () => {
  it('escapeMarkdown shows HTML, links, emphasis and pipes as text', () => {
    expect(escapeMarkdown('<b>[x](y) *z* | a&b')).toBe('&lt;b&gt;\\[x\\]\\(y\\) \\*z\\* \\| a&amp;b');
  });

  it('markdownCode picks a fence no backtick run can close', () => {
    expect(markdownCode('a.ts')).toBe('`a.ts`');
    expect(markdownCode('a`b``c')).toBe('```a`b``c```');
    expect(markdownCode('`a|b')).toBe('`` `a\\|b ``');
  });
});

describe('scrubSecrets', () => {
  it('masks a key glued to other text, which the detector would not call a finding', () => {
    const key = makeKey();
    expect(scrubSecrets(`x_${key}.env`)).toBe(`x_${hint(key)}.env`);
    expect(scrubSecrets(`${key}_backup`)).not.toContain(key);
    expect(scrubSecrets(`wip${key}`)).toBe(`wip${hint(key)}`);
  });

  it('leaves hints and placeholders alone', () => {
    const text = `hint ${hint(makeKey())}, example sk-ant-api03-your-key-here`;
    expect(scrubSecrets(text)).toBe(text);
  });
});
