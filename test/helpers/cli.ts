import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliIO, CliResult } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';
import { GIT_ENV } from './git.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'keyguard.js');

/** Run the CLI in-process, as a function. */
export function cli(argv: string[], io: Partial<CliIO> & { stdinText?: string | Buffer } = {}): Promise<CliResult> {
  const { stdinText, ...rest } = io;
  const stdin =
    stdinText === undefined
      ? undefined
      : (async function* () {
          yield Buffer.isBuffer(stdinText) ? stdinText : Buffer.from(stdinText);
        })();
  return run(argv, { cwd: process.cwd(), env: { ...GIT_ENV, NO_COLOR: '1', CI: 'true' }, stdin, ...rest });
}

/** Spawn the real bin (built dist/), for exit codes and piped output. */
export function spawnCli(
  argv: string[],
  options: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // As the bin's shebang does: `--` keeps Node 20 from reading our --env-file flag as its own.
    const child = spawn(process.execPath, ['--', BIN, ...argv], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...GIT_ENV, NO_COLOR: '1', CI: 'true', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.stdin.on('error', () => {});
    child.on('close', (code) =>
      resolve({
        exitCode: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}
