import { resolve } from 'node:path';
import { parse } from 'dotenv';
import { InputError } from '../shared/errors.js';
import { findWorkTree } from '../shared/git.js';
import { readRepoText } from '../shared/repo-files.js';

export interface FoundKey {
  value: string;
  source: 'environment' | 'file';
  /** The env file, as given, when the value came from it. */
  file?: string;
  /** The env file sets the variable too but the environment wins (dotenv never overrides). */
  shadowed?: { file: string; same: boolean };
}

export interface FindOptions {
  variable: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The env file to fall back to; `explicit` when the user named it (then it must exist). */
  envFile: string;
  explicit: boolean;
}

/** Where an app using dotenv would get the key: the process environment first, then the env file. */
export async function findKey(options: FindOptions): Promise<FoundKey | undefined> {
  let fileValue: string | undefined;
  const file = resolve(options.cwd, options.envFile);
  try {
    // The default .env belongs to the repository: a FIFO, /dev/zero or a link out of the tree is refused.
    const root = options.explicit ? options.cwd : ((await findWorkTree(options.cwd)) ?? options.cwd);
    const text = await readRepoText(file, { root, shown: options.envFile, named: options.explicit });
    if (text === undefined && options.explicit) throw new InputError(`cannot read ${options.envFile} (ENOENT).`);
    if (text !== undefined) fileValue = parse(text)[options.variable];
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (options.explicit || code !== 'EISDIR') {
      throw new InputError(`cannot read ${options.envFile} (${code ?? 'unreadable'}).`);
    }
  }
  const fromEnv = options.env[options.variable];
  if (fromEnv !== undefined) {
    const shadowed = fileValue !== undefined ? { file: options.envFile, same: fileValue === fromEnv } : undefined;
    return { value: fromEnv, source: 'environment', ...(shadowed ? { shadowed } : {}) };
  }
  if (fileValue !== undefined) return { value: fileValue, source: 'file', file: options.envFile };
  return undefined;
}
