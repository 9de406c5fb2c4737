import type { KeyguardConfig } from '../config/types.js';

export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** One line of `keyguard doctor --format json` (DESIGN §5). */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  message: string;
  /** Files the result is about, relative to the checked directory, `/`-separated. */
  paths: string[];
  /** What to do about it; empty when there is nothing to do. */
  fix: string;
}

/** What every check may look at, gathered once per run. */
export interface DoctorContext {
  /** The directory checked: the top of the work tree, or the given path outside git. */
  root: string;
  /** True inside a git work tree; git-based checks skip otherwise. */
  git: boolean;
  /** Env files holding values (not templates), found on disk, ignored or not. */
  envFiles: string[];
  /** Template env files (`.env.example`…) found on disk. */
  templates: string[];
  /** Dockerfiles found on disk. */
  dockerfiles: string[];
  /** Outside git: every file walked (build output and dependencies left out). Empty inside git. */
  visible: string[];
  /** Paths in the index (empty outside git). */
  tracked: string[];
  config: KeyguardConfig;
  /** Directory paths in the config are relative to. */
  configDir: string;
  /**
   * Read a file under root once, whatever the number of checks asking (undefined if unreadable),
   * through the repository-file door: a FIFO, device or link out of the tree is skipped with a warning.
   */
  read: (path: string) => Promise<Buffer | undefined>;
  /** Files skipped as unsafe to read or write, one sentence each; printed on stderr by the command. */
  warnings: string[];
}

export interface Check {
  id: string;
  run: (ctx: DoctorContext) => Promise<CheckResult>;
  /** Repair what `run` found; returns one line per change made (none when there was nothing to do). */
  fix?: (ctx: DoctorContext, result: CheckResult) => Promise<string[]>;
}

export const pass = (id: string, message: string, paths: string[] = []): CheckResult => ({
  id,
  status: 'pass',
  message,
  paths,
  fix: '',
});

export const skip = (id: string, reason: string): CheckResult => ({
  id,
  status: 'skip',
  message: reason,
  paths: [],
  fix: '',
});

export const NOT_A_REPOSITORY = 'not a git repository';
