/**
 * Typed errors. Each carries the exit code it maps to; src/cli/main.ts is the only place that
 * turns them into output and an exit status. Messages are one sentence a user can act on and
 * never contain a secret.
 */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  newKeyRejected: 3,
  transient: 4,
  storeWriteFailed: 5,
  rolledBack: 6,
  rollbackFailed: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class KeyguardError extends Error {
  readonly exitCode: number;
  /** Extra lines printed after the message (e.g. manual recovery steps). */
  readonly details: string[];
  constructor(message: string, exitCode: number = ExitCode.usage, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** Bad flags or arguments. */
export class UsageError extends KeyguardError {}

/** A config file that cannot be read or does not validate. */
export class ConfigError extends KeyguardError {}

/** Input that cannot be scanned: a missing path, not a repository, a bad baseline. */
export class InputError extends KeyguardError {}

/** A git command failed. */
export class GitError extends KeyguardError {}

/** A secrets store call failed; exit code chosen by the rotation engine. */
export class StoreError extends KeyguardError {
  readonly transient: boolean;
  constructor(message: string, options: { transient?: boolean; exitCode?: number } = {}) {
    super(message, options.exitCode ?? ExitCode.storeWriteFailed);
    this.transient = options.transient ?? false;
  }
}

export function isKeyguardError(error: unknown): error is KeyguardError {
  return error instanceof KeyguardError;
}
