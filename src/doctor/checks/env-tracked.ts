import { parse } from 'dotenv';
import { isSecretEnvFile } from '../../shared/env-files.js';
import { type Check, NOT_A_REPOSITORY, pass, skip } from '../types.js';

const ID = 'env-tracked';

/** True when dotenv text sets at least one variable to a non-empty value. */
export function hasValues(text: string): boolean {
  return Object.values(parse(text)).some((value) => value.trim() !== '');
}

/** No env file with values is in the index: it would go out with the next push. */
export const envTracked: Check = {
  id: ID,
  async run(ctx) {
    if (!ctx.git) return skip(ID, NOT_A_REPOSITORY);
    const candidates = ctx.tracked.filter(isSecretEnvFile);
    const withValues: string[] = [];
    for (const path of candidates) {
      const data = await ctx.read(path);
      // Deleted from disk but still in the index: what is staged is what gets pushed; assume values.
      if (data === undefined || hasValues(data.toString('utf8'))) withValues.push(path);
    }
    if (withValues.length === 0) return pass(ID, 'no env file with values is tracked');
    const quoted = withValues.map((p) => (/^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`)).join(' ');
    return {
      id: ID,
      status: 'fail',
      message: `tracked by git: ${withValues.join(', ')}`,
      paths: withValues,
      fix: `git rm --cached -- ${quoted}, commit, and rotate every key these files held (they are in history)`,
    };
  },
};
