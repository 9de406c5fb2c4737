import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasBlock, RUN_BLOCK, removeBlock } from './script.js';
import type { HookChange } from './types.js';

/** husky (v9) runs `.husky/pre-commit` as a shell script: keyguard appends its block to it. */
export async function installHusky(root: string): Promise<HookChange> {
  const path = join(root, '.husky', 'pre-commit');
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== undefined && hasBlock(current)) return { manager: 'husky', path, changed: false };
  await mkdir(join(root, '.husky'), { recursive: true });
  const base = current ?? '#!/usr/bin/env sh\n';
  const joined = base === '' || base.endsWith('\n') ? base : `${base}\n`;
  await writeFile(path, `${joined}${RUN_BLOCK}`);
  await chmod(path, 0o755);
  return { manager: 'husky', path, changed: true };
}

export async function uninstallHusky(root: string): Promise<HookChange> {
  const path = join(root, '.husky', 'pre-commit');
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === undefined || !hasBlock(current)) return { manager: 'husky', path, changed: false };
  const rest = removeBlock(current);
  // A file keyguard created holds nothing else: remove it rather than leave an empty hook.
  if (rest.trim() === '' || rest.trim() === '#!/usr/bin/env sh') await rm(path);
  else await writeFile(path, rest);
  return { manager: 'husky', path, changed: true };
}
