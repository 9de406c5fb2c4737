import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fingerprint, isFingerprint } from '../../key/fingerprint.js';
import { formatTrace, TRACE_FORMATS, type TraceFormat } from '../../scan/history/trace-report.js';
import { InputError, UsageError } from '../../shared/errors.js';
import { addCommonOptions, type CommonOptions, emitReport } from '../common.js';
import { type CommandContext, readStdin } from '../io.js';

interface TraceFlags extends CommonOptions {
  keyFile?: string;
  fingerprint?: string;
}

const EXAMPLES = `
The key never goes on the command line: pipe it on stdin, point --key-file at a file holding it, or
pass its SHA-256 with --fingerprint (from a finding, a baseline or an audit event).

Examples:
  $ pbpaste | keyguard trace                      key from the clipboard, text report
  $ keyguard trace --key-file leaked.txt -f markdown -o incident.md
  $ keyguard trace --fingerprint 3f2a…e91c --format json

Exit codes:
  0  the key is nowhere in this repository
  1  the key was found
  2  error (no key given, not a repository)
`;

/** The one key in some text (stdin or a file), as its fingerprint. The key itself stays here. */
async function fingerprintOf(text: Buffer, source: string): Promise<string> {
  const { detect } = await import('../../scan/detect/detector.js');
  const secrets = new Set(detect(text).map((d) => d.secret));
  if (secrets.size === 0) throw new InputError(`no Anthropic key found in ${source}.`);
  if (secrets.size > 1) throw new InputError(`${source} holds ${secrets.size} different keys; trace one at a time.`);
  return fingerprint([...secrets][0]!);
}

async function target(ctx: CommandContext, flags: TraceFlags): Promise<string> {
  if (flags.fingerprint !== undefined) {
    if (flags.keyFile) throw new UsageError('use either --fingerprint or --key-file, not both.');
    const value = flags.fingerprint.trim().toLowerCase();
    if (!isFingerprint(value)) throw new UsageError('--fingerprint takes the 64-character hex SHA-256 of a key.');
    return value;
  }
  if (flags.keyFile) {
    let text: Buffer;
    try {
      text = await readFile(resolve(ctx.io.cwd, flags.keyFile));
    } catch (error) {
      throw new InputError(`cannot read ${flags.keyFile} (${(error as NodeJS.ErrnoException).code}).`);
    }
    return fingerprintOf(text, flags.keyFile);
  }
  if (!ctx.io.stdin || ctx.io.stdinIsTTY) {
    throw new UsageError('give the key on stdin (e.g. `pbpaste | keyguard trace`), with --key-file, or --fingerprint.');
  }
  return fingerprintOf(await readStdin(ctx.io), 'stdin');
}

export function registerTrace(program: Command, ctx: CommandContext): void {
  const command = program
    .command('trace')
    .description('incident view of one key: every commit, path, ref and remote where it lives');
  addCommonOptions(command, TRACE_FORMATS)
    .option('--key-file <file>', 'read the key from this file (never pass a key as an argument)')
    .option('--fingerprint <sha256>', 'trace by fingerprint instead of the key')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: TraceFlags) => {
      const wanted = await target(ctx, flags);
      const { traceKey } = await import('../../scan/history/trace.js');
      const trace = await traceKey(ctx.io.cwd, wanted);
      await emitReport(ctx, formatTrace(trace, flags.format as TraceFormat), flags.output);
      if (flags.format !== 'text' && !flags.quiet)
        for (const warning of trace.warnings) ctx.err(`keyguard: warning: ${warning}\n`);
      ctx.setExitCode(trace.locations.length > 0 ? 1 : 0);
    });
}
