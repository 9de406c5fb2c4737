import { basename } from 'node:path';
import { TEMP_MARK } from '../shared/repo-files.js';

/**
 * What counts as an env file, and which env files are templates. Names only: the checks decide
 * with git and the file system what these names mean in a given repository.
 */

/** Env files every repository should ignore, present or not (DESIGN §5), with the pattern `--fix` adds. */
export const REQUIRED_ENV_FILES: ReadonlyArray<{ name: string; pattern: string }> = [
  { name: '.env', pattern: '.env' },
  { name: '.env.local', pattern: '.env.local' },
  { name: '.env.development.local', pattern: '.env.*.local' },
  { name: '.env.production', pattern: '.env.production' },
  { name: '.env.staging', pattern: '.env.staging' },
  { name: '.env.development', pattern: '.env.development' },
  // What a rotation killed mid-write leaves beside an env file (src/shared/repo-files.ts replaceFile).
  { name: `.env${TEMP_MARK}0`, pattern: `*${TEMP_MARK}*` },
];

/** Source files that happen to be named like env files (`.env.ts`, `load.env.js`) are code. */
const CODE_EXTENSION = /\.(?:[cm]?[jt]sx?|d\.ts|json|ya?ml|md|sh|py|rb|go|rs|java|php|toml)$/i;
const TEMPLATE_WORD = /(?:^|[.\-_])(?:example|examples|sample|template|tpl|dist|defaults?|schema)(?:[.\-_]|$)/i;

export function isEnvFile(path: string): boolean {
  const name = basename(path);
  // `.env.keyguard-tmp-1a2b`, `dev.env.keyguard-tmp-1a2b`: a rewrite's leftover holds the same values.
  const mark = name.indexOf(TEMP_MARK);
  if (mark > 0) return isEnvFile(name.slice(0, mark));
  if (CODE_EXTENSION.test(name)) return false;
  return name === '.env' || name.startsWith('.env.') || (name.endsWith('.env') && name.length > 4);
}

/** `.env.example`, `.env.sample`, `.env.template`, `example.env`…: meant to be committed, placeholders only. */
export function isTemplate(path: string): boolean {
  return TEMPLATE_WORD.test(basename(path));
}

/** An env file that holds real values (not a template). */
export function isSecretEnvFile(path: string): boolean {
  return isEnvFile(path) && !isTemplate(path);
}

/** The glob that finds env files on disk (fast-glob syntax). */
export const ENV_FILE_GLOBS = ['**/.env', '**/.env.*', '**/*.env', `**/*.env${TEMP_MARK}*`];

/** Folders never walked for env files: dependencies and VCS internals. */
export const WALK_IGNORE = ['**/node_modules/**', '**/.git/**', '**/.venv/**', '**/vendor/**'];
