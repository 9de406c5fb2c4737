import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRepoWrite, readRepoText, writeRepoFile } from '../shared/repo-files.js';
import { hasBlock, RUN_BLOCK, removeBlock } from './script.js';
import type { HookChange } from './types.js';

/** husky (v9) runs `.husky/pre-commit` as a shell script: keyguard appends its block to it. */
export async function installHusky(root: string): Promise<HookChange> {
  const path = join(root, '.husky', 'pre-commit');
  // A link (`.husky/pre-commit -> ~/.profile`) or a FIFO is refused before anything is read or made.
  await checkRepoWrite(path, { root });
  const current = await readRepoText(path, { root });
  if (current !== undefined && hasBlock(current)) return { manager: 'husky', path, changed: false };
  await checkRepoWrite(join(root, '.husky', '.keep'), { root });
  await mkdir(join(root, '.husky'), { recursive: true });
  const base = current ?? '#!/usr/bin/env sh\n';
  const joined = base === '' || base.endsWith('\n') ? base : `${base}\n`;
  await writeRepoFile(path, `${joined}${RUN_BLOCK}`, { root, mode: 0o755, forceMode: true });
  return { manager: 'husky', path, changed: true };
}

export async function uninstallHusky(root: string): Promise<HookChange> {
  const path = join(root, '.husky', 'pre-commit');
  const current = await readRepoText(path, { root });
  if (current === undefined || !hasBlock(current)) return { manager: 'husky', path, changed: false };
  const rest = removeBlock(current);
  // A file keyguard created holds nothing else: remove it rather than leave an empty hook.
  if (rest.trim() === '' || rest.trim() === '#!/usr/bin/env sh') await rm(path);
  else await writeRepoFile(path, rest, { root });
  return { manager: 'husky', path, changed: true };
}
