import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { hint } from '../key/fingerprint.js';
import { isSecretEnvFile } from '../shared/env-files.js';
import { readRepoText } from '../shared/repo-files.js';
import { diagnoseKey, type Expected, type Problem } from './diagnose.js';
import { findKey } from './find-key.js';

export interface CheckKeyOptions {
  variable: string;
  envFile: string;
  /** The user named the env file, so it must exist. */
  explicitEnvFile: boolean;
  live: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  baseUrl?: string;
  timeoutMs?: number;
}

export interface LiveResult {
  status: 'active' | 'inactive' | 'forbidden' | 'unknown' | 'skipped';
  detail: string;
  httpStatus?: number;
  requestId?: string;
}

/** `keyguard check --format json`: everything said about the key, never the key. */
export interface KeyCheck {
  version: 1;
  variable: string;
  found: boolean;
  source: 'environment' | 'file' | null;
  file: string | null;
  /** The env file sets the variable too, and is ignored because the environment wins. */
  shadowed: { file: string; same: boolean } | null;
  hint: string | null;
  length: number | null;
  expected: Expected;
  kind: string | null;
  wellFormed: boolean;
  problems: Problem[];
  /** Only wrapping is wrong (quotes, spaces, Bearer): the key inside looks right. */
  keyInsideLooksRight: boolean;
  live: LiveResult | null;
  ok: boolean;
}

/** Env files in `cwd` other than the one read that set the variable (Next.js reads .env.local…). */
async function otherEnvFiles(cwd: string, variable: string, read: string): Promise<string[]> {
  const names = await readdir(cwd).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names.filter((n) => isSecretEnvFile(n) && n !== read).sort()) {
    const text = (await readRepoText(join(cwd, name), { root: cwd }).catch(() => undefined)) ?? '';
    if (parse(text)[variable]?.trim()) out.push(name);
  }
  return out;
}

/** An admin key variable (ANTHROPIC_ADMIN_API_KEY…) expects an admin key; anything else an API key. */
export function expectedKind(variable: string): Expected {
  return /ADMIN/i.test(variable) ? 'admin' : 'api';
}

export async function checkKey(options: CheckKeyOptions): Promise<KeyCheck> {
  const expected = expectedKind(options.variable);
  const found = await findKey({
    variable: options.variable,
    env: options.env,
    cwd: options.cwd,
    envFile: options.envFile,
    explicit: options.explicitEnvFile,
  });
  const base = { version: 1 as const, variable: options.variable };
  if (!found) {
    const elsewhere = await otherEnvFiles(options.cwd, options.variable, options.envFile);
    const verb = elsewhere.length === 1 ? 'sets' : 'set';
    const tip = elsewhere.length ? ` (${elsewhere.join(', ')} ${verb} it: pass --env-file ${elsewhere[0]})` : '';
    return {
      ...base,
      found: false,
      source: null,
      file: null,
      shadowed: null,
      hint: null,
      length: null,
      expected,
      kind: null,
      wellFormed: false,
      problems: [{ code: 'missing', message: `is not set in the environment or in ${options.envFile}${tip}` }],
      keyInsideLooksRight: false,
      live: null,
      ok: false,
    };
  }
  const diagnosis = diagnoseKey(found.value, expected);
  const wellFormed = diagnosis.problems.length === 0;
  let live: LiveResult | null = null;
  if (options.live && !wellFormed) {
    live = { status: 'skipped', detail: 'not sent: the value is not a well-formed key' };
  } else if (options.live) {
    const { verifyAdminKey, verifyApiKey } = await import('../anthropic/client.js');
    const verify = expected === 'admin' ? verifyAdminKey : verifyApiKey;
    const result = await verify(diagnosis.core, {
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      env: options.env,
    });
    live = {
      status: result.status,
      detail: result.detail,
      ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
      ...(result.requestId ? { requestId: result.requestId } : {}),
    };
  }
  return {
    ...base,
    found: true,
    source: found.source,
    file: found.file ?? null,
    shadowed: found.shadowed ?? null,
    // Short or foreign values would be mostly shown by a hint: only key-shaped ones get one.
    hint: diagnosis.core.startsWith('sk-') && diagnosis.core.length > 20 ? hint(diagnosis.core) : null,
    length: found.value.length,
    expected,
    kind: diagnosis.kind ?? null,
    wellFormed,
    problems: diagnosis.problems,
    keyInsideLooksRight: !wellFormed && diagnosis.coreWellFormed,
    live,
    ok: wellFormed && (live === null || live.status === 'active'),
  };
}

/** 0 ok · 1 missing, malformed, inactive or not permitted · 2 the live check could not tell. */
export function checkExitCode(check: KeyCheck): number {
  if (!check.ok && check.live?.status === 'unknown') return 2;
  return check.ok ? 0 : 1;
}
