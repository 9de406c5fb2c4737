import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { containsSecret } from '../key/scrub.js';
import { KeyguardError } from '../shared/errors.js';
import type { SecretVersion } from './stores/store.js';

/** Phases in order; a resumed run skips every phase at or before the recorded one. */
export const PHASES = ['started', 'verified', 'staged', 'promoted', 'succeeded', 'finished'] as const;
export type ActivePhase = (typeof PHASES)[number];
export type Phase = ActivePhase | 'failed' | 'rolled-back' | 'rollback-failed';

export interface KeyRef {
  hint: string;
  fingerprint: string;
  apiKeyId: string | null;
  workspaceId?: string | null;
}

/** `.keyguard/state/<env>.json`: everything a resumed run needs, and never a key. */
export interface RotationState {
  v: 1;
  rotationId: string;
  environment: string;
  phase: Phase;
  startedAt: string;
  updatedAt: string;
  store: { type: string; locator: string };
  previousVersion: SecretVersion | null;
  stagedVersion: SecretVersion | null;
  oldKey: KeyRef;
  newKey: KeyRef;
  deactivatedAt?: string;
}

export function isInFlight(state: RotationState | undefined): boolean {
  return state !== undefined && ['started', 'verified', 'staged', 'promoted'].includes(state.phase);
}

export function phaseDone(state: RotationState | undefined, phase: ActivePhase): boolean {
  if (!state) return false;
  const at = PHASES.indexOf(state.phase as ActivePhase);
  return at >= 0 && at >= PHASES.indexOf(phase);
}

export function stateDir(configDir: string): string {
  return join(configDir, '.keyguard', 'state');
}

export function statePath(dir: string, environment: string): string {
  return join(dir, `${environment}.json`);
}

export async function readState(dir: string, environment: string): Promise<RotationState | undefined> {
  const file = statePath(dir, environment);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyguardError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
  try {
    const state = JSON.parse(text) as RotationState;
    if (state.v !== 1 || typeof state.rotationId !== 'string') throw new Error('shape');
    return state;
  } catch {
    throw new KeyguardError(`${file} is damaged; move it away to start a new rotation.`);
  }
}

/** Write atomically (temp file + rename, mode 0600), refusing anything that holds a key. */
export async function writeState(dir: string, state: RotationState): Promise<void> {
  const text = `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`;
  if (containsSecret(text)) throw new KeyguardError('refusing to write rotation state that holds a key.');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = statePath(dir, state.environment);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new KeyguardError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
}
