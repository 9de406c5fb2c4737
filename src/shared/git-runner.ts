import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { devNull } from 'node:os';
import { InputError } from './errors.js';

/**
 * The one door to git: every git process keyguard starts is spawned here, so that nothing in a
 * scanned repository (its .git/config, included files, .gitattributes, hooks) can start a program.
 *
 * How: settings given with `-c` are "protected" (command-scope) configuration and win over the
 * repository's own, and cost nothing; a few flags are added per subcommand; the environment turns
 * off prompts, pagers, system config and every transport. Together they cover each key that names
 * a program (see test/security/git-hostile-config.test.ts, which sets them all):
 * - core.fsmonitor                → `-c core.fsmonitor=false`
 * - core.hooksPath + hooks        → `-c core.hooksPath=<null device>` (no hook can be found), and
 *                                   GIT_OPTIONAL_LOCKS=0 so reads never rewrite the index
 * - core.pager, pager.<cmd>       → `--no-pager`, GIT_PAGER=cat (and stdout is never a terminal)
 * - diff.external, diff.<d>.command, diff.<d>.textconv → `--no-ext-diff --no-textconv` on log/diff/
 *                                   show/grep; keyguard never asks for patches
 * - filter.<d>.clean/smudge/process → keyguard never runs `add`, `checkout`, `status` or
 *                                   `hash-object` (work-tree files are hashed in-process)
 * - gpg.program (via log.showSignature) → `-c log.showSignature=false`
 * - core.sshCommand, remote.<n>.uploadpack, core.gitProxy, credential.helper, ext:: URLs,
 *   core.alternateRefsCommand, uploadpack.packObjectsHook → all only run by a transport, and
 *   GIT_ALLOW_PROTOCOL='' (which overrides any protocol.*.allow in the repository) with
 *   `-c protocol.allow=never` forbids every transport, so a partial clone's lazy fetch of a
 *   missing object fails instead (GIT_NO_LAZY_FETCH does the same quietly on git ≥ 2.44)
 * - editors, merge drivers, `!` aliases → keyguard never runs a command that uses them
 *
 * Why not trufflehog's fix (clone a local repository to a temporary directory first, so that its
 * config is left behind)? A local clone copies or hard-links the whole object store and writes a
 * checkout: seconds to minutes on a large repository, a second copy of every key on disk, and
 * reflogs, stashes and unreachable objects (where keys hide) are not cloned at all. The flags above
 * cost nothing and keep the history scan's handful of long-lived git processes as they are.
 *
 * Ownership: git refuses a repository owned by another user ("dubious ownership") unless
 * safe.directory allows it. Since nothing above can start a program, keyguard allows exactly the
 * directory each git call runs in (for a user, the folder keyguard is run in or pointed at), never
 * a parent git would discover by walking up, which is the case safe.directory exists for; anything
 * else gets one sentence saying what to do (GitOwnershipError).
 */

export interface GitSpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Leave core.hooksPath as the repository has it, for the two reads that ask where hooks live
   * (`config --get core.hooksPath`, `rev-parse --git-path hooks`); neither runs a hook.
   */
  repositoryHooksPath?: boolean;
}

/** Settings that win over the repository's config on every call. */
const PROTECTED = [
  'core.fsmonitor=false',
  'core.quotePath=false',
  'log.showSignature=false',
  'protocol.allow=never',
  'credential.helper=',
  'diff.relative=false',
];

/** Flags added right after these subcommands: nothing repository-defined runs on content. */
const SUBCOMMAND_FLAGS: Record<string, string[]> = {
  log: ['--no-ext-diff', '--no-textconv'],
  diff: ['--no-ext-diff', '--no-textconv'],
  show: ['--no-ext-diff', '--no-textconv'],
  grep: ['--no-textconv'],
  'hash-object': ['--no-filters'],
};

/**
 * Environment for every git call: no system config, no prompts, no pager, no transports and no
 * lazy fetches of missing objects in a partial clone, C locale for parsable messages.
 */
export function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...extra,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_ALLOW_PROTOCOL: '',
    GIT_NO_LAZY_FETCH: '1',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
  };
  delete env.GIT_ASKPASS;
  delete env.SSH_ASKPASS;
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

const realDirs = new Map<string, string>();

/** The directory git will compare safe.directory with (it resolves symlinks in the cwd). */
function realDir(cwd: string): string {
  let real = realDirs.get(cwd);
  if (real === undefined) {
    try {
      real = realpathSync(cwd);
    } catch {
      real = cwd;
    }
    realDirs.set(cwd, real);
  }
  return real;
}

/** The full argument list for `git <args>` with every protection in place. */
export function safeGitArgs(args: string[], options: GitSpawnOptions): string[] {
  const hooks = options.repositoryHooksPath ? [] : ['-c', `core.hooksPath=${devNull}`];
  const config = PROTECTED.flatMap((setting) => ['-c', setting]);
  const [command, ...rest] = args;
  const extra = (command && SUBCOMMAND_FLAGS[command]) || [];
  const owned = ['-c', `safe.directory=${realDir(options.cwd)}`];
  return ['--no-pager', ...config, ...hooks, ...owned, ...(command ? [command, ...extra, ...rest] : [])];
}

/** Start git with piped stdio. The only place in keyguard that spawns git. */
export function spawnGit(args: string[], options: GitSpawnOptions): ChildProcessWithoutNullStreams {
  return spawn('git', safeGitArgs(args, options), {
    cwd: options.cwd,
    env: gitEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Git refused a repository owned by another user. */
export class GitOwnershipError extends InputError {}

const DUBIOUS = /detected dubious ownership in repository at '([^\n]*)'/;

/** A GitOwnershipError when git's stderr is its dubious-ownership refusal, else undefined. */
export function ownershipError(stderr: string): GitOwnershipError | undefined {
  const match = DUBIOUS.exec(stderr);
  if (!match) return undefined;
  const path = match[1]!;
  return new GitOwnershipError(
    `git refuses the repository at ${path}: it belongs to another user ("dubious ownership"); keyguard ` +
      `reads such a repository only when run in its top folder (cd ${path}), or trust it with ` +
      `\`git config --global --add safe.directory ${path}\`.`,
  );
}
