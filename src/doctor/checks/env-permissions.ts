import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { chmodRepoFile } from '../../shared/repo-files.js';
import { type Check, pass, skip } from '../types.js';

const ID = 'env-permissions';
const GROUP_OR_OTHERS = 0o077;

/** Env files are readable by their owner only: other users on a shared machine should not read keys. */
export const envPermissions: Check = {
  id: ID,
  async run(ctx) {
    if (process.platform === 'win32') return skip(ID, 'file modes do not apply on Windows');
    const open: string[] = [];
    for (const path of ctx.envFiles) {
      // lstat: a link's target is not the repository's to judge or change (its own mode means nothing).
      const info = await lstat(join(ctx.root, path)).catch(() => undefined);
      if (info?.isFile() && (info.mode & GROUP_OR_OTHERS) !== 0) open.push(path);
    }
    if (open.length === 0) {
      return pass(ID, ctx.envFiles.length ? 'env files are readable by their owner only' : 'no env files');
    }
    return {
      id: ID,
      status: 'warn',
      message: `readable by group or others: ${open.join(', ')}`,
      paths: open,
      fix: `chmod 600 ${open.join(' ')} (keyguard doctor --fix does this)`,
    };
  },
  async fix(ctx, result) {
    const changed: string[] = [];
    for (const path of result.paths) {
      await chmodRepoFile(join(ctx.root, path), 0o600, { root: ctx.root, shown: path });
      changed.push(`${path}: mode 600`);
    }
    return changed;
  },
};
