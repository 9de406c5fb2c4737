import { dirname, relative, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { findWorkTree } from '../shared/git.js';
import { RepoFileError, readRepoText } from '../shared/repo-files.js';
import { CONFIG_SCHEMA } from './schema.js';
import type { KeyguardConfig, LoadedConfig } from './types.js';
import { validate } from './validate.js';

export const CONFIG_FILE = 'keyguard.config.json';

/** Line and column of a JSON.parse error position, for a one-line message. */
function positionOf(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match) return '';
  const offset = Number(match[1]);
  const before = text.slice(0, offset).split('\n');
  return ` at line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** Parse and validate config text. Every problem is one ConfigError naming the file and field. */
export function parseConfig(text: string, file: string): KeyguardConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new ConfigError(`${file}: not valid JSON${positionOf(text, message)}.`);
  }
  const issues = validate(value, CONFIG_SCHEMA);
  if (issues.length > 0) {
    const [first, ...rest] = issues;
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new ConfigError(
      `${file}: ${first!.path} ${first!.message}${more}.`,
      2,
      rest.map((i) => `${file}: ${i.path} ${i.message}`),
    );
  }
  return value as KeyguardConfig;
}

/**
 * Load the config: `explicit` (--config) must exist; otherwise keyguard.config.json in `cwd`, then at
 * the top of its git work tree. No file means defaults.
 */
export async function loadConfig(cwd: string, explicit?: string, knownTop?: string | null): Promise<LoadedConfig> {
  const candidates: string[] = [];
  let root = cwd;
  if (explicit) candidates.push(resolve(cwd, explicit));
  else {
    candidates.push(resolve(cwd, CONFIG_FILE));
    // knownTop: the caller already asked git (null: not in a work tree), saving a process spawn.
    const top = knownTop === undefined ? await findWorkTree(cwd) : (knownTop ?? undefined);
    if (top) root = top;
    if (top && resolve(top) !== resolve(cwd)) candidates.push(resolve(top, CONFIG_FILE));
  }
  for (const file of candidates) {
    const shown = relative(cwd, file) || file;
    let text: string | undefined;
    try {
      // The repository's own config may be a link to /dev/zero or out of the tree; --config is the user's.
      text = await readRepoText(file, { root, shown: explicit ?? shown, named: Boolean(explicit) });
    } catch (error) {
      if (error instanceof RepoFileError) throw new ConfigError(error.message);
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`cannot read ${explicit ? `config file ${explicit}` : shown} (${code}).`);
    }
    if (text === undefined) {
      if (explicit) throw new ConfigError(`config file ${explicit} does not exist.`);
      continue;
    }
    return { config: parseConfig(text, shown.startsWith('..') ? file : shown), file, dir: dirname(file) };
  }
  return { config: {}, dir: cwd };
}
