import { describe, expect, it } from 'vitest';
import { removeBlock } from '../../src/hook/script.js';
import { addLefthookCommand, addPreCommitRepo } from '../../src/hook/yaml-edit.js';

const CMD = 'npx --no-install keyguard scan --staged';

describe('lefthook edits', () => {
  it('follows the indentation the file already uses', () => {
    const text = 'pre-commit:\n    commands:\n        lint:\n            run: eslint\n';
    const out = addLefthookCommand(text, CMD);
    expect(out).toContain(
      `    commands:\n        # keyguard:begin\n        keyguard:\n          run: ${CMD}\n        # keyguard:end\n        lint:`,
    );
    expect(removeBlock(out)).toBe(text);
  });

  it('adds commands: to a pre-commit section that has none', () => {
    const text = 'pre-commit:\n  parallel: true\npre-push:\n  commands: {}\n';
    const out = addLefthookCommand(text, CMD);
    expect(out.indexOf('keyguard:')).toBeLessThan(out.indexOf('pre-push:'));
    expect(out).toContain(
      `pre-commit:\n  # keyguard:begin\n  commands:\n    keyguard:\n      run: ${CMD}\n  # keyguard:end\n  parallel: true`,
    );
    expect(removeBlock(out)).toBe(text);
  });
});

describe('pre-commit framework edits', () => {
  it('creates repos: when the file has none, and items at column 0 stay at column 0', () => {
    const created = addPreCommitRepo('', CMD);
    expect(created.startsWith('# keyguard:begin\nrepos:\n  - repo: local\n')).toBe(true);
    expect(removeBlock(created)).toBe('');

    const flush = 'repos:\n- repo: https://github.com/psf/black\n  rev: 24.1.0\n  hooks:\n  - id: black\n';
    const out = addPreCommitRepo(flush, CMD);
    expect(out).toContain('\n# keyguard:begin\n- repo: local\n');
    expect(removeBlock(out)).toBe(flush);
  });

  it('turns an empty flow list into a block list', () => {
    expect(addPreCommitRepo('repos: []\n', CMD)).toContain('repos:\n  # keyguard:begin\n  - repo: local');
  });
});
