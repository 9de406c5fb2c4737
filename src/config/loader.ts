import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { findWorkTree } from '../shared/git.js';
import { RepoFileError, readRepoText } from '../shared/repo-files.js';
import { CONFIG_SCHEMA } from './schema.js';
import { anchorUserPaths, stripUntrusted, trustedByEnv } from './trust.js';
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

export interface LoadOptions {
  /** The user's environment: KEYGUARD_TRUST_CONFIG, XDG_CONFIG_HOME, HOME. */
  env?: Record<string, string | undefined>;
  /** --trust-config: the repository's own config may move secrets. */
  trust?: boolean;
}

/** The user's own config file: $XDG_CONFIG_HOME/keyguard/config.json, else ~/.config/keyguard/config.json. */
export function userConfigFile(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : undefined);
  return base ? join(base, 'keyguard', 'config.json') : undefined;
}

async function readUserConfig(env: Record<string, string | undefined>) {
  const file = userConfigFile(env);
  if (!file) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`cannot read ${file} (${code}).`);
  }
  return { file, config: anchorUserPaths(parseConfig(text, file), dirname(file)) };
}

/**
 * Load the config: `explicit` (--config) must exist; otherwise keyguard.config.json in `cwd`, then at
 * the top of its git work tree. No file means defaults. The user's own config (userConfigFile) lies
 * beneath; a repository's config that the user did not choose loses the settings that move secrets
 * (trust.ts), and the user's own environments win over the repository's of the same name.
 */
export async function loadConfig(
  cwd: string,
  explicit?: string,
  knownTop?: string | null,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  const found = await loadProjectConfig(cwd, explicit, knownTop);
  const trusted = Boolean(explicit) || Boolean(options.trust) || trustedByEnv(options.env ?? {});
  const { config: repo, ignored } =
    trusted || !found.file ? { config: found.config, ignored: [] } : stripUntrusted(found.config);
  const user = options.env ? await readUserConfig(options.env) : undefined;
  if (!user) return { ...found, config: repo, trusted: trusted || !found.file, ignored };
  const u = user.config;
  const merged: KeyguardConfig = { ...u, ...repo };
  if (u.scan || repo.scan) merged.scan = { ...u.scan, ...repo.scan };
  if (u.anthropic || repo.anthropic) merged.anthropic = { ...u.anthropic, ...repo.anthropic };
  if (u.audit || repo.audit) merged.audit = { ...u.audit, ...repo.audit };
  if (u.environments || repo.environments) {
    merged.environments = trusted
      ? { ...u.environments, ...repo.environments }
      : { ...repo.environments, ...u.environments };
  }
  const userEnvironments = Object.keys(u.environments ?? {}).filter((name) => !trusted || !repo.environments?.[name]);
  return { ...found, config: merged, trusted: trusted || !found.file, ignored, userEnvironments, userFile: user.file };
}

async function loadProjectConfig(cwd: string, explicit?: string, knownTop?: string | null): Promise<LoadedConfig> {
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
