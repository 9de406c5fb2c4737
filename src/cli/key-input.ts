import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { type CliIO, readStdin } from './io.js';

export const CREATE_KEY_HINT =
  'The Anthropic Admin API cannot create API keys: create the new key in the Claude Console (Settings → API Keys, https://console.anthropic.com/settings/keys), then pass it with --new-key-stdin, --new-key-env VAR or --new-key-file FILE.';

export interface KeySourceFlags {
  stdin?: boolean;
  env?: string;
  file?: string;
}

/** A file holding a key must be private: refuse one that group or others can read. */
export async function readPrivateKeyFile(io: CliIO, path: string, flag: string): Promise<string> {
  const file = resolve(io.cwd, path);
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code}).`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UsageError(
      `${flag} ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path} first.`,
    );
  }
  return (await readFile(file, 'utf8')).trim();
}

/**
 * The new key, from exactly one place: stdin, an environment variable named by a flag, or a private
 * file. Never argv. Piped stdin counts when no flag names another source. Undefined: no key given.
 */
export async function readNewKey(io: CliIO, flags: KeySourceFlags): Promise<string | undefined> {
  const chosen = [flags.stdin, flags.env, flags.file].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('give the new key one way: --new-key-stdin, --new-key-env or --new-key-file.');
  if (flags.env) {
    const value = io.env[flags.env]?.trim();
    if (!value) throw new UsageError(`--new-key-env ${flags.env}: that variable is not set or empty.`);
    return value;
  }
  if (flags.file) return readPrivateKeyFile(io, flags.file, '--new-key-file');
  if (flags.stdin && io.stdinIsTTY)
    throw new UsageError('--new-key-stdin: pipe the key in, e.g. pbpaste | keyguard rotate …');
  if (flags.stdin || (io.stdin && !io.stdinIsTTY)) {
    const text = (await readStdin(io)).toString('utf8').trim();
    if (text) return text;
    if (flags.stdin) throw new UsageError('--new-key-stdin: standard input was empty.');
  }
  return undefined;
}
