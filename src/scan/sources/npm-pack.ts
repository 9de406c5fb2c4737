import { execFile } from 'node:child_process';
import { InputError } from '../../shared/errors.js';
import type { ScanResult } from '../finding.js';
import { type ScanOptions, scanWorktree } from '../scan.js';

/**
 * Paths of the files `npm pack --dry-run --json` would put in the tarball, relative to the package.
 * A pure function of npm's output so it can be tested with tables.
 */
export function parsePackList(stdout: string): string[] {
  let parsed: unknown;
  try {
    // npm may print notices before the JSON document; the document starts at the first `[`.
    parsed = JSON.parse(stdout.slice(Math.max(0, stdout.indexOf('['))));
  } catch {
    throw new InputError('npm pack --dry-run --json did not print JSON.');
  }
  const first = Array.isArray(parsed) ? (parsed[0] as { files?: unknown } | undefined) : undefined;
  if (!first || !Array.isArray(first.files)) throw new InputError('npm pack --dry-run --json listed no files.');
  return first.files
    .map((f: unknown) => (f as { path?: unknown }).path)
    .filter((p): p is string => typeof p === 'string' && p.length > 0);
}

/** npm's own one-line reason for a failure: the `summary` of its --json error, else its first error line. */
export function packError(stdout: string, stderr: string): string {
  try {
    const summary = (JSON.parse(stdout) as { error?: { summary?: unknown } }).error?.summary;
    if (typeof summary === 'string' && summary) return summary.split('\n')[0]!.replace(/\.$/, '');
  } catch {
    // not JSON: fall back to stderr
  }
  const line = stderr.split('\n').find((l) => /^npm (error|ERR!)/.test(l) && !/A complete log/.test(l));
  return line ? line.replace(/^npm (error|ERR!)\s*/, '') : 'no reason given';
}

/**
 * Ask npm which files it would publish. Lifecycle scripts are not run (`--ignore-scripts`): listing
 * must not rebuild the package, and a `prepack` that calls keyguard would otherwise call itself.
 */
function listPackFiles(cwd: string): Promise<string[]> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((resolve, reject) => {
    execFile(
      npm,
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd, maxBuffer: 256 * 1024 * 1024, shell: process.platform === 'win32' },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return reject(new InputError('--npm-pack needs npm on the PATH.'));
          return reject(new InputError(`npm pack failed in ${cwd}: ${packError(stdout, stderr)}.`));
        }
        try {
          resolve(parsePackList(stdout));
        } catch (parseError) {
          reject(parseError);
        }
      },
    );
  });
}

/** Scan exactly the files `npm publish` would ship from the package in `options.cwd`. */
export async function scanNpmPack(options: ScanOptions): Promise<ScanResult> {
  const files = await listPackFiles(options.cwd);
  // Shipped files are scanned whether git ignores them or not: dist/ is usually ignored and shipped.
  return scanWorktree(files, { ...options, noGitignore: true });
}
