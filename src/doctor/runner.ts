import { loadConfig } from '../config/loader.js';
import { RepoFileError } from '../shared/repo-files.js';
import { clientExposedKey } from './checks/client-exposed-key.js';
import { dockerignoreEnv } from './checks/dockerignore-env.js';
import { envExampleRealKey } from './checks/env-example-real-key.js';
import { envInHistory } from './checks/env-in-history.js';
import { envPermissions } from './checks/env-permissions.js';
import { envTracked } from './checks/env-tracked.js';
import { gitignoreEnv } from './checks/gitignore-env.js';
import { keyReusedAcrossEnvs } from './checks/key-reused-across-envs.js';
import { preCommitHook } from './checks/pre-commit-hook.js';
import { buildContext } from './context.js';
import type { Check, CheckResult } from './types.js';

/** Every check, in report order (DESIGN §5). */
export const CHECKS: readonly Check[] = [
  gitignoreEnv,
  envTracked,
  envInHistory,
  envPermissions,
  envExampleRealKey,
  keyReusedAcrossEnvs,
  clientExposedKey,
  dockerignoreEnv,
  preCommitHook,
];

export interface DoctorOptions {
  /** Directory to check (the work tree containing it, inside git). */
  path: string;
  config?: string;
  fix?: boolean;
}

export interface DoctorReport {
  root: string;
  checks: CheckResult[];
  /** With --fix: what was changed, per check id. */
  fixed: Record<string, string[]>;
  /** Files skipped as unsafe to read or write (a FIFO, a link out of the tree), one sentence each. */
  warnings: string[];
  durationMs: number;
}

async function runAll(
  options: DoctorOptions,
): Promise<{ root: string; checks: CheckResult[]; ctx: Awaited<ReturnType<typeof buildContext>> }> {
  const loaded = await loadConfig(options.path, options.config);
  const ctx = await buildContext(options.path, loaded);
  const checks = await Promise.all(CHECKS.map((check) => check.run(ctx)));
  return { root: ctx.root, checks, ctx };
}

/**
 * Run every check; with `fix`, repair what can be repaired (one check after the other, since fixes
 * write files), then check again so the report shows the state after the fixes.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const started = performance.now();
  const first = await runAll(options);
  const fixed: Record<string, string[]> = {};
  const warnings = first.ctx.warnings;
  if (!options.fix)
    return {
      root: first.root,
      checks: first.checks,
      fixed,
      warnings,
      durationMs: Math.round(performance.now() - started),
    };
  for (const [i, check] of CHECKS.entries()) {
    const result = first.checks[i]!;
    if (!check.fix || result.status === 'pass' || result.status === 'skip') continue;
    let changes: string[];
    try {
      changes = await check.fix(first.ctx, result);
    } catch (error) {
      // A fix refused by the write door (a link, a FIFO) stops that fix only; the others still run.
      if (!(error instanceof RepoFileError)) throw error;
      warnings.push(`${check.id}: not fixed: ${error.message}`);
      continue;
    }
    if (changes.length) fixed[check.id] = changes;
  }
  const after = Object.keys(fixed).length ? await runAll(options) : first;
  for (const w of after.ctx.warnings) if (!warnings.includes(w)) warnings.push(w);
  return {
    root: after.root,
    checks: after.checks,
    fixed,
    warnings,
    durationMs: Math.round(performance.now() - started),
  };
}

/** 1 when a check failed, or with `strict` when one warned; 0 otherwise. */
export function doctorExitCode(checks: CheckResult[], strict: boolean): number {
  if (checks.some((c) => c.status === 'fail')) return 1;
  return strict && checks.some((c) => c.status === 'warn') ? 1 : 0;
}
