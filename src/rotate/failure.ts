import { scrubSecrets } from '../key/scrub.js';
import { KeyguardError } from '../shared/errors.js';
import type { VerifyResult } from './ports.js';
import { RetriesExhausted } from './retry.js';

/** Thrown by a test hook to stop the engine as a kill would: no cleanup, no audit, state left as is. */
export class Interrupted extends Error {}

/** Exit codes of a run stopped on a signal: 128 + the signal's number, as a shell reports it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** The user asked to stop (Ctrl-C, SIGTERM): the run stopped between two steps, its state recorded. */
export class StopRequested extends KeyguardError {
  constructor(message: string, signal: unknown) {
    super(message, SIGNAL_EXIT[String(signal)] ?? 130);
  }
}

/** A failure whose exit code is already decided (3, 4, 5…). */
export function failure(code: number, message: string, details: string[] = []): KeyguardError {
  return new KeyguardError(scrubSecrets(message), code, details);
}

export function describe(error: unknown): string {
  if (error instanceof RetriesExhausted) return `${describe(error.last)} (gave up after ${error.attempts} attempts)`;
  return scrubSecrets(error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

export function errorCode(error: unknown): string {
  if (error instanceof RetriesExhausted) return 'RetriesExhausted';
  if (error instanceof Error) return error.name;
  return 'Error';
}

export class TransientVerify extends Error {
  readonly transient = true;
  readonly retryAfterMs: number | undefined;
  constructor(readonly result: VerifyResult) {
    super(`the Anthropic API answered ${result.httpStatus ?? 'nothing'}: ${result.detail}`);
    this.retryAfterMs = result.retryAfterSeconds === undefined ? undefined : result.retryAfterSeconds * 1000;
  }
}
