import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { GitError, InputError } from './errors.js';
import { GitOwnershipError, type GitSpawnOptions, ownershipError, spawnGit } from './git-runner.js';

export { gitEnv } from './git-runner.js';

export interface GitOptions extends GitSpawnOptions {
  /** Written to git's stdin. */
  input?: string | Buffer;
  /** Exit codes that are not failures (e.g. 1 for `git check-ignore`). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** The error for a failed git call: the ownership refusal by name, else git's first line. */
export function gitFailure(args: string[], stderr: string, code: number): GitError | GitOwnershipError {
  const owned = ownershipError(stderr);
  if (owned) return owned;
  const first = stderr.split('\n').find((line) => line.trim()) ?? `exit code ${code}`;
  return new GitError(`git ${args[0]} failed: ${first.replace(/^(fatal|error): /, '')}`);
}

/** Run git (through the safe runner) and collect its output. Throws GitError on a failing exit code. */
export function runGit(args: string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, options);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new GitError(`could not run git: ${error.message}`)));
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const status = code ?? 1;
      if (status !== 0 && !(options.okCodes ?? []).includes(status)) {
        reject(gitFailure(args, stderr, status));
        return;
      }
      resolve({ stdout: Buffer.concat(out), stderr, code: status });
    });
    child.stdin.end(options.input ?? '');
  });
}

export async function gitText(args: string[], options: GitOptions): Promise<string> {
  return (await runGit(args, options)).stdout.toString('utf8');
}

/** NUL-separated output (`-z`) split into records, without the trailing empty one. */
export function splitNul(buffer: Buffer | string): string[] {
  const text = typeof buffer === 'string' ? buffer : buffer.toString('utf8');
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** The top of the work tree containing `cwd`, or undefined outside a repository (or in a bare one). */
export async function findWorkTree(cwd: string): Promise<string | undefined> {
  try {
    const result = await runGit(['rev-parse', '--show-toplevel'], { cwd });
    const top = result.stdout.toString('utf8').trim();
    return top || undefined;
  } catch (error) {
    // Not a repository is an answer; a repository git refuses to open is not.
    if (error instanceof GitOwnershipError) throw error;
    return undefined;
  }
}

/**
 * The top of the work tree containing `dir`, when `top` is already known to be the one containing
 * an ancestor of it: the same, unless something between them could make git answer otherwise (a
 * nested repository or submodule, a path inside `.git`, GIT_DIR or GIT_WORK_TREE set); then git is
 * asked. Saves a git process when a scan names a folder inside the current repository.
 */
export async function findWorkTreeBelow(dir: string, top: string): Promise<string | undefined> {
  const rel = relative(top, dir);
  const plain =
    !process.env.GIT_DIR &&
    !process.env.GIT_WORK_TREE &&
    rel !== '' &&
    !rel.startsWith('..') &&
    !isAbsolute(rel) &&
    !rel.split(sep).includes('.git');
  if (plain) {
    let nested = false;
    for (let at = dir; at !== top && !nested; at = dirname(at)) nested = existsSync(join(at, '.git'));
    if (!nested) return top;
  }
  return findWorkTree(dir);
}

/** The git directory for `cwd` (works in bare repositories), or undefined. */
export async function findGitDir(cwd: string): Promise<string | undefined> {
  try {
    const result = await runGit(['rev-parse', '--absolute-git-dir'], { cwd });
    return result.stdout.toString('utf8').trim() || undefined;
  } catch (error) {
    if (error instanceof GitOwnershipError) throw error;
    return undefined;
  }
}

export async function requireGitDir(cwd: string): Promise<string> {
  const dir = await findGitDir(cwd);
  if (!dir) throw new InputError(`${cwd} is not a git repository (run keyguard inside one, or pass --repo).`);
  return dir;
}
