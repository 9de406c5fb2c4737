import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkTree, findWorkTreeBelow } from '../../src/shared/git.js';
import { git, gitdir, writeFiles } from '../helpers/git.js';

describe('findWorkTreeBelow', () => {
  it('answers as git does, for folders of the repository, a nested repository and .git itself', async () => {
    const top = gitdir({ 'a/b/c.txt': 'x', 'nested/inner/d.txt': 'y' });
    git(join(top, 'nested'), 'init', '-q', '-b', 'main');
    writeFiles(top, { 'plain/deep/e.txt': 'z' });
    mkdirSync(join(top, 'nested', 'inner', 'more'), { recursive: true });
    const cases = ['a', 'a/b', 'plain/deep', 'nested', 'nested/inner/more', '.git', '.git/objects'];
    for (const rel of cases) {
      const dir = join(top, rel);
      expect(await findWorkTreeBelow(dir, top), rel).toBe(await findWorkTree(dir));
    }
    expect(await findWorkTreeBelow(join(top, 'nested/inner'), top)).toBe(join(top, 'nested'));
    expect(await findWorkTreeBelow(join(top, 'a/b'), top)).toBe(top);
  });
});
